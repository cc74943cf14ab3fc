/** Stuck in a stage: the days in it are far over the organisation's usual (median) days there. */
import { z } from 'zod';
import { DAY_MS } from '../../flow/time.js';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

export const stageDwellRule = defineSignalRule({
  kind: 'stage.dwell',
  label: '阶段停留过久',
  schema: z.strictObject({
    overNorm: z.number().min(1.1, '应在1.1–10倍之间').max(10, '应在1.1–10倍之间').meta({ title: '超过常规停留天数的', unit: '倍' }),
    odds: Odds,
  }),
  check: (f: Pick<ScoreFacts, 'stageEnteredAt' | 'stageNormDays' | 'stageName' | 'asOf'>, p) => {
    if (f.stageNormDays === null) return null;
    const days = Math.floor((f.asOf.getTime() - f.stageEnteredAt.getTime()) / DAY_MS);
    const norm = Math.max(1, Math.round(f.stageNormDays));
    if (days < norm * p.overNorm) return null;
    return { weight: Math.log(p.odds), reason: `在「${f.stageName}」已停留${days}天（通常${norm}天）` };
  },
});
