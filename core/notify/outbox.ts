/**
 * The only way the system sends to WeCom: a row in `outbox`, written in the
 * same transaction as its cause. A deliverer sends pending rows; in demo mode
 * they stay here and the app shows them as the 发件箱. The dedupe key makes
 * every enqueue idempotent: a retried job or request sends nothing twice.
 *
 *   await enqueueMessage(db, { dedupeKey: `action:${id}:dispatched`, recipient: 'rep.zhao',
 *     msgtype: 'text', payload: { text: { content: '你有一个新事项' } } });
 */
import type { Db } from '../db/pool.js';
import { wecomMessageSchema, type WecomMessageType } from '../wecom/wecom-client.js';

export interface OutboxMessage {
  /** Stable per cause, e.g. `todo:{actionId}:{day}`; a second enqueue with it is a no-op. */
  dedupeKey: string;
  /** WeCom userid of the one recipient. */
  recipient: string;
  msgtype: WecomMessageType;
  /** The message body without `touser`/`msgtype`, e.g. `{ textcard: { title, description, url } }`. */
  payload: Record<string, unknown>;
}

/** Returns whether a row was written (false: that dedupe key was already queued). */
export async function enqueueMessage(db: Db, m: OutboxMessage): Promise<boolean> {
  // validated here so a malformed message is a bug at its cause, not a WeCom error hours later
  wecomMessageSchema.parse({ ...m.payload, touser: [m.recipient], msgtype: m.msgtype });
  const r = await db.query(
    `INSERT INTO outbox (dedupe_key, recipient, msgtype, payload) VALUES ($1,$2,$3,$4)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [m.dedupeKey, m.recipient, m.msgtype, JSON.stringify(m.payload)],
  );
  return r.rowCount === 1;
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
