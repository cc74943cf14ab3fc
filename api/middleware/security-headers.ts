import type { Context, Next } from 'koa';

/**
 * Headers every response carries, and the Content-Security-Policy of the H5
 * app's pages. The policy is what the built app (miniprogram/, Vite) needs and
 * no more — test/browser/csp.test.ts renders every page under it and fails on
 * any violation:
 * - scripts only from our origin (Vite emits no inline script); 'wasm-unsafe-eval'
 *   lets a barcode decoder compile WebAssembly without allowing eval of JS;
 * - inline styles: Vant and ECharts set style attributes and inject <style>;
 * - blob: for recorded voice memos and photo previews (media, img) and for
 *   workers (barcode scanning off the main thread);
 * - WeCom's JS-SDK frames (login.work.weixin.qq.com, open.work.weixin.qq.com) it
 *   opens outside the WeCom app;
 * - frame-ancestors: WeCom's desktop and web workbench (*.work.weixin.qq.com) may
 *   host the app in a frame; nobody else may frame it (clickjacking).
 * Every other response (API JSON, files, health) carries `default-src 'none';
 * frame-ancestors 'none'`: never meant to run or be framed. HSTS only when
 * PUBLIC_URL is https.
 *
 *   app.use(securityHeaders({ https: config.publicUrl.startsWith('https://') }));
 */
export const H5_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  'frame-src https://login.work.weixin.qq.com https://open.work.weixin.qq.com',
  "frame-ancestors 'self' https://work.weixin.qq.com https://*.work.weixin.qq.com",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Camera, microphone and location for our own pages (check-in, photos, voice, scanning); nothing for frames of others. */
const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), geolocation=(self), payment=(), usb=()';

export function securityHeaders(opts: { https: boolean }) {
  return async (ctx: Context, next: Next) => {
    // set before the route runs, so a route with a stricter policy of its own (files, images) replaces it
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('Permissions-Policy', PERMISSIONS_POLICY);
    // the H5 app's files replace it with H5_CSP (serve-h5.ts); everything else runs and frames nothing
    ctx.set('Content-Security-Policy', API_CSP);
    // ~180 days; not includeSubDomains: other hosts of the customer's domain are not ours to pin
    if (opts.https) ctx.set('Strict-Transport-Security', 'max-age=15552000');
    // Secure cookies follow PUBLIC_URL too: behind a TLS proxy our socket is plain http
    ctx.cookies.secure = opts.https;
    await next();
  };
}
