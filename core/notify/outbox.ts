/**
 * The only way the system sends to WeCom: a row in `outbox`, written in the
 * same transaction as its cause. A deliverer sends pending rows; in demo mode
 * they stay here and the app shows them as the 发件箱. The dedupe key makes
 * every enqueue idempotent: a retried job or request sends nothing twice.
 *
 *   await enqueueMessage(db, { dedupeKey: `action:${id}:dispatched`, recipient: 'rep.zhao',
 *     msgtype: 'text', payload: { text: { content: '你有一个新事项' } } });
 *
 * Images wait as a reference to their bytes in attachment storage (a media_id
 * would expire after 3 days, and a restart must not lose the picture); the
 * deliverer uploads them right before sending (core/delivery/outbox-media.ts).
 *
 *   const ref = await storeOutboxImage(storage, png, { filename: 'heatmap-2026-W12.png', title: '堵点热力图 2026-W12' });
 *   await enqueueMessage(db, { dedupeKey: `heatmap:${week}:${userId}:image`, recipient: 'director.wang', ...imageMessage(ref) });
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Storage } from '../attachments/storage.js';
import { prepared, type Db } from '../db/pool.js';
import type { Statement } from '../db/statement.js';
import { mediaUploadIssues, sniffMediaFormat } from '../wecom/media-upload.js';
import { wecomMessageSchema, type WecomMessageType } from '../wecom/wecom-client.js';

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
}

/** An image in the outbox: its bytes in attachment storage, uploaded to WeCom only when sent. */
export const outboxImageRefSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The upload's filename (ASCII is safest: WeCom shows it nowhere for images). */
  filename: z.string().min(1).max(128),
  contentType: z.enum(['image/png', 'image/jpeg']),
  size: z.number().int().min(6).max(10 * 1024 * 1024),
  /** For people reading the outbox (the 发件箱 title); not sent. */
  title: z.string().max(128).optional(),
}).strict();
export type OutboxImageRef = z.infer<typeof outboxImageRefSchema>;

const outboxImagePayloadSchema = z.object({ image: outboxImageRefSchema }).strict();

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
export async function enqueueMessage(db: Db, m: OutboxMessage): Promise<boolean> {
  assertSendable(m);
  const r = await db.query(prepared(
    `INSERT INTO outbox (dedupe_key, recipient, msgtype, payload) VALUES ($1,$2,$3,$4)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [m.dedupeKey, m.recipient, m.msgtype, JSON.stringify(m.payload)],
  ));
  return r.rowCount === 1;
}

/** The same as enqueueMessage for each message, as a part of a larger statement. */
export function enqueueMessagesCte(st: Statement, name: string, messages: readonly OutboxMessage[]): void {
  messages.forEach(assertSendable);
  const rows = messages.map((m) => ({ dedupe_key: m.dedupeKey, recipient: m.recipient, msgtype: m.msgtype, payload: m.payload }));
  st.with(name, `INSERT INTO outbox (dedupe_key, recipient, msgtype, payload)
    SELECT x.dedupe_key, x.recipient, x.msgtype, x.payload
      FROM jsonb_to_recordset(${st.param(JSON.stringify(rows))}::jsonb) AS x(dedupe_key text, recipient text, msgtype text, payload jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING`);
}

/** A WeCom text card (title, ≤512-byte description, a link) as an outbox payload. */
export function textCard(title: string, description: string, url: string, btntxt = '详情'): Pick<OutboxMessage, 'msgtype' | 'payload'> {
  return { msgtype: 'textcard', payload: { textcard: { title: clip(title, 128), description: clip(description, 512), url, btntxt } } };
}

/** An image message as an outbox payload; the bytes must already be stored (storeOutboxImage). */
export function imageMessage(ref: OutboxImageRef): Pick<OutboxMessage, 'msgtype' | 'payload'> {
  return { msgtype: 'image', payload: { image: outboxImageRefSchema.parse(ref) } };
}

/**
 * Puts a PNG/JPG into attachment storage (by sha256, so the same picture for
 * ten directors is stored once) and returns its outbox reference. Refuses what
 * WeCom would refuse (format, >10 MB) here, at the cause.
 */
export async function storeOutboxImage(storage: Storage, data: Buffer, meta: { filename: string; title?: string }): Promise<OutboxImageRef> {
  const issues = mediaUploadIssues({ type: 'image', buffer: data, filename: meta.filename });
  if (issues.length) throw new Error(`outbox image refused: ${issues.join('；')}`);
  const sha256 = createHash('sha256').update(data).digest('hex');
  await storage.put(sha256, data);
  const contentType = sniffMediaFormat(data) === 'png' ? 'image/png' : 'image/jpeg';
  return outboxImageRefSchema.parse({ sha256, filename: meta.filename, contentType, size: data.length, ...(meta.title ? { title: meta.title } : {}) });
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
