/**
 * The scheduled reminder (jobs/nudge-drafts.job.ts, hourly in working
 * hours): every rep with a report draft worked on today that would not pass
 * yet hears, once a day per draft, what it still lacks — "你今天拜访了华联超市
 * 总部，还差：下次接触时间、决策链角色、1张合影". Only drafts left alone for a
 * while (the 'bot.draft-nudge' setting), so nobody is nudged in the middle of a conversation.
 * Through the outbox (dedupe per action and Shanghai day), so running the job
 * twice, or hourly, sends nothing twice.
 *
 *   const n = await nudgeIncompleteDrafts({ pool, now: () => new Date() });
 */
import { loadActionRow } from './action-repo.js';
import { withTransaction } from '../db/pool.js';
import type { CoreDeps } from '../deps.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { shanghaiDate } from '../flow/time.js';
import { enqueueMessage, textMessage } from '../outbox/enqueue.js';
import { readSetting } from '../settings/read.js';
import { draftGaps, gapNames, isBlocking } from './draft-gaps.js';
import { draftNudge } from './draft-nudge.setting.js';
import { storedDraft } from './drafts.js';

/** Actions with a draft saved today that would not pass yet; returns how many reminders were queued. */
export async function nudgeIncompleteDrafts(
  deps: Pick<CoreDeps, 'pool' | 'now'>, opts: { idleMinutes?: number } = {},
): Promise<number> {
  const now = deps.now();
  const day = shanghaiDate(now);
  // a draft untouched this long is no longer being worked on right now
  const idleMinutes = opts.idleMinutes ?? (await readSetting(deps.pool, draftNudge)).idleMinutes;
  const idleSince = new Date(now.getTime() - idleMinutes * 60_000);
  const { rows } = await deps.pool.query(
    `SELECT d.action_id, d.payload FROM action_drafts d JOIN actions a ON a.id = d.action_id
       JOIN users u ON u.id = a.assignee_id AND u.active
      WHERE a.status = ANY($3)
        AND shanghai_day(d.updated_at) = $1::date AND d.updated_at <= $2
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'bot:nudge:' || d.action_id || ':' || $1)
      ORDER BY d.action_id`,
    [day, idleSince, OPEN_STATUSES],
  );
  let queued = 0;
  for (const r of rows) {
    queued += await withTransaction(deps.pool, async (tx) => {
      const action = await loadActionRow(tx, r.action_id);
      const gaps = (await draftGaps(tx, action, storedDraft(r.payload), now)).filter(isBlocking);
      if (gaps.length === 0) return 0;
      const lead = action.definitionCode === 'visit' ? `你今天拜访了${action.customerName}` : `「${action.title}」`;
      const text = `${lead}，还差：${gapNames(gaps)}。直接在这里回复我就能补上。`;
      return (await enqueueMessage(tx, { dedupeKey: `bot:nudge:${action.id}:${day}`, recipient: action.assigneeWecomUserid, ...textMessage(text) })) ? 1 : 0;
    });
  }
  return queued;
}
