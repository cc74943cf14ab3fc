/**
 * Cache for short-lived WeCom secrets (access_token, jsapi tickets).
 * WeCom throttles gettoken and ticket calls (tickets: 400/h corp, 100/h app),
 * so every process shares one value per key and concurrent callers share one
 * fetch (single-flight). Storage is pluggable: memory now, Postgres later so
 * several processes share the token too.
 *
 *   const cache = new SecretCache(new InMemoryTokenStore());
 *   const token = await cache.get(`token:${corpId}:${agentId}`, fetchToken);
 */

export interface CachedSecret {
  value: string;
  /** Epoch ms when WeCom stops accepting the value. */
  expiresAt: number;
  /** Epoch ms after which we fetch a new value (expiry minus the refresh margin). */
  refreshAt: number;
}

/** Persistence port. Implementations must be safe to call concurrently. */
export interface TokenStore {
  get(key: string): Promise<CachedSecret | null>;
  set(key: string, entry: CachedSecret): Promise<void>;
  /** Delete only while the key still holds `value`: a late 42001 must not drop a newer token. */
  deleteIfValue(key: string, value: string): Promise<void>;
}

export class InMemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, CachedSecret>();

  async get(key: string): Promise<CachedSecret | null> {
    return this.entries.get(key) ?? null;
  }

  async set(key: string, entry: CachedSecret): Promise<void> {
    this.entries.set(key, { ...entry });
  }

  async deleteIfValue(key: string, value: string): Promise<void> {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}

/** What a fetcher returns: the value and WeCom's `expires_in` in seconds. */
export interface FetchedSecret {
  value: string;
  expiresInSec: number;
}

export interface SecretCacheOptions {
  /** Refresh this long before expiry (default 5 min) so in-flight requests never carry a dying token. */
  refreshMarginMs?: number;
  now?: () => number;
}

export class SecretCache {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: TokenStore,
    opts: SecretCacheOptions = {},
  ) {
    this.refreshMarginMs = opts.refreshMarginMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Cached value if still fresh, else one shared fetch for all concurrent callers. */
  async get(key: string, fetch: () => Promise<FetchedSecret>): Promise<string> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const cached = await this.store.get(key);
    if (cached && this.isFresh(cached)) return cached.value;
    // Re-check: another caller may have started the fetch while we awaited the store.
    const raced = this.inFlight.get(key);
    if (raced) return raced;
    const promise = this.fetchAndStore(key, fetch).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Forget `value` (after 40014/42001) so the next get() fetches a new one. */
  async invalidate(key: string, value: string): Promise<void> {
    await this.store.deleteIfValue(key, value);
  }

  private isFresh(entry: CachedSecret): boolean {
    return this.now() < Math.min(entry.refreshAt, entry.expiresAt);
  }

  private async fetchAndStore(key: string, fetch: () => Promise<FetchedSecret>): Promise<string> {
    const fetched = await fetch();
    const ttlMs = Math.max(0, fetched.expiresInSec * 1000);
    const now = this.now();
    // A margin larger than half the TTL would make a short-lived value never fresh.
    const margin = Math.min(this.refreshMarginMs, ttlMs / 2);
    const entry: CachedSecret = { value: fetched.value, expiresAt: now + ttlMs, refreshAt: now + ttlMs - margin };
    await this.store.set(key, entry);
    return entry.value;
  }
}
