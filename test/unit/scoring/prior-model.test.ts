import { expect } from 'chai';
import { combine, ppText, priorScore, stageBase } from '../../../core/scoring/prior-model.js';
import { signalSettings } from '../../../core/scoring/signals.setting.js';
import { aDeal, aDocument, daysAgo } from './support.js';

const DEFAULTS = signalSettings.defaultValue({ item: '', customerType: null })!;

describe('the prior win score', () => {
  it('rises from the first stage\'s base chance to the last\'s, evenly by position', () => {
    expect(stageBase(DEFAULTS, 1, 8)).to.equal(0.1);
    expect(stageBase(DEFAULTS, 8, 8)).to.be.closeTo(0.9, 1e-12);
    expect(stageBase(DEFAULTS, 4, 8)).to.be.closeTo(0.1 + 0.8 * 3 / 7, 1e-12);
  });

  it('combines signals in log-odds: odds × 1.23 on a 50 % base gives 55.2 %, and stacked effects stay inside 0–1', () => {
    const one = combine(0.5, [{ kind: 'a', weight: Math.log(1.23), reason: 'x' }]);
    expect(one.probability).to.be.closeTo(1.23 / 2.23, 1e-12);
    const many = combine(0.9, Array.from({ length: 10 }, (_, i) => ({ kind: `k${i}`, weight: Math.log(5), reason: 'y' })));
    expect(many.probability).to.be.lessThan(1).and.greaterThan(0.99);
    const down = combine(0.1, Array.from({ length: 10 }, (_, i) => ({ kind: `k${i}`, weight: Math.log(0.2), reason: 'z' })));
    expect(down.probability).to.be.greaterThan(0).and.lessThan(0.001);
  });

  it('reports each signal by the points it made (score with it minus without it), largest first, in Chinese', () => {
    const s = combine(0.5, [
      { kind: 'up', weight: Math.log(1.23), reason: '客户3天内下载《延长质保条款》4次' },
      { kind: 'down', weight: Math.log(0.6), reason: '跳过了法务审核' },
    ]);
    const odds = 1.23 * 0.6;
    const p = odds / (1 + odds);
    expect(s.reasons.map((r) => r.kind)).to.deep.equal(['down', 'up']);
    expect(s.reasons[0].pp).to.be.closeTo((p - 1.23 / 2.23) * 100, 1e-9);
    expect(s.reasons[1].pp).to.be.closeTo((p - 0.6 / 1.6) * 100, 1e-9);
    expect(s.reasons[1].text).to.equal(`客户3天内下载《延长质保条款》4次：+${Math.round(s.reasons[1].pp)} 个百分点`);
    expect(s.reasons[0].text).to.match(/^跳过了法务审核：-\d+ 个百分点$/);
  });

  it('scores a deal from its facts with the default rules: the seed\'s download signal up, silence down', () => {
    const deal = aDeal({
      documents: [aDocument({ downloads: [daysAgo(3), daysAgo(2), daysAgo(1.5)] })],
      lastEffectiveFollowupAt: daysAgo(30),
    });
    const s = priorScore(deal, DEFAULTS);
    expect(s.base).to.be.closeTo(stageBase(DEFAULTS, 4, 8), 1e-12);
    expect(s.reasons.map((r) => r.kind).sort()).to.deep.equal(['customer.silent', 'document.downloaded']);
    expect(s.reasons.find((r) => r.kind === 'document.downloaded')!.pp).to.be.greaterThan(0);
    expect(s.reasons.find((r) => r.kind === 'customer.silent')!.pp).to.be.lessThan(0);
    expect(priorScore(deal, { ...DEFAULTS, customerSilent: { ...DEFAULTS.customerSilent, enabled: false } }).reasons.map((r) => r.kind)).to.deep.equal(['document.downloaded']);
  });

  it('says an effect under one point as such, never "+0"', () => {
    expect(ppText(0.3)).to.equal('+不到1个百分点');
    expect(ppText(-8.6)).to.equal('-9 个百分点');
  });
});
