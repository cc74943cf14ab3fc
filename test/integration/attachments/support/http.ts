import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { ApiResponse, TestApi } from '../../../support/api-harness.js';
import { sessionToken } from '../../../support/session-token.js';

/** A session for an API started with a WeCom client (no dev-login there). */
export const tokenOf = (pool: pg.Pool, userid: string): Promise<string> => sessionToken(pool, userid);

export interface RawOptions {
  token: string;
  body?: Buffer | ReadableStream<Uint8Array>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** A request with a binary body (api.call only sends JSON or text). */
export async function rawCall(api: Pick<TestApi, 'baseUrl'>, method: string, p: string, o: RawOptions): Promise<ApiResponse & { bytes: Buffer }> {
  const qs = o.query ? `?${new URLSearchParams(o.query)}` : '';
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { Authorization: `Bearer ${o.token}`, 'Content-Type': 'application/octet-stream', ...o.headers },
  };
  if (o.body instanceof ReadableStream) {
    init.body = o.body;
    init.duplex = 'half';
  } else if (o.body) {
    init.body = new Uint8Array(o.body);
  }
  const res = await fetch(api.baseUrl + p + qs, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: any = bytes.toString('utf8');
  if (/json/.test(res.headers.get('content-type') ?? '')) body = JSON.parse(body);
  return { status: res.status, body, headers: res.headers, bytes };
}

export function upload(api: TestApi, token: string, body: Buffer | ReadableStream<Uint8Array>, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  return rawCall(api, 'POST', '/api/attachments', { token, body, query, headers });
}

/** A body sent chunked (no Content-Length), so the server has to count. */
export function chunked(buf: Buffer, chunkSize = 256 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= buf.length) return controller.close();
      controller.enqueue(new Uint8Array(buf.subarray(offset, offset + chunkSize)));
      offset += chunkSize;
    },
  });
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'af-attachments-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  for (const name of names) {
    const p = path.join(dir, name);
    out = statSync(p).isDirectory() ? out.concat(filesUnder(p)) : out.concat(p);
  }
  return out;
}
