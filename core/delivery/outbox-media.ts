/**
 * Image messages at delivery time. The outbox row holds a reference to the
 * bytes in attachment storage (core/notify/outbox.ts); here they are read,
 * uploaded (media/upload: the media_id lives 3 days, so it is made right
 * before the send, and every retry of the row makes a fresh one), and sent
 * as an `image` message.
 *
 *   const res = await sendStoredImage(wecom, storage, 'director.wang', ref);
 */
import { createHash } from 'node:crypto';
import type { Storage } from '../attachments/storage.js';
import { outboxImageRefSchema, type OutboxImageRef } from '../notify/outbox.js';
import { WecomApiError, type SendResult, type WecomClient } from '../wecom/wecom-client.js';

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
