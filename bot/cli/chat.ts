/**
 * `npm run chat -- --as rep.zhao`: talk to the bot from a terminal, on the
 * local database (embedded PostgreSQL under DATA_DIR, or DATABASE_URL), in
 * demo mode: nothing is sent to WeCom. With `npm start` running it joins that
 * server's database and leaves it running. Besides plain text:
 *   /loc 华联            send a location at that customer's address (or /loc 31.2376,121.4797)
 *   /photo [门头照]      send a photo (a demo photo whose EXIF says it was taken now)
 *   /voice 客户说价格偏高  send a voice memo with that transcript
 *   /quit
 */
import 'dotenv/config';
import '../../core/zod-locale.js';
import readline from 'node:readline/promises';
import { insertAttachment, storeFile } from '../../core/attachments/attachments.js';
import { checkFile } from '../../core/attachments/receive.js';
import { loadActiveActor } from '../../core/auth/actor.js';
import { withTransaction } from '../../core/db/pool.js';
import { logger } from '../../core/logger.js';
import { customersOf } from '../../core/resources/customers.js';
import { installDefaults } from '../../core/seed/install.js';
import { loadConfigOrExit, openCliDatabase } from '../../core/startup.js';
import { LoggingWecomClient } from '../../core/wecom/logging-wecom-client.js';
import { createBotDeps } from '../engine/deps.js';
import { Inbox } from '../engine/inbox.js';
import { mentionedCustomers } from '../engine/pick-action.js';
import type { BotDeps, BotMessage } from '../engine/types.js';
import { ConsoleTransport } from '../transports/console.transport.js';
import { loadEvidencePool } from '../../core/seed/evidence/pool.js';
import { stampJpeg } from '../../core/seed/evidence/exif-jpeg.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function photo(deps: BotDeps, userid: string, tag?: string): Promise<BotMessage> {
  // a photo from the demo's evidence pool, taken "now" as far as its EXIF says
  const jpeg = stampJpeg(loadEvidencePool().meeting(deps.now().getMinutes()).data, { at: deps.now(), uniqueId: `chat-${deps.now().getTime()}` });
  const stored = await storeFile(deps.storage, checkFile(jpeg, { declaredKind: 'photo' }));
  const id = await withTransaction(deps.pool, async (tx) => {
    const actor = (await loadActiveActor(tx, { wecomUserid: userid }))!;
    return (await insertAttachment(tx, actor, stored, { source: 'upload', filename: 'chat.jpg', ...(tag ? { tags: [tag] } : {}) })).id;
  });
  return { kind: 'image', attachmentId: id };
}

async function location(deps: BotDeps, userid: string, arg: string): Promise<BotMessage | null> {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(arg);
  if (m) return { kind: 'location', lat: Number(m[1]), lng: Number(m[2]), coordSystem: 'gcj02' };
  const actor = await loadActiveActor(deps.pool, { wecomUserid: userid });
  const [c] = mentionedCustomers(arg, await customersOf(deps.pool, actor!.id));
  return c?.lat != null && c.lng != null ? { kind: 'location', lat: c.lat, lng: c.lng, coordSystem: c.coordSystem, label: c.name } : null;
}

async function toMessage(deps: BotDeps, userid: string, line: string): Promise<BotMessage | null> {
  const [cmd, ...rest] = line.split(/\s+/);
  const arg = rest.join(' ');
  if (cmd === '/photo') return photo(deps, userid, arg || undefined);
  if (cmd === '/voice') return { kind: 'voice', attachmentId: await voiceMemo(deps, userid), ...(arg ? { recognition: arg } : {}) };
  if (cmd === '/loc') return location(deps, userid, arg);
  return { kind: 'text', text: line };
}

/** A voice memo needs a file too: a tiny AMR header is enough for the attachment service. */
async function voiceMemo(deps: BotDeps, userid: string): Promise<number> {
  const amr = Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(32, 0x3c)]);
  const stored = await storeFile(deps.storage, checkFile(amr, { declaredKind: 'voice' }));
  return withTransaction(deps.pool, async (tx) => {
    const actor = (await loadActiveActor(tx, { wecomUserid: userid }))!;
    return (await insertAttachment(tx, actor, stored, { source: 'upload', filename: 'chat.amr', tags: ['语音纪要'] })).id;
  });
}

async function main(): Promise<void> {
  const userid = argValue('--as') ?? 'rep.zhao';
  const config = loadConfigOrExit();
  logger.level = process.env.LOG_LEVEL ?? 'warn';
  const db = await openCliDatabase(config, logger);
  await installDefaults(db.pool, { seedDemo: config.SEED_DEMO, now: new Date(), logger });
  // demo mode whatever the environment says: the terminal is not WeCom
  const deps = createBotDeps({ config, pool: db.pool, logger, now: () => new Date(), wecom: new LoggingWecomClient(logger) });
  const transport = new ConsoleTransport();
  const inbox = new Inbox(deps, transport);
  await transport.start((env) => inbox.receive(env));
  const who = await loadActiveActor(db.pool, { wecomUserid: userid });
  console.log(who ? `以 ${who.name}（${userid}）的身份和机器人对话。/quit 退出，/loc 华联 发位置，/photo 门头照 发照片，/voice 文字 发语音。` : `成员 ${userid} 不存在。`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '你> ' });
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line) {
      try {
        const message = await toMessage(deps, userid, line);
        const replies = message ? await transport.talk(userid, message) : [{ kind: 'text' as const, text: '没找到这个位置对应的客户。' }];
        for (const r of replies) console.log(`机器人> ${r.text.replace(/\n/g, '\n        ')}`);
      } catch (err) {
        console.log(`出错了：${err instanceof Error ? err.message : String(err)}`);
      }
    }
    rl.prompt();
  }
  rl.close();
  await transport.stop();
  await db.close();
}

await main();
