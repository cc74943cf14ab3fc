import { suggestTradeTerms } from '../core/understanding/term-suggestions.js';
import type { JobSpec } from './registry.js';

/** Mondays 09:00: last week's words the segmenter splits, suggested to admins for 行业词典 (see term-suggestions.ts). */
export const tradeTermsJob: JobSpec = {
  name: 'trade-terms',
  every: '0 9 * * 1',
  run: (sys) => suggestTradeTerms(sys),
};
