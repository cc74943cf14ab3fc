import { expect } from 'chai';
import { attachmentsMinRule } from '../../../../core/flow/rules/attachments-min.rule.js';
import { aPhoto, aVisitFacts, codes } from '../support/builders.js';

const photos = { min: 2, attachmentKind: 'photo' as const, label: '现场照片', requireTags: ['门头照', '合影'] };

describe('attachments.min', () => {
  it('passes two photos tagged 门头照 and 合影', () => {
    expect(attachmentsMinRule.check(aVisitFacts(), photos)).to.deep.equal([]);
  });

  it('rejects a visit report with one photo and names the missing 合影', () => {
    const facts = aVisitFacts({ report: { attachments: [aPhoto(1, ['门头照'])] } });
    const failures = attachmentsMinRule.check(facts, photos);
    expect(codes(failures)).to.deep.equal(['ATTACHMENTS_TOO_FEW', 'ATTACHMENT_TAG_MISSING']);
    expect(failures[0].message).to.equal('现场照片至少需要2张，目前只有1张，还差1张。请补拍后再提交。');
    expect(failures[1]).to.include({ target: 'attachments:合影', severity: 'error' });
    expect(failures[1].message).to.contain('还差1张合影');
  });

  it('names both tags when two untagged photos were uploaded', () => {
    const facts = aVisitFacts({ report: { attachments: [aPhoto(1, []), aPhoto(2, [])] } });
    const failures = attachmentsMinRule.check(facts, photos);
    expect(failures.map((f) => f.target)).to.deep.equal(['attachments:门头照', 'attachments:合影']);
  });

  it('counts only the configured attachment kind (a voice memo is not a photo)', () => {
    const facts = aVisitFacts();
    const failures = attachmentsMinRule.check(facts, { min: 3, attachmentKind: 'photo' });
    expect(failures[0].message).to.contain('还差1张');
  });

  it('asks for a voice memo in its own words when none was recorded', () => {
    const facts = aVisitFacts({ report: { attachments: [] } });
    const [f] = attachmentsMinRule.check(facts, { min: 1, attachmentKind: 'voice', label: '语音纪要' });
    expect(f.message).to.equal('语音纪要至少需要1条，目前还没有，还差1条。请补录后再提交。');
  });

  it('restricts the pool to a tag and targets that tag', () => {
    const facts = aVisitFacts();
    const [f] = attachmentsMinRule.check(facts, { min: 2, tag: '合影' });
    expect(f).to.include({ code: 'ATTACHMENTS_TOO_FEW', target: 'attachments:合影' });
  });
});
