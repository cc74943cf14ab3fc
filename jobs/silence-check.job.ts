import { runSilenceCheck } from '../core/alerts/silence.js';
import type { JobSpec } from './registry.js';

/** Nightly: customers with no effective follow-up for N days (rule `silence`); cards wait for the end of quiet hours. */
export const silenceCheckJob: JobSpec = {
  name: 'silence-check',
  every: '15 2 * * *',
  run: (sys) => runSilenceCheck(sys),
};
