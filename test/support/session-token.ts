import type pg from 'pg';
import { openSession } from '../../core/sessions/sessions.js';

/** The harness's SESSION_SECRET (test/support/api-harness.ts). */
export const TEST_SESSION_SECRET = 'test-secret-0123456789abcdef';

/**
 * A real session for `userid`, as the OAuth callback would open it: for an API
 * started with WeCom configured (no dev sign-in there), or one that started
 * in the past (`now`) to be expired.
 */
export async function sessionToken(
  pool: pg.Pool, userid: string, opts: { secret?: string; now?: Date; ttlHours?: number } = {},
): Promise<string> {
  const { rows } = await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [userid]);
  if (!rows[0]) throw new Error(`no user ${userid}`);
  const s = await openSession(pool, opts.secret ?? TEST_SESSION_SECRET, {
    userId: rows[0].id, method: 'wecom', ttlHours: opts.ttlHours ?? 12, now: opts.now ?? new Date(),
  });
  return s.token;
}
