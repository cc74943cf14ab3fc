/** Decision maker met: an accepted (checked) visit report named the customer's decision maker within the days. */
import { z } from 'zod';
import { DAY_MS } from '../../flow/time.js';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

export const decisionMakerMetRule = defineSignalRule({
  kind: 'decision_maker.met',
  label: '核验拜访见到决策人',
  schema: z.strictObject({
    withinDays: z.number().int().min(1, '应在1–365天之间').max(365, '应在1–365天之间').meta({ title: '多少天内', unit: '天' }),
    odds: Odds,
  }),
  check: (f: Pick<ScoreFacts, 'decisionMakerMetAt' | 'asOf'>, p) => {
    if (!f.decisionMakerMetAt || f.asOf.getTime() - f.decisionMakerMetAt.getTime() > p.withinDays * DAY_MS) return null;
    return { weight: Math.log(p.odds), reason: `${p.withinDays}天内的核验拜访见到了决策人` };
  },
});
