/**
 * What a compliant visit report costs the rep (issue #25), measured by doing
 * it: a scripted Chromium at 390×844 inside WeCom's webview (UA wxwork + a
 * fake JS bridge: getLocation, chooseImage/uploadImage, startRecord/stopRecord,
 * translateVoice answering the memo's text, uploadVoice), against the real API
 * over the seeded demo organisation, WeCom's servers faked at the HTTP
 * boundary (media/get serves the photos and the AMR memo). The bot is driven
 * through its one way in (the inbox) with the same memo as WeCom's
 * recognition of a voice message.
 *
 * Each flow files a report the rule engine accepts (the run fails otherwise)
 * and is priced by a keystroke-level model: 0.2 s per tap, 0.28 s per
 * character typed, 1.2 s per new screen, plus the memo's spoken length (the
 * server's measured duration of the voice file). Waiting for the network is
 * not the rep's effort and is not counted.
 *
 * Targets (issue #25): H5 ≤ 12 taps, ≤ 20 characters, ≤ 60 active seconds
 * from opening the action to the accepted submission; bot ≤ 4 messages when
 * the first message carries the memo. Baseline in the same run: the memo
 * alone (the least any report can cost: speaking it).
 *
 *   npm run bench -- rep-effort
 *   BENCH_EFFORT_SHOTS=1 npm run bench -- rep-effort     screenshots into test-artifacts/rep-effort/
 */
import '../core/zod-locale.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { Inbox } from '../bot/engine/inbox.js';
import { createBotDeps } from '../bot/engine/deps.js';
import type { BotMessage } from '../bot/engine/types.js';
import { ConsoleTransport } from '../bot/transports/console.transport.js';
import { autoSubmit } from '../core/actions/auto-submit.setting.js';
import { submitDueReports } from '../core/actions/scheduled-submission.js';
import { loadConfig } from '../core/config.js';
import { readSetting } from '../core/settings/read.js';
import { openDatabase } from '../core/db/database.js';
import { gcj02ToWgs84 } from '../core/flow/geo.js';
import { warmUpSegmenter } from '../core/flow/segmenter.js';
import { installDefaults } from '../core/seed/install.js';
import { HttpWecomClient } from '../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from '../test/support/api-harness.js';
import { cameraPhoto } from '../test/support/camera-photo.js';
import { startFakeWecom, type FakeWecom } from '../test/support/fake-wecom.js';
import { sessionToken } from '../test/support/session-token.js';
import { ffmpegPath } from '../core/media/ffmpeg.js';
import { buildH5IfStale, launch, phone, snap } from '../test/browser/support/browser.js';
import { benchLogger, freePort, makeTempDir } from './bench-db.js';
import { printTable, type BenchResult } from './report.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };
const SECRET = 'bench-secret-0123456789abcdef';
const SHOTS = !!process.env.BENCH_EFFORT_SHOTS;
/** The keystroke-level model's prices, in seconds. */
export const KLM = { tap: 0.2, char: 0.28, screen: 1.2 } as const;
export const TARGETS = { taps: 12, chars: 20, seconds: 60, botMessages: 4 } as const;

/** One flow's tally: what the rep did, priced by the keystroke-level model. */
export class Effort {
  taps = 0;
  chars = 0;
  screens = 0;
  spokenS = 0;
  messages = 0;
  readonly steps: string[] = [];
  tap(what: string, n = 1): void { this.taps += n; this.steps.push(`${n > 1 ? `${n}× ` : ''}点 ${what}`); }
  type(what: string, text: string): void { this.chars += [...text].length; this.steps.push(`输入 ${what}：${text}`); }
  screen(what: string): void { this.screens++; this.steps.push(`新画面 ${what}`); }
  speak(seconds: number): void { this.spokenS += seconds; this.steps.push(`说 ${seconds.toFixed(1)} 秒`); }
  get seconds(): number {
    return Math.round((this.taps * KLM.tap + this.chars * KLM.char + this.screens * KLM.screen + this.spokenS) * 10) / 10;
  }
}

interface World {
  pool: pg.Pool;
  api: TestApi;
  fake: FakeWecom;
  browser: Browser;
  dataDir: string;
  botSay(userid: string, m: BotMessage): Promise<string>;
  /** The submit-scheduled-reports job, run as if its time had come. */
  fileScheduled(): Promise<void>;
}

/** A customer and the rep who owns it: each flow is a different rep, so no flow's check-in makes another's look like impossible travel. */
interface Customer { id: number; name: string; lat: number; lng: number; rep: string; repId: number; manager: string }

async function customerNamed(pool: pg.Pool, name: string): Promise<Customer> {
  return (await pool.query(
    `SELECT c.id, c.name, c.lat, c.lng, u.wecom_userid AS rep, u.id AS "repId", m.wecom_userid AS manager
       FROM customers c JOIN users u ON u.id = c.owner_id JOIN users m ON m.id = u.manager_id WHERE c.name = $1`, [name])).rows[0];
}

/**
 * The memo a rep speaks after meeting the customer's decision maker: the
 * issue's sentence, and enough about the visit to pass the memo's minimum
 * length (10 s by default).
 */
async function memoFor(pool: pg.Pool, c: Customer): Promise<{ memo: string; met: string }> {
  const { rows: [dm] } = await pool.query(
    `SELECT name, title FROM contacts WHERE customer_id = $1 AND status = 'active' ORDER BY buying_role = 'decider' DESC, id LIMIT 1`, [c.id]);
  const honorific = /主任/.test(dm.title) ? '主任' : /经理/.test(dm.title) ? '经理' : '总';
  const seen = MEMO_OPENINGS[memoCount++ % MEMO_OPENINGS.length];
  return { memo: `${seen}${dm.name[0]}${honorific}拍板，价格偏高账期长，下周三下午再来`, met: dm.name };
}
/** What else each visit saw, so that no two flows' memos are the same recording (the server would flag the second as reused). */
const MEMO_OPENINGS = [
  '今天看了设备科的使用情况，新报价要把安装和培训写清楚。',
  '护士长反映耗材供应不稳定，要我们先出一个备货方案。',
  '采购中心在走预算流程，招标文件下个月挂网。',
  '药剂科担心编码备案，下次带齐注册证复印件。',
];
let memoCount = 0;

/** The memo spoken (espeak-ng, Mandarin, at a talking pace) and encoded as WeCom records it: AMR-NB 8 kHz. Each memo is its own recording. */
async function speak(text: string, dir: string): Promise<Buffer> {
  const wav = path.join(dir, `memo-${++mediaSeq}.wav`);
  const amr = wav.replace(/wav$/, 'amr');
  try {
    execFileSync('espeak-ng', ['-v', 'cmn', '-s', String(160 + (mediaSeq % 4) * 5), '-w', wav, text]);
  } catch (e) {
    throw new Error(`the bench speaks its memos with espeak-ng (apt-get install espeak-ng): ${(e as Error).message}`);
  }
  execFileSync(await ffmpegPath(), ['-y', '-loglevel', 'error', '-i', wav, '-ar', '8000', '-ac', '1', '-c:a', 'libopencore_amrnb', '-b:a', '12.2k', amr]);
  return readFileSync(amr);
}

async function dispatchVisit(w: World, c: Customer, title: string): Promise<number> {
  const r = await w.api.call('POST', '/api/actions', {
    headers: { Authorization: `Bearer ${await sessionToken(w.pool, c.manager, { secret: SECRET })}` },
    body: { definitionCode: 'visit', customerId: c.id, assigneeId: c.repId, title },
  });
  if (r.status !== 201) throw new Error(`dispatch: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** Where WeCom's getLocation (wgs84) puts a phone standing at the customer's (GCJ-02) address. */
function standingAt(c: Customer): { latitude: number; longitude: number; accuracy: number; speed: number } {
  const p = gcj02ToWgs84(c.lat, c.lng);
  return { latitude: p.lat, longitude: p.lng, accuracy: 15, speed: 0 };
}

let mediaSeq = 0;
/** A fresh camera photo in WeCom's media store; its media_id. */
async function wecomPhoto(fake: FakeWecom): Promise<string> {
  const id = `bench-photo-${++mediaSeq}`;
  fake.putMedia(id, await cameraPhoto({ takenAt: new Date(Date.now() - 3 * 60_000) }), 'image/jpeg', `${id}.jpg`);
  return id;
}
async function wecomVoice(w: World, memo: string): Promise<string> {
  const id = `bench-voice-${++mediaSeq}`;
  w.fake.putMedia(id, await speak(memo, w.dataDir), 'audio/amr', `${id}.amr`);
  return id;
}

async function spokenSeconds(pool: pg.Pool, actionId: number): Promise<number> {
  const { rows: [r] } = await pool.query(
    `SELECT max(duration_ms) AS ms FROM attachments WHERE kind = 'voice' AND id IN (
       SELECT jsonb_array_elements_text(payload->'attachmentIds')::int FROM submissions WHERE action_id = $1 AND outcome = 'accepted')`, [actionId]);
  if (!r?.ms) throw new Error(`action ${actionId}: the filed report has no measured voice memo`);
  return r.ms / 1000;
}

async function assertAccepted(pool: pg.Pool, actionId: number, flow: string): Promise<void> {
  const { rows } = await pool.query('SELECT outcome, failures FROM submissions WHERE action_id = $1 ORDER BY id', [actionId]);
  const last = rows[rows.length - 1];
  if (last?.outcome !== 'accepted') throw new Error(`${flow}: not accepted: ${JSON.stringify(rows)}`);
  // compliant means nothing left for the manager to doubt either: no warning from the evidence checks
  if ((last.failures ?? []).length) throw new Error(`${flow}: accepted with findings: ${JSON.stringify(last.failures)}`);
}

/** A rep's phone inside WeCom, the bridge answering as WeCom does for this visit. */
async function wecomPhone(w: World, c: Customer, memo: string): Promise<Page> {
  const photos = [await wecomPhoto(w.fake), await wecomPhoto(w.fake), await wecomPhoto(w.fake)];
  const ctx = await phone(w.browser, {
    baseURL: w.api.baseUrl,
    wecomBridge: {
      geoLocation: standingAt(c),
      chooseImage: photos.map((_, i) => ({ localIds: [`wxLocalResource://photo-${i}`] })),
      uploadImage: photos.map((serverId) => ({ serverId })),
      startRecord: {},
      stopRecord: { localId: 'wxLocalResource://memo' },
      translateVoice: { translateResult: memo },
      uploadVoice: { serverId: await wecomVoice(w, memo) },
    },
  });
  await ctx.addCookies([{ name: 'af_session', value: await sessionToken(w.pool, c.rep, { secret: SECRET }), url: w.api.baseUrl }]);
  return ctx.newPage();
}

/**
 * The visit page as it is today, filled the way a rep does: check in, the two
 * required photos, record the memo (WeCom transcribes it), pick the contact
 * met, pick the next contact time in the picker, submit.
 */
async function fillVisitPage(page: Page, e: Effort, suite: string, o: { checkedIn: boolean; met: string }): Promise<void> {
  await page.getByTestId('check-in').waitFor();
  if (!o.checkedIn) {
    e.tap('签到定位');
    await page.getByTestId('check-in').click();
  }
  await page.getByTestId('distance').waitFor();
  // the photo button names the tag the next photo gets, in the order a visit is shot (门头照, then 合影)
  for (const tag of ['门头照', '合影']) {
    const next = page.getByTestId('take-next-photo');
    if (((await next.count()) ? await next.textContent() : '')!.includes(tag)) {
      e.tap(`拍照（自动标为${tag}）`);
      await next.click();
    } else {
      e.tap(`拍${tag}`);
      await page.locator(`[data-take-photo="${tag}"]`).click();
    }
    await page.locator(`[data-photo-row="${tag}"] [data-upload-state="uploaded"]`).waitFor();
  }
  e.tap('开始录音');
  await page.getByTestId('record').click();
  await page.getByTestId('recording').waitFor();
  e.tap('停止录音');
  await page.getByTestId('record').click();
  await page.locator('[data-voice-item][data-upload-state="uploaded"]').waitFor();
  // what the memo already says, offered with the words it came from: one tap takes all that is sure
  const offered = await page.getByTestId('suggestions').waitFor({ timeout: 10_000 }).then(() => true, () => false);
  if (offered) {
    if (SHOTS) await snap(page, suite, 'suggestions');
    if (await page.getByTestId('accept-all').count()) {
      e.tap('全部采用');
      await page.getByTestId('accept-all').click();
    } else {
      for (const b of await page.locator('[data-sure="true"] [data-accept]').all()) { e.tap('采用'); await b.click(); }
    }
  }
  // what is still empty, by hand: the contact met, as the memo names them (the role follows from the contact record when it can)
  if (!(await page.locator('[data-input="decisionRole"]').inputValue())) {
    e.tap('见到的联系人');
    await page.locator('[data-field="decisionRole"] label.contact', { hasText: o.met }).locator('input').check();
  }
  if (!(await page.locator('[data-input="decisionRole"]').inputValue())) {
    e.tap('决策链角色下拉框和选项', 2);
    await page.locator('[data-input="decisionRole"]').selectOption('决策者');
  }
  if (!/\d/.test(await page.locator('[data-input="nextContactAt"]').textContent() ?? '')) await pickNextWednesdayAfternoon(page, e);
  if (SHOTS) await snap(page, suite, 'filled');
  e.tap('提交报告');
  await page.getByTestId('submit').click();
  await page.locator('[data-submit-state="accepted"], [data-submit-state="rejected"]').waitFor({ timeout: 60_000 });
  if (SHOTS) await snap(page, suite, 'submitted');
}

/** 下周三 15:00 in the DateTimeField's Vant picker, each tap counted: open, 年/月/日, 下一步, 时/分, 确定. */
async function pickNextWednesdayAfternoon(page: Page, e: Effort): Promise<void> {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const ahead = ((3 - now.getUTCDay() + 7) % 7) + 7 - (now.getUTCDay() === 0 ? 7 : 0);
  const d = new Date(now.getTime() + ahead * 86_400_000).toISOString();
  e.tap('下次接触时间');
  await page.click('[data-input="nextContactAt"]');
  e.screen('时间选择器');
  const sheet = page.locator('.van-popup--bottom:visible').last();
  await sheet.waitFor();
  const tap = async (text: string) => {
    e.tap(text);
    await sheet.locator('.van-picker-column__item:visible', { hasText: new RegExp(`^${text}$`) }).first().click();
    await page.waitForTimeout(120);
  };
  for (const t of [`${d.slice(0, 4)}年`, `${d.slice(5, 7)}月`, `${d.slice(8, 10)}日`]) await tap(t);
  e.tap('下一步');
  await sheet.locator('.van-picker__confirm', { hasText: '下一步' }).click();
  for (const t of ['15时', '00分']) await tap(t);
  e.tap('确定');
  await sheet.locator('.van-picker__confirm', { hasText: '确定' }).click();
  await sheet.waitFor({ state: 'hidden' });
}

/** A visit a manager dispatched: from tapping it on 今日 to the accepted submission. */
async function h5Dispatched(w: World): Promise<Effort> {
  const c = await customerNamed(w.pool, '上海市第六人民医院');
  const id = await dispatchVisit(w, c, '拜访六院：设备采购');
  const { memo, met } = await memoFor(w.pool, c);
  const page = await wecomPhone(w, c, memo);
  const e = new Effort();
  await page.goto('/today');
  await page.locator(`[data-action-id="${id}"]`).waitFor();
  e.tap('今日里的拜访');
  await page.locator(`[data-action-id="${id}"]`).click();
  e.screen('拜访报告');
  await fillVisitPage(page, e, 'rep-effort-h5', { checkedIn: false, met }).catch(async (err) => {
    await snap(page, 'rep-effort-failed', 'h5');
    throw new Error(`${err.message}\nbridge: ${JSON.stringify(await page.evaluate(() => (window as any).__bridgeCalls?.map((c: any) => c.name)))}`);
  });
  await assertAccepted(w.pool, id, 'H5, dispatched');
  e.speak(await spokenSeconds(w.pool, id));
  await page.context().close();
  return e;
}

/** A visit the rep starts at the customer's door: 现场拜访 on 今日 names the customer from the location, one tap confirms, then the report. */
async function h5SelfStarted(w: World): Promise<Effort> {
  const c = await customerNamed(w.pool, '浙江省人民医院');
  const { memo, met } = await memoFor(w.pool, c);
  const page = await wecomPhone(w, c, memo);
  const e = new Effort();
  await page.goto('/today');
  await page.getByTestId('start-here').waitFor();
  e.tap('现场拜访');
  await page.getByTestId('start-here').click();
  await page.getByTestId('start-here-confirm').waitFor();
  if (SHOTS) await snap(page, 'rep-effort-h5-self', 'customer-at-door');
  e.tap('开始拜访');
  await page.getByTestId('start-here-confirm').click();
  e.screen('拜访报告');
  await page.waitForURL(/\/actions\/\d+/);
  const id = Number(/\/actions\/(\d+)/.exec(page.url())![1]);
  await fillVisitPage(page, e, 'rep-effort-h5-self', { checkedIn: true, met });
  await assertAccepted(w.pool, id, 'H5, self-started');
  e.speak(await spokenSeconds(w.pool, id));
  await page.context().close();
  return e;
}

/**
 * The bot, as a rep uses it in WeCom: the first message is the voice memo
 * (WeCom's recognition carries its text), then the location, the photos, and
 * what the bot still asks for. Prices: a text message is its characters and
 * a tap on 发送; a voice message a press and the speaking; a location ＋, 位置,
 * 发送 and the map screen; a photo ＋, 拍摄, the shutter, 发送 and the camera screen.
 */
async function botFlow(w: World, c: Customer, dispatched: boolean): Promise<{ e: Effort; transcript: string[] }> {
  const id = dispatched ? await dispatchVisit(w, c, `拜访${c.name}`) : null;
  const { memo } = await memoFor(w.pool, c);
  const e = new Effort();
  e.screen('和动作流助手的会话');
  const transcript: string[] = [];
  const send = async (m: BotMessage, what: string) => {
    e.messages++;
    if (m.kind === 'text') { e.type('消息', m.text); e.tap('发送'); }
    if (m.kind === 'voice') e.tap('按住说话');
    if (m.kind === 'location') { e.tap('＋、位置、发送', 3); e.screen('选位置'); }
    if (m.kind === 'image') { e.tap('＋、拍摄、快门、发送', 4); e.screen('相机'); }
    const reply = await w.botSay(c.rep, m);
    transcript.push(`> ${what}`, reply);
    return reply;
  };
  const voice = async () => send({ kind: 'voice', mediaId: await wecomVoice(w, memo), recognition: memo }, `（语音）${memo}`);
  const location = () => send({ kind: 'location', lat: c.lat, lng: c.lng, coordSystem: 'gcj02' }, '（位置）');
  // a dispatched visit starts with the memo; a visit of one's own with where one is (the bot creates it from there)
  if (dispatched) { await voice(); await location(); } else { await location(); await voice(); }
  // then what the bot asks, in its order, the shortest way it offers; photos for what it still lacks
  let photoTag = '';
  for (let i = 0; i < 14; i++) {
    const last = transcript[transcript.length - 1];
    const missing = /还差：([^\n]*)/.exec(last)?.[1] ?? '';
    if (/确认提交吗/.test(last)) { await send({ kind: 'text', text: '确认' }, '确认'); break; }
    // complete: filed by itself once the undo window has passed (the job, run here at that time), no message from the rep
    if (/分钟后（\d\d:\d\d）自动提交/.test(last)) { await w.fileScheduled(); transcript.push('（撤销时间过后自动提交）'); break; }
    if (/这张是\S+还是/.test(last)) await send({ kind: 'text', text: photoTag.replace(/照$/, '') }, `（回答照片是${photoTag}）`);
    else if (/决策链里是什么角色/.test(last)) await send({ kind: 'text', text: '4' }, '4（决策者）');
    else if (/下次什么时候/.test(last.split('\n').pop()!)) await send({ kind: 'text', text: '下周三下午' }, '下周三下午');
    else if (/门头照|合影/.test(missing)) {
      photoTag = /门头照/.test(missing) ? '门头照' : '合影';
      await send({ kind: 'image', mediaId: await wecomPhoto(w.fake) }, `（${photoTag}）`);
    } else if (/语音纪要/.test(missing)) await voice();
    else if (/订单/.test(missing)) await send({ kind: 'text', text: '关联订单' }, '关联订单');
    else throw new Error(`bot flow: no rep answer for:\n${transcript.join('\n')}`);
  }
  const actionId = id ?? (await w.pool.query(
    'SELECT id FROM actions WHERE assignee_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT 1', [c.repId, c.id])).rows[0]?.id;
  await assertAccepted(w.pool, actionId, `bot, ${dispatched ? 'dispatched' : 'self-started'}\n${transcript.join('\n')}`);
  e.speak(await spokenSeconds(w.pool, actionId));
  return { e, transcript };
}

function row(name: string, e: Effort, targetsApply: boolean) {
  const within = e.taps <= TARGETS.taps && e.chars <= TARGETS.chars && e.seconds <= TARGETS.seconds;
  return { name, value: `${e.taps} 次点击 · ${e.chars} 字 · ${e.screens} 个画面 · ${e.seconds} 秒${e.messages ? ` · ${e.messages} 条消息` : ''}`, unit: targetsApply ? (within ? '达标' : '未达标') : '' };
}

export async function run(): Promise<BenchResult> {
  buildH5IfStale();
  const dataDir = makeTempDir('af-bench-effort-');
  const fake = await startFakeWecom({ ...CORP });
  const env = {
    NODE_ENV: 'test', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), SESSION_SECRET: SECRET, LOG_LEVEL: 'warn',
    WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_SECRET: CORP.secret, WECOM_API_BASE: fake.baseUrl,
  };
  const config = loadConfig(env);
  const db = await openDatabase(config, benchLogger);
  let browser: Browser | null = null;
  let api: TestApi | null = null;
  try {
    await installDefaults(db.pool, { seedDemo: true, now: new Date(), logger: benchLogger });
    warmUpSegmenter();
    const wecom = new HttpWecomClient({
      apiBase: fake.baseUrl, ...CORP, timeoutMs: 5_000, maxAttempts: 2, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }),
    });
    api = await startTestApi({ pool: db.pool, wecom, env });
    browser = await launch();
    const botDeps = createBotDeps({ config, pool: db.pool, logger: benchLogger, now: () => new Date(), wecom });
    const inbox = new Inbox(botDeps, new ConsoleTransport());
    let seq = 0;
    const w: World = {
      pool: db.pool, api, fake, browser, dataDir,
      botSay: async (userid, message) =>
        (await inbox.receive({ dedupeKey: `bench:${++seq}`, userid, message })).map((r) => r.text).join('\n'),
      fileScheduled: async () => {
        const { afterMinutes } = await readSetting(db.pool, autoSubmit);
        await submitDueReports({ pool: db.pool, config, now: () => new Date(Date.now() + afterMinutes * 60_000) });
      },
    };

    const h5 = await h5Dispatched(w);
    const h5Self = await h5SelfStarted(w);
    const bot = await botFlow(w, await customerNamed(w.pool, '南京鼓楼医院'), true);
    const botSelf = await botFlow(w, await customerNamed(w.pool, '全家徐家汇店'), false);
    if (process.env.BENCH_EFFORT_VERBOSE) {
      for (const [n, e] of [['H5 派发的拜访', h5], ['H5 自己发起的拜访', h5Self], ['机器人 派发的拜访', bot.e], ['机器人 自己发起的拜访', botSelf.e]] as const) {
        console.log(`\n${n}:\n  ${e.steps.join('\n  ')}`);
      }
      console.log(`\n机器人对话（派发）:\n${bot.transcript.join('\n')}`);
      console.log(`\n机器人对话（自己发起）:\n${botSelf.transcript.join('\n')}`);
    }
    printTable(`一份合规拜访报告的操作成本（目标：H5 ≤ ${TARGETS.taps} 次点击、≤ ${TARGETS.chars} 字、≤ ${TARGETS.seconds} 秒；机器人 ≤ ${TARGETS.botMessages} 条消息）`, [
      row('H5，主管派发的拜访', h5, true),
      row('H5，自己发起的拜访', h5Self, true),
      { ...row('机器人，派发的拜访', bot.e, false), unit: bot.e.messages <= TARGETS.botMessages ? '达标' : '未达标' },
      { ...row('机器人，自己发起的拜访', botSelf.e, false), unit: botSelf.e.messages <= TARGETS.botMessages ? '达标' : '未达标' },
      { name: '基线：只说语音纪要', value: h5.spokenS, unit: 's' },
    ]);
    const ratio = (x: number) => Math.round((x / h5.spokenS) * 100) / 100;
    return {
      name: 'rep effort: one compliant visit report',
      metrics: {
        h5_taps: h5.taps, h5_chars: h5.chars, h5_screens: h5.screens, h5_active_s: h5.seconds,
        h5_self_taps: h5Self.taps, h5_self_chars: h5Self.chars, h5_self_screens: h5Self.screens, h5_self_active_s: h5Self.seconds,
        bot_messages: bot.e.messages, bot_taps: bot.e.taps, bot_chars: bot.e.chars, bot_active_s: bot.e.seconds,
        bot_self_messages: botSelf.e.messages, bot_self_taps: botSelf.e.taps, bot_self_chars: botSelf.e.chars, bot_self_active_s: botSelf.e.seconds,
        memo_spoken_s: h5.spokenS,
        h5_within_targets: h5.taps <= TARGETS.taps && h5.chars <= TARGETS.chars && h5.seconds <= TARGETS.seconds ? 'yes' : 'NO',
        bot_within_target: bot.e.messages <= TARGETS.botMessages ? 'yes' : 'NO',
      },
      ratios: { h5_active_vs_memo: ratio(h5.seconds), h5_self_active_vs_memo: ratio(h5Self.seconds), bot_active_vs_memo: ratio(bot.e.seconds) },
    };
  } finally {
    await browser?.close();
    await api?.close();
    await fake.stop();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e) => { console.error(e); process.exitCode = 1; });
}
