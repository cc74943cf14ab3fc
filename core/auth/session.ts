import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Session tokens: `base64url(sessionId.userId.expiresAtSeconds).hmac`. The
 * signature makes a token unforgeable; the session row it names
 * (core/sessions/sessions.ts) makes it revocable: every request checks that the
 * row is still open and its member still active.
 *
 *   const token = signSession(secret, { sessionId, userId }, expiresAt);
 *   const s = verifySession(secret, token, now); // { sessionId, userId } | 'invalid' | 'expired'
 */
export interface SessionClaim { sessionId: number; userId: number }

export function signSession(secret: string, claim: SessionClaim, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const body = Buffer.from(`${claim.sessionId}.${claim.userId}.${exp}`).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export function verifySession(secret: string, token: string, now = new Date()): SessionClaim | 'invalid' | 'expired' {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return 'invalid';
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  const parts = Buffer.from(body, 'base64url').toString().split('.');
  if (parts.length !== 3) return 'invalid';
  const [sessionId, userId, exp] = parts.map(Number);
  if (![sessionId, userId, exp].every(Number.isSafeInteger)) return 'invalid';
  if (exp * 1000 <= now.getTime()) return 'expired';
  return { sessionId, userId };
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`session:${body}`).digest('base64url');
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
