/**
 * A visit report the bot completed is filed a few minutes later by itself
 * (the setting bot.auto-submit), not after a 确认 message: until then the rep
 * can say 撤销 (cancelScheduledSubmission) or change something — every write
 * of the draft clears the schedule (core/actions/drafts.ts), so what is filed
 * is always what was shown. The job submit-scheduled-reports files what is
 * due through submitVisitReport as the rep, writes the decision-chain notes
 * gathered in the chat to the contacts, and tells the rep in WeCom; a report a
 * gate refuses by then is rejected as any submission is (its draft kept, the
 * rep told what is missing).
 *
 *   await scheduleSubmission(tx, actor, actionId, inTwoMinutes, notes);
 *   const done = await submitDueReports(sys); // every minute: [{ actionId, outcome: 'filed' }]
 */
import { loadActiveActor, type Actor } from '../auth/actor.js';
import { translatePgError, withTransaction, type Db } from '../db/pool.js';
import type { CoreDeps } from '../deps.js';
import { isAppError } from '../errors.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { enqueueMessage, textMessage } from '../outbox/enqueue.js';
import { applyDecisionChainNotes, type ContactUpdate } from '../profile/decision-chain-notes.js';
import { userName } from '../resources/org.js';
import { loadActionRow, type ActionRow } from './action-repo.js';
import { reportName } from './report-name.js';
import { VisitReportSchema } from './action-schemas.js';
import { gapNames, gapsFromFailures } from './draft-gaps.js';
import { storedDraft } from './drafts.js';
import { submitVisitReport } from './visit-report.js';

/** Files the action's saved draft as `actor` at `at`, with `notes` for the contacts; false when there is no draft of theirs. */
export async function scheduleSubmission(db: Db, actor: Actor, actionId: number, at: Date, notes: readonly ContactUpdate[]): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE action_drafts d SET submit_at = $2, submit_by = $3, submit_notes = $4
      WHERE d.action_id = $1 AND EXISTS (SELECT 1 FROM actions a WHERE a.id = d.action_id AND a.assignee_id = $3)`,
    [actionId, at, actor.id, JSON.stringify(notes)],
  );
  return rowCount === 1;
}

/** 撤销 before it is filed: true when it was scheduled (and now is not). */
export async function cancelScheduledSubmission(db: Db, actor: Actor, actionId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE action_drafts SET submit_at = NULL, submit_by = NULL, submit_notes = '[]'
      WHERE action_id = $1 AND submit_by = $2 AND submit_at IS NOT NULL`,
    [actionId, actor.id],
  );
  return rowCount === 1;
}

/** When the action's draft is to be filed, or null. */
export async function scheduledSubmissionAt(db: Db, actionId: number): Promise<Date | null> {
  const { rows: [r] } = await db.query('SELECT submit_at FROM action_drafts WHERE action_id = $1', [actionId]);
  return r?.submit_at ?? null;
}

export interface DueReport {
  actionId: number;
  outcome: 'filed' | 'refused' | 'dropped';
}

/** Files every report whose time has come, each in its own transaction; what became of each. */
export async function submitDueReports(deps: Pick<CoreDeps, 'pool' | 'now'> & { config: Pick<CoreDeps['config'], 'publicUrl'> }): Promise<DueReport[]> {
  const now = deps.now();
  const { rows } = await deps.pool.query(
    'SELECT action_id FROM action_drafts WHERE submit_at <= $1 ORDER BY submit_at, action_id', [now],
  );
  const done: DueReport[] = [];
  for (const { action_id: actionId } of rows) {
    const outcome = await withTransaction(deps.pool, (tx) => fileDue(tx, Number(actionId), now, deps.config.publicUrl));
    if (outcome) done.push({ actionId: Number(actionId), outcome });
  }
  return done;
}

/** One due report: null when someone else got there first (filed it, changed it, took it back). */
async function fileDue(tx: Db, actionId: number, now: Date, publicUrl: string): Promise<DueReport['outcome'] | null> {
  // the action before its draft, as the bot and the API lock them
  await tx.query('SELECT id FROM actions WHERE id = $1 FOR UPDATE', [actionId]);
  const { rows: [d] } = await tx.query(
    'SELECT payload, submit_by, submit_notes FROM action_drafts WHERE action_id = $1 AND submit_at <= $2 FOR UPDATE', [actionId, now],
  );
  if (!d) return null;
  const action = await loadActionRow(tx, actionId);
  const actor = await loadActiveActor(tx, { id: Number(d.submit_by) });
  const input = VisitReportSchema.safeParse(storedDraft(d.payload));
  if (!actor || actor.id !== action.assigneeId || !OPEN_STATUSES.includes(action.status) || !input.success) {
    await unschedule(tx, actionId);
    if (actor && input.error) await tell(tx, actor, action, `${reportName(action)}没能自动提交：草稿里有内容不符合要求（${input.error.issues[0]?.message ?? ''}），请在应用里打开检查一下。`, `dropped:${now.getTime()}`);
    return 'dropped';
  }
  await tx.query('SAVEPOINT scheduled_submission');
  let r;
  try {
    r = await submitVisitReport(tx, actor, actionId, input.data, { now, publicUrl });
    await tx.query('RELEASE SAVEPOINT scheduled_submission');
  } catch (err) {
    await tx.query('ROLLBACK TO SAVEPOINT scheduled_submission');
    const e = translatePgError(err);
    if (!isAppError(e)) throw err;
    // a refusal before any rule ran (a locked stage, a changed version): nothing filed, the draft stays
    await unschedule(tx, actionId);
    await tell(tx, actor, action, `${reportName(action)}没能自动提交：${e.message}草稿还在，改好后回复“提交”。`, `refused:${now.getTime()}`);
    return 'refused';
  }
  // a rule that no longer passes (a deadline, a photo now too old): rejected as any submission, the rep hears what is missing
  if (!r.ok) return 'refused';
  const warnings = gapsFromFailures(r.body.warnings);
  const manager = actor.managerId ? await userName(tx, actor.managerId) : null;
  const notes = await applyDecisionChainNotes(tx, actor, (d.submit_notes ?? []) as ContactUpdate[], now);
  await tell(tx, actor, action, [
    `✅ 已自动提交${reportName(action)}${manager ? `，等待${manager}核验` : ''}。`,
    warnings.length ? `提示：${gapNames(warnings)}（不影响提交）。` : '',
    ...notes,
  ].filter(Boolean).join('\n'), `filed:${r.body.submissionId}`);
  return 'filed';
}

function unschedule(tx: Db, actionId: number) {
  return tx.query(`UPDATE action_drafts SET submit_at = NULL, submit_by = NULL, submit_notes = '[]' WHERE action_id = $1`, [actionId]);
}

/** A message to the rep, once per `key` (a rerun of the job sends nothing twice). */
async function tell(tx: Db, actor: Actor, action: ActionRow, text: string, key: string): Promise<void> {
  await enqueueMessage(tx, { dedupeKey: `bot:auto-submit:${action.id}:${key}`, recipient: actor.wecomUserid, ...textMessage(text) });
}
