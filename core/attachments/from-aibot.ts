/**
 * A picture a member sent the 智能机器人: downloaded from its url (valid 5 minutes) and decrypted —
 * AES-256-CBC, the IV the key's first 16 bytes, PKCS#7 padding to a multiple of 32 (reference §9,
 * the official SDK's decryptFile). The key is the picture's own `aeskey` in long-connection mode,
 * else the bot's EncodingAESKey. The bytes then go through the same checks as any upload.
 *
 *   const { file } = await fetchAibotPicture({ url, aesKey: aesKeyOf(picture, config.aibot) });
 */
import { createDecipheriv } from 'node:crypto';
import { checkFile, type ReceivedFile } from './receive.js';
import { ATTACHMENT_LIMITS } from './limits.js';
import { AppError } from '../errors.js';

/** How long a download may take: the url itself lives 5 minutes. */
const DOWNLOAD_TIMEOUT_MS = 20_000;

/** The key of a picture: its own (long connection), else the callback's EncodingAESKey (43 characters, base64 without '='). */
export function aesKeyOf(picture: { aesKey?: string }, callbackKey: string | null): string | null {
  if (picture.aesKey) return picture.aesKey;
  return callbackKey ? `${callbackKey}=` : null;
}

export function decryptAibotFile(encrypted: Buffer, aesKeyBase64: string): Buffer {
  const key = Buffer.from(aesKeyBase64, 'base64');
  if (key.length !== 32 || encrypted.length === 0 || encrypted.length % 16 !== 0) throw new AppError('AIBOT_MEDIA_INVALID', { reason: 'shape' });
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    throw new AppError('AIBOT_MEDIA_INVALID', { reason: 'decrypt' });
  }
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > 32 || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new AppError('AIBOT_MEDIA_INVALID', { reason: 'padding' });
  }
  return plain.subarray(0, plain.length - pad);
}

export async function fetchAibotPicture(p: { url: string; aesKey: string | null }): Promise<{ file: ReceivedFile }> {
  if (!p.aesKey) throw new AppError('AIBOT_MEDIA_INVALID', { reason: 'no key' });
  let encrypted: Buffer;
  try {
    const res = await fetch(p.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
    if (!res.ok) throw new AppError('AIBOT_MEDIA_INVALID', { status: res.status });
    const declared = Number(res.headers.get('content-length') ?? 0);
    // the ciphertext is at most one padding block longer than the picture it carries
    if (declared > ATTACHMENT_LIMITS.photo + 32) throw new AppError('AIBOT_MEDIA_INVALID', { reason: 'too large', declared });
    encrypted = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('AIBOT_MEDIA_INVALID', { reason: err instanceof Error ? err.message : String(err) });
  }
  return { file: checkFile(decryptAibotFile(encrypted, p.aesKey), { declaredKind: 'photo' }) };
}
