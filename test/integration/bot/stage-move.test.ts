import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { botDepsFor, say } from './bot-helpers.js';

/** "协和的单子进入商务条款磋商了": the bot moves the rep's deal through the same service as the app. */
describe('the bot: moving a deal by saying where it stands', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let xiehe: number;

  before(async () => {
    ({ pool } = await freshDatabase(8));
    api = await startTestApi({ pool });
    xiehe = (await pool.query(`SELECT id FROM opportunities WHERE name = '协和耗材编码备案'`)).rows[0].id;
  });
  after(() => api.close());

  const deal = async () => (await pool.query('SELECT stage_code, sub_stage_code FROM opportunities WHERE id = $1', [xiehe])).rows[0];
  const tickAll = async (keys: string[]) => {
    const r = await api.call('PATCH', `/api/opportunities/${xiehe}`, { as: 'rep.zhou', body: { checklist: Object.fromEntries(keys.map((k) => [k, true])) } });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  };

  it('refuses while the current checklist is open, naming what is missing and linking the deal page', async () => {
    const answer = await say(botDepsFor(pool), 'rep.zhou', '协和的单子进入商务条款磋商了');
    expect(answer).to.include('没有推进').and.include('技术参数与规格确认').and.include(`/deals/${xiehe}`);
    expect(await deal()).to.deep.equal({ stage_code: 'negotiation', sub_stage_code: 'tech_confirm' });
  });

  it('moves it once the checklist is done, and tells what the new stage needs', async () => {
    await tickAll(['spec_confirmed', 'demo_done', 'tech_signoff']);
    const answer = await say(botDepsFor(pool), 'rep.zhou', '协和的单子进入商务条款磋商了');
    expect(answer).to.include('已把「北京协和医院·协和耗材编码备案」推进到「商务谈判·商务条款磋商」').and.include('价格与折扣确认');
    expect(await deal()).to.deep.equal({ stage_code: 'negotiation', sub_stage_code: 'commercial_terms' });
  });

  it('asks why when the move skips 法务审核, and records the skip with that reason', async () => {
    await tickAll(['price_agreed', 'payment_terms', 'delivery_terms']);
    const deps = botDepsFor(pool);
    expect(await say(deps, 'rep.zhou', '协和那边到合同签约了')).to.include('法务审核').and.include('为什么跳过');
    expect(await deal()).to.deep.equal({ stage_code: 'negotiation', sub_stage_code: 'commercial_terms' });
    expect(await say(deps, 'rep.zhou', '客户用我们的标准合同，不走法务')).to.include('推进到「合同签约」');
    const { rows: [move] } = await pool.query(
      `SELECT kind, reason, skipped FROM stage_moves WHERE opportunity_id = $1 ORDER BY id DESC LIMIT 1`, [xiehe]);
    expect(move).to.deep.include({ kind: 'skip', reason: '客户用我们的标准合同，不走法务' });
    expect(move.skipped.map((x: { name: string }) => x.name)).to.deep.equal(['商务谈判·法务审核']);
  });

  it('says so when no open deal of the customer is the rep\'s, and leaves other messages alone', async () => {
    expect(await say(botDepsFor(pool), 'rep.zhou', '永辉的单子进入商务条款磋商了')).to.include('没找到「永辉」进行中的商机');
    expect(await say(botDepsFor(pool), 'rep.zhou', '我的任务')).to.not.include('商机');
  });
});
