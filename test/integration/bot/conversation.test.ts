import { expect } from 'chai';
import type pg from 'pg';
import { Inbox } from '../../../bot/engine/inbox.js';
import type { BotDeps, BotMessage } from '../../../bot/engine/types.js';
import { ConsoleTransport } from '../../../bot/transports/console.transport.js';
import { freshDatabase } from '../../support/database.js';
import { anAttachment, dispatch, lookups } from '../actions/actions-helpers.js';
import { startTestApi } from '../../support/api-harness.js';
import { activeActionOf, botDepsFor, decisionMakerPhrase, draftOf, say } from './bot-helpers.js';

const MINUTE = 60_000;

/** A console session as the H5 page or `npm run chat` has it: transport + inbox over one engine instance. */
async function consoleSession(deps: BotDeps) {
  const transport = new ConsoleTransport();
  const inbox = new Inbox(deps, transport);
  await transport.start((env) => inbox.receive(env));
  return async (userid: string, m: BotMessage | string) =>
    (await transport.talk(userid, typeof m === 'string' ? { kind: 'text', text: m } : m)).map((r) => r.text).join('\n');
}

describe('the bot: a visit report by chatting', () => {
  let pool: pg.Pool;
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let hualian: { id: number; lat: number; lng: number };
  let yonghui: { id: number; lat: number; lng: number };

  // every scenario on its own copy of the demo organisation
  beforeEach(async () => {
    ({ pool } = await freshDatabase(8));
    apiHandle = null;
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    hualian = await $.customer('华联超市总部');
    yonghui = await $.customer('永辉超市上海区域公司');
  });

  const photo = (capturedAt: Date | null = new Date(Date.now() - 10 * MINUTE)) =>
    anAttachment(pool, { uploadedBy: zhao, kind: 'photo', capturedAt });

  it('fills a visit report over many messages, survives a restart in the middle, and files it after 确认提交', async () => {
    const dm = await decisionMakerPhrase(pool, '华联超市总部');
    let talk = await consoleSession(botDepsFor(pool));

    const checkIn = await talk('rep.zhao', { kind: 'location', lat: hualian.lat + 0.001, lng: hualian.lng, coordSystem: 'gcj02' });
    expect(checkIn).to.include('已为你新建拜访：华联超市总部').and.include('已签到');
    expect(checkIn).to.match(/你今天拜访了华联超市总部，还差：.*决策链角色.*下次接触时间.*1张门头照.*1张合影/);
    const actionId = (await activeActionOf(pool, 'rep.zhao'))!;
    expect(actionId).to.be.a('number');

    // a photo out of the blue: the bot cannot tell which one it is, so it asks
    expect(await talk('rep.zhao', { kind: 'image', attachmentId: await photo() })).to.include('这张是门头照、合影还是陈列照');
    expect(await talk('rep.zhao', '门头')).to.include('记为门头照');

    const slots = await talk('rep.zhao', `${dm.phrase}是拍板的人，下周三下午再约，他嫌价格偏高，账期也长`);
    expect(slots).to.include('已记录').and.include('决策者').and.include('（周三）15:00').and.include('价格偏高');
    expect(slots).to.not.match(/还差：[^\n]*下次接触时间/);
    expect(slots).to.include('请拍一张合影发给我');

    // --- restart: a new engine instance on the same database ---
    talk = await consoleSession(botDepsFor(pool));

    // the photo answers the bot's question for a 合影, so it is one
    expect(await talk('rep.zhao', { kind: 'image', attachmentId: await photo() })).to.include('收到合影');

    const voice = await anAttachment(pool, { uploadedBy: zhao, kind: 'voice' });
    expect(await talk('rep.zhao', { kind: 'voice', attachmentId: voice })).to.include('打几个字');
    expect(await talk('rep.zhao', '另外回款慢')).to.include('客户痛点 回款慢');
    // a stance said of the decision maker adds to the role noted, and both are written on submission
    expect(await talk('rep.zhao', `${dm.contact.name}很支持我们`)).to.include(`${dm.contact.name}`).and.include('的态度：支持');

    const corrected = await talk('rep.zhao', '不对，是下周四');
    expect(corrected).to.include('已更正').and.include('（周四）');
    expect(await talk('rep.zhao', '撤销')).to.include('已撤销');
    expect((await draftOf(pool, actionId)).fields.nextContactAt).to.match(/T15:00:00\+08:00$/);

    // the customer's latest orders came preselected with the draft; taking them out makes a required gap
    expect(await talk('rep.zhao', '不关联订单')).to.match(/已取消关联\d笔订单/).and.match(/还差：关联最近\d笔订单/);
    expect(await talk('rep.zhao', '跳过')).to.include('必填项，不能跳过');

    const linked = await talk('rep.zhao', '关联订单');
    expect(linked).to.include('已关联').and.include('都齐了').and.include('分钟后').and.include('自动提交');
    expect(linked).to.include('决策链角色：决策者').and.include(dm.contact.name);

    const done = await talk('rep.zhao', '确认');
    expect(done).to.include('✅ 已提交华联超市总部的拜访报告').and.include('李明');
    const { rows: [a] } = await pool.query('SELECT status FROM actions WHERE id = $1', [actionId]);
    expect(a.status).to.equal('submitted');
    expect(done).to.include(`已把联系人${dm.contact.name}标记为“决策者”，态度支持`);
    const { rows: [c] } = await pool.query('SELECT buying_role, attitude FROM contacts WHERE id = $1', [dm.contact.id]);
    expect(c.buying_role).to.equal('decider');
    expect(c.attitude).to.equal('support');
    expect(await activeActionOf(pool, 'rep.zhao')).to.equal(null);
  });

  it('asks which report a message is for when two drafts are open, and applies it to the one named', async () => {
    for (const c of [hualian, yonghui]) {
      const a = await dispatch(await api(), 'mgr.li', { definitionCode: 'visit', customerId: c.id, assigneeId: zhao });
      await pool.query(`INSERT INTO action_drafts (action_id, payload, updated_by) VALUES ($1, '{}', $2)`, [a.id, zhao]);
    }
    await pool.query('UPDATE bot_conversations SET active_action_id = NULL WHERE user_id = $1', [zhao]);
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.zhao', '下周三下午再约')).to.match(/你说的是(华联还是永辉|永辉还是华联)？/);
    const answered = await say(deps, 'rep.zhao', '永辉');
    expect(answered).to.include('已记录：下次接触时间').and.include('永辉超市上海区域公司的拜访报告');
    const active = (await activeActionOf(pool, 'rep.zhao'))!;
    const { rows: [row] } = await pool.query('SELECT customer_id FROM actions WHERE id = $1', [active]);
    expect(row.customer_id).to.equal(yonghui.id);
    expect((await draftOf(pool, active)).fields.nextContactAt).to.match(/T15:00:00\+08:00$/);
    // naming the other customer switches to its report
    expect(await say(deps, 'rep.zhao', '华联那边下周五上午再去')).to.include('华联超市总部的拜访报告');
  });

  it('undoes its own changes newest first, and leaves alone what the app saved since', async () => {
    const a = await dispatch(await api(), 'mgr.li', { definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao });
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.zhao', '华联那边下周三下午再约')).to.include('已记录：下次接触时间');
    expect(await say(deps, 'rep.zhao', '他嫌价格偏高')).to.include('客户痛点 价格偏高');
    // the rep checks in from the H5 app, which saves the whole draft
    const checkIn = { at: new Date().toISOString(), lat: hualian.lat, lng: hualian.lng, coordSystem: 'gcj02' };
    const saved = await (await api()).call('PUT', `/api/actions/${a.id}/draft`, { as: 'rep.zhao', body: { ...(await draftOf(pool, a.id)), checkIn } });
    expect(saved.status).to.equal(200);

    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已撤销：客户痛点');
    let draft = await draftOf(pool, a.id);
    expect(draft).to.not.have.property('transcript');
    expect(draft.fields.nextContactAt).to.match(/T15:00:00\+08:00$/);
    expect(draft.checkIn).to.deep.equal(checkIn);

    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已撤销：下次接触时间');
    draft = await draftOf(pool, a.id);
    expect(draft.fields ?? {}).to.not.have.property('nextContactAt');
    expect(draft.checkIn).to.deep.equal(checkIn);
    expect(await say(deps, 'rep.zhao', '撤销')).to.include('没有可以撤销的内容');
  });

  it('lets a warning be skipped but never an error, as the rule engine grades them', async () => {
    const deps = botDepsFor(pool);
    await say(deps, 'rep.zhao', { kind: 'location', lat: hualian.lat, lng: hualian.lng, coordSystem: 'gcj02' });
    await say(deps, 'rep.zhao', '下面发门头照');
    await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await photo(null) });
    await say(deps, 'rep.zhao', '下面发合影');
    await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await photo() });
    // the rep corrects the tag of the photo just sent
    expect(await say(deps, 'rep.zhao', '刚才那张是陈列照')).to.include('已改为陈列照').and.include('1张合影');
    await say(deps, 'rep.zhao', '下面发合影');
    expect(await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await photo() })).to.include('收到合影');
    await say(deps, 'rep.zhao', '决策人是采购经理，下周二上午再约，价格偏高，账期长');
    await say(deps, 'rep.zhao', { kind: 'voice', attachmentId: await anAttachment(pool, { uploadedBy: zhao, kind: 'voice' }), recognition: '客户说断货' });
    const warning = await say(deps, 'rep.zhao', '关联订单');
    expect(warning).to.include('必填的都齐了').and.include('门头照').and.include('跳过');
    const skipped = await say(deps, 'rep.zhao', '跳过');
    expect(skipped).to.include('好的，跳过').and.include('自动提交');
  });

  it('turns a rejected filing into plain questions, never codes', async () => {
    let clock = new Date();
    const deps = botDepsFor(pool, { now: () => clock });
    expect(await say(deps, 'rep.zhao', '我在华联')).to.include('已为你新建拜访');
    await say(deps, 'rep.zhao', '明天下午三点再约');
    expect(await say(deps, 'rep.zhao', '提交')).to.include('还不能提交');
    // fill what is missing the quick way: a fresh complete draft, then ask to file it
    const active = (await activeActionOf(pool, 'rep.zhao'))!;
    const pending = await say(deps, 'rep.zhao', '还差什么');
    expect(pending).to.include('还差');
    await pool.query(`UPDATE bot_conversations SET pending_question = $2 WHERE user_id = $1`, [zhao, JSON.stringify({ kind: 'confirm_submit', actionId: active })]);
    clock = new Date(clock.getTime() + 3 * 24 * 3_600_000);
    const rejected = await say(deps, 'rep.zhao', '确认');
    expect(rejected).to.include('提交没通过，草稿已保存').and.include('下次接触时间（要晚于现在）');
    expect(rejected).to.not.match(/[A-Z]{4,}_[A-Z]+/);
    const { rows } = await pool.query(`SELECT outcome FROM submissions WHERE action_id = $1`, [active]);
    expect(rows.map((r) => r.outcome)).to.include('rejected');
  });

  it('answers commands, nonsense, emoji and a 10,000-character message, and is never silent', async () => {
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.zhao', '帮助')).to.include('我的任务').and.include('写日报');
    expect(await say(deps, 'rep.zhao', '我的任务')).to.include('没有待办');
    expect(await say(deps, 'rep.zhao', '下周三下午再约')).to.include('没有正在填写的报告');
    await say(deps, 'rep.zhao', '在永辉超市上海区域公司');
    expect(await say(deps, 'rep.zhao', '我的任务')).to.include('你有1个待办').and.include('客户拜访：永辉超市上海区域公司');
    expect(await say(deps, 'rep.zhao', '今日拜访')).to.include('今天的拜访');
    expect(await say(deps, 'rep.zhao', '😀😀😀')).to.include('帮助');
    expect(await say(deps, 'rep.zhao', '阿巴阿巴')).to.include('没太看懂');
    const long = await say(deps, 'rep.zhao', '啊'.repeat(10_000));
    expect(long).to.include('只看了前1000个字');
    expect(Buffer.byteLength(long, 'utf8')).to.be.below(4000);
    expect(await say(deps, 'rep.zhao', { kind: 'unsupported', what: 'video' })).to.include('文字、照片、语音和位置');
  });

  it('guides 写日报 through 今日完成, 今日关键障碍, 明日计划 and files it with the daily-report service', async () => {
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.qian', '写日报')).to.include('今日完成');
    expect(await say(deps, 'rep.qian', '整理了三家门店的陈列')).to.include('今日关键障碍');
    expect(await say(deps, 'rep.qian', '竞品低价，决策人未见')).to.include('明天计划');
    expect(await say(deps, 'rep.qian', '上午拜访联华江桥店')).to.include('支持');
    expect(await say(deps, 'rep.qian', '没有')).to.include('确认提交吗');
    expect(await say(deps, 'rep.qian', '确认')).to.include('日报已提交');
    const { rows } = await pool.query(
      `SELECT r.summary, r.obstacles, r.plan, r.support FROM daily_reports r JOIN users u ON u.id = r.user_id WHERE u.wecom_userid = 'rep.qian'`);
    expect(rows).to.deep.equal([{ summary: '整理了三家门店的陈列', obstacles: '竞品低价，决策人未见', plan: '上午拜访联华江桥店', support: null }]);
  });

  it('asks again when 今日关键障碍 names no blocker, and never stores a date answer as the obstacle', async () => {
    const deps = botDepsFor(pool);
    await say(deps, 'rep.sun', '写日报');
    await say(deps, 'rep.sun', '拜访了两家医院');
    expect(await say(deps, 'rep.sun', '没问题')).to.include('哪个环节、卡在谁、缺什么');
    const date = await say(deps, 'rep.sun', '明天下午三点再去');
    expect(date).to.include('说的是时间').and.include('15:00').and.include('不是障碍');
    expect(await say(deps, 'rep.sun', '设备科说耗材编码还没下来')).to.include('明天计划');
    for (const answer of ['上午去北医三院', '没有']) await say(deps, 'rep.sun', answer);
    expect(await say(deps, 'rep.sun', '确认')).to.include('日报已提交');
    const { rows } = await pool.query(
      `SELECT r.obstacles, r.sources->'obstacles'->>'via' AS via FROM daily_reports r JOIN users u ON u.id = r.user_id WHERE u.wecom_userid = 'rep.sun'`);
    expect(rows).to.deep.equal([{ obstacles: '设备科说耗材编码还没下来', via: 'bot' }]);
  });

  it('merges into the report written in the app that day: shows it first, and 没有 keeps each field as the app wrote it', async () => {
    const filed = await (await api()).call('POST', '/api/daily-reports', { as: 'rep.zhou', body: {
      summary: '拜访物美两家门店', obstacles: '物美采购说新品要等下个季度招标', plan: '整理报价', support: '需要市场部的样品',
    } });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    const deps = botDepsFor(pool);
    const start = await say(deps, 'rep.zhou', '写日报');
    expect(start).to.include('今天的日报已经写过').and.include('物美采购说新品要等下个季度招标').and.include('（应用）');
    await say(deps, 'rep.zhou', '没有');
    expect(await say(deps, 'rep.zhou', '没有')).to.include('保持不变');
    await say(deps, 'rep.zhou', '明天上午去物美总部谈新品');
    const confirm = await say(deps, 'rep.zhou', '没有');
    expect(confirm).to.include('物美采购说新品要等下个季度招标').and.include('明天上午去物美总部谈新品').and.include('需要市场部的样品');
    expect(await say(deps, 'rep.zhou', '确认')).to.include('日报已提交');
    const { rows: [r] } = await pool.query(
      `SELECT r.summary, r.obstacles, r.plan, r.support, r.sources FROM daily_reports r JOIN users u ON u.id = r.user_id WHERE u.wecom_userid = 'rep.zhou'`);
    expect(r).to.deep.include({ summary: '拜访物美两家门店', obstacles: '物美采购说新品要等下个季度招标', plan: '明天上午去物美总部谈新品', support: '需要市场部的样品' });
    expect(Object.fromEntries(Object.entries(r.sources).map(([k, v]: [string, any]) => [k, v.via])))
      .to.deep.equal({ summary: 'app', obstacles: 'app', plan: 'bot', support: 'app' });
  });

  it('says so when 写日报 has nowhere to file', async () => {
    const deps = { ...botDepsFor(pool), dailyReports: null };
    for (const answer of ['写日报', '拜访了两家', '竞品低价', '明天去永辉', '没有']) await say(deps, 'rep.qian', answer);
    expect(await say(deps, 'rep.qian', '确认')).to.include('还没有开通').and.include('明天去永辉');
  });

  it('refuses a member it does not know, politely', async () => {
    expect(await say(botDepsFor(pool), 'stranger.x', '你好')).to.include('还没有开通');
  });

  let apiHandle: Awaited<ReturnType<typeof startTestApi>> | null = null;
  async function api() {
    apiHandle ??= await startTestApi({ pool });
    return apiHandle;
  }
  afterEach(async () => { await apiHandle?.close(); });
});

describe('POST /api/bot/console (the H5 chat page)', () => {
  let pool: pg.Pool;
  let api: Awaited<ReturnType<typeof startTestApi>>;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it('answers the signed-in member and returns the first answer again for a repeated clientMessageId', async () => {
    const body = { kind: 'text', text: '在华联超市总部', clientMessageId: 'h5-msg-0001' };
    const first = await api.call('POST', '/api/bot/console', { as: 'rep.zhao', body });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body.replayed).to.equal(false);
    expect(first.body.replies[0].text).to.include('已为你新建拜访：华联超市总部');
    const again = await api.call('POST', '/api/bot/console', { as: 'rep.zhao', body });
    expect(again.body).to.deep.equal({ ...first.body, replayed: true });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM actions a JOIN users u ON u.id = a.assignee_id WHERE u.wecom_userid = 'rep.zhao'`);
    expect(rows[0].n).to.equal(1);
  });

  it('refuses junk and requires a session', async () => {
    expect((await api.call('POST', '/api/bot/console', { as: 'rep.zhao', body: { kind: 'text', text: '' } })).status).to.equal(400);
    expect((await api.call('POST', '/api/bot/console', { as: 'rep.zhao', body: { kind: 'fax' } })).status).to.equal(400);
    expect((await api.call('POST', '/api/bot/console', { body: { kind: 'text', text: '你好' } })).status).to.equal(401);
  });
});
