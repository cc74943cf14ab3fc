/**
 * Acknowledging (认领) and resolving (已处理) an alert, whichever way it
 * arrives — a card button, the H5 page, the API — with the same rules: who
 * may, what happens when someone already did, and an event for the history.
 * Runs in the caller's transaction on a row it locked (lockAlertOrThrow).
 *
 *   const a = await lockAlertOrThrow(tx, alertId);
 *   const r = await acknowledgeAlert(tx, actor, a, { now, via: 'app' });
 */
import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { chineseDateTime } from '../flow/time.js';
import { recordEvent } from '../resources/events.js';
import type { AlertStatus } from './alert-cards.js';

export interface AlertRow {
  id: number;
  ruleCode: string;
  status: AlertStatus;
  ownerId: number | null;
  departmentPath: string | null;
  acknowledgedBy: number | null;
  acknowledgedByName: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: number | null;
  resolvedByName: string | null;
  resolvedAt: Date | null;
}

export const ALERT_ROW_SQL = `
  SELECT a.id, a.rule_code, a.status, a.owner_id, d.path AS department_path,
         a.acknowledged_by, ab.name AS acknowledged_by_name, a.acknowledged_at,
         a.resolved_by, rb.name AS resolved_by_name, a.resolved_at
    FROM alerts a LEFT JOIN departments d ON d.id = a.department_id
    LEFT JOIN users ab ON ab.id = a.acknowledged_by LEFT JOIN users rb ON rb.id = a.resolved_by`;

function toAlertRow(r: any): AlertRow {
  return {
    id: r.id, ruleCode: r.rule_code, status: r.status, ownerId: r.owner_id, departmentPath: r.department_path,
    acknowledgedBy: r.acknowledged_by, acknowledgedByName: r.acknowledged_by_name, acknowledgedAt: r.acknowledged_at,
    resolvedBy: r.resolved_by, resolvedByName: r.resolved_by_name, resolvedAt: r.resolved_at,
  };
}

export const alertNotFound = (alertId: number) => new AppError('NOT_FOUND', { alertId }, '预警不存在或不在你的权限范围内');

/** The alert row, locked for the rest of the transaction (FOR UPDATE OF alerts). Unscoped: callers check access. */
export async function lockAlertOrThrow(db: Db, alertId: number): Promise<AlertRow> {
  const { rows } = await db.query(`${ALERT_ROW_SQL} WHERE a.id = $1 FOR UPDATE OF a`, [alertId]);
  if (!rows[0]) throw alertNotFound(alertId);
  return toAlertRow(rows[0]);
}

export async function isRecipient(db: Db, alertId: number, userId: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM alert_recipients WHERE alert_id = $1 AND user_id = $2', [alertId, userId]);
  return rows.length > 0;
}

/** Recipients handle their alerts; managers those of their subtree; directors all. Admins configure, they do not handle. */
export function mayHandle(actor: Actor, a: Pick<AlertRow, 'departmentPath'>, recipient: boolean): boolean {
  if (actor.role === 'admin') return false;
  if (recipient || actor.role === 'director') return true;
  return actor.role === 'manager' && isPathInSubtree(a.departmentPath, actor.departmentPath);
}

export interface HandleContext {
  now: Date;
  via: 'card' | 'app';
  /** Set for card clicks: the WeCom response code, kept in the event for callback dedupe. */
  responseCode?: string;
}

export interface HandleResult {
  changed: boolean;
  status: AlertStatus;
}

export async function acknowledgeAlert(db: Db, actor: Actor, a: AlertRow, ctx: HandleContext): Promise<HandleResult> {
  if (a.status === 'resolved') {
    if (a.resolvedBy === actor.id) return { changed: false, status: a.status };
    throw handledAlready(a);
  }
  if (a.status === 'acknowledged') {
    if (a.acknowledgedBy === actor.id) return { changed: false, status: a.status };
    throw handledAlready(a);
  }
  await db.query(
    `UPDATE alerts SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3, updated_at = $3 WHERE id = $1`,
    [a.id, actor.id, ctx.now],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'alert', entityId: a.id, type: 'alert.acknowledged', at: ctx.now,
    data: { via: ctx.via, ...(ctx.responseCode ? { responseCode: ctx.responseCode } : {}) },
  });
  return { changed: true, status: 'acknowledged' };
}

export async function resolveAlert(db: Db, actor: Actor, a: AlertRow, ctx: HandleContext & { note: string }): Promise<HandleResult> {
  if (a.status === 'resolved') {
    if (a.resolvedBy === actor.id) return { changed: false, status: a.status };
    throw handledAlready(a);
  }
  await db.query(
    `UPDATE alerts SET status = 'resolved', resolved_by = $2, resolved_at = $3, resolution_note = $4, updated_at = $3 WHERE id = $1`,
    [a.id, actor.id, ctx.now, ctx.note],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'alert', entityId: a.id, type: 'alert.resolved', at: ctx.now,
    data: { via: ctx.via, note: ctx.note, ...(ctx.responseCode ? { responseCode: ctx.responseCode } : {}) },
  });
  return { changed: true, status: 'resolved' };
}

/** 409 naming who handled it and when, e.g. '该预警已由 李明 于 2026-05-06 09:12 认领'. */
export function handledAlready(a: AlertRow): AppError {
  const [verb, by, at] = a.status === 'resolved'
    ? ['处理', a.resolvedByName ?? '系统', a.resolvedAt]
    : ['认领', a.acknowledgedByName ?? '', a.acknowledgedAt];
  return new AppError('CONFLICT', { alertId: a.id, status: a.status, by, at: at?.toISOString() ?? null },
    `该预警已由 ${by} 于 ${at ? chineseDateTime(at) : ''} ${verb}`);
}
