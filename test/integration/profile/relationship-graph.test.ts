import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';

const DAY = 86_400_000;

describe('relationship graph: 对接频次 measured from follow-ups, visits and messages', () => {
  let api: TestApi;
  let pool: pg.Pool;
  let cid: number;
  let zhao: number;
  const contact = async (title: string) => (await pool.query('SELECT id, name FROM contacts WHERE customer_id = $1 AND title = $2', [cid, title])).rows[0];
  const graph = async () => (await api.call('GET', `/api/customers/${cid}/relationship-graph`, { as: 'rep.sun' })).body;
  const followUp = (summary: string, contactIds: number[], at: Date) => pool.query(
    `INSERT INTO followups (customer_id, user_id, channel, summary, payload, effective, at) VALUES ($1, $2, 'phone', $3, $4, true, $5)`,
    [cid, zhao, summary, { contactIds }, at]);

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    cid = (await pool.query(`SELECT id FROM customers WHERE name = '南京鼓楼医院'`)).rows[0].id;
    zhao = (await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.sun'`)).rows[0].id;
  });
  after(() => api.close());

  it('starts with every contact 从未接触 and the gaps that follow: no decider contact, 没有覆盖信息科', async () => {
    const g = await graph();
    expect(g.contacts.map((c: any) => c.frequencyLabel)).to.satisfy((ls: string[]) => ls.every((l) => l === '从未接触'));
    const director = await contact('设备科主任');
    expect(g.gaps.map((x: any) => x.message)).to.include.members([`决策者 ${director.name} 从未接触`, '没有覆盖信息科']);
  });

  it('counts days with contact: a picked 对接人, a name in the summary, a visit naming them, a message to the bot', async () => {
    const now = Date.now();
    const director = await contact('设备科主任');
    const nurse = await contact('护士长');
    await followUp('电话沟通预算', [director.id], new Date(now - 2 * DAY));
    // the same day twice is one day of contact: 10:00 and 11:00 in Beijing, whatever the hour the test runs at
    // (from now − 9 days + 1 h it crossed midnight when CI ran after 23:00 Beijing time)
    const nineDaysAgoAtTen = Math.floor((now - 9 * DAY + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000 + 10 * 3_600_000;
    await followUp(`和${director.name}主任确认了参数`, [], new Date(nineDaysAgoAtTen));
    await followUp(`又和${director.name}通了电话`, [], new Date(nineDaysAgoAtTen + 3_600_000));
    const { rows: [d] } = await pool.query(`SELECT id, version FROM action_definitions WHERE code = 'visit' AND active`);
    const { rows: [a] } = await pool.query(
      `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, assigner_id)
       VALUES ($1, 'visit', $2, '拜访', $3, $4, $4) RETURNING id`, [d.id, d.version, cid, zhao]);
    await pool.query(
      `INSERT INTO submissions (action_id, kind, payload, outcome, definition_id, definition_version, submitted_by, created_at)
       VALUES ($1, 'visit_report', $2, 'accepted', $3, $4, $5, $6)`,
      [a.id, { fields: { decisionRole: '使用者', decisionContactId: nurse.id } }, d.id, d.version, zhao, new Date(now - 20 * DAY)]);
    await pool.query(
      `INSERT INTO bot_inbound (dedupe_key, transport, userid, message, received_at, processed_at) VALUES ('t-1', 'console', 'rep.sun', $1, $2, $2)`,
      [{ kind: 'text', text: `刚见了${nurse.name}，她说科室很满意` }, new Date(now - DAY)]);

    const g = await graph();
    const dir = g.contacts.find((c: any) => c.id === director.id);
    expect(dir).to.include({ touchDays: 2 });
    expect(new Date(dir.lastContactAt).getTime()).to.be.closeTo(now - 2 * DAY, 5_000);
    expect(dir.coveredBy).to.deep.equal([{ userId: zhao, name: '孙浩', touchDays: 2 }]);
    const n = g.contacts.find((c: any) => c.id === nurse.id);
    expect(n).to.include({ touchDays: 2 });
    expect(new Date(n.lastContactAt).getTime()).to.be.closeTo(now - DAY, 5_000);
    expect(g.gaps.map((x: any) => x.message)).to.not.include(`决策者 ${director.name} 从未接触`);
  });

  it('does not count a message naming a contact sent by someone who does not own the customer', async () => {
    const pharmacist = await contact('药剂科副主任');
    await pool.query(
      `INSERT INTO bot_inbound (dedupe_key, transport, userid, message, received_at, processed_at) VALUES ('t-2', 'console', 'rep.zhao', $1, now(), now())`,
      [{ kind: 'text', text: `${pharmacist.name}怎么样了` }]);
    expect((await graph()).contacts.find((c: any) => c.id === pharmacist.id)).to.include({ touchDays: 0, frequencyLabel: '从未接触' });
  });

  it('shows the gaps on the customer\'s opportunities, and a decider silent for 30 days', async () => {
    const director = await contact('设备科主任');
    await pool.query(`UPDATE followups SET at = at - interval '40 days' WHERE customer_id = $1`, [cid]);
    const { rows: [o] } = await pool.query(
      `INSERT INTO opportunities (name, customer_id, owner_id, pipeline_id, stage_code) SELECT '鼓楼耗材', $1, $2, id, 'lead_qualified' FROM pipelines WHERE is_default RETURNING id`,
      [cid, zhao]);
    const res = await api.call('GET', `/api/opportunities/${o.id}/profile`, { as: 'rep.sun' });
    expect(res.status).to.equal(200);
    expect(res.body.gaps.map((x: any) => x.message)).to.include(`决策者 ${director.name} 42 天未接触`);
    expect(res.body.procurement).to.include({ stage: null, stageLabel: '尚无采购进展', step: 0 });
  });
});
