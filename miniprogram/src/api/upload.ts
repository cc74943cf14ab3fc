/**
 * A file picked in the page (an <input type="file">) goes to the server one
 * way: its raw bytes to POST /api/attachments, which checks its size and type
 * itself (by its bytes, not the name) and refuses with a code and a Chinese
 * message — thrown as the ApiError the picking screen shows where the upload
 * happened.
 *
 *   const a = await uploadPicked(ev, { kind: 'photo', tags: '巡店' }, newIdempotencyKey('patrol-photo'));
 *   if (a) …  // null: the picker was closed with nothing chosen
 */
import { request } from './http';
import type { Attachment } from './types';

export type AttachmentQuery = {
  kind?: 'photo' | 'document' | 'voice';
  /** Comma-separated tags, e.g. 陈列全景. */
  tags?: string;
  customerId?: number;
  actionId?: number;
  filename?: string;
};

/** Uploading a photo or document on a phone network can take a while. */
const UPLOAD_TIMEOUT_MS = 60_000;

/** One blob stored as an attachment; a retry with the same key stores it once. */
export function uploadAttachment(blob: Blob, query: AttachmentQuery, idempotencyKey?: string): Promise<Attachment> {
  return request<Attachment>('POST', '/api/attachments', {
    blob, timeoutMs: UPLOAD_TIMEOUT_MS, query,
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
  });
}

/**
 * Uploads the file just picked in the input that fired `ev`, or answers null
 * when none was. The input is emptied first, so picking the same file again
 * (after a refusal) fires its change again. `query` may depend on the file
 * (a PDF is a document, a picture a photo).
 */
export async function uploadPicked(
  ev: Event, query: AttachmentQuery | ((file: File) => AttachmentQuery), idempotencyKey?: string,
): Promise<Attachment | null> {
  const input = ev.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return null;
  return uploadAttachment(file, typeof query === 'function' ? query(file) : query, idempotencyKey);
}
