import { expect } from 'chai';
import { classifyFollowUp, DEFAULT_FOLLOWUP_STANDARDS, FollowUpStandardsSchema, type FollowUpInput } from '../../../core/flow/followup.js';
import { NOW } from './support/builders.js';

const kaFollowUp = (patch: Partial<FollowUpInput> = {}): FollowUpInput => ({
  customerType: 'ka',
  actionItems: [{ text: '发送修订后的年度返利方案', dueDate: '2024-05-10' }],
  newDocuments: 1,
  decisionChainUpdated: true,
  summary: '采购总监认可新品结构，担心年度返利比例偏低，要求周五前给修订方案。',
  attachments: 0,
  ...patch,
});
const KA = DEFAULT_FOLLOWUP_STANDARDS.ka;

describe('classifyFollowUp', () => {
  it('counts a KA follow-up with a dated next step, a new document and a chain update', () => {
    const v = classifyFollowUp(kaFollowUp(), KA, NOW);
    expect(v.effective).to.equal(true);
    expect(v.reasons[0]).to.equal('有明确的下一步：「发送修订后的年度返利方案」（2024-05-10前）。');
  });

  it('lists everything a KA follow-up lacks at once', () => {
    const v = classifyFollowUp(kaFollowUp({ actionItems: [], newDocuments: 0, decisionChainUpdated: false, summary: '聊了聊' }), KA, NOW);
    expect(v.effective).to.equal(false);
    expect(v.unmet).to.deep.equal(['ACTION_ITEM_MISSING', 'NEW_DOCUMENTS_MISSING', 'DECISION_CHAIN_NOT_UPDATED', 'SUMMARY_TOO_SHORT']);
    expect(v.reasons[1]).to.contain('KA连锁客户的有效跟进需要至少1份新产生的业务文件');
  });

  it('does not accept "继续跟进" as a next step', () => {
    const v = classifyFollowUp(kaFollowUp({ actionItems: [{ text: '继续跟进', dueDate: '2024-05-10' }] }), KA, NOW);
    expect(v.reasons).to.deep.equal(['下一步「继续跟进」太笼统，请写清楚具体要做什么、什么时候做（例如“5月10日前发送报价单”）。']);
  });

  it('rejects a next step dated in the past or too far ahead', () => {
    const past = classifyFollowUp(kaFollowUp({ actionItems: [{ text: '发送报价单', dueDate: '2024-05-01' }] }), KA, NOW);
    expect(past.reasons[0]).to.contain('已经过去');
    const far = classifyFollowUp(kaFollowUp({ actionItems: [{ text: '发送报价单', dueDate: '2024-09-01' }] }), KA, NOW);
    expect(far.reasons[0]).to.contain('超过30天');
    const undated = classifyFollowUp(kaFollowUp({ actionItems: [{ text: '发送报价单' }] }), KA, NOW);
    expect(undated.reasons[0]).to.contain('没有日期');
  });

  it('accepts a next step due later today', () => {
    expect(classifyFollowUp(kaFollowUp({ actionItems: [{ text: '下午发送报价单', dueDate: '2024-05-08' }] }), KA, NOW).effective).to.equal(true);
  });

  it('asks a store follow-up for a shelf photo but not for a decision chain', () => {
    const store = DEFAULT_FOLLOWUP_STANDARDS.store;
    const base = { customerType: 'store' as const, actionItems: [{ text: '周五补货并调整陈列', dueDate: '2024-05-10' }], newDocuments: 0, decisionChainUpdated: false, summary: '店长同意把新品调到黄金陈列位' };
    expect(classifyFollowUp({ ...base, attachments: 1 }, store, NOW).effective).to.equal(true);
    expect(classifyFollowUp({ ...base, attachments: 0 }, store, NOW).unmet).to.deep.equal(['ATTACHMENTS_MISSING']);
  });

  it('ships a standard for every customer type', () => {
    expect(FollowUpStandardsSchema.safeParse(DEFAULT_FOLLOWUP_STANDARDS).success).to.equal(true);
    const { dealer: _dealer, ...missingDealer } = DEFAULT_FOLLOWUP_STANDARDS;
    expect(FollowUpStandardsSchema.safeParse(missingDealer).success).to.equal(false);
  });
});
