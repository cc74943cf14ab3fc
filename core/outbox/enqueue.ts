/**
 * The only way the system sends to WeCom: a row in `outbox`, written in the
 * same transaction as its cause. A deliverer sends pending rows
 * (core/outbox/deliver.ts); in demo mode they stay here and the app shows them
 * as the 发件箱. The dedupe key makes every enqueue idempotent: a retried job or
 * request sends nothing twice. No other module writes the table.
 *
 *   await enqueueMessage(db, { dedupeKey: `action:${id}:dispatched`, recipient: 'rep.zhao', ...textMessage('你有一个新事项') });
 *   enqueueMessagesCte(sql, 'out', messages); // as one part of a larger statement
 *
 * Images wait as a reference to their bytes in attachment storage (a media_id
 * would expire after 3 days, and a restart must not lose the picture); the
 * deliverer uploads them right before sending (core/outbox/media.ts).
 *
 *   const ref = await storeOutboxImage(storage, png, { filename: 'heatmap-2026-W12.png', title: '堵点热力图 2026-W12' });
 *   await enqueueMessage(db, { dedupeKey: `heatmap:${week}:${userId}:image`, recipient: 'director.wang', ...imageMessage(ref) });
 */
import { prepared, type Db } from '../db/pool.js';
import type { Sql } from '../db/sql.js';
import { wecomMessageSchema, type WecomMessageType } from '../wecom/wecom-client.js';
import { outboxImagePayloadSchema } from './media.js';

export interface OutboxMessage {
  /** Stable per cause, e.g. `todo:{actionId}:{day}`; a second enqueue with it is a no-op. */
  dedupeKey: string;
  /** WeCom userid of the one recipient. */
  recipient: string;
  msgtype: WecomMessageType;
  /**
   * The message body without `touser`/`msgtype`, e.g. `{ textcard: { title, description, url } }`;
   * for 'image' `{ image: OutboxImageRef }` (see imageMessage), never a media_id.
   */
  payload: Record<string, unknown>;
  /**
   * An alert's card: cancelled unsent once the alert is resolved, and foldable into a digest
   * card when the recipient's limit is reached, counted there under `label` (the rule's name).
   */
  alert?: { id: number; label: string };
}

export interface EnqueueOptions {
  /** Quiet hours: the messages wait until then (default: due at once). */
  sendAfter?: Date | null;
  /** When the cause happened (a job's pinned clock); default the database's now(). */
  at?: Date;
  /** A SQL condition the rows are written under, e.g. `EXISTS (SELECT 1 FROM closed)`: a CTE of the same statement decides. */
  onlyIf?: string;
  /** The CTE returns `id, dedupe_key` of the rows it wrote. */
  returning?: boolean;
}

/** Refuses a malformed message here, at its cause, not as a WeCom error hours later. */
function assertSendable(m: OutboxMessage): void {
  if (m.msgtype === 'image') {
    outboxImagePayloadSchema.parse(m.payload);
    wecomMessageSchema.parse({ image: { media_id: 'uploaded-when-sent' }, touser: [m.recipient], msgtype: 'image' });
  } else {
    wecomMessageSchema.parse({ ...m.payload, touser: [m.recipient], msgtype: m.msgtype });
  }
}

/** Returns whether a row was written (false: that dedupe key was already queued). */
export async function enqueueMessage(db: Db, m: OutboxMessage, opts: EnqueueOptions = {}): Promise<boolean> {
  assertSendable(m);
  const r = await db.query(prepared(insertSql('$1', opts, '$2', '$3'), [rowsJson([m]), opts.sendAfter ?? null, opts.at ?? null]));
  return r.rowCount === 1;
}

/** The same as enqueueMessage for each message, as the CTE `name` of a larger statement. */
export function enqueueMessagesCte(sql: Sql, name: string, messages: readonly OutboxMessage[], opts: EnqueueOptions = {}): void {
  messages.forEach(assertSendable);
  const rows = sql.param(rowsJson(messages));
  const sendAfter = opts.sendAfter ? sql.param(opts.sendAfter) : 'NULL';
  const at = opts.at ? sql.param(opts.at) : 'NULL';
  sql.with(name, insertSql(rows, opts, sendAfter, at));
}

function rowsJson(messages: readonly OutboxMessage[]): string {
  return JSON.stringify(messages.map((m) => ({
    dedupe_key: m.dedupeKey, recipient: m.recipient, msgtype: m.msgtype, payload: m.payload,
    ...(m.alert ? { alert_id: m.alert.id, digest_label: m.alert.label } : {}),
  })));
}

function insertSql(rows: string, opts: EnqueueOptions, sendAfter: string, at: string): string {
  return `INSERT INTO outbox (dedupe_key, recipient, msgtype, payload, alert_id, digest_label, next_attempt_at, created_at)
    SELECT x.dedupe_key, x.recipient, x.msgtype, x.payload, x.alert_id, x.digest_label,
           COALESCE(${sendAfter}::timestamptz, ${at}::timestamptz, now()), COALESCE(${at}::timestamptz, now())
      FROM jsonb_to_recordset(${rows}::jsonb)
        AS x(dedupe_key text, recipient text, msgtype text, payload jsonb, alert_id bigint, digest_label text)
     ${opts.onlyIf ? `WHERE ${opts.onlyIf}` : ''}
    ON CONFLICT (dedupe_key) DO NOTHING${opts.returning ? ' RETURNING id, dedupe_key' : ''}`;
}

/** A WeCom text card (title, ≤512-byte description, a link) as an outbox payload. */
export function textCard(title: string, description: string, url: string, btntxt = '详情'): Pick<OutboxMessage, 'msgtype' | 'payload'> {
  return { msgtype: 'textcard', payload: { textcard: { title: clip(title, 128), description: clip(description, 512), url, btntxt } } };
}

/** Plain text as an outbox payload (WeCom's limit is 2048 bytes). */
export function textMessage(content: string): Pick<OutboxMessage, 'msgtype' | 'payload'> {
  return { msgtype: 'text', payload: { text: { content: clip(content, 2048) } } };
}

function clip(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(`${out}${ch}…`, 'utf8') > maxBytes) break;
    out += ch;
  }
  return `${out}…`;
}
