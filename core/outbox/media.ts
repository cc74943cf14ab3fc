/**
 * Image messages. At the cause, the picture is put into attachment storage and
 * the outbox row holds a reference to its bytes (storeOutboxImage,
 * imageMessage); at delivery time they are read,
 * uploaded (media/upload: the media_id lives 3 days, so it is made right
 * before the send, and every retry of the row makes a fresh one), and sent
 * as an `image` message.
 *
 *   const res = await sendStoredImage(wecom, storage, 'director.wang', ref);
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Storage } from '../attachments/storage.js';
import { mediaUploadIssues, sniffMediaFormat } from '../wecom/media-upload.js';
import { WecomApiError, type SendResult, type WecomClient } from '../wecom/wecom-client.js';
import type { OutboxMessage } from './enqueue.js';

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

export const outboxImagePayloadSchema = z.object({ image: outboxImageRefSchema }).strict();

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

/** The row can never be sent as it is (bytes gone or changed, malformed reference): fail it, with `reason` for the admin. */
export class OutboxMediaUnusableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OutboxMediaUnusableError';
  }
}

export function imageRefOf(payload: Record<string, unknown>): OutboxImageRef {
  const parsed = outboxImageRefSchema.safeParse(payload.image);
  if (!parsed.success) throw new OutboxMediaUnusableError('图片消息缺少有效的图片文件引用，无法发送');
  return parsed.data;
}

/** Upload, then send; a media_id WeCom no longer knows (40007) is replaced once by a fresh upload. */
export async function sendStoredImage(wecom: WecomClient, storage: Storage, recipient: string, ref: OutboxImageRef): Promise<SendResult> {
  const buffer = await readStoredImage(storage, ref);
  const upload = async () => (await wecom.uploadMedia({ type: 'image', buffer, filename: ref.filename, contentType: ref.contentType })).mediaId;
  const send = (mediaId: string) => wecom.sendMessage({ touser: [recipient], msgtype: 'image', image: { media_id: mediaId } });
  const mediaId = await upload();
  try {
    return await send(mediaId);
  } catch (err) {
    if (!(err instanceof WecomApiError && err.errcode === 40007)) throw err;
    return send(await upload());
  }
}

/** The stored bytes, checked against their sha256 (a truncated or swapped file is not sent). */
export async function readStoredImage(storage: Storage, ref: OutboxImageRef): Promise<Buffer> {
  let chunks: Buffer[];
  try {
    const { stream } = await storage.get(ref.sha256);
    chunks = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new OutboxMediaUnusableError(`图片文件已不在存储中（${ref.sha256.slice(0, 12)}…），无法发送`);
    }
    throw err;
  }
  const buffer = Buffer.concat(chunks);
  if (createHash('sha256').update(buffer).digest('hex') !== ref.sha256) {
    throw new OutboxMediaUnusableError(`图片文件内容与记录不符（${ref.sha256.slice(0, 12)}…），无法发送`);
  }
  return buffer;
}
