import { expect } from 'chai';
import type pg from 'pg';
import { submitDueReports } from '../../../core/actions/scheduled-submission.js';
import type { BotDeps } from '../../../bot/engine/types.js';
import { startTestApi } from '../../support/api-harness.js';
import { fillVisitReport, repChatting, say } from './bot-helpers.js';

const MINUTE = 60_000;

describe('the bot: a completed report is filed by itself after the undo window', () => {
  let pool: pg.Pool;
  let zhao: number;
  let hualian: { id: number; lat: number; lng: number };
  let clock: { at: Date };
  let deps: BotDeps;

  beforeEach(async () => ({ pool, zhao, hualian, deps, clock } = await repChatting()));

  const runJob = (at: Date) => submitDueReports({ pool, now: () => at, config: deps.config });
  const statusOf = async (id: number) => (await pool.query('SELECT status FROM actions WHERE id = $1', [id])).rows[0].status;
  const toRep = async () => (await pool.query(
    `SELECT payload->'text'->>'content' AS text FROM outbox WHERE recipient = 'rep.zhao' AND dedupe_key LIKE 'bot:auto-submit:%' ORDER BY id`)).rows.map((r) => r.text);

  const fillReport = () => fillVisitReport(pool, deps, '华联超市总部', clock.at);

  it('shows the summary with the preselected orders instead of asking to confirm, and files it as the rep once the window has passed', async () => {
    const { last, actionId, dm } = await fillReport();
    expect(last).to.include('都齐了').and.match(/关联订单：SO\d+（\d+月\d+日）/).and.match(/2分钟后（\d\d:\d\d）自动提交/);
    expect(last).to.not.include('确认提交吗');
    expect(last, 'the orders are never asked about').to.not.include('回复“关联订单”');

    expect(await runJob(new Date(clock.at.getTime() + MINUTE)), 'still inside the window').to.deep.equal([]);
    expect(await statusOf(actionId)).to.equal('in_progress');

    expect(await runJob(new Date(clock.at.getTime() + 2 * MINUTE))).to.deep.equal([{ actionId, outcome: 'filed' }]);
    expect(await statusOf(actionId)).to.equal('submitted');
    const { rows: [sub] } = await pool.query(`SELECT outcome, submitted_by FROM submissions WHERE action_id = $1`, [actionId]);
    expect(sub).to.deep.equal({ outcome: 'accepted', submitted_by: zhao });
    const { rows: [c] } = await pool.query('SELECT buying_role FROM contacts WHERE id = $1', [dm.id]);
    expect(c.buying_role, 'the decision-chain note said in the chat').to.equal('decider');
    const told = await toRep();
    expect(told).to.have.length(1);
    expect(told[0]).to.include('✅ 已自动提交华联超市总部的拜访报告').and.include('李明').and.include(`已把联系人${dm.name}标记为“决策者”`);

    // a rerun files nothing twice and says nothing twice
    expect(await runJob(new Date(clock.at.getTime() + 3 * MINUTE))).to.deep.equal([]);
    expect(await toRep()).to.have.length(1);
    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已经提交或关闭了');
  });

  it('keeps the report when the rep says 先不提交, even after another question, and files it at once on 提交', async () => {
    const { actionId } = await fillReport();
    expect(await say(deps, 'rep.zhao', '我的任务')).to.not.include('已提交');
    expect(await say(deps, 'rep.zhao', '先不提交')).to.include('先不提交，草稿都保存着');
    expect(await runJob(new Date(clock.at.getTime() + 10 * MINUTE))).to.deep.equal([]);
    expect(await statusOf(actionId)).to.equal('in_progress');

    expect(await say(deps, 'rep.zhao', '提交')).to.include('✅ 已提交华联超市总部的拜访报告');
    expect(await statusOf(actionId)).to.equal('submitted');
    expect(await toRep(), 'filed in the chat, not by the job').to.deep.equal([]);
  });

  it('takes 算了吧 to the summary as 先不提交: the report is not filed by itself, the draft stays and the bot says so', async () => {
    const { actionId } = await fillReport();
    const held = await say(deps, 'rep.zhao', '算了吧');
    expect(held).to.include('先不提交，草稿都保存着').and.not.include('先停下');
    expect(await runJob(new Date(clock.at.getTime() + 10 * MINUTE))).to.deep.equal([]);
    expect(await statusOf(actionId)).to.equal('in_progress');
    expect((await pool.query('SELECT 1 FROM action_drafts WHERE action_id = $1', [actionId])).rowCount, 'the draft kept').to.equal(1);
    // nothing asked any more: 算了 is the rep stopping the report, as before (取消), not a no to a question
    expect(await say(deps, 'rep.zhao', '算了')).to.include('好的，先停下');
  });

  it('files the report on a yes said in other words (好嘞，交吧)', async () => {
    const { actionId } = await fillReport();
    expect(await say(deps, 'rep.zhao', '好嘞，交吧')).to.include('✅ 已提交华联超市总部的拜访报告');
    expect(await statusOf(actionId)).to.equal('submitted');
  });

  it('files what the rep corrected in the window, not what the first summary showed', async () => {
    const { actionId } = await fillReport();
    const corrected = await say(deps, 'rep.zhao', '不对，是下周四');
    expect(corrected).to.include('已更正').and.include('（周四）').and.include('自动提交');
    clock.at = new Date(clock.at.getTime() + MINUTE);
    // 撤销 takes the correction back, and the report (complete again) is scheduled again from now
    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已撤销').and.include('（周三）').and.include('自动提交');
    expect(await runJob(new Date(clock.at.getTime() + MINUTE))).to.deep.equal([]);
    expect(await runJob(new Date(clock.at.getTime() + 2 * MINUTE))).to.deep.equal([{ actionId, outcome: 'filed' }]);
    const { rows: [sub] } = await pool.query(`SELECT payload->'fields'->>'nextContactAt' AS next FROM submissions WHERE action_id = $1`, [actionId]);
    expect(new Date(sub.next).getUTCDay(), 'Wednesday, as said last').to.equal(3);
  });

  it('does not file a report the rep changed in the app meanwhile: the app\'s save takes the schedule with it', async () => {
    const { actionId } = await fillReport();
    const draft = (await pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [actionId])).rows[0].payload;
    const saved = await (await api()).call('PUT', `/api/actions/${actionId}/draft`, { as: 'rep.zhao', body: { ...draft, transcript: `${draft.transcript}\n还要样品` } });
    expect(saved.status).to.equal(200);
    expect(await runJob(new Date(clock.at.getTime() + 5 * MINUTE))).to.deep.equal([]);
    expect(await statusOf(actionId)).to.equal('in_progress');
  });

  it('files at once when the admin sets no window (bot.auto-submit 0 minutes)', async () => {
    const { body: list } = await (await api()).call('GET', '/api/settings', { as: 'admin.lin' });
    const setting = list.items.find((x: any) => x.key === 'bot.auto-submit');
    expect(setting).to.include({ label: '机器人自动提交' });
    const put = await (await api()).call('PUT', `/api/settings/${setting.id}`, { as: 'admin.lin', body: { scope: {}, expectedVersion: 0, value: { afterMinutes: 0 }, comment: '团队习惯确认后就交' } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const { last, actionId } = await fillReport();
    expect(last).to.include('都齐了').and.include('✅ 已提交华联超市总部的拜访报告').and.not.include('自动提交');
    expect(await statusOf(actionId)).to.equal('submitted');
  });

  it('preselects no orders of a customer whose orders the rep may not see (a visit dispatched to them), and carries on', async () => {
    const jiahe = (await pool.query(`SELECT id FROM customers WHERE name = '上海嘉禾食品经销有限公司'`)).rows[0].id;
    const qian = (await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.qian'`)).rows[0].id;
    const seen = await (await api()).call('GET', `/api/customers/${jiahe}/recent-orders?limit=3`, { as: 'rep.qian' });
    expect(seen.status, 'the premise: 嘉禾 is not rep.qian\'s customer').to.be.oneOf([403, 404]);
    const a = await (await api()).call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: jiahe, assigneeId: qian, title: '拜访嘉禾' } });
    expect(a.status).to.equal(201);
    expect(await say(deps, 'rep.qian', '嘉禾那边下周三下午再约')).to.include('已记录：下次接触时间');
    const { rows: [d] } = await pool.query('SELECT payload FROM action_drafts WHERE action_id = $1', [a.body.id]);
    expect(d.payload).to.not.have.property('linkedOrderIds');
  });

  let apiHandle: Awaited<ReturnType<typeof startTestApi>> | null = null;
  async function api() {
    apiHandle ??= await startTestApi({ pool });
    return apiHandle;
  }
  afterEach(async () => { await apiHandle?.close(); apiHandle = null; });
});
