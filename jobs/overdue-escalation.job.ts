import { runOverdueEscalation } from '../core/alerts/overdue-escalation.js';
import type { JobSpec } from './registry.js';

/** Every 15 minutes: mark overdue actions and send each due escalation step once. */
export const overdueEscalationJob: JobSpec = {
  name: 'overdue-escalation',
  every: '*/15 * * * *',
  run: (sys) => runOverdueEscalation(sys),
};
