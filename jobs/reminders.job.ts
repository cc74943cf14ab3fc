import { runReminders } from '../core/alerts/reminders.js';
import type { JobSpec } from './registry.js';

/** Hourly in working hours (:05, never on the hour): unsubmitted drafts and missing daily reports. */
export const remindersJob: JobSpec = {
  name: 'reminders',
  every: '5 9-20 * * *',
  run: (sys) => runReminders(sys),
};
