import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import { H5_CSP } from './security-headers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../miniprogram');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon', '.webp': 'image/webp', '.wasm': 'application/wasm',
};

/**
 * Serves the H5 app: the Vite build in `miniprogram/dist` when present, else the
 * placeholder in `miniprogram/public`. Unknown non-API paths get index.html so
 * deep links from warning cards open the app.
 */
export function serveH5() {
  const dir = existsSync(path.join(ROOT, 'dist', 'index.html')) ? path.join(ROOT, 'dist') : path.join(ROOT, 'public');
  return async (ctx: Context, next: Next) => {
    if (!['GET', 'HEAD'].includes(ctx.method) || ctx.path.startsWith('/api/') || ctx.body !== undefined) return next();
    const rel = path.normalize(decodeURIComponent(ctx.path)).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(dir, rel);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(dir, 'index.html');
    if (!existsSync(file)) return next();
    ctx.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    ctx.set('Content-Security-Policy', H5_CSP);
    ctx.set('Cache-Control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    ctx.vary('Accept-Encoding');
    // the build writes x.js.gz beside x.js (miniprogram/build-if-stale.mjs)
    if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip' && existsSync(`${file}.gz`)) {
      ctx.set('Content-Encoding', 'gzip');
      file = `${file}.gz`;
    }
    ctx.body = createReadStream(file);
  };
}
