/**
 * Typed failures of WeCom calls. Callers (outbox deliverer, OAuth route, org
 * sync) decide with three facts instead of memorising errcodes:
 *   - `retryable`: worth retrying soon with backoff (busy, rate limit, network);
 *   - `permanent`: this exact request can never succeed (bad user, bad input);
 *   - neither: an operator must act (secret, IP allow-list, permissions).
 *
 *   if (err instanceof WecomError && err.permanent) markFailed(); else if (err.retryable) retryLater();
 */
export type WecomErrorKind =
  | 'busy' // -1, 45009, 45033: lifts by itself (§0, §3)
  | 'token' // 40014, 42001: the client already refreshed once; seeing it again means a token fight
  | 'bug' // 41001 and malformed requests: our code is wrong, retrying cannot help
  | 'config' // 40001, 40013, 60020, 48002, 301002...: operator action needed
  | 'invalid_user' // 60111, 81013, 82001: recipient/member does not exist for this app
  | 'invalid_request' // 40029 used OAuth code, 40007 bad media_id, media upload refused, card update errors
  | 'transport' // network error, timeout, non-200 HTTP
  | 'unknown';

interface Classification {
  kind: WecomErrorKind;
  retryable: boolean;
  permanent: boolean;
}

const KIND_BY_ERRCODE: Record<number, WecomErrorKind> = {
  [-1]: 'busy',
  45009: 'busy',
  45033: 'busy',
  40014: 'token',
  42001: 'token',
  41001: 'bug',
  44004: 'bug',
  45002: 'bug',
  40001: 'config',
  40013: 'config',
  48002: 'config',
  48009: 'config',
  60011: 'config',
  60020: 'config',
  301002: 'config',
  50001: 'config',
  80001: 'config',
  60111: 'invalid_user',
  81013: 'invalid_user',
  82001: 'invalid_user',
  40029: 'invalid_request',
  40007: 'invalid_request',
  // media/upload refusals (§5): type, format, size, empty file: the same bytes can never pass
  40004: 'invalid_request',
  40005: 'invalid_request',
  40006: 'invalid_request',
  40009: 'invalid_request',
  41005: 'invalid_request',
  44001: 'invalid_request',
  42015: 'invalid_request',
  42016: 'invalid_request',
  42017: 'invalid_request',
  42018: 'invalid_request',
};

const FLAGS: Record<WecomErrorKind, Omit<Classification, 'kind'>> = {
  busy: { retryable: true, permanent: false },
  token: { retryable: false, permanent: false },
  bug: { retryable: false, permanent: true },
  config: { retryable: false, permanent: false },
  invalid_user: { retryable: false, permanent: true },
  invalid_request: { retryable: false, permanent: true },
  transport: { retryable: true, permanent: false },
  // Unknown codes are not retried automatically but not discarded either: a human looks at them.
  unknown: { retryable: false, permanent: false },
};

export function classifyErrcode(errcode: number): Classification {
  const kind = KIND_BY_ERRCODE[errcode] ?? 'unknown';
  return { kind, ...FLAGS[kind] };
}

/** Errcodes that mean "drop the cached token, fetch a new one, retry once" (§1). */
export function isTokenExpiredErrcode(errcode: number): boolean {
  return errcode === 40014 || errcode === 42001;
}

/** Base class so callers can test one `instanceof` and read the flags. */
export abstract class WecomError extends Error {
  abstract readonly kind: WecomErrorKind;
  abstract readonly retryable: boolean;
  abstract readonly permanent: boolean;
}

/** WeCom answered with errcode ≠ 0. `path` never includes the query (token stays out of logs). */
export class WecomApiError extends WecomError {
  readonly errcode: number;
  readonly errmsg: string;
  readonly path: string;
  readonly kind: WecomErrorKind;
  readonly retryable: boolean;
  readonly permanent: boolean;

  constructor(errcode: number, errmsg: string, path: string) {
    super(`WeCom ${path} failed: errcode ${errcode} ${errmsg}`);
    this.name = 'WecomApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.path = path;
    const c = classifyErrcode(errcode);
    this.kind = c.kind;
    this.retryable = c.retryable;
    this.permanent = c.permanent;
  }
}

/** Network failure, timeout or unexpected HTTP status. No `cause`: axios errors carry the tokenised URL. */
export class WecomTransportError extends WecomError {
  readonly kind = 'transport' as const;
  readonly retryable = true;
  readonly permanent = false;
  readonly path: string;
  readonly detail: string;

  constructor(path: string, detail: string) {
    super(`WeCom ${path} unreachable: ${detail}`);
    this.name = 'WecomTransportError';
    this.path = path;
    this.detail = detail;
  }
}

/** HTTP 200 with errcode 0 but a body we cannot read (API change). Not retried; someone must look. */
export class WecomProtocolError extends WecomError {
  readonly kind = 'unknown' as const;
  readonly retryable = false;
  readonly permanent = false;
  readonly path: string;

  constructor(path: string, detail: string) {
    super(`WeCom ${path} returned an unexpected body: ${detail}`);
    this.name = 'WecomProtocolError';
    this.path = path;
  }
}

/** We refused to send something WeCom would reject (schema, size, charset). Never retry. */
export class WecomRequestInvalidError extends WecomError {
  readonly kind = 'bug' as const;
  readonly retryable = false;
  readonly permanent = true;
  readonly issues: readonly string[];

  constructor(what: string, issues: readonly string[]) {
    super(`Invalid WeCom ${what}: ${issues.join('; ')}`);
    this.name = 'WecomRequestInvalidError';
    this.issues = issues;
  }
}

export function isWecomError(err: unknown): err is WecomError {
  return err instanceof WecomError;
}

/** True for 40029: the OAuth code is wrong, expired (5 min) or already used. Map to OAUTH_CODE_INVALID. */
export function isOAuthCodeInvalid(err: unknown): boolean {
  return err instanceof WecomApiError && err.errcode === 40029;
}
