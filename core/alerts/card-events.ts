/**
 * Clicks on alert cards (WeCom template_card_event) and keeping every copy of
 * a card truthful afterwards.
 *
 * `handleCardEvent` is what the WeCom callback calls for a template_card_event
 * (after decrypting it, with an empty 200 to WeCom): it parses the button key,
 * records 认领 / 已处理 with who and when, and then updates the card of
 * everyone who received the alert (update_template_card, replace_name
 * "李明已认领"). WeCom retries a callback up to 3 times; a click is applied
 * once (its ResponseCode is kept in the event and checked).
 *
 *   const r = await handleCardEvent({ pool, wecom, logger, now }, {
 *     fromUserId: 'mgr.li', eventKey: 'claim:123', taskId: 'alert_123_u4_r1', responseCode: 'RC' });
 *   // r = { handled: true, alertId: 123, status: 'acknowledged', replaceName: '李明已认领', message: '已认领' }
 *
 * `refreshAlertCards` updates cards whose alert changed since they were sent
 * (clicks, the H5 page, automatic resolution); the deliver-outbox job runs it
 * every cycle, so an update that failed is retried.
 */
import { loadActiveActor } from '../auth/actor.js';
import { withTransaction } from '../db/pool.js';
import type { CoreDeps } from '../deps.js';
import { isAppError } from '../errors.js';
import { recordEvent } from '../resources/events.js';
import { parseWarningButtonKey } from '../wecom/template-cards.js';
import type { WecomClient } from '../wecom/wecom-client.js';
import { WecomError } from '../wecom/wecom-errors.js';
import { acknowledgeAlert, isRecipient, lockAlertOrThrow, mayHandle, resolveAlert } from './alert-actions.js';
import { cardReplaceName, type AlertStatus } from './alert-cards.js';

export interface CardEventInput {
  /** FromUserName: the clicker's WeCom userid. */
  fromUserId: string;
  /** EventKey: the button's key, e.g. 'claim:123' / 'resolve:123'. */
  eventKey: string;
  taskId?: string;
  /** ResponseCode: fresh per click, single-use; lets us update the clicker's card. */
  responseCode?: string;
}

export interface CardEventResult {
  /** False when the click is not ours to handle (unknown key, unknown member, not their alert). */
  handled: boolean;
  alertId?: number;
  status?: AlertStatus;
  /** What the clicked button should read now (also usable as a passive update_button reply). */
  replaceName?: string;
  /** Chinese, for logs or a reply to the clicker. */
  message: string;
}

export type CardDeps = Pick<CoreDeps, 'pool' | 'logger' | 'now'> & { wecom: WecomClient };

export async function handleCardEvent(deps: CardDeps, input: CardEventInput): Promise<CardEventResult> {
  const key = parseWarningButtonKey(input.eventKey);
  const alertId = key && /^\d{1,15}$/.test(key.alertId) ? Number(key.alertId) : null;
  if (!key || alertId === null) return { handled: false, message: '不是预警卡片的按钮，已忽略' };
  const now = deps.now();
  const result = await withTransaction(deps.pool, async (tx): Promise<CardEventResult> => {
    const actor = await loadActiveActor(tx, { wecomUserid: input.fromUserId });
    if (!actor) return { handled: false, alertId, message: `成员「${input.fromUserId}」不存在或已停用` };
    const alert = await lockAlertOrThrow(tx, alertId).catch(() => null);
    if (!alert) return { handled: false, alertId, message: '预警不存在' };
    const recipient = await isRecipient(tx, alertId, actor.id);
    if (!mayHandle(actor, alert, recipient)) return { handled: false, alertId, message: '你不是这条预警的接收人，不能处理' };
    if (input.responseCode && await alreadyApplied(tx, alertId, input.responseCode)) {
      return { handled: true, alertId, status: alert.status, message: '重复的回调，已处理过' };
    }
    let message: string;
    let status: AlertStatus = alert.status;
    try {
      const ctx = { now, via: 'card' as const, responseCode: input.responseCode };
      const r = key.action === 'claim'
        ? await acknowledgeAlert(tx, actor, alert, ctx)
        : await resolveAlert(tx, actor, alert, { ...ctx, note: '已在企业微信卡片中标记处理' });
      status = r.status;
      message = r.changed ? (key.action === 'claim' ? '已认领' : '已标记处理') : '你已处理过这条预警';
    } catch (err) {
      if (!isAppError(err) || err.code !== 'CONFLICT') throw err;
      message = err.message;
    }
    await recordEvent(tx, {
      actorId: actor.id, entityType: 'alert', entityId: alertId, type: 'alert.card_clicked', at: now,
      data: { action: key.action, taskId: input.taskId ?? null, responseCode: input.responseCode ?? null, result: message },
    });
    // the click's code is now the freshest way to update the clicker's card
    if (recipient && input.responseCode) {
      await tx.query(
        `UPDATE alert_recipients SET response_code = $3, card_state = COALESCE(card_state, 'open'), card_error = NULL
          WHERE alert_id = $1 AND user_id = $2`,
        [alertId, actor.id, input.responseCode],
      );
    }
    return { handled: true, alertId, status, message };
  });
  if (result.handled && result.alertId) {
    await refreshAlertCards(deps, { alertIds: [result.alertId] }).catch((err) =>
      deps.logger.warn({ err, alertId: result.alertId }, 'alert card refresh failed; the deliver job retries'));
    result.replaceName = await replaceNameOf(deps, result.alertId);
  }
  return result;
}

async function alreadyApplied(db: import('../db/pool.js').Db, alertId: number, responseCode: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM events WHERE entity_type = 'alert' AND entity_id = $1 AND type = 'alert.card_clicked'
        AND data->>'responseCode' = $2 LIMIT 1`,
    [alertId, responseCode],
  );
  return rows.length > 0;
}

async function replaceNameOf(deps: CardDeps, alertId: number): Promise<string> {
  const { rows: [a] } = await deps.pool.query(
    `SELECT a.status, COALESCE(rb.name, CASE WHEN a.status = 'acknowledged' THEN ab.name END) AS by_name
       FROM alerts a LEFT JOIN users ab ON ab.id = a.acknowledged_by LEFT JOIN users rb ON rb.id = a.resolved_by
      WHERE a.id = $1`, [alertId]);
  return cardReplaceName(a.status, a.by_name);
}

export interface RefreshReport {
  updated: number;
  failed: number;
}

/**
 * Every card showing an older state than its alert, whose holder we still
 * have a response code for, is updated once. Codes are taken atomically
 * (set to NULL in the same statement that reads them), so two workers never
 * spend the same code; a retryable failure puts it back.
 */
export async function refreshAlertCards(
  deps: CardDeps, opts: { alertIds?: number[]; limit?: number } = {},
): Promise<RefreshReport> {
  const report = { updated: 0, failed: 0 };
  const now = deps.now();
  const { rows } = await deps.pool.query(
    `WITH due AS (
       SELECT ar.alert_id, ar.user_id FROM alert_recipients ar JOIN alerts a ON a.id = ar.alert_id
        WHERE ar.response_code IS NOT NULL AND a.status <> 'open' AND ar.card_state IS DISTINCT FROM a.status
          -- response codes live 72 hours at most (reference §2.1)
          AND a.updated_at > $1::timestamptz - interval '72 hours' ${opts.alertIds ? 'AND a.id = ANY($2)' : ''}
        ORDER BY ar.alert_id, ar.user_id LIMIT ${opts.limit ?? 500}
        FOR UPDATE OF ar SKIP LOCKED),
     taken AS (
       SELECT ar.alert_id, ar.user_id, ar.response_code, ar.card_state AS prev_state
         FROM alert_recipients ar JOIN due USING (alert_id, user_id))
     UPDATE alert_recipients ar SET response_code = NULL, card_state = a.status, card_error = NULL
       FROM taken t, alerts a LEFT JOIN users ab ON ab.id = a.acknowledged_by LEFT JOIN users rb ON rb.id = a.resolved_by
      WHERE ar.alert_id = t.alert_id AND ar.user_id = t.user_id AND a.id = t.alert_id
     RETURNING ar.alert_id, ar.user_id, t.response_code, t.prev_state, a.status,
               COALESCE(rb.name, CASE WHEN a.status = 'acknowledged' THEN ab.name END) AS by_name,
               (SELECT wecom_userid FROM users WHERE id = ar.user_id) AS userid`,
    opts.alertIds ? [now, opts.alertIds] : [now],
  );
  for (const r of rows) {
    try {
      await deps.wecom.updateTemplateCard({
        responseCode: r.response_code, userids: [r.userid], replaceName: cardReplaceName(r.status, r.by_name),
      });
      report.updated++;
    } catch (err) {
      report.failed++;
      const retry = err instanceof WecomError && err.retryable;
      const reason = err instanceof Error ? err.message.slice(0, 300) : String(err);
      // a spent or expired code cannot be used again: the card keeps its old state
      await deps.pool.query(
        `UPDATE alert_recipients SET card_error = $3,
                response_code = CASE WHEN $4 THEN $5 ELSE response_code END,
                card_state = CASE WHEN $4 THEN $6 ELSE card_state END
          WHERE alert_id = $1 AND user_id = $2`,
        [r.alert_id, r.user_id, reason, retry, r.response_code, r.prev_state],
      );
      deps.logger.warn({ err, alertId: r.alert_id, userId: r.user_id }, 'update_template_card failed');
    }
  }
  return report;
}
