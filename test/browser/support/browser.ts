import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Browser-test kit: Debian's Chromium driven by playwright-core, a phone-sized
 * context (390×844), optional WeCom webview (UA `wxwork/4.1.0` + a fake
 * `WeixinJSBridge`, wecom-reference §10), sign-in through the real dev-login
 * route, and phone-size screenshots into test-artifacts/.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

/** The H5 build the server will serve: rebuilt only when its sources changed. */
export function buildH5IfStale(): void {
  execFileSync(process.execPath, ['miniprogram/build-if-stale.mjs'], { stdio: 'inherit' });
}

export interface LaunchOptions {
  /** A WAV file the fake microphone plays (getUserMedia needs no prompt); without it, no microphone. */
  microphoneWav?: string;
  /** An MJPEG file the fake camera shows (getUserMedia needs no prompt); without it, no camera. */
  cameraMjpeg?: string;
}

export async function launch(o: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const fake = o.microphoneWav || o.cameraMjpeg ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] : [];
  const media = [
    ...fake,
    ...(o.microphoneWav ? [`--use-file-for-fake-audio-capture=${o.microphoneWav}`] : []),
    ...(o.cameraMjpeg ? [`--use-file-for-fake-video-capture=${o.cameraMjpeg}`] : []),
  ];
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage', ...media],
  });
}

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
const WECOM_UA = `${PHONE_UA} wxwork/4.1.0 MicroMessenger/7.0.1 Language/zh ColorScheme/Light`;

export interface PhoneOptions {
  baseURL: string;
  /** Open as WeCom's webview with a fake JS bridge answering these API results; a list answers successive calls in turn (the last one repeats). */
  wecomBridge?: Record<string, Record<string, unknown> | Array<Record<string, unknown>>>;
  geolocation?: { latitude: number; longitude: number; accuracy?: number };
}

export async function phone(browser: Browser, o: PhoneOptions): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    baseURL: o.baseURL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    userAgent: o.wecomBridge ? WECOM_UA : PHONE_UA,
    ...(o.geolocation ? { geolocation: o.geolocation, permissions: ['geolocation'] } : {}),
  });
  if (o.wecomBridge) {
    await ctx.addInitScript((fx: Record<string, Record<string, unknown> | Array<Record<string, unknown>>>) => {
      const calls: Array<{ name: string; params: unknown }> = [];
      (window as any).__bridgeCalls = calls;
      (window as any).WeixinJSBridge = {
        invoke(name: string, params: unknown, cb: (r: unknown) => void) {
          calls.push({ name, params });
          // no named helper here: tsx wraps those in __name(), which the page does not have
          const a = fx[name];
          const n = calls.filter((c) => c.name === name).length - 1;
          const answer = Array.isArray(a) ? a[Math.min(n, a.length - 1)] : a;
          setTimeout(() => cb({ err_msg: `${name}:ok`, errMsg: `${name}:ok`, ...(answer ?? {}) }), 10);
        },
        on() { /* events are not simulated */ },
      };
    }, o.wecomBridge);
  }
  return ctx;
}

/** Signs the context in as a demo user (the session cookie the app uses). */
export async function signIn(ctx: BrowserContext, userid: string): Promise<void> {
  const r = await ctx.request.post('/api/auth/dev-login', { data: { userid } });
  if (!r.ok()) throw new Error(`dev-login ${userid}: ${r.status()} ${await r.text()}`);
}

const shots = new Map<string, number>();
/** A phone-size screenshot named after the step: test-artifacts/<suite>/<nn>-<step>.png (the folder is emptied per run). */
export async function snap(page: Page, suite: string, step: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  const dir = path.join(ARTIFACTS, suite);
  if (!shots.has(suite)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const n = (shots.get(suite) ?? 0) + 1;
  shots.set(suite, n);
  const file = path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}

/** A phone signed in as `userid`, with one page open and its uncaught errors collected. */
export async function signedInPhone(browser: Browser, o: PhoneOptions, userid: string): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await phone(browser, o);
  await signIn(ctx, userid);
  const page = await ctx.newPage();
  return { ctx, page, errors: watchErrors(page) };
}

/** Fails the test on any uncaught page error (a blank screen usually starts as one). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => { errors.push(e.message); if (process.env.DEBUG_PAGE_ERRORS) console.log(e.stack); });
  return errors;
}

/** Types a message into the H5 chat with the bot and returns the bot's last line once it has answered. */
export async function sayInChat(page: Page, text: string): Promise<string> {
  // the page's greeting and history first (it keeps 发送 disabled until then): counted before they are drawn,
  // a line of the history would pass for the answer
  await page.locator('[data-testid="chat-send"]:not([disabled])').waitFor();
  const before = await page.locator('[data-line="bot"]').count();
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-line="bot"]').length > n, before);
  return (await page.locator('[data-line="bot"]').last().textContent()) ?? '';
}
