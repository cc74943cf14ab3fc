import { expect } from 'chai';
import { customerSilentRule } from '../../../../core/scoring/rules/customer-silent.rule.js';
import { decisionMakerMetRule } from '../../../../core/scoring/rules/decision-maker-met.rule.js';
import { documentDownloadedRule, mostWithin } from '../../../../core/scoring/rules/document-downloaded.rule.js';
import { evidenceDoubtfulRule } from '../../../../core/scoring/rules/evidence-doubtful.rule.js';
import { followupEffectiveRatioRule } from '../../../../core/scoring/rules/followup-effective-ratio.rule.js';
import { legalReviewSkippedRule } from '../../../../core/scoring/rules/legal-review-skipped.rule.js';
import { stageDwellRule } from '../../../../core/scoring/rules/stage-dwell.rule.js';
import { aDeal, aDocument, daysAgo } from '../support.js';

const SEED = { tag: '延长质保条款', stage: 'negotiation', minDownloads: 3, withinDays: 3, odds: 1.23, pack: '同类客户质保谈判话术包' };

describe('signal rule document.downloaded (the seed\'s rule)', () => {
  it('fires on a 延长质保条款 shared in 商务谈判 downloaded 3 times within 3 days, at odds × 1.23 with the pack to push', () => {
    const doc = aDocument({ downloads: [daysAgo(5), daysAgo(4.5), daysAgo(3), daysAgo(2.5)] });
    const s = documentDownloadedRule.check(aDeal({ documents: [doc] }), SEED);
    expect(s).to.deep.equal({ weight: Math.log(1.23), reason: '客户3天内下载《延长质保条款.pdf》4次', evidence: { linkId: 7, downloads: 4, pack: '同类客户质保谈判话术包' } });
  });

  it('stays silent for downloads spread wider than the days, another tag, or a document shared in another stage', () => {
    const spread = aDocument({ downloads: [daysAgo(20), daysAgo(10), daysAgo(1)] });
    const burst = [daysAgo(3), daysAgo(2), daysAgo(1)];
    expect(documentDownloadedRule.check(aDeal({ documents: [spread] }), SEED)).to.equal(null);
    expect(documentDownloadedRule.check(aDeal({ documents: [aDocument({ tags: ['报价单'], downloads: burst })] }), SEED)).to.equal(null);
    expect(documentDownloadedRule.check(aDeal({ documents: [aDocument({ sharedInStage: 'solution_quote', downloads: burst })] }), SEED)).to.equal(null);
    expect(documentDownloadedRule.check(aDeal({ documents: [aDocument({ sharedInStage: 'solution_quote', downloads: burst })] }), { ...SEED, stage: '' })).to.not.equal(null);
  });

  it('counts the most downloads in any window of the days', () => {
    expect(mostWithin([daysAgo(10), daysAgo(9), daysAgo(3), daysAgo(2.5), daysAgo(0.5)], 3)).to.equal(3);
    expect(mostWithin([], 3)).to.equal(0);
  });
});

describe('the other default signal rules', () => {
  it('decision_maker.met: a checked visit that met the decision maker within the days raises the odds', () => {
    expect(decisionMakerMetRule.check(aDeal({ decisionMakerMetAt: daysAgo(10) }), { withinDays: 60, odds: 1.8 }))
      .to.deep.equal({ weight: Math.log(1.8), reason: '60天内的核验拜访见到了决策人' });
    expect(decisionMakerMetRule.check(aDeal({ decisionMakerMetAt: daysAgo(61) }), { withinDays: 60, odds: 1.8 })).to.equal(null);
    expect(decisionMakerMetRule.check(aDeal(), { withinDays: 60, odds: 1.8 })).to.equal(null);
  });

  it('legal_review.skipped lowers the odds of a deal that jumped over 法务审核', () => {
    expect(legalReviewSkippedRule.check(aDeal({ legalReviewSkipped: true }), { odds: 0.6 })).to.deep.equal({ weight: Math.log(0.6), reason: '跳过了法务审核' });
    expect(legalReviewSkippedRule.check(aDeal(), { odds: 0.6 })).to.equal(null);
  });

  it('customer.silent counts days since the last effective follow-up, or since the deal began when there was none', () => {
    expect(customerSilentRule.check(aDeal({ lastEffectiveFollowupAt: daysAgo(20) }), { days: 14, odds: 0.6 })!.reason).to.equal('客户已20天没有有效跟进');
    expect(customerSilentRule.check(aDeal({ lastEffectiveFollowupAt: null }), { days: 14, odds: 0.6 })!.reason).to.equal('商机建立40天，还没有有效跟进');
    expect(customerSilentRule.check(aDeal({ lastEffectiveFollowupAt: daysAgo(13) }), { days: 14, odds: 0.6 })).to.equal(null);
  });

  it('stage.dwell compares the days in the stage with the organisation\'s usual days there, and says nothing without them', () => {
    expect(stageDwellRule.check(aDeal({ stageEnteredAt: daysAgo(25) }), { overNorm: 2, odds: 0.7 })!.reason).to.equal('在「商务谈判」已停留25天（通常10天）');
    expect(stageDwellRule.check(aDeal({ stageEnteredAt: daysAgo(19) }), { overNorm: 2, odds: 0.7 })).to.equal(null);
    expect(stageDwellRule.check(aDeal({ stageEnteredAt: daysAgo(90), stageNormDays: null }), { overNorm: 2, odds: 0.7 })).to.equal(null);
  });

  it('followup.effective_ratio lowers the odds when few follow-ups were effective, raises them when most were, and needs enough of them', () => {
    const p = { minFollowups: 3, lowPercent: 50, lowOdds: 0.8, highPercent: 80, highOdds: 1.2 };
    expect(followupEffectiveRatioRule.check(aDeal({ followups30d: { total: 5, effective: 1 } }), p)).to.deep.equal({ weight: Math.log(0.8), reason: '近30天有效跟进仅1/5次' });
    expect(followupEffectiveRatioRule.check(aDeal({ followups30d: { total: 5, effective: 4 } }), p)).to.deep.equal({ weight: Math.log(1.2), reason: '近30天有效跟进4/5次' });
    expect(followupEffectiveRatioRule.check(aDeal({ followups30d: { total: 5, effective: 3 } }), p)).to.equal(null);
    expect(followupEffectiveRatioRule.check(aDeal({ followups30d: { total: 2, effective: 0 } }), p)).to.equal(null);
  });

  it('evidence.doubtful lowers the odds when the customer\'s visits carry findings no manager cleared, and says how many', () => {
    const p = { minDoubtful: 1, odds: 0.75 };
    expect(evidenceDoubtfulRule.check(aDeal({ visitEvidence: { trusted: 3, doubtful: 1 } }), p))
      .to.deep.equal({ weight: Math.log(0.75), reason: '4次拜访中1次证据存疑，主管未认可' });
    expect(evidenceDoubtfulRule.check(aDeal({ visitEvidence: { trusted: 4, doubtful: 0 } }), p)).to.equal(null);
    expect(evidenceDoubtfulRule.check(aDeal({ visitEvidence: { trusted: 0, doubtful: 1 } }), { ...p, minDoubtful: 2 })).to.equal(null);
  });
});
