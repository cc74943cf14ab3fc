import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../../../core/config.js';
import { logger } from '../../../core/logger.js';
import { LoggingWecomClient } from '../../../core/wecom/logging-wecom-client.js';
import type { WecomClient } from '../../../core/wecom/wecom-client.js';
import { createBotDeps } from '../../../bot/engine/deps.js';
import { Inbox } from '../../../bot/engine/inbox.js';
import type { BotDeps, BotMessage } from '../../../bot/engine/types.js';
import { startBot, type BotPart } from '../../../bot/main.js';
import { ConsoleTransport } from '../../../bot/transports/console.transport.js';
import { anAttachment, lookups } from '../actions/actions-helpers.js';
import { freshDatabase } from '../../support/database.js';
import type { InboundBus } from '../../../core/inbound/inbound-signal.js';

let dataDir: string | null = null;

/** Attachment files of every bot suite in this process, removed when it exits. */
function botDataDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'af-bot-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  return dataDir;
}

/** Engine dependencies over a test database, files under a temp dir, a movable clock. */
export function botDepsFor(pool: pg.Pool, o: { now?: () => Date; wecom?: WecomClient; env?: Record<string, string> } = {}): BotDeps {
  const dataDir = botDataDir();
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-0123456789abcdef', DATA_DIR: dataDir, ...o.env });
  return createBotDeps({ config, pool, logger, now: o.now ?? (() => new Date()), wecom: o.wecom ?? new LoggingWecomClient(logger) });
}

/** The bot part as a process starts it (bot/main.ts), over a test database. */
export function startBotPart(pool: pg.Pool, deps: BotDeps, inboundBus?: InboundBus): Promise<BotPart> {
  const sys = {
    config: deps.config as never, pool, logger, now: deps.now, wecom: deps.wecom, inboundBus,
    db: { pool, url: '', embedded: false, close: async () => undefined },
  };
  return startBot(sys as never, deps);
}

/** One message through the bot's one way in (the inbox, as the console receives it); the reply text (all replies joined). */
export async function say(deps: BotDeps, userid: string, message: BotMessage | string): Promise<string> {
  const m: BotMessage = typeof message === 'string' ? { kind: 'text', text: message } : message;
  const replies = await new Inbox(deps, new ConsoleTransport()).receive({ dedupeKey: `test:${randomUUID()}`, userid, message: m });
  return replies.map((r) => r.text).join('\n');
}

export async function contactsOfCustomer(pool: pg.Pool, name: string): Promise<Array<{ id: number; name: string; title: string; buying_role: string }>> {
  const { rows } = await pool.query(
    'SELECT ct.id, ct.name, ct.title, ct.buying_role FROM contacts ct JOIN customers c ON c.id = ct.customer_id WHERE c.name = $1 ORDER BY ct.id', [name]);
  return rows;
}

/** "采购经理刘总" for the customer's decision maker, narrowed by title when the surname is shared. */
export async function decisionMakerPhrase(pool: pg.Pool, customer: string): Promise<{ phrase: string; contact: { id: number; name: string } }> {
  const contacts = await contactsOfCustomer(pool, customer);
  const dm = contacts.find((c) => c.buying_role === 'decider')!;
  return { phrase: `${dm.title}${dm.name[0]}总`, contact: dm };
}

export async function draftOf(pool: pg.Pool, actionId: number): Promise<any> {
  return (await pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [actionId])).rows[0]?.payload ?? null;
}

export async function activeActionOf(pool: pg.Pool, userid: string): Promise<number | null> {
  const { rows: [r] } = await pool.query(
    'SELECT b.active_action_id FROM bot_conversations b JOIN users u ON u.id = b.user_id WHERE u.wecom_userid = $1', [userid]);
  return r?.active_action_id ?? null;
}

/** rep.zhao checks in at 华联超市总部's door by location (the bot starts a visit there); the visit's action id. */
export async function checkInAtHualian(pool: pg.Pool, deps: BotDeps): Promise<number> {
  const { rows: [c] } = await pool.query(`SELECT lat, lng FROM customers WHERE name = '华联超市总部'`);
  await say(deps, 'rep.zhao', { kind: 'location', lat: Number(c.lat) + 0.001, lng: Number(c.lng), coordSystem: 'gcj02' });
  return (await activeActionOf(pool, 'rep.zhao'))!;
}

/**
 * rep.zhao files everything a visit report of `customer` needs through the bot, as a rep chats it: check-in,
 * two tagged photos, the decision maker and next contact, the memo. The last message completes it.
 */
export async function fillVisitReport(
  pool: pg.Pool, deps: BotDeps, customer: string, now: Date,
): Promise<{ last: string; actionId: number; dm: { id: number; name: string } }> {
  const { rows: [c] } = await pool.query('SELECT id, lat, lng FROM customers WHERE name = $1', [customer]);
  const { rows: [rep] } = await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`);
  const photo = () => anAttachment(pool, { uploadedBy: rep.id, kind: 'photo', capturedAt: new Date(now.getTime() - 10 * 60_000) });
  const dm = await decisionMakerPhrase(pool, customer);
  await say(deps, 'rep.zhao', { kind: 'location', lat: Number(c.lat), lng: Number(c.lng), coordSystem: 'gcj02' });
  await say(deps, 'rep.zhao', '下面发门头照');
  await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await photo() });
  await say(deps, 'rep.zhao', '下面发合影');
  await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await photo() });
  await say(deps, 'rep.zhao', `${dm.phrase}是拍板的人，下周三下午再约，他嫌价格偏高，账期也长`);
  const last = await say(deps, 'rep.zhao', { kind: 'voice', attachmentId: await anAttachment(pool, { uploadedBy: rep.id, kind: 'voice' }), recognition: '客户说断货' });
  const { rows: [a] } = await pool.query('SELECT id FROM actions WHERE assignee_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT 1', [rep.id, c.id]);
  return { last, actionId: Number(a.id), dm: dm.contact };
}

/** rep.zhao chatting with the bot on a fresh copy of the demo organisation, by a clock the test moves (`clock.at`). */
export async function repChatting(): Promise<{ pool: pg.Pool; zhao: number; hualian: { id: number; lat: number; lng: number }; deps: BotDeps; clock: { at: Date } }> {
  const { pool } = await freshDatabase(8);
  const $ = lookups(pool);
  const clock = { at: new Date() };
  return { pool, zhao: await $.userId('rep.zhao'), hualian: await $.customer('华联超市总部'), deps: botDepsFor(pool, { now: () => clock.at }), clock };
}

// the demo's given names (core/seed/demo-org.data.ts GIVEN) each with another character of the same sound
const SAME_SOUND: Record<string, string> = {
  伟: '威', 芳: '方', 娜: '纳', 敏: '民', 静: '晶', 丽: '力', 强: '墙', 磊: '雷', 军: '君', 洋: '阳', 勇: '永', 艳: '燕', 杰: '洁', 娟: '鹃', 涛: '滔', 明: '鸣',
};
/** 张杰 → 张洁: the surname kept, the given name in other characters that sound the same. */
export function soundAlike(name: string): string {
  const alike = name[0] + [...name.slice(1)].map((ch) => SAME_SOUND[ch] ?? ch).join('');
  expect(alike, `a sound-alike of ${name}`).to.not.equal(name);
  return alike;
}
