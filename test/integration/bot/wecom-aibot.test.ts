import { expect } from 'chai';
import { encrypt, getSignature } from '@wecom/crypto';
import type pg from 'pg';
import type { BotPart } from '../../../bot/main.js';
import { warmUpSegmenter } from '../../../core/flow/segmenter.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import http from 'node:http';
import { startPictureHost, type PictureHost } from '../../support/aibot-pictures.js';
import { cameraPhoto } from '../../support/camera-photo.js';
import { buildAibotCallback, buildVerifyQuery, openAibotReply } from '../../support/fake-wecom.js';
import { activeActionOf, botDepsFor, draftOf, startBotPart } from './bot-helpers.js';

/**
 * The WeCom 智能机器人 (AI bot) URL callback, end to end over HTTP: the platform (played here with
 * its real JSON format and encryption, receiveid '') posts a message, the API records it in the
 * bot's inbox and answers with an encrypted stream frame; the bot part (started next to it, as
 * `npm start` does) answers the message, and the platform's stream refreshes collect the answer.
 */
const KEYS = { token: 'aibottoken42', encodingAESKey: 'kQ3zX8vN2mB7cR1tY6uI0oP4aS9dF5gH3jK8lZ2xC7v' };
const ENV = { WECOM_AIBOT_TOKEN: KEYS.token, WECOM_AIBOT_ENCODING_AES_KEY: KEYS.encodingAESKey, WECOM_AIBOT_NAME: '动作流' };
const REFRESH_WAIT_MS = 10_000;

let seq = 0;
const msgid = () => `aibot-msg-${Date.now()}-${seq++}`;

function textMessage(from: string, content: string, o: { id?: string; group?: boolean } = {}) {
  return {
    msgid: o.id ?? msgid(), aibotid: 'AIBOTID', chattype: o.group ? 'group' : 'single', ...(o.group ? { chatid: 'CHAT1' } : {}),
    from: { userid: from }, response_url: 'https://example.invalid/resp', msgtype: 'text', text: { content },
  };
}

interface StreamFrame { msgtype: 'stream'; stream: { id: string; finish: boolean; content: string; feedback?: { id: string } } }

/** WeCom's response_url endpoint, on loopback: what was posted to it. */
async function startResponseUrlHost() {
  const posted: Array<{ path: string; body: any }> = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => {
      posted.push({ path: req.url ?? '', body: JSON.parse(data) });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { posted, url: (code: string) => `${base}/cgi-bin/aibot/response?response_code=${code}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the WeCom 智能机器人 callback (GET/POST /api/wecom/aibot)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let bot: BotPart;
  let pictures: PictureHost;
  let responses: Awaited<ReturnType<typeof startResponseUrlHost>>;
  /** How late the bot part's clock runs behind the callback's (a backlog). */
  let botLagMs = 0;

  const post = (c: ReturnType<typeof buildAibotCallback>) =>
    fetch(`${api.baseUrl}/api/wecom/aibot?${new URLSearchParams(c.query)}`, {
      method: 'POST', body: c.body, headers: { 'Content-Type': 'application/json' },
    });

  /** Posts one callback and opens the reply as WeCom would; null for an empty 200. */
  async function send(payload: unknown): Promise<StreamFrame | null> {
    const c = buildAibotCallback(KEYS, payload);
    const res = await post(c);
    expect(res.status).to.equal(200);
    const text = await res.text();
    if (text === '') return null;
    const opened = openAibotReply(JSON.parse(text), KEYS);
    expect(opened.nonce).to.equal(c.query.nonce);
    expect(opened.receiveid).to.equal('');
    return opened.plain as StreamFrame;
  }

  /** The platform's refresh callbacks until the stream is finished. */
  async function refreshUntilFinished(from: string, streamId: string): Promise<StreamFrame> {
    const end = Date.now() + REFRESH_WAIT_MS;
    for (;;) {
      const frame = await send({ msgid: msgid(), aibotid: 'AIBOTID', chattype: 'single', from: { userid: from }, msgtype: 'stream', stream: { id: streamId } });
      if (frame?.stream.finish) return frame;
      if (Date.now() > end) throw new Error('the stream never finished');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  before(async () => {
    warmUpSegmenter();
    ({ pool } = await freshDatabase(10));
    api = await startTestApi({ pool, env: ENV });
    bot = await startBotPart(pool, botDepsFor(pool, { env: ENV, now: () => new Date(Date.now() + botLagMs) }));
    pictures = await startPictureHost();
    responses = await startResponseUrlHost();
  });
  after(async () => {
    await bot.stop();
    await api.close();
    await pictures.close();
    await responses.close();
  });

  /** The finished answer to a message: its first frame, or the refreshes after it. */
  async function answer(m: { msgid: string; from: { userid: string } }): Promise<StreamFrame> {
    const first = await send(m);
    return first!.stream.finish ? first! : refreshUntilFinished(m.from.userid, m.msgid);
  }
  /** What was posted to a response_url, once something was (its answer comes after the handling's commit). */
  async function postedTo(code: string): Promise<Array<{ path: string; body: any }>> {
    const end = Date.now() + REFRESH_WAIT_MS;
    for (;;) {
      const posted = responses.posted.filter((p) => p.path.endsWith(`response_code=${code}`));
      if (posted.length > 0) return posted;
      if (Date.now() > end) throw new Error(`nothing was posted to response_code=${code}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const imageMessage = (from: string, url: string) => ({ ...textMessage(from, ''), msgtype: 'image', text: undefined, image: { url } });

  it('answers the URL verification with the decrypted echostr (receiveid empty), verbatim', async () => {
    const q = buildVerifyQuery({ ...KEYS, corpId: '', echo: '5927316602815834612' });
    const res = await fetch(`${api.baseUrl}/api/wecom/aibot?${new URLSearchParams(q)}`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('5927316602815834612');
  });

  it("answers rep.zhao's question in single chat as a stream that finishes with the bot's answer", async () => {
    const m = textMessage('rep.zhao', '我的任务');
    const first = await send(m);
    expect(first!.msgtype).to.equal('stream');
    expect(first!.stream.id).to.equal(m.msgid);
    const last = await refreshUntilFinished('rep.zhao', first!.stream.id);
    expect(last.stream.id).to.equal(m.msgid);
    expect(last.stream.content).to.include('没有待办');
    // the same answer the H5 chat gives for the same words
    const h5 = await api.call('POST', '/api/bot/console', { as: 'rep.zhao', body: { kind: 'text', clientMessageId: 'aibot-compare-1', text: '我的任务' } });
    expect(h5.status).to.equal(200);
    expect(last.stream.content).to.equal(h5.body.replies.map((r: { text: string }) => r.text).join('\n\n'));
  });

  it('understands a voice message by its platform transcript, like typed text', async () => {
    const m = { ...textMessage('rep.zhao', ''), msgtype: 'voice', text: undefined, voice: { content: '我的任务' } };
    const first = await send(m);
    const last = first!.stream.finish ? first! : await refreshUntilFinished('rep.zhao', first!.stream.id);
    expect(last.stream.content).to.include('没有待办');
  });

  it("keeps a picture sent in single chat on the rep's open visit report, decrypted with the bot's key", async () => {
    const opened = await answer(textMessage('rep.zhao', '我在全家徐家汇店'));
    expect(opened.stream.content).to.include('全家徐家汇店');
    const actionId = (await activeActionOf(pool, 'rep.zhao'))!;
    const jpeg = await cameraPhoto({ takenAt: new Date() });
    const done = await answer(imageMessage('rep.zhao', pictures.serve(jpeg, `${KEYS.encodingAESKey}=`)));
    expect(done.stream.content).to.include('收到');
    const draft = await draftOf(pool, actionId);
    expect(draft.attachmentIds).to.have.length(1);
    // the bot asks what it shows, as for a photo sent any other way
    expect(done.stream.content).to.include('门头照');
    expect((await answer(textMessage('rep.zhao', '合影'))).stream.content).to.include('记为合影');
    const { rows: [a] } = await pool.query('SELECT action_id, size, tags FROM attachments WHERE id = $1', [draft.attachmentIds[0]]);
    expect(a).to.deep.equal({ action_id: actionId, size: jpeg.length, tags: ['合影'] });
  });

  it('reads a mixed message as its pictures, then its words: "这张是门头照" tags the picture above it', async () => {
    const actionId = (await activeActionOf(pool, 'rep.zhao'))!;
    const before = (await draftOf(pool, actionId)).attachmentIds.length as number;
    const url = pictures.serve(await cameraPhoto({ takenAt: new Date() }), `${KEYS.encodingAESKey}=`);
    const m = {
      ...textMessage('rep.zhao', ''), msgtype: 'mixed', text: undefined,
      mixed: { msg_item: [{ msgtype: 'image', image: { url } }, { msgtype: 'text', text: { content: '这张是门头照' } }] },
    };
    const done = await answer(m);
    expect(done.stream.content).to.include('门头照');
    const ids = (await draftOf(pool, actionId)).attachmentIds as number[];
    expect(ids).to.have.length(before + 1);
    const { rows: [a] } = await pool.query('SELECT tags FROM attachments WHERE id = $1', [ids.at(-1)]);
    expect(a.tags).to.deep.equal(['门头照']);
  });

  it("puts a question's answers on buttons, and a tap answers it as the words would: the card says what was chosen, the answer comes by response_url", async () => {
    const actionId = (await activeActionOf(pool, 'rep.zhao'))!;
    const done = await answer(imageMessage('rep.zhao', pictures.serve(await cameraPhoto({ takenAt: new Date() }), `${KEYS.encodingAESKey}=`))) as any;
    expect(done.msgtype).to.equal('stream_with_template_card');
    expect(done.template_card.card_type).to.equal('button_interaction');
    expect(done.template_card.task_id).to.match(/^[A-Za-z0-9_\-@]{1,128}$/);
    const buttons = done.template_card.button_list as Array<{ text: string; key: string }>;
    expect(buttons.map((b) => b.text)).to.include.members(['门头照', '合影']);
    const tap = {
      msgid: msgid(), create_time: 1700000000, aibotid: 'AIBOTID', chattype: 'single', from: { userid: 'rep.zhao' },
      response_url: responses.url('tap-1'), msgtype: 'event',
      event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: buttons.find((b) => b.text === '合影')!.key, task_id: done.template_card.task_id } },
    };
    const updated = await send(tap) as any;
    expect(updated.response_type).to.equal('update_template_card');
    expect(updated.template_card.main_title.title).to.equal('已选择：合影');
    const posted = await postedTo('tap-1');
    expect(posted).to.have.length(1);
    expect(posted[0].body.markdown.content).to.include('记为合影');
    const ids = (await draftOf(pool, actionId)).attachmentIds as number[];
    const { rows: [a] } = await pool.query('SELECT tags FROM attachments WHERE id = $1', [ids.at(-1)]);
    expect(a.tags).to.deep.equal(['合影']);
  });

  it('keeps a picture sent with no report under way for the next visit, and tells the rep in Chinese how to start one', async () => {
    const done = await answer(imageMessage('rep.sun', pictures.serve(await cameraPhoto({ takenAt: new Date() }), `${KEYS.encodingAESKey}=`)));
    expect(done.stream.content).to.include('收到照片，先保存着').and.include('你现在没有正在填写的报告').and.include('告诉我你在拜访哪家客户');
    const { rows } = await pool.query(
      `SELECT a.kind, a.action_id, u.decided FROM unfiled_photos u JOIN attachments a ON a.id = u.attachment_id JOIN users r ON r.id = u.user_id WHERE r.wecom_userid = 'rep.sun'`);
    expect(rows).to.deep.equal([{ kind: 'photo', action_id: null, decided: null }]);
  });

  it('says in Chinese that a picture could not be fetched when its url has expired, and keeps nothing', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n as number;
    const done = await answer(imageMessage('rep.zhao', pictures.expired()));
    expect(done.stream.content).to.match(/收到照片，但没能从企业微信下载：.*重新发送/);
    expect((await pool.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n).to.equal(before);
  });

  it('greets a rep who opens the chat (enter_chat) once a day, with a text welcome', async () => {
    const enter = () => ({ msgid: msgid(), create_time: 1700000000, aibotid: 'AIBOTID', from: { userid: 'mgr.li' }, msgtype: 'event', event: { eventtype: 'enter_chat' } });
    const welcome = await send(enter()) as unknown as { msgtype: string; text: { content: string } };
    expect(welcome.msgtype).to.equal('text');
    expect(welcome.text.content).to.match(/你好！/);
    expect(await send(enter())).to.equal(null);
  });

  it("records a rep's 不准确 on an answer against that answer, once", async () => {
    const m = textMessage('rep.zhao', '我的商机');
    const done = await answer(m);
    expect(done.stream.feedback).to.deep.equal({ id: m.msgid });
    const event = {
      msgid: msgid(), create_time: 1700000000, aibotid: 'AIBOTID', chattype: 'single', from: { userid: 'rep.zhao' }, msgtype: 'event',
      event: { eventtype: 'feedback_event', feedback_event: { id: m.msgid, type: 2, content: '少了一个商机', inaccurate_reason_list: [2] } },
    };
    expect(await send(event)).to.equal(null);
    expect(await send(event)).to.equal(null);
    const { rows } = await pool.query('SELECT userid, rating, comment, reasons FROM bot_feedback WHERE answer_key = $1', [`aibot:${m.msgid}`]);
    expect(rows).to.deep.equal([{ userid: 'rep.zhao', rating: 'bad', comment: '少了一个商机', reasons: ['内容不完整'] }]);
  });

  it("posts an answer that is ready only after the stream's 6 minutes to the message's response_url", async () => {
    botLagMs = 7 * 60_000;
    try {
      const m = { ...textMessage('rep.zhao', '我的任务'), response_url: responses.url('late-1') };
      await answer(m);
      const late = await postedTo('late-1');
      expect(late).to.have.length(1);
      expect(late[0].body.msgtype).to.equal('markdown');
      expect(late[0].body.markdown.content).to.include('待办');
      expect(late[0].body.markdown.feedback).to.deep.equal({ id: m.msgid });
    } finally {
      botLagMs = 0;
    }
    // an answer within the window goes only in the stream
    const onTime = { ...textMessage('rep.zhao', '我的任务'), response_url: responses.url('on-time') };
    await answer(onTime);
    await bot.drain();
    expect(responses.posted.filter((p) => p.path.endsWith('response_code=on-time'))).to.have.length(0);
  });

  it('ignores a group message that does not mention the bot, and records nothing', async () => {
    const m = textMessage('rep.zhao', '我的任务', { group: true });
    expect(await send(m)).to.equal(null);
    const { rowCount } = await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${m.msgid}`]);
    expect(rowCount).to.equal(0);
  });

  it('answers a group mention generally, with a private-chat link and none of the rep\'s data', async () => {
    const single = await send(textMessage('rep.zhao', '我的商机'));
    const privateAnswer = (single!.stream.finish ? single! : await refreshUntilFinished('rep.zhao', single!.stream.id)).stream.content;
    const frame = await send(textMessage('rep.zhao', '@动作流 我的商机', { group: true }));
    expect(frame!.stream.finish).to.equal(true);
    expect(frame!.stream.content).to.include('单独和我聊').and.include('/chat');
    expect(frame!.stream.content).not.to.equal(privateAnswer);
    // no customer of the rep's, by name
    const { rows } = await pool.query(
      `SELECT DISTINCT c.name FROM customers c JOIN users u ON u.id = c.owner_id WHERE u.wecom_userid = 'rep.zhao'`);
    expect(rows.some((r) => privateAnswer.includes(r.name)), 'the private answer names a customer').to.equal(true);
    for (const r of rows) expect(frame!.stream.content).not.to.include(r.name);
  });

  it('in a group, a mention carrying report words and a picture is answered only generally: no report, contact or picture of the rep is touched', async () => {
    const count = async () => (await pool.query(
      `SELECT (SELECT count(*) FROM action_drafts)::int AS drafts, (SELECT count(*) FROM attachments)::int AS files,
              (SELECT count(*) FROM actions)::int AS actions, (SELECT count(*) FROM contact_events)::int AS events`)).rows[0];
    const before = await count();
    const { rows: contacts } = await pool.query(
      `SELECT ct.name FROM contacts ct JOIN customers c ON c.id = ct.customer_id JOIN users u ON u.id = c.owner_id WHERE u.wecom_userid = 'rep.zhao'`);
    const named = contacts[0].name as string;
    const frame = await send({
      ...textMessage('rep.zhao', '', { group: true }), msgtype: 'mixed', text: undefined,
      mixed: { msg_item: [
        { msgtype: 'text', text: { content: `@动作流 我在华联超市总部，${named}是拍板的人，${named}上个月离职了，下周三再去` } },
        { msgtype: 'image', image: { url: pictures.serve(await cameraPhoto({ takenAt: new Date() }), `${KEYS.encodingAESKey}=`) } },
      ] },
    });
    expect(frame!.stream.finish).to.equal(true);
    expect(frame!.stream.content).to.include('群聊里我不谈具体客户和个人的数据').and.include('单独和我聊');
    expect(frame!.stream.content).to.not.include(named).and.not.include('华联');
    expect(await count()).to.deep.equal(before);
    // a picture alone in the group, unmentioned: not even recorded
    const quiet = { ...imageMessage('rep.zhao', pictures.serve(await cameraPhoto({ takenAt: new Date() }), `${KEYS.encodingAESKey}=`)), chattype: 'group', chatid: 'CHAT1' };
    expect(await send(quiet)).to.equal(null);
    expect((await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${quiet.msgid}`])).rowCount).to.equal(0);
  });

  it('hands no group event to the bot: an enter_chat gets no welcome with the rep\'s work and a button tap is not answered', async () => {
    const enter = { msgid: msgid(), create_time: 1700000000, aibotid: 'AIBOTID', chattype: 'group', chatid: 'CHAT1', from: { userid: 'rep.qian' }, msgtype: 'event', event: { eventtype: 'enter_chat' } };
    expect(await send(enter)).to.equal(null);
    const tap = {
      msgid: msgid(), create_time: 1700000000, aibotid: 'AIBOTID', chattype: 'group', chatid: 'CHAT1', from: { userid: 'rep.zhao' },
      response_url: responses.url('group-tap'), msgtype: 'event',
      event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: 'answer:我的商机', task_id: 'T1' } },
    };
    expect(await send(tap)).to.equal(null);
    const { rowCount } = await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = ANY($1)', [[`aibot:${enter.msgid}`, `aibot:card:${tap.msgid}`]]);
    expect(rowCount).to.equal(0);
    await bot.drain();
    expect(responses.posted.filter((p) => p.path.endsWith('response_code=group-tap'))).to.have.length(0);
  });

  it('handles a retried message once: the retry gets the same stream and the bot ran one turn', async () => {
    const m = textMessage('rep.zhao', '我在华联超市总部');
    const actionsBefore = (await pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n as number;
    const first = await send(m);
    const done = first!.stream.finish ? first! : await refreshUntilFinished('rep.zhao', m.msgid);
    const retried = await send(m);
    expect(retried!.stream.id).to.equal(m.msgid);
    expect(retried!.stream.content).to.equal(done.stream.content);
    const { rows } = await pool.query('SELECT attempts, processed_at FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${m.msgid}`]);
    expect(rows).to.have.length(1);
    expect(rows[0].processed_at).to.not.equal(null);
    // one visit opened, not two
    expect(done.stream.content).to.include('已为你新建拜访');
    const actionsAfter = (await pool.query('SELECT count(*)::int AS n FROM actions')).rows[0].n as number;
    expect(actionsAfter).to.equal(actionsBefore + 1);
  });

  it('refuses a tampered signature with CALLBACK_SIGNATURE_INVALID and records nothing', async () => {
    const m = textMessage('rep.zhao', '我的任务');
    const c = buildAibotCallback(KEYS, m);
    const res = await post({ ...c, query: { ...c.query, msg_signature: c.query.msg_signature.replace(/^./, (x) => (x === 'a' ? 'b' : 'a')) } });
    expect(res.status).to.equal(403);
    expect((await res.json()).error.code).to.equal('CALLBACK_SIGNATURE_INVALID');
    const { rowCount } = await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${m.msgid}`]);
    expect(rowCount).to.equal(0);
  });

  it("refuses a message sealed for another receiver (the app's corp id) with CALLBACK_RECEIVER_MISMATCH", async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const enc = encrypt(KEYS.encodingAESKey, JSON.stringify(textMessage('rep.zhao', '我的任务')), 'ww-some-corp');
    const res = await post({ query: { msg_signature: getSignature(KEYS.token, timestamp, 'n1', enc), timestamp, nonce: 'n1' }, body: JSON.stringify({ encrypt: enc }) });
    expect(res.status).to.equal(403);
    expect((await res.json()).error.code).to.equal('CALLBACK_RECEIVER_MISMATCH');
  });

  it('refuses a payload that is not an AI-bot message with CALLBACK_PAYLOAD_INVALID', async () => {
    const res = await post(buildAibotCallback(KEYS, { msgtype: 'text', text: { content: 'x' } }));
    expect(res.status).to.equal(400);
    expect((await res.json()).error.code).to.equal('CALLBACK_PAYLOAD_INVALID');
  });

  it('is off without its keys: the callback is refused with WECOM_NOT_CONFIGURED and nothing is recorded', async () => {
    const off = await startTestApi({ pool });
    try {
      const m = textMessage('rep.zhao', '我的任务');
      const c = buildAibotCallback(KEYS, m);
      const res = await fetch(`${off.baseUrl}/api/wecom/aibot?${new URLSearchParams(c.query)}`, { method: 'POST', body: c.body });
      expect(res.status).to.equal(422);
      expect((await res.json()).error.code).to.equal('WECOM_NOT_CONFIGURED');
      const { rowCount } = await pool.query('SELECT 1 FROM bot_inbound WHERE dedupe_key = $1', [`aibot:${m.msgid}`]);
      expect(rowCount).to.equal(0);
    } finally {
      await off.close();
    }
  });
});
