/**
 * The alert center as people read and work it: a scoped list, one alert with
 * its recipients, deliveries and history, the signed card link's landing,
 * and 认领 / 已处理 from the app.
 *
 * Scope: a director (and an admin, read-only) sees every alert; a manager
 * the alerts of their department subtree; compliance the alerts they were
 * sent; a rep the alerts about their own customers. Everyone also sees the
 * alerts they received. Anything else is a 404, exactly like a missing id.
 *
 *   const page = await listAlerts(db, actor, { status: 'unresolved', limit: 50, order: 'desc' });
 */
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { verifyLink } from '../auth/session.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { chineseDateTime } from '../flow/time.js';
import { OUTBOX_STATUS_LABELS } from '../outbox/list-outbox.js';
import { idKeyset, toIdPage, type Page } from '../resources/pagination.js';
import {
  acknowledgeAlert, alertNotFound, isRecipient, lockAlertOrThrow, mayHandle, resolveAlert, type AlertRow,
} from './alert-actions.js';
import { ALERT_STATUS_LABELS, linkPayload, type AlertStatus } from './alert-cards.js';
import type { AlertDetail, AlertSummary, ListAlertsQueryInput } from './alert-schemas.js';
import { alertRuleLabel } from './rules/index.js';

/** `me` names the parameter holding the actor's id. */
const select = (me: string) => `
  a.*, d.path AS department_path, ou.name AS owner_name, ab.name AS acknowledged_by_name, rb.name AS resolved_by_name,
  EXISTS (SELECT 1 FROM alert_recipients r WHERE r.alert_id = a.id AND r.user_id = ${me}) AS is_recipient`;
const FROM = `
  alerts a LEFT JOIN departments d ON d.id = a.department_id LEFT JOIN users ou ON ou.id = a.owner_id
  LEFT JOIN users ab ON ab.id = a.acknowledged_by LEFT JOIN users rb ON rb.id = a.resolved_by`;

/** The scope predicate, adding its parameters to `params`. */
function alertScope(actor: Actor, sql: Sql): string {
  if (actor.role === 'director' || actor.role === 'admin') return 'TRUE';
  const me = sql.param(actor.id);
  const mine = `EXISTS (SELECT 1 FROM alert_recipients r WHERE r.alert_id = a.id AND r.user_id = ${me})`;
  switch (actor.role) {
    case 'manager': {
      if (!actor.departmentPath) return mine;
      return `(${inDepartmentSubtree(sql, 'a.department_id', { path: actor.departmentPath })} OR ${mine})`;
    }
    case 'rep':
      return `((a.subject_type = 'customer' AND a.owner_id = ${me}) OR ${mine})`;
    case 'compliance':
    case 'clerk':
    case 'inspector':
      return mine;
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const person = (id: number | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

function toSummary(actor: Actor, r: any): AlertSummary {
  const recipient = !!r.is_recipient;
  return {
    id: r.id, rule: r.rule_code, ruleLabel: alertRuleLabel(r.rule_code),
    status: r.status, statusLabel: ALERT_STATUS_LABELS[r.status as AlertStatus], severity: r.severity,
    title: r.title, summary: r.summary, subject: { type: r.subject_type, id: r.subject_id },
    owner: person(r.owner_id, r.owner_name), openedAt: r.opened_at.toISOString(),
    acknowledgedAt: iso(r.acknowledged_at), acknowledgedBy: person(r.acknowledged_by, r.acknowledged_by_name),
    resolvedAt: iso(r.resolved_at), resolvedBy: person(r.resolved_by, r.resolved_by_name), resolutionNote: r.resolution_note,
    isRecipient: recipient, canHandle: r.status !== 'resolved' && mayHandle(actor, { departmentPath: r.department_path }, recipient),
  };
}

export async function listAlerts(db: Db, actor: Actor, q: ListAlertsQueryInput): Promise<Page<AlertSummary>> {
  const sql = new Sql();
  const where = [alertScope(actor, sql)];
  if (q.status === 'unresolved') where.push(`a.status <> 'resolved'`);
  else if (q.status) where.push(`a.status = ${sql.param(q.status)}`);
  if (q.rule) where.push(`a.rule_code = ${sql.param(q.rule)}`);
  const filter = where.join(' AND ');
  const pageSql = sql.fork();
  const me = pageSql.param(actor.id);
  const ks = idKeyset(q, 'a.id', pageSql);
  const [count, page] = await Promise.all([
    db.query(sql.unprepared(`SELECT count(*)::int AS n FROM ${FROM} WHERE ${filter}`)),
    db.query(pageSql.unprepared(`SELECT ${select(me)} FROM ${FROM} WHERE ${filter} AND ${ks.where} ${ks.orderLimit}`)),
  ]);
  return toIdPage(page.rows, q.limit, count.rows[0].n, (r) => toSummary(actor, r));
}

async function loadScopedRow(db: Db, actor: Actor, id: number): Promise<any> {
  const sql = new Sql();
  const { rows: [row] } = await db.query(sql.unprepared(
    `SELECT ${select(sql.param(actor.id))} FROM ${FROM} WHERE a.id = ${sql.param(id)} AND ${alertScope(actor, sql)}`));
  if (!row) throw alertNotFound(id);
  return row;
}

const ROLE_LABELS: Record<string, string> = {
  owner: '负责业务员', manager: '直属主管', director: '销售总监', compliance: '合规', admin: '管理员',
  assignee: '负责人', assigner: '派发人', user: '指定成员',
};
const roleLabel = (role: string) =>
  role.startsWith('cc:') ? `抄送·${ROLE_LABELS[role.slice(3)] ?? role.slice(3)}` : ROLE_LABELS[role] ?? role;

const HISTORY_LABELS = {
  opened: '触发预警', acknowledged: '认领', resolved: '处理完成', card_clicked: '点击卡片按钮',
} as const;

const minutesBetween = (a: Date, b: Date) => Math.max(0, Math.round((b.getTime() - a.getTime()) / 60_000));

export async function getAlertDetail(db: Db, actor: Actor, id: number, now: Date): Promise<AlertDetail> {
  const row = await loadScopedRow(db, actor, id);
  const { rows: recipients } = await db.query(
    `SELECT ar.user_id, u.name, ar.role_reason, o.id AS outbox_id, o.status, COALESCE(o.sent_at, d.sent_at) AS sent_at,
            COALESCE(o.last_error, ar.card_error) AS error
       FROM alert_recipients ar JOIN users u ON u.id = ar.user_id
       LEFT JOIN outbox o ON o.id = ar.outbox_id LEFT JOIN outbox d ON d.id = o.digest_id
      WHERE ar.alert_id = $1 ORDER BY ar.user_id`, [id]);
  const { rows: events } = await db.query(
    `SELECT e.type, e.at, e.actor_id, u.name, e.data FROM events e LEFT JOIN users u ON u.id = e.actor_id
      WHERE e.entity_type = 'alert' AND e.entity_id = $1 ORDER BY e.id`, [id]);
  const opened: Date = row.opened_at;
  const summary = toSummary(actor, row);
  return {
    ...summary,
    data: row.data,
    recipients: recipients.map((r) => ({
      userId: r.user_id, name: r.name, role: r.role_reason, roleLabel: roleLabel(r.role_reason),
      delivery: {
        outboxId: r.outbox_id, status: r.status,
        statusLabel: r.outbox_id ? OUTBOX_STATUS_LABELS[r.status] ?? r.status : '仅记录，不发送',
        sentAt: iso(r.sent_at), error: r.error,
      },
    })),
    history: events.map((e) => {
      const type = e.type.replace(/^alert\./, '') as keyof typeof HISTORY_LABELS;
      return {
        type, label: HISTORY_LABELS[type] ?? e.type, at: e.at.toISOString(), by: person(e.actor_id, e.name),
        via: e.data?.via ?? null, note: e.data?.note ?? e.data?.result ?? null,
      };
    }).filter((h) => h.type in HISTORY_LABELS),
    durations: {
      toAcknowledgeMinutes: row.acknowledged_at ? minutesBetween(opened, row.acknowledged_at) : null,
      toResolveMinutes: row.resolved_at ? minutesBetween(opened, row.resolved_at) : null,
      openMinutes: minutesBetween(opened, row.resolved_at ?? now),
    },
    handledNote: handledNote(summary),
  };
}

function handledNote(s: AlertSummary): string | null {
  if (s.status === 'resolved') {
    const by = s.resolvedBy ? s.resolvedBy.name : '系统自动';
    return `已由 ${by} 于 ${chineseDateTime(new Date(s.resolvedAt!))} 处理${s.resolutionNote ? `：${s.resolutionNote}` : ''}`;
  }
  if (s.status === 'acknowledged') return `已由 ${s.acknowledgedBy?.name ?? ''} 于 ${chineseDateTime(new Date(s.acknowledgedAt!))} 认领，处理中`;
  return null;
}

export const LINK_INVALID_MESSAGE = '链接无效：签名校验未通过，可能已被修改。请从企业微信中的预警卡片重新打开';

/**
 * The card link's landing: the signature must be the one minted for this
 * alert (HMAC with SESSION_SECRET, or the token stored with the alert when it
 * was minted by another process), checked before anything about the alert is
 * revealed; then the usual scope applies.
 */
export async function getAlertByLink(
  db: Db, actor: Actor, id: number, sig: string, secret: string, now: Date,
): Promise<AlertDetail> {
  const { rows: [a] } = await db.query('SELECT link_token FROM alerts WHERE id = $1', [id]);
  const valid = verifyLink(secret, linkPayload(id), sig) || (!!a?.link_token && safeEqual(a.link_token, sig));
  if (!valid) throw new AppError('FORBIDDEN', { alertId: id, reason: 'link_signature_invalid' }, LINK_INVALID_MESSAGE);
  return getAlertDetail(db, actor, id, now);
}

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** 认领 from the app: 404 outside scope, 403 for those who may not handle, 409 when someone else already did. */
export async function acknowledgeAlertInApp(db: Db, actor: Actor, id: number, now: Date): Promise<AlertDetail> {
  await handleInApp(db, actor, id, (a) => acknowledgeAlert(db, actor, a, { now, via: 'app' }));
  return getAlertDetail(db, actor, id, now);
}

export async function resolveAlertInApp(db: Db, actor: Actor, id: number, note: string, now: Date): Promise<AlertDetail> {
  await handleInApp(db, actor, id, (a) => resolveAlert(db, actor, a, { now, via: 'app', note }));
  return getAlertDetail(db, actor, id, now);
}

async function handleInApp(db: Db, actor: Actor, id: number, act: (a: AlertRow) => Promise<unknown>): Promise<void> {
  await loadScopedRow(db, actor, id);
  const a = await lockAlertOrThrow(db, id);
  const recipient = await isRecipient(db, id, actor.id);
  if (!mayHandle(actor, a, recipient)) {
    throw new AppError('FORBIDDEN', { alertId: id }, '你不能处理这条预警：只有接收人、所属区域的主管或销售总监可以认领和处理');
  }
  await act(a);
}
