/**
 * The one way the app talks to the API: same-origin fetch with the session
 * cookie, a timeout, and errors as values the screens can explain — the
 * server's `{ error: { code, message, details } }`, or OFFLINE / TIMEOUT when
 * the network is the problem. A request slower than SLOW_MS flags `net.slow`
 * so the shell can say 「网络较慢」 instead of looking frozen.
 *
 *   const page = await api.get<Page<Action>>('/api/actions', { query: { status: 'dispatched' } });
 */
import { reactive } from 'vue';

export const net = reactive({ online: typeof navigator === 'undefined' ? true : navigator.onLine, slow: false });
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => { net.online = true; });
  window.addEventListener('offline', () => { net.online = false; });
}

/** A failure shown in place: its message, then each detail's own (「校验失败：原因不能为空；…」). */
export function failureText(e: { message: string; details?: unknown } | null): string {
  if (!e) return '';
  const details = Array.isArray(e.details) ? e.details.map((d: { message?: string }) => d.message).filter(Boolean) : [];
  return details.length ? `${e.message}：${details.join('；')}` : e.message;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: any,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The network, not the server, failed: worth retrying as is. */
  get transient(): boolean {
    return this.code === 'OFFLINE' || this.code === 'TIMEOUT' || this.status >= 500 || this.code === 'IDEMPOTENCY_IN_PROGRESS';
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Raw bytes (attachment upload); sent as-is with the blob's type. */
  blob?: Blob;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

const SLOW_MS = 2500;
let slowCount = 0;
type AuthLost = (err: ApiError, path: string) => void;
let onAuthLost: AuthLost | null = null;

/** Called once by the router: a 401 mid-session sends the user to the right screen. */
export function setAuthLostHandler(fn: AuthLost): void {
  onAuthLost = fn;
}

function urlOf(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.blob) {
    body = opts.blob;
    headers['Content-Type'] ??= opts.blob.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  const ctrl = new AbortController();
  const timeout = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 20_000);
  let slow = false;
  const slowTimer = setTimeout(() => { slow = true; slowCount++; net.slow = true; }, SLOW_MS);
  let res: Response;
  try {
    res = await fetch(urlOf(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: ctrl.signal });
  } catch {
    if (ctrl.signal.aborted) throw new ApiError(0, 'TIMEOUT', '网络太慢，请求超时了。内容已保存在手机上，请到信号好的地方再试。');
    net.online = navigator.onLine;
    throw new ApiError(0, 'OFFLINE', '网络连接不上。内容已保存在手机上，联网后会自动继续。');
  } finally {
    clearTimeout(timeout);
    clearTimeout(slowTimer);
    if (slow && --slowCount === 0) net.slow = false;
  }
  net.online = true;
  const text = await res.text();
  let data: any = undefined;
  try { data = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  if (res.ok) return data as T;
  const e = data?.error;
  const err = e?.code
    ? new ApiError(res.status, e.code, e.message, e.details)
    : new ApiError(res.status, res.status >= 500 ? 'SERVER_ERROR' : `HTTP_${res.status}`,
      res.status >= 500 ? '服务器暂时出了问题，请稍后再试。' : `请求失败（${res.status}）`);
  if (res.status === 401 && onAuthLost && !path.startsWith('/api/auth/')) onAuthLost(err, path);
  throw err;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
};

/** A random key for Idempotency-Key headers; kept with the queued request so every retry sends the same one. */
export function newIdempotencyKey(prefix: string): string {
  const rnd = typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rnd}`;
}
