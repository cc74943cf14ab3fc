/**
 * The 发件箱 (outbox) as the H5 app lists it: in demo mode it is where every
 * message "arrives"; with WeCom it shows what was sent, what waits and why
 * something failed. Admins see every message; everyone else their own.
 *
 *   const page = await listOutbox(db, actor, { status: 'failed', limit: 50, order: 'desc' });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { idKeyset, PageQuerySchema, toIdPage, type Page } from '../resources/pagination.js';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'demo', 'merged', 'cancelled'] as const;

export const OUTBOX_STATUS_LABELS: Record<string, string> = {
  pending: '待发送', sent: '已发送', failed: '发送失败', demo: '演示模式（已记入发件箱）', merged: '已合并到汇总消息', cancelled: '已取消',
};

export const ListOutboxQuery = PageQuerySchema.extend({
  status: z.enum(OUTBOX_STATUSES).optional(),
  /** Admins only: one member's messages. */
  recipient: z.string().trim().min(1).max(64).optional(),
});
export type ListOutboxQueryInput = z.output<typeof ListOutboxQuery>;

export const OutboxItemSchema = z.object({
  id: z.number(),
  recipient: z.string(),
  recipientName: z.string().nullable(),
  msgtype: z.string(),
  /** The card's title, the text card's title or the text's first line. */
  title: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  statusLabel: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  /** Why it failed or waits (Chinese), e.g. 接收人「x」不存在、已离职或不在应用可见范围内. */
  lastError: z.string().nullable(),
  wecomMsgid: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  alertId: z.number().nullable(),
  /** The digest message this one was folded into. */
  mergedInto: z.number().nullable(),
  payload: z.record(z.string(), z.unknown()),
  /** Image messages: where the picture can be seen (GET with the session), e.g. /api/outbox/12/image. */
  imageUrl: z.string().nullable(),
});
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

/** A one-line title for any payload the outbox holds. */
export function outboxTitle(msgtype: string, payload: any): string {
  const strip = (s: string) => s.replace(/<[^>]*>/g, '').split('\n')[0].slice(0, 80);
  switch (msgtype) {
    case 'template_card':
      return payload.template_card?.main_title?.title ?? payload.template_card?.sub_title_text ?? '卡片消息';
    case 'textcard':
      return payload.textcard?.title ?? '文本卡片';
    case 'text':
      return strip(String(payload.text?.content ?? ''));
    case 'markdown':
      return strip(String(payload.markdown?.content ?? ''));
    case 'image':
      return `图片：${payload.image?.title ?? payload.image?.filename ?? '图片消息'}`;
    default:
      return msgtype;
  }
}

export async function listOutbox(db: Db, actor: Actor, q: ListOutboxQueryInput): Promise<Page<OutboxItem>> {
  assertCan(actor, 'outbox', 'read');
  const sql = new Sql();
  const where: string[] = [];
  if (actor.role !== 'admin') where.push(`o.recipient = ${sql.param(actor.wecomUserid)}`);
  else if (q.recipient) where.push(`o.recipient = ${sql.param(q.recipient)}`);
  if (q.status) where.push(`o.status = ${sql.param(q.status)}`);
  const filter = where.length ? where.join(' AND ') : 'TRUE';
  const pageSql = sql.fork();
  const ks = idKeyset(q, 'o.id', pageSql);
  const [count, page] = await Promise.all([
    db.query(sql.unprepared(`SELECT count(*)::int AS n FROM outbox o WHERE ${filter}`)),
    db.query(pageSql.unprepared(
      `SELECT o.*, u.name AS recipient_name FROM outbox o LEFT JOIN users u ON u.wecom_userid = o.recipient
        WHERE ${filter} AND ${ks.where} ${ks.orderLimit}`,
    )),
  ]);
  return toIdPage(page.rows, q.limit, count.rows[0].n, toItem);
}

export function outboxImagePath(id: number | string): string {
  return `/api/outbox/${id}/image`;
}

/**
 * The stored picture of an image message, to its recipient or an admin (null
 * otherwise: out of scope reads as not found). Demo mode's way to see what was pushed.
 */
export async function findOutboxImage(db: Db, actor: Actor, id: number): Promise<{ sha256: string; contentType: string; filename: string; size: number } | null> {
  assertCan(actor, 'outbox', 'read');
  const { rows } = await db.query(`SELECT recipient, payload FROM outbox WHERE id = $1 AND msgtype = 'image'`, [id]);
  const row = rows[0];
  if (!row || (actor.role !== 'admin' && row.recipient !== actor.wecomUserid)) return null;
  const ref = row.payload?.image;
  if (typeof ref?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(ref.sha256)) return null;
  return { sha256: ref.sha256, contentType: ref.contentType === 'image/jpeg' ? 'image/jpeg' : 'image/png', filename: String(ref.filename ?? 'image.png'), size: Number(ref.size) };
}

function toItem(r: any): OutboxItem {
  return {
    id: r.id, recipient: r.recipient, recipientName: r.recipient_name ?? null, msgtype: r.msgtype,
    title: outboxTitle(r.msgtype, r.payload), status: r.status, statusLabel: OUTBOX_STATUS_LABELS[r.status] ?? r.status,
    attempts: r.attempts, nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    lastError: r.last_error, wecomMsgid: r.wecom_msgid, createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at ? r.sent_at.toISOString() : null, alertId: r.alert_id, mergedInto: r.digest_id, payload: r.payload,
    imageUrl: r.msgtype === 'image' ? outboxImagePath(r.id) : null,
  };
}
