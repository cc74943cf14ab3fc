/** Doubtful evidence: the customer's visit reports carry trust findings (#19) no manager cleared. */
import { z } from 'zod';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

export const evidenceDoubtfulRule = defineSignalRule({
  kind: 'evidence.doubtful',
  label: '拜访证据存疑',
  schema: z.strictObject({
    minDoubtful: z.number().int().min(1, '应在1–20次之间').max(20, '应在1–20次之间').meta({ title: '证据存疑的拜访至少', unit: '次' }),
    odds: Odds,
  }),
  check: (f: Pick<ScoreFacts, 'visitEvidence'>, p) => {
    const { trusted, doubtful } = f.visitEvidence;
    if (doubtful < p.minDoubtful) return null;
    return { weight: Math.log(p.odds), reason: `${trusted + doubtful}次拜访中${doubtful}次证据存疑，主管未认可` };
  },
});
