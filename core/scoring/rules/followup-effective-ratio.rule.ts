/**
 * 有效跟进率 over the last 30 days: low → the odds fall, high → they rise;
 * too few follow-ups say nothing either way.
 */
import { z } from 'zod';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

const Percent = (title: string) => z.number().int().min(0, '应在0–100%之间').max(100, '应在0–100%之间').meta({ title, unit: '%' });

export const followupEffectiveRatioRule = defineSignalRule({
  kind: 'followup.effective_ratio',
  label: '有效跟进率',
  schema: z.strictObject({
    minFollowups: z.number().int().min(1, '应在1–100次之间').max(100, '应在1–100次之间').meta({ title: '近30天至少跟进', unit: '次' }),
    lowPercent: Percent('低于此比例算偏低'),
    lowOdds: Odds.meta({ title: '偏低时赢单几率乘以', unit: '倍' }),
    highPercent: Percent('达到此比例算良好'),
    highOdds: Odds.meta({ title: '良好时赢单几率乘以', unit: '倍' }),
  }),
  check: (f: Pick<ScoreFacts, 'followups30d'>, p) => {
    const { total, effective } = f.followups30d;
    if (total < p.minFollowups) return null;
    const pct = Math.round((effective / total) * 100);
    if (pct < p.lowPercent) return { weight: Math.log(p.lowOdds), reason: `近30天有效跟进仅${effective}/${total}次` };
    if (pct >= p.highPercent) return { weight: Math.log(p.highOdds), reason: `近30天有效跟进${effective}/${total}次` };
    return null;
  },
});
