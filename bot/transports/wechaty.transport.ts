/**
 * wechaty: the bot on a WeChat/WeCom account driven by a wechaty puppet
 * (WECHATY_PUPPET, WECHATY_PUPPET_TOKEN). A contact is a member when an admin
 * has set users.wechaty_id to the contact's id; anyone else gets a polite
 * refusal. Room messages and the bot's own are ignored. Tests pass a real
 * Wechaty instance on wechaty-puppet-mock.
 *
 *   const t = new WechatyTransport(botDeps, { puppet: 'wechaty-puppet-service', token });
 *   await t.start((env) => inbox.receive(env));
 */
import { checkFile } from '../../core/attachments/receive.js';
import { insertAttachment, storeFile } from '../../core/attachments/attachments.js';
import { loadActiveActor } from '../../core/auth/actor.js';
import { useridForWechaty, wechatyIdFor } from '../../core/resources/org.js';
import { withTransaction } from '../../core/db/pool.js';
import { isAppError } from '../../core/errors.js';
import { WechatyBuilder, types, type Message, type Wechaty } from 'wechaty';
import type { BotDeps, BotMessage, BotReply } from '../engine/types.js';
import { unknownMember } from '../replies/templates.js';
import type { BotTransport, OnMessage } from './bot-transport.js';

export interface WechatyTransportOptions {
  /** A puppet module name (e.g. 'wechaty-puppet-service') or a puppet instance (tests: new PuppetMock()). */
  puppet: string | object;
  puppetToken?: string;
  name?: string;
}

const SAY_ATTEMPTS = 3;

export class WechatyTransport implements BotTransport {
  readonly name = 'wechaty' as const;
  readonly transactional = false;
  private bot: Wechaty | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: BotDeps, private readonly opts: WechatyTransportOptions) {}

  get wechaty(): Wechaty | null {
    return this.bot;
  }

  async start(onMessage: OnMessage): Promise<void> {
    const { puppet, puppetToken, name } = this.opts;
    this.bot = WechatyBuilder.build({
      name: name ?? 'actionflow-bot',
      puppet: puppet as never,
      ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}),
    });
    this.bot.on('message', (m: Message) => this.track(this.onWechatyMessage(m, onMessage)));
    this.bot.on('error', (err: unknown) => this.deps.logger.warn({ err }, 'wechaty error'));
    await this.bot.start();
  }

  /** Resolves when every message received so far has been handled and answered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async send(userid: string, reply: BotReply): Promise<void> {
    const id = await wechatyIdFor(this.deps.pool, userid);
    if (!id || !this.bot) throw new Error(`no wechaty contact for ${userid}`);
    const contact = await this.bot.Contact.find({ id });
    if (!contact) throw new Error(`wechaty contact ${id} not found`);
    await sayWithRetry(() => contact.say(reply.text));
  }

  async stop(): Promise<void> {
    await this.idle();
    await this.bot?.stop();
    this.bot = null;
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err) => this.deps.logger.error({ err }, 'wechaty message failed')).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async onWechatyMessage(m: Message, onMessage: OnMessage): Promise<void> {
    if (m.self() || m.room()) return;
    const talker = m.talker();
    const userid = await useridForWechaty(this.deps.pool, talker.id);
    if (!userid) {
      await sayWithRetry(() => talker.say(unknownMember()));
      return;
    }
    const message = await this.toBotMessage(m, userid);
    await onMessage({ dedupeKey: `wechaty:${m.id}`, userid, message });
  }

  private async toBotMessage(m: Message, userid: string): Promise<BotMessage> {
    switch (m.type()) {
      case types.Message.Text: return { kind: 'text', text: m.text() };
      case types.Message.Location: {
        // Message.toLocation() in wechaty 1.20 builds an un-wechatified Location and throws (wechaty#1217): read the payload
        const loc = await this.bot!.puppet.messageLocation(m.id);
        return { kind: 'location', lat: loc.latitude, lng: loc.longitude, coordSystem: 'gcj02', label: loc.name };
      }
      case types.Message.Image: {
        const attachmentId = await this.storeFile(m, userid, 'photo');
        return attachmentId ? { kind: 'image', attachmentId } : { kind: 'image' };
      }
      // WeChat's own voice is SILK, which the attachment service refuses: the engine then asks for the words
      case types.Message.Audio: {
        const attachmentId = await this.storeFile(m, userid, 'voice');
        return attachmentId ? { kind: 'voice', attachmentId } : { kind: 'voice' };
      }
      default: return { kind: 'unsupported', what: types.Message[m.type()] ?? String(m.type()) };
    }
  }

  /** Files come as bytes, not a WeCom media_id: stored through the attachments service before handling. */
  private async storeFile(m: Message, userid: string, kind: 'photo' | 'voice'): Promise<number | null> {
    try {
      const box = await m.toFileBox();
      const stored = await storeFile(this.deps.storage, checkFile(await box.toBuffer(), { declaredKind: kind }));
      return await withTransaction(this.deps.pool, async (tx) => {
        const actor = await loadActiveActor(tx, { wecomUserid: userid });
        const tags = kind === 'voice' ? ['语音纪要'] : [];
        return actor ? (await insertAttachment(tx, actor, stored, { source: 'upload', filename: box.name, tags })).id : null;
      });
    } catch (err) {
      if (!isAppError(err)) this.deps.logger.warn({ err }, 'wechaty image not stored');
      return null;
    }
  }
}

async function sayWithRetry(say: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await say();
      return;
    } catch (err) {
      if (attempt >= SAY_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
}
