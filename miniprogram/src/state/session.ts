/**
 * Who is signed in. The session itself is the server's httpOnly cookie; this
 * only mirrors `/api/me`. Demo mode signs in by userid (dev-login); with WeCom
 * configured, sign-in is the OAuth round trip `/api/auth/wecom/start?redirect=`,
 * which is silent inside WeCom.
 */
import { reactive } from 'vue';
import { api, ApiError } from '../api/http';
import type { Me, Role } from '../api/types';

export const session = reactive({
  me: null as Me | null,
  /** null until /readyz answered. */
  demoMode: null as boolean | null,
  /** Why the last /api/me said 401 (SESSION_EXPIRED vs never signed in). */
  authProblem: null as string | null,
});

export async function loadMe(): Promise<Me | null> {
  try {
    session.me = await api.get<Me>('/api/me');
    session.demoMode = session.me.demoMode;
    return session.me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session.me = null;
      session.authProblem = err.code;
      return null;
    }
    throw err;
  }
}

export async function loadDemoMode(): Promise<boolean> {
  if (session.demoMode === null) {
    const r = await api.get<{ ok: boolean; demoMode: boolean }>('/readyz').catch((e: ApiError) => {
      if (e.details === undefined && e.status === 503) return { ok: false, demoMode: false };
      throw e;
    });
    session.demoMode = r.demoMode;
  }
  return session.demoMode;
}

export async function devLogin(userid: string): Promise<Me> {
  const r = await api.post<{ token: string; user: Me }>('/api/auth/dev-login', { userid });
  session.me = r.user;
  session.demoMode = true;
  return r.user;
}

/** The WeCom OAuth entry that comes back to `redirect` (a same-site path). */
export function wecomSignInUrl(redirect: string): string {
  return `/api/auth/wecom/start?redirect=${encodeURIComponent(redirect)}`;
}

export async function logout(): Promise<void> {
  await api.post('/api/auth/logout').catch(() => undefined);
  session.me = null;
}

export function hasRole(...roles: Role[]): boolean {
  return !!session.me && roles.includes(session.me.role);
}

/** Where each role starts. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'rep': return '/today';
    case 'manager': case 'director': case 'compliance': return '/alerts';
    case 'admin': return '/settings';
    case 'clerk': return '/launches';
    case 'inspector': return '/patrols';
  }
}
