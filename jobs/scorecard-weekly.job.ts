import { sendWeeklyScorecards } from '../core/retail/scorecard-weekly.js';
import type { JobSpec } from './registry.js';

/** Mondays 08:30: last week's five weakest stores by 门店健康度 to each regional manager (see scorecard-weekly.ts). */
export const scorecardWeeklyJob: JobSpec = {
  name: 'scorecard-weekly',
  every: '30 8 * * 1',
  run: (sys) => sendWeeklyScorecards(sys),
};
