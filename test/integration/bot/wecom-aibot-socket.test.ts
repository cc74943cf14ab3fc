import { expect } from 'chai';
import type pg from 'pg';
import type { BotPart } from '../../../bot/main.js';
import { warmUpSegmenter } from '../../../core/flow/segmenter.js';
import { logger } from '../../../core/logger.js';
import { AibotSocket } from '../../../core/wecom/aibot-socket.js';
import { recordInbound } from '../../../core/inbound/inbound-repo.js';
import { notifyInbound } from '../../../core/inbound/inbound-signal.js';
import { startPictureHost, type PictureHost } from '../../support/aibot-pictures.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeAibotSocket, type FakeAibotSocket, type ReceivedFrame } from '../../support/fake-aibot-socket.js';
import { activeActionOf, botDepsFor, draftOf, startBotPart } from './bot-helpers.js';

/**
 * The WeCom 智能机器人 in long-connection mode, end to end: WeCom's side is a loopback WebSocket
 * server speaking the real frames (test/support/fake-aibot-socket.ts); the bot part is started as
 * `npm start` starts it, with WECOM_AIBOT_BOT_ID / WECOM_AIBOT_SECRET pointing at it, over a real
 * database. Messages go through the bot's inbox; answers come back as stream frames on the
 * callback's req_id.
 */
const BOT = { botId: 'aibot-ws-1', secret: 'ws-secret-42' };

let seq = 0;
const msgid = () => `ws-msg-${Date.now()}-${seq++}`;

function textBody(from: string, content: string, o: { id?: string; group?: boolean } = {}) {
  return {
    msgid: o.id ?? msgid(), aibotid: BOT.botId, chattype: o.group ? 'group' : 'single', ...(o.group ? { chatid: 'CHAT1' } : {}),
    from: { userid: from }, msgtype: 'text', text: { content },
  };
}

/** The rows `read` returns once there are some (the socket's handling is not awaited by the test). */
async function eventually<T>(read: () => Promise<T[]>, timeoutMs = 10_000): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const rows = await read();
    if (rows.length > 0) return rows;
    if (Date.now() > end) throw new Error('never happened');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const finished = (frames: ReceivedFrame[], id: string) =>
  frames.filter((f) => f.cmd === 'aibot_respond_msg' && f.body?.stream?.id === id && f.body.stream.finish === true);

describe('the WeCom 智能机器人 long connection (WECOM_AIBOT_BOT_ID)', () => {
  let pool: pg.Pool;
  let wecom: FakeAibotSocket;
  let bot: BotPart;
  let pictures: PictureHost;

  /** Delivers a message and resolves with its one finished frame. */
  async function ask(body: ReturnType<typeof textBody>): Promise<ReceivedFrame> {
    const reqId = wecom.deliver(body);
    await wecom.until((r) => finished(r, body.msgid).length > 0);
    const [frame] = finished(wecom.received, body.msgid);
    expect(frame.headers.req_id).to.equal(reqId);
    return frame;
  }

  const startBotOn = (fake: FakeAibotSocket) => startBotPart(pool, botDepsFor(pool, {
    env: { WECOM_AIBOT_BOT_ID: BOT.botId, WECOM_AIBOT_SECRET: BOT.secret, WECOM_AIBOT_WS_URL: fake.url, WECOM_AIBOT_NAME: '动作流' },
  }));

  before(async () => {
    warmUpSegmenter();
    ({ pool } = await freshDatabase(10));
    wecom = await startFakeAibotSocket(BOT);
    bot = await startBotOn(wecom);
    await wecom.until(() => wecom.subscriptions === 1);
    pictures = await startPictureHost();
  });
  after(async () => {
    await bot.stop();
    await wecom.close();
    await pictures.close();
  });

  it('subscribes with the bot id and secret', () => {
    const [sub] = wecom.received.filter((f) => f.cmd === 'aibot_subscribe');
    expect(sub.body).to.deep.equal({ bot_id: BOT.botId, secret: BOT.secret });
  });

  it("answers rep.zhao's message on its req_id with a finished stream frame holding the bot's answer", async () => {
    const m = textBody('rep.zhao', '我的任务');
    const frame = await ask(m);
    expect(frame.body.msgtype).to.equal('stream');
    expect(frame.body.stream.content).to.include('没有待办');
    const { rows } = await pool.query('SELECT transport, processed_at FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${m.msgid}`]);
    expect(rows).to.have.length(1);
    expect(rows[0].transport).to.equal('aibot');
  });

  it('understands a voice message by its platform transcript, like typed text', async () => {
    const m = { ...textBody('rep.zhao', ''), msgtype: 'voice', text: undefined, voice: { content: '我的任务' } };
    const frame = await ask(m as never);
    expect(frame.body.stream.content).to.include('没有待办');
  });

  it('answers a frame delivered twice once: the same answer, one inbox row, one visit opened', async () => {
    const m = textBody('rep.zhao', '我在华联超市总部');
    const actionsBefore = (await pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n as number;
    const first = await ask(m);
    expect(first.body.stream.content).to.include('已为你新建拜访');
    const again = wecom.deliver(m);
    await wecom.until((r) => finished(r, m.msgid).length === 2);
    const second = finished(wecom.received, m.msgid)[1];
    expect(second.headers.req_id).to.equal(again);
    expect(second.body.stream.content).to.equal(first.body.stream.content);
    const { rows } = await pool.query('SELECT attempts FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${m.msgid}`]);
    expect(rows).to.deep.equal([{ attempts: 1 }]);
    const actionsAfter = (await pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n as number;
    expect(actionsAfter).to.equal(actionsBefore + 1);
  });

  it("keeps a picture on the rep's open visit, decrypted with the key its frame carries", async () => {
    await ask(textBody('rep.zhao', '我在罗森静安寺店'));
    const actionId = (await activeActionOf(pool, 'rep.zhao'))!;
    const jpeg = await cameraPhoto({ takenAt: new Date() });
    const aeskey = Buffer.from('a picture key of thirty-two byte').toString('base64');
    const m = { ...textBody('rep.zhao', ''), msgtype: 'image', text: undefined, image: { url: pictures.serve(jpeg, aeskey), aeskey } };
    const frame = await ask(m as never);
    expect(frame.body.stream.content).to.include('收到');
    const draft = await draftOf(pool, actionId);
    const { rows } = await pool.query('SELECT size FROM attachments WHERE id = ANY($1) AND action_id = $2', [draft.attachmentIds, actionId]);
    expect(rows.map((r) => r.size)).to.include(jpeg.length);
    // what it shows is asked with buttons; a tap updates the card and the answer is pushed
    expect(frame.body.msgtype).to.equal('stream_with_template_card');
    const button = (frame.body.template_card.button_list as Array<{ text: string; key: string }>).find((b) => b.text === '陈列照')!;
    const tap = {
      msgid: msgid(), create_time: 1700000000, aibotid: BOT.botId, chattype: 'single', from: { userid: 'rep.zhao' }, msgtype: 'event',
      event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: button.key, task_id: frame.body.template_card.task_id } },
    };
    const reqId = wecom.deliver(tap, 'aibot_event_callback');
    await wecom.until((r) => r.some((f) => f.cmd === 'aibot_send_msg' && f.body.markdown.content.includes('记为陈列照')));
    const [update] = wecom.received.filter((f) => f.headers.req_id === reqId);
    expect(update.cmd).to.equal('aibot_respond_update_msg');
    expect(update.body.template_card.main_title.title).to.equal('已选择：陈列照');
  });

  it('greets a member who opens the chat with aibot_respond_welcome_msg, once a day', async () => {
    const enter = () => ({ msgid: msgid(), create_time: 1700000000, aibotid: BOT.botId, from: { userid: 'rep.qian' }, msgtype: 'event', event: { eventtype: 'enter_chat' } });
    const reqId = wecom.deliver(enter(), 'aibot_event_callback');
    await wecom.until((r) => r.some((f) => f.headers.req_id === reqId));
    const [welcome] = wecom.received.filter((f) => f.headers.req_id === reqId);
    expect(welcome.cmd).to.equal('aibot_respond_welcome_msg');
    expect(welcome.body.msgtype).to.equal('text');
    expect(welcome.body.text.content).to.include('钱芳你好');
    // the second time today: handled (no greeting to give), so nothing is sent
    const second = enter();
    wecom.deliver(second, 'aibot_event_callback');
    await eventually(async () => (await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = $1 AND processed_at IS NOT NULL', [`aibot:${second.msgid}`])).rows);
    expect(wecom.received.filter((f) => f.cmd === 'aibot_respond_welcome_msg')).to.have.length(1);
  });

  it('records a rating of an answer (feedback_event)', async () => {
    const m = textBody('rep.zhao', '我的商机');
    const frame = await ask(m);
    expect(frame.body.stream.feedback).to.deep.equal({ id: m.msgid });
    const rated = { msgid: msgid(), create_time: 1700000000, aibotid: BOT.botId, chattype: 'single', from: { userid: 'rep.zhao' }, msgtype: 'event',
      event: { eventtype: 'feedback_event', feedback_event: { id: m.msgid, type: 1 } } };
    wecom.deliver(rated, 'aibot_event_callback');
    const rows = await eventually(async () => (await pool.query('SELECT rating FROM bot_feedback WHERE answer_key = $1', [`aibot:${m.msgid}`])).rows);
    expect(rows).to.deep.equal([{ rating: 'good' }]);
  });

  it('pushes the answer of a message nobody streamed (handled by the sweeper after a crash) to the member with aibot_send_msg', async () => {
    const dedupeKey = `aibot:swept-${msgid()}`;
    await recordInbound(pool, { dedupeKey, transport: 'aibot', userid: 'rep.zhao', message: { kind: 'text', text: '我的任务' }, now: new Date() });
    await notifyInbound(pool, [{ transport: 'aibot', dedupeKey, userid: 'rep.zhao', media: false }]);
    const pushes = () => wecom.received.filter((f) => f.cmd === 'aibot_send_msg' && f.body.markdown.content.includes('待办'));
    await wecom.until(() => pushes().length > 0);
    const [push] = pushes();
    expect(push.body.chatid).to.equal('rep.zhao');
    expect(push.body.msgtype).to.equal('markdown');
    expect(push.body.markdown.content).to.include('待办');
  });

  it('answers a group message only when @-mentioned, generally and with the private-chat link', async () => {
    const quiet = textBody('rep.zhao', '我的商机', { group: true });
    wecom.deliver(quiet);
    const loud = await ask(textBody('rep.zhao', '@动作流 我的商机', { group: true }));
    expect(loud.body.stream.content).to.include('单独和我聊').and.include('/chat');
    expect(finished(wecom.received, quiet.msgid)).to.have.length(0);
    const { rowCount } = await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${quiet.msgid}`]);
    expect(rowCount).to.equal(0);
  });

  it('reconnects after a dropped connection and answers what was in flight and what came meanwhile, each once', async () => {
    const inFlight = textBody('rep.zhao', '我在永辉超市上海区域公司');
    const meanwhile = textBody('rep.zhao', '我的任务');
    const actionsBefore = (await pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n as number;
    const subscriptions = wecom.subscriptions;
    // the link dies just as the answer goes out: WeCom never acknowledges it
    wecom.dropOn = (f) => f.body?.stream?.id === inFlight.msgid && f.body.stream.finish === true;
    wecom.deliver(inFlight);
    await wecom.until((r) => finished(r, inFlight.msgid).length === 1);
    const [lost] = finished(wecom.received, inFlight.msgid);
    wecom.deliver(meanwhile);
    await wecom.until((r) => finished(r, inFlight.msgid).length === 2 && finished(r, meanwhile.msgid).length === 1);
    expect(wecom.subscriptions).to.equal(subscriptions + 1);
    const [, again] = finished(wecom.received, inFlight.msgid);
    expect(again.connection).to.be.greaterThan(lost.connection);
    expect(again.body.stream.content).to.equal(lost.body.stream.content).and.include('已为你新建拜访');
    expect(finished(wecom.received, meanwhile.msgid)[0].body.stream.content).to.include('待办');
    const { rows } = await pool.query(
      'SELECT attempts FROM bot_inbound WHERE dedupe_key = ANY($1)', [[`aibot:${inFlight.msgid}`, `aibot:${meanwhile.msgid}`]]);
    expect(rows.map((r) => r.attempts)).to.deep.equal([1, 1]);
    const actionsAfter = (await pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n as number;
    expect(actionsAfter).to.equal(actionsBefore + 1);
  });
});

describe('the 智能机器人 long connection itself (core/wecom/aibot-socket)', () => {
  it('pings on its heartbeat, and drops and resubscribes when two pings go unanswered', async () => {
    const wecom = await startFakeAibotSocket(BOT);
    const socket = new AibotSocket({ url: wecom.url, ...BOT, logger, onCallback: () => undefined, heartbeatMs: 20, reconnectBaseMs: 10 });
    try {
      socket.open();
      await wecom.until((r) => r.filter((f) => f.cmd === 'ping').length >= 3);
      expect(wecom.subscriptions).to.equal(1);
      wecom.answerPings = false;
      await wecom.until(() => wecom.subscriptions === 2);
      expect(wecom.received.filter((f) => f.cmd === 'aibot_subscribe' && f.connection === 2)).to.have.length(1);
    } finally {
      await socket.close();
      await wecom.close();
    }
  });

  it('stops, instead of reconnecting, when WeCom says a newer connection of the bot replaced it', async () => {
    const wecom = await startFakeAibotSocket(BOT);
    const socket = new AibotSocket({ url: wecom.url, ...BOT, logger, onCallback: () => undefined, reconnectBaseMs: 10 });
    try {
      socket.open();
      await wecom.until(() => wecom.subscriptions === 1);
      wecom.deliver({ msgid: 'd1', create_time: 1700000000, aibotid: BOT.botId, from: { userid: '' }, msgtype: 'event', event: { eventtype: 'disconnected_event' } }, 'aibot_event_callback');
      await new Promise<void>((resolve) => { const t = setInterval(() => { if (socket.stopped) { clearInterval(t); resolve(); } }, 5); });
      expect(socket.ready).to.equal(false);
      expect(wecom.subscriptions).to.equal(1);
    } finally {
      await socket.close();
      await wecom.close();
    }
  });

  it('is refused with a wrong secret: not subscribed, and it keeps trying with a growing delay', async () => {
    const wecom = await startFakeAibotSocket(BOT);
    const socket = new AibotSocket({ url: wecom.url, botId: BOT.botId, secret: 'wrong', logger, onCallback: () => undefined, reconnectBaseMs: 10 });
    try {
      socket.open();
      await wecom.until((r) => r.filter((f) => f.cmd === 'aibot_subscribe').length >= 3);
      expect(socket.ready).to.equal(false);
      expect(wecom.subscriptions).to.equal(0);
      await socket.reply('x', {}).then(() => expect.fail('sent while not subscribed'), (err) => expect(err.code).to.equal('AIBOT_SOCKET_DOWN'));
    } finally {
      await socket.close();
      await wecom.close();
    }
  });
});
