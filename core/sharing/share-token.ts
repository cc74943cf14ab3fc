/**
 * A share link's token: `<id>.<signature>`, the signature an HMAC of the id
 * under the server's secret. Nothing secret is stored, the same link always
 * has the same address (a rep can copy it again), and a token whose id or
 * signature was altered verifies as nothing.
 *
 *   const token = shareToken(secret, 42);        // '42.Xq…'
 *   verifyShareToken(secret, token) === 42;      // null for a forged one
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

// 128 bits: as hard to guess as a random token, short enough for a chat message
const SIGNATURE_CHARS = 22;

function signature(secret: string, id: number): string {
  return createHmac('sha256', secret).update(`share-link:${id}`).digest('base64url').slice(0, SIGNATURE_CHARS);
}

export function shareToken(secret: string, id: number): string {
  return `${id}.${signature(secret, id)}`;
}

/** The link id a genuine token names; null for anything else. */
export function verifyShareToken(secret: string, token: string): number | null {
  const m = /^([1-9]\d{0,14})\.([\w-]{22})$/.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const expected = Buffer.from(signature(secret, id));
  const given = Buffer.from(m[2]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

export const shareUrl = (publicUrl: string, secret: string, id: number): string =>
  `${publicUrl.replace(/\/$/, '')}/s/${shareToken(secret, id)}`;
