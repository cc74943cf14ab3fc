import { expect } from 'chai';
import { scorecardSettings } from '../../../core/retail/scorecard.setting.js';
import { scoreStore, weakestMetrics } from '../../../core/retail/scorecard-score.js';

describe('scoring a store from its metric counts', () => {
  const settings = scorecardSettings.defaultValue({ item: '', customerType: null })!;

  it('weighs only the metrics with data: two metrics at 100 % and 50 % with weights 10 and 8 make 77.8, the other ten left out', () => {
    const card = scoreStore({ stockout_response: { num: 4, den: 4 }, member_referral: { num: 1, den: 2 } }, settings);
    expect(card.score).to.equal(77.8);
    expect(card.band).to.equal('fair');
    expect(card.noData).to.have.length(10);
    expect(card.metrics.find((m) => m.code === 'display_compliance')).to.include({ value: null, band: null });
  });

  it('gives no score at all, rather than zero, when no metric has data', () => {
    expect(scoreStore({}, settings)).to.include({ score: null, band: null });
  });

  it('bands each metric by its own thresholds: 25 % conversion is 良 while 25 % display compliance is 差', () => {
    const card = scoreStore({ member_referral: { num: 1, den: 4 }, display_compliance: { num: 1, den: 4 } }, settings);
    expect(card.metrics.filter((m) => m.value !== null).map((m) => [m.code, m.band])).to.deep.equal([['member_referral', 'fair'], ['display_compliance', 'poor']]);
  });

  it('suggests the worst bands first, then the furthest below 优, and nothing already 优', () => {
    const card = scoreStore({
      display_compliance: { num: 6, den: 10 }, price_compliance: { num: 1, den: 10 }, member_referral: { num: 2, den: 10 },
      patrol_coverage: { num: 1, den: 1 },
    }, settings);
    expect(weakestMetrics(card, settings).map((m) => m.code)).to.deep.equal(['price_compliance', 'display_compliance', 'member_referral']);
  });
});
