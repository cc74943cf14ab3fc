import { runLegalReviewSkipsCheck } from '../core/alerts/legal-review-skips.js';
import type { JobSpec } from './registry.js';

/** Nightly: reps skipping 法务审核 too often (rule `legal_review_skips`); one alert per rep per week. */
export const legalReviewSkipsJob: JobSpec = {
  name: 'legal-review-skips',
  every: '25 2 * * *',
  run: (sys) => runLegalReviewSkipsCheck(sys),
};
