/**
 * Bot reminders to reps (not alerts: nobody is warned about them): a visit
 * report draft left unsubmitted for `draftIdleHours`, and no daily report
 * (core/reports) for today by `dailyReportBy` on a working day. Plain text
 * through the outbox, at most one of each kind per rep per Shanghai day.
 *
 *   const report = await runReminders(deps);
 */
import type pg from 'pg';
import { loadWorkCalendar } from '../actions/definitions.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { shanghaiDate, shanghaiInstant } from '../flow/time.js';
import { isWorkingDay } from '../flow/working-days.js';
import { enqueueMessage, textMessage } from '../outbox/enqueue.js';
import { quietUntil, RemindersParamsSchema } from './rule-settings.js';
import { heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';


export async function runReminders(deps: DetectionDeps): Promise<DetectionReport> {
  return runDetection(deps, 'reminders', RemindersParamsSchema, async (tx, rule, now) => {
    const sendAfter = quietUntil(now, rule.quietHours);
    const day = shanghaiDate(now);
    const drafts = await remindDrafts(tx, now, day, rule.params.draftIdleHours, deps.config.publicUrl, sendAfter);
    const daily = await remindDailyReports(tx, now, day, rule.params.dailyReportBy, deps.config.publicUrl, sendAfter);
    const messages = drafts + (daily.sent ?? 0);
    return {
      summary: `提醒：草稿未提交提醒 ${drafts} 人；日报提醒 ${daily.note ?? `${daily.sent} 人`}${heldNote(sendAfter, messages)}`,
      draftReminders: drafts, dailyReportReminders: daily.sent ?? 0, messages,
    };
  });
}

async function remindDrafts(
  tx: pg.PoolClient, now: Date, day: string, idleHours: number, publicUrl: string, sendAfter: Date | null,
): Promise<number> {
  const { rows } = await tx.query(
    `SELECT u.id AS user_id, u.wecom_userid,
            jsonb_agg(jsonb_build_object('id', a.id, 'title', a.title, 'customer', c.name) ORDER BY d.updated_at) AS drafts
       FROM action_drafts d JOIN actions a ON a.id = d.action_id
       JOIN users u ON u.id = a.assignee_id AND u.active
       JOIN customers c ON c.id = a.customer_id
      WHERE a.status = ANY($1) AND d.updated_at < $2
      GROUP BY u.id, u.wecom_userid ORDER BY u.id`,
    [OPEN_STATUSES, new Date(now.getTime() - idleHours * 3_600_000)],
  );
  let sent = 0;
  for (const r of rows) {
    const list = (r.drafts as Array<{ id: number; title: string; customer: string }>)
      .slice(0, 5).map((d, i) => `${i + 1}. <a href="${publicUrl}/actions/${d.id}">${d.title}</a>（${d.customer}）`);
    const more = r.drafts.length > 5 ? `\n……共${r.drafts.length}份` : '';
    const text = `【草稿提醒】你有 ${r.drafts.length} 份报告草稿超过 ${idleHours} 小时未提交：\n${list.join('\n')}${more}\n请补充完整后尽快提交，逾期会自动升级给主管。`;
    if (await enqueue(tx, `reminder:draft:${r.user_id}:${day}`, r.wecom_userid, text, sendAfter)) sent++;
  }
  return sent;
}

async function remindDailyReports(
  tx: pg.PoolClient, now: Date, day: string, by: string, publicUrl: string, sendAfter: Date | null,
): Promise<{ sent?: number; note?: string }> {
  if (!isWorkingDay(day, await loadWorkCalendar(tx))) return { note: '今天不是工作日，不提醒' };
  const [h, m] = by.split(':').map(Number);
  if (now < shanghaiInstant(day, h, m)) return { note: `未到 ${by}，暂不提醒` };
  const { rows } = await tx.query(
    `SELECT u.id, u.wecom_userid FROM users u
      WHERE u.role = 'rep' AND u.active
        AND NOT EXISTS (SELECT 1 FROM daily_reports dr WHERE dr.user_id = u.id AND dr.day = $1::date)
      ORDER BY u.id`,
    [day],
  );
  let sent = 0;
  for (const r of rows) {
    const text = `【日报提醒】今天（${day}）的日报还没有提交，请在下班前<a href="${publicUrl}/daily-report">填写日报</a>。`;
    if (await enqueue(tx, `reminder:daily_report:${r.id}:${day}`, r.wecom_userid, text, sendAfter)) sent++;
  }
  return { sent };
}

async function enqueue(tx: pg.PoolClient, dedupeKey: string, recipient: string, text: string, sendAfter: Date | null): Promise<boolean> {
  return enqueueMessage(tx, { dedupeKey, recipient, ...textMessage(text) }, { sendAfter });
}
