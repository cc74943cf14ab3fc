import { submitDueReports } from '../core/actions/scheduled-submission.js';
import type { JobSpec } from './registry.js';

/**
 * Every half minute: the reports the bot completed and scheduled (bot.auto-submit)
 * whose undo window has passed are filed as their rep; a rerun files nothing
 * twice (filing clears the draft, and the rep's message has a dedupe key).
 */
export const submitScheduledReportsJob: JobSpec = {
  name: 'submit-scheduled-reports',
  every: '30 seconds',
  run: async (sys) => {
    const done = await submitDueReports(sys);
    const filed = done.filter((d) => d.outcome === 'filed').length;
    return { filed, refused: done.length - filed, summary: `自动提交报告：${filed} 份，未通过 ${done.length - filed} 份` };
  },
};
