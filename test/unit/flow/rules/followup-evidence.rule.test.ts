import { expect } from 'chai';
import type { FollowUpClaims } from '../../../../core/flow/evidence/types.js';
import { followupEvidenceRule } from '../../../../core/flow/rules/followup-evidence.rule.js';
import { aVisitFacts, sh } from '../support/builders.js';

const claims = (patch: Partial<FollowUpClaims>): FollowUpClaims => ({
  declaredDocuments: 0, declaredChainUpdate: false, window: { start: sh('09:00', '2024-05-01'), end: sh('11:00') },
  documents: [], contactChanges: [], ...patch,
});
const check = (c: FollowUpClaims) => followupEvidenceRule.check(aVisitFacts({ followUp: c }), {});

describe('followup.evidence', () => {
  it('passes claims backed by a document uploaded in the window and a recorded role change', () => {
    expect(check(claims({
      declaredDocuments: 1, declaredChainUpdate: true,
      documents: [{ id: 5, name: '报价单.pdf', createdAt: sh('10:00') }],
      contactChanges: [{ contactId: 3, name: '王经理', at: sh('10:10'), change: '角色：影响者 → 决策者' }],
    }))).to.deep.equal([]);
  });

  it('flags a declared document count with nothing uploaded', () => {
    const [f] = check(claims({ declaredDocuments: 2 }));
    expect(f).to.include({ code: 'FOLLOWUP_UNSUPPORTED', target: 'newDocuments' });
    expect(f.message).to.contain('填写了 2 份新文件').and.contain('只有 0 份');
  });

  it('flags an old file passed off as a new document and names it', () => {
    const [f] = check(claims({ documents: [{ id: 5, name: '去年方案.docx', createdAt: sh('10:00', '2024-03-01') }] }));
    expect(f.message).to.contain('「去年方案.docx」是 3月1日 10:00 上传的旧文件');
  });

  it('flags a ticked decision-chain box with no contact change recorded', () => {
    expect(check(claims({ declaredChainUpdate: true })).map((f) => f.target)).to.deep.equal(['decisionChain']);
  });
});
