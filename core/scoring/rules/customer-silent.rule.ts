/** The customer silent: no effective follow-up for at least the days (counted from the deal's start when never). */
import { z } from 'zod';
import { DAY_MS } from '../../flow/time.js';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

export const customerSilentRule = defineSignalRule({
  kind: 'customer.silent',
  label: '客户沉默',
  schema: z.strictObject({
    days: z.number().int().min(1, '应在1–365天之间').max(365, '应在1–365天之间').meta({ title: '无有效跟进至少', unit: '天' }),
    odds: Odds,
  }),
  check: (f: Pick<ScoreFacts, 'lastEffectiveFollowupAt' | 'createdAt' | 'asOf'>, p) => {
    const since = f.lastEffectiveFollowupAt ?? f.createdAt;
    const days = Math.floor((f.asOf.getTime() - since.getTime()) / DAY_MS);
    if (days < p.days) return null;
    return { weight: Math.log(p.odds), reason: f.lastEffectiveFollowupAt ? `客户已${days}天没有有效跟进` : `商机建立${days}天，还没有有效跟进` };
  },
});
