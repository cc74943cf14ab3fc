/** 法务审核 skipped: a stage move of the deal jumped over the legal review sub-stage. */
import { z } from 'zod';
import type { ScoreFacts } from '../facts.js';
import { defineSignalRule } from './signal-rule.js';
import { Odds } from './odds.js';

export const legalReviewSkippedRule = defineSignalRule({
  kind: 'legal_review.skipped',
  label: '跳过法务审核',
  schema: z.strictObject({ odds: Odds }),
  check: (f: Pick<ScoreFacts, 'legalReviewSkipped'>, p) =>
    (f.legalReviewSkipped ? { weight: Math.log(p.odds), reason: '跳过了法务审核' } : null),
});
