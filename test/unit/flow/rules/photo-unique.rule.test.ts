import { expect } from 'chai';
import { photoUniqueRule } from '../../../../core/flow/rules/photo-unique.rule.js';
import type { ReportAttachment } from '../../../../core/flow/types.js';
import { aPhoto, aPhotoEvidence, anEarlierPhoto, anEvidenceContext, aVisitFacts, codes, sh } from '../support/builders.js';

/** The report's 门头照 whose upload found `earlier` nearby. */
function factsWith(earlier: ReturnType<typeof anEarlierPhoto>, capturedAt: Date | null = sh('10:02'), extra: ReportAttachment[] = []) {
  const photo = { ...aPhoto(1, ['门头照'], capturedAt), photo: aPhotoEvidence({ similar: [earlier] }) };
  return aVisitFacts({ customer: { id: 1 }, report: { attachments: [photo, ...extra] }, evidence: anEvidenceContext() });
}

describe('photo.unique', () => {
  it('accepts the same rep photographing the same storefront again with a fresh capture time', () => {
    expect(photoUniqueRule.check(factsWith(anEarlierPhoto()), {})).to.deep.equal([]);
  });

  it('flags a photo that is another rep\'s picture and names the earlier visit', () => {
    const [f] = photoUniqueRule.check(factsWith(anEarlierPhoto({ uploadedBy: { id: 8, name: '钱多多' } })), {});
    expect(f).to.include({ code: 'PHOTO_REUSED', target: 'attachments:门头照', severity: 'error' });
    expect(f.message).to.contain('与钱多多于5月1日 10:05在「华联超市（人民广场店）」上传的照片是同一张（来自其他同事）');
    expect(f.details).to.deep.include({ reason: 'other_rep' });
    expect((f.details!.earlier as any).attachmentId).to.equal(900);
  });

  it('flags the same rep\'s photo of another customer', () => {
    const f = photoUniqueRule.check(factsWith(anEarlierPhoto({ customer: { id: 2, name: '联华超市' } })), {});
    expect(f.map((x) => x.details!.reason)).to.deep.equal(['other_customer']);
  });

  it('flags yesterday\'s photo uploaded again: its capture time is identical', () => {
    const earlier = anEarlierPhoto({ capturedAt: sh('10:02') });
    expect(photoUniqueRule.check(factsWith(earlier), {}).map((x) => x.details!.reason)).to.deep.equal(['same_capture_time']);
  });

  it('flags a near-duplicate without a capture time of its own', () => {
    expect(photoUniqueRule.check(factsWith(anEarlierPhoto(), null), {}).map((x) => x.details!.reason)).to.deep.equal(['no_capture_time']);
  });

  it('always flags identical bytes, even the same rep and customer', () => {
    const f = photoUniqueRule.check(factsWith(anEarlierPhoto({ sameBytes: true, distance: 0 })), {});
    expect(f.map((x) => x.details!.reason)).to.deep.equal(['same_bytes']);
  });

  it('ignores neighbours farther than the configured distance', () => {
    const far = anEarlierPhoto({ uploadedBy: { id: 8, name: '钱多多' }, distance: 7 });
    expect(photoUniqueRule.check(factsWith(far), { maxDistance: 5 })).to.deep.equal([]);
    expect(codes(photoUniqueRule.check(factsWith(far), {}))).to.deep.equal(['PHOTO_REUSED']);
  });

  it('does not count the rep\'s own other upload for this very action (a retried upload)', () => {
    const retry = anEarlierPhoto({ actionId: 60, sameBytes: true, distance: 0, uploadedAt: sh('10:03') });
    expect(photoUniqueRule.check(factsWith(retry), {})).to.deep.equal([]);
  });

  it('flags one picture filed twice in the same report under two tags', () => {
    const first = anEarlierPhoto({ attachmentId: 61, actionId: 60, capturedAt: sh('10:02'), uploadedAt: sh('10:03') });
    const other = aPhoto(61, ['合影'], sh('10:02'));
    expect(photoUniqueRule.check(factsWith(first, sh('10:02'), [other]), {}).map((x) => x.details!.reason)).to.deep.equal(['same_capture_time']);
  });

  it('says nothing about photos not analysed yet', () => {
    expect(photoUniqueRule.check(aVisitFacts(), {})).to.deep.equal([]);
  });
});
