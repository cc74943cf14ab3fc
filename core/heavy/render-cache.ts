/**
 * Rendered artefacts by the hash of their task and input: an input is rendered
 * once, while it stays in the cache (least recently used leaves first, past
 * `maxBytes`), and concurrent requests for the same input share one render.
 *
 *   const cache = new RenderCache(64 * 1024 * 1024);
 *   const png = await cache.getOrRender(key, () => pool.run(...));
 */
export class RenderCache<V extends Buffer | string | unknown> {
  private done = new Map<string, { value: V; bytes: number }>();
  private running = new Map<string, Promise<V>>();
  private bytes = 0;
  hits = 0;
  renders = 0;

  constructor(private maxBytes: number) {}

  async getOrRender(key: string, render: () => Promise<V>): Promise<V> {
    const hit = this.done.get(key);
    if (hit) {
      // re-inserted: Map order is the recency order
      this.done.delete(key);
      this.done.set(key, hit);
      this.hits++;
      return hit.value;
    }
    const inFlight = this.running.get(key);
    if (inFlight) {
      this.hits++;
      return inFlight;
    }
    this.renders++;
    const p = render().finally(() => this.running.delete(key));
    this.running.set(key, p);
    const value = await p;
    this.keep(key, value);
    return value;
  }

  private keep(key: string, value: V): void {
    const bytes = Buffer.isBuffer(value) ? value.length : typeof value === 'string' ? Buffer.byteLength(value) : Buffer.byteLength(JSON.stringify(value) ?? '');
    if (bytes > this.maxBytes / 4) return;
    this.done.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [k, v] of this.done) {
      if (this.bytes <= this.maxBytes) break;
      this.done.delete(k);
      this.bytes -= v.bytes;
    }
  }
}
