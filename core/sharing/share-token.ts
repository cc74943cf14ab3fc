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

/**
 * The OAuth `state` a share page sends WeCom for link `id` ([a-zA-Z0-9] only, as WeCom requires):
 * the page trusts a code only when it comes back with this state, so a crafted
 * `?code=…&state=…` names nobody.
 */
export function shareOAuthState(secret: string, id: number): string {
  return createHmac('sha256', secret).update(`share-oauth:${id}`).digest('hex').slice(0, 32);
}

/** Who the page recognised, carried to its download link: a member (`m`) or a contact (`c12`), signed for this link. */
export type ShareViewer = { member: true } | { contactId: number };

export function viewerToken(secret: string, id: number, v: ShareViewer): string {
  const who = 'member' in v ? 'm' : `c${v.contactId}`;
  return `${who}.${createHmac('sha256', secret).update(`share-viewer:${id}:${who}`).digest('base64url').slice(0, SIGNATURE_CHARS)}`;
}

/** The viewer a download link carries; null for a missing, altered or another link's token. */
export function verifyViewerToken(secret: string, id: number, token: unknown): ShareViewer | null {
  const m = typeof token === 'string' ? /^(m|c[1-9]\d{0,14})\.[\w-]{22}$/.exec(token) : null;
  if (!m) return null;
  const viewer: ShareViewer = m[1] === 'm' ? { member: true } : { contactId: Number(m[1].slice(1)) };
  const expected = Buffer.from(viewerToken(secret, id, viewer));
  const given = Buffer.from(token as string);
  return expected.length === given.length && timingSafeEqual(expected, given) ? viewer : null;
}
