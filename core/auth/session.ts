import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stateless session tokens: `base64url(userId.expiresAtSeconds).hmac`. The
 * user row is still loaded on every request, so deactivating a member ends
 * their sessions at once.
 *
 *   const token = signSession(secret, userId, ttlHours, now);
 *   const s = verifySession(secret, token, now); // { userId } | 'invalid' | 'expired'
 */
export function signSession(secret: string, userId: number, ttlHours: number, now = new Date()): string {
  const exp = Math.floor(now.getTime() / 1000) + ttlHours * 3600;
  const body = Buffer.from(`${userId}.${exp}`).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export function verifySession(
  secret: string,
  token: string,
  now = new Date(),
): { userId: number } | 'invalid' | 'expired' {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return 'invalid';
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  const [uid, exp] = Buffer.from(body, 'base64url').toString().split('.').map(Number);
  if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(exp)) return 'invalid';
  if (exp * 1000 <= now.getTime()) return 'expired';
  return { userId: uid };
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** Signs arbitrary link payloads (card links); same scheme, separate purpose tag. */
export function signLink(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`link:${payload}`).digest('base64url').slice(0, 32);
}

export function verifyLink(secret: string, payload: string, sig: string): boolean {
  const expected = Buffer.from(signLink(secret, payload));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
