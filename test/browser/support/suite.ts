import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { gcj02ToWgs84 } from '../../../core/flow/geo.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { cameraPhoto as makePhoto } from '../../support/camera-photo.js';
import { buildH5IfStale, launch, type LaunchOptions } from './browser.js';

export interface BrowserSuite {
  pool: pg.Pool;
  api: TestApi;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The built H5 app served by the real API over a fresh (seeded) database, and a headless Chromium.
 * `env` overrides the API's settings, e.g. `{ DATA_DIR }` to share attachment storage with the test.
 */
export async function startBrowserSuite(opts: { env?: Record<string, string> } & LaunchOptions = {}): Promise<BrowserSuite> {
  buildH5IfStale(); // before createApp: the server picks miniprogram/dist when it exists
  const { pool } = await freshDatabase(12);
  const api = await startTestApi({ pool, env: opts.env });
  const browser = await launch(opts);
  return { pool, api, browser, close: async () => { await browser.close(); await api.close(); } };
}

export async function userId(pool: pg.Pool, wecomUserid: string): Promise<number> {
  return (await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [wecomUserid])).rows[0].id;
}

export async function customerNamed(pool: pg.Pool, name: string): Promise<{ id: number; lat: number; lng: number }> {
  return (await pool.query('SELECT id, lat, lng FROM customers WHERE name = $1', [name])).rows[0];
}

/** Where a phone standing at the customer's (GCJ-02) address reports itself: WGS-84, as the browser does. */
export function standingAt(c: { lat: number; lng: number }, northKm = 0): { latitude: number; longitude: number; accuracy: number } {
  const w = gcj02ToWgs84(c.lat + northKm / 111.2, c.lng);
  return { latitude: w.lat, longitude: w.lng, accuracy: 15 };
}

/** A camera photo taken `minutesAgo` (EXIF DateTimeOriginal with +08:00), a picture of its own. */
export async function cameraPhoto(name: string, minutesAgo = 5): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  return { name, mimeType: 'image/jpeg', buffer: await makePhoto({ takenAt: new Date(Date.now() - minutesAgo * 60_000) }) };
}

/** A datetime-local value N days ahead (Shanghai wall time). */
export function daysAheadLocal(days: number): string {
  return new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * Picks a value in a DateTimeField as a person does: opens Vant's Chinese
 * picker, taps the 年/月/日 (and 时/分) options, 下一步 between date and time,
 * then 确定. `value` is the field's own format: 'YYYY-MM-DD', 'YYYY-MM-DDTHH:mm' or 'HH:mm'.
 */
export async function pickDateTime(page: Page, selector: string, value: string): Promise<void> {
  const m = /^(?:(\d{4})-(\d{2})-(\d{2}))?T?(?:(\d{2}):(\d{2}))?$/.exec(value);
  if (!m) throw new Error(`pickDateTime: bad value ${value}`);
  await page.click(selector);
  const sheet = page.locator('.van-popup--bottom:visible').last();
  await sheet.waitFor();
  const tap = async (text: string) => {
    await sheet.locator('.van-picker-column__item:visible', { hasText: new RegExp(`^${text}$`) }).first().click();
    await page.waitForTimeout(120);
  };
  const button = (text: string) => sheet.locator('.van-picker__confirm', { hasText: text }).click();
  if (m[1]) {
    for (const t of [`${m[1]}年`, `${m[2]}月`, `${m[3]}日`]) await tap(t);
    if (m[4]) await button('下一步');
  }
  if (m[4]) for (const t of [`${m[4]}时`, `${m[5]}分`]) await tap(t);
  await button('确定');
  await sheet.waitFor({ state: 'hidden' });
}
