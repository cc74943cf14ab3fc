import { expect } from 'chai';
import { z } from 'zod';
import { parseRuleParams } from '../../../../core/flow/rule-kind.js';
import { defineSignalRule } from '../../../../core/scoring/rules/signal-rule.js';

/** The shape the win-score work (#20) fills in: a kind here is only the test's own, to show the contract holds. */
describe('signal rules', () => {
  const DAY = 86_400_000;
  const metDecisionMaker = defineSignalRule({
    kind: 'decision_maker.met',
    label: '见到决策人',
    schema: z.strictObject({ withinDays: z.number().int().min(1) }),
    check: (facts: { now: Date; decisionMakerMetAt: Date | null }, { withinDays }) =>
      facts.decisionMakerMetAt && facts.now.getTime() - facts.decisionMakerMetAt.getTime() <= withinDays * DAY
        ? { weight: 1, reason: `${withinDays}天内见过决策人` } : null,
  });
  const now = new Date('2026-11-27T01:00:00Z');

  it('returns the signal with a Chinese reason, or null when it sees nothing', () => {
    expect(metDecisionMaker.check({ now, decisionMakerMetAt: new Date(now.getTime() - 3 * DAY) }, { withinDays: 14 }))
      .to.deep.equal({ weight: 1, reason: '14天内见过决策人' });
    expect(metDecisionMaker.check({ now, decisionMakerMetAt: null }, { withinDays: 14 })).to.equal(null);
  });

  it('has its params checked like the other families', () => {
    const r = parseRuleParams({ [metDecisionMaker.kind]: metDecisionMaker }, 'decision_maker.met', { withinDays: 0 });
    expect(r.ok).to.equal(false);
  });
});
