/**
 * The load generators' HTTP client: node's http on keep-alive connections.
 * Not fetch — the generators run in the server's own process, and fetch's
 * per-request streams, WeakRefs and finalizers would fill the server's heap
 * with the client's garbage; the major GCs that brings on would be counted
 * as the server's latency (bench/bot.bench.ts's ACK phase had them).
 *
 *   const client = benchClient();
 *   const status = await client.post(url, body, { 'Content-Type': 'text/xml' });
 *   client.close();
 */
import http from 'node:http';

export interface BenchClient {
  /** POSTs `body` and resolves with the status once the response is read to its end. */
  post(url: string, body: string, headers: Record<string, string>): Promise<number>;
  close(): void;
}

export function benchClient(): BenchClient {
  const agent = new http.Agent({ keepAlive: true });
  return {
    post: (url, body, headers) => new Promise<number>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(body);
    }),
    close: () => agent.destroy(),
  };
}
