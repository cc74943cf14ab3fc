import { nudgeIncompleteDrafts } from '../core/actions/draft-nudge.js';
import type { JobSpec } from './registry.js';

/**
 * Hourly in working hours (:35, off the hour and after the :05 reminders):
 * a rep whose visit report from today still lacks something hears what, from
 * the bot — at most once per draft per day (the outbox dedupe key), so the
 * hourly runs and a rerun send nothing twice.
 */
export const nudgeDraftsJob: JobSpec = {
  name: 'nudge-drafts',
  every: '35 10-19 * * *',
  run: async (sys) => {
    const nudged = await nudgeIncompleteDrafts(sys);
    return { nudged, summary: `草稿补全提醒：${nudged} 条` };
  },
};
