import { expect } from 'chai';
import { photoCapturedWithinRule } from '../../../../core/flow/rules/photo-captured-within.rule.js';
import { aPhoto, aVisitFacts, codes, sh } from '../support/builders.js';

describe('photo.captured_within', () => {
  it('passes photos taken inside the visit window', () => {
    expect(photoCapturedWithinRule.check(aVisitFacts(), { missingExif: 'fail' })).to.deep.equal([]);
  });

  it('rejects a photo taken the day before and says when it was taken', () => {
    const facts = aVisitFacts({ report: { attachments: [aPhoto(1, ['门头照'], sh('16:30', '2024-05-07'))] } });
    const [f] = photoCapturedWithinRule.check(facts, { missingExif: 'fail' });
    expect(f).to.include({ code: 'PHOTO_STALE', target: 'attachments:门头照' });
    expect(f.message).to.contain('拍摄于 5月7日 16:30').and.contain('5月8日 09:45 至 5月8日 10:45');
  });

  it('warns or fails on a photo without EXIF, as configured', () => {
    const facts = aVisitFacts({ report: { attachments: [aPhoto(1, ['合影'], null)] } });
    expect(photoCapturedWithinRule.check(facts, { missingExif: 'warn' })[0]).to.include({ code: 'PHOTO_NO_CAPTURE_TIME', severity: 'warning' });
    expect(photoCapturedWithinRule.check(facts, { missingExif: 'fail' })[0]).to.include({ severity: 'error' });
  });

  it('falls back to check-in time ± hours when there is no visit window', () => {
    const facts = aVisitFacts({ report: { visitWindow: undefined, attachments: [aPhoto(1, [], sh('11:30')), aPhoto(2, [], sh('13:30'))] } });
    expect(photoCapturedWithinRule.check(facts, { missingExif: 'fail', hoursAfter: 2 })).to.have.length(1);
    expect(photoCapturedWithinRule.check(facts, { missingExif: 'fail', hoursAfter: 4 })).to.deep.equal([]);
  });

  it('only checks photos with the configured tags', () => {
    const facts = aVisitFacts({ report: { attachments: [aPhoto(1, ['门头照']), aPhoto(2, ['货架'], null)] } });
    expect(photoCapturedWithinRule.check(facts, { tags: ['门头照'], missingExif: 'fail' })).to.deep.equal([]);
  });

  it('warns that times cannot be verified without a window or check-in', () => {
    const facts = aVisitFacts({ report: { visitWindow: undefined, checkIn: undefined } });
    expect(codes(photoCapturedWithinRule.check(facts, { missingExif: 'fail' }))).to.deep.equal(['PHOTO_TIME_UNVERIFIABLE']);
  });
});
