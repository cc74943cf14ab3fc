import { expect } from 'chai';
import type pg from 'pg';
import { addWorkingDays, workCalendar } from '../../../core/flow/working-days.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { idemKey, lookups } from './actions-helpers.js';

describe('mandatory processes (入院准入)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  const clock = new Date('2026-04-27T02:00:00Z'); // Monday 10:00 Shanghai

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock, env: { SESSION_TTL_HOURS: '720' } });
    $ = lookups(pool);
  });
  after(() => api.close());

  it('seeds the 入院准入 template with 12 nodes', async () => {
    const { rows: [t] } = await pool.query(`SELECT name, nodes FROM process_templates WHERE code = 'hospital_admission'`);
    expect(t.name).to.equal('入院准入');
    expect(t.nodes).to.have.length(12);
    expect(t.nodes.map((n: any) => n.title)).to.include('完成设备科主任面访并上传签字版技术确认书');
  });

  it('creates one action per node for the customer\'s rep, with working-day deadlines and escalation steps', async () => {
    const hospital = (await $.customer('上海市第六人民医院')).id;
    const zhao = await $.userId('rep.zhao');
    const res = await api.call('POST', '/api/processes', {
      as: 'mgr.li', body: { templateCode: 'hospital_admission', customerId: hospital }, headers: { 'Idempotency-Key': idemKey() },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const p = res.body;
    expect(p.actions).to.have.length(12);
    expect(await $.count('actions WHERE process_instance_id = $1', [p.id])).to.equal(12);
    expect(p.actions.every((a: any) => a.assigneeId === zhao)).to.equal(true);

    const { rows: hol } = await pool.query('SELECT day, kind FROM holidays');
    const cal = workCalendar(hol.filter((h) => h.kind === 'holiday').map((h) => h.day), hol.filter((h) => h.kind === 'workday').map((h) => h.day));
    const equipment = p.actions.find((a: any) => a.nodeKey === 'equipment_head');
    expect(equipment.title).to.equal('完成设备科主任面访并上传签字版技术确认书');
    // 5 working days after Mon 04-27: 04-28, 04-29, 04-30, (05-01..05 holidays) 05-06, 05-07
    expect(equipment.dueAt).to.equal('2026-05-07T15:59:59.000Z');
    expect(equipment.dueAt).to.equal(addWorkingDays(clock, 5, cal).toISOString());

    expect(await $.count('action_escalation_steps s JOIN actions a ON a.id = s.action_id WHERE a.process_instance_id = $1', [p.id])).to.equal(36);
    const [s0, s1, s2] = equipment.escalationSteps;
    expect(s0).to.deep.include({ step: 0, dueAt: equipment.dueAt, notify: ['assignee'] });
    expect(s1.recipients.map((r: any) => r.name)).to.deep.equal(['李明']);
    expect(s2.dueAt).to.equal(addWorkingDays(new Date(equipment.dueAt), 3, cal).toISOString());
    expect(s2.notify).to.deep.equal(['director', 'compliance']);
    expect(s2.cc).to.have.members(['assignee', 'manager']);
    expect(s2.recipients.map((r: any) => r.name)).to.have.members(['王建国', '何敏', '赵磊', '李明']);

    const { rows: [row] } = await pool.query('SELECT requirements, node_key FROM actions WHERE id = $1', [equipment.id]);
    expect(row.requirements).to.deep.equal([{ tag: '签字版技术确认书', min: 1, kind: 'document' }]);
    expect(await $.count(`outbox WHERE recipient = 'rep.zhao' AND dedupe_key = ANY($1)`, [p.actions.map((a: any) => `action:${a.id}:dispatched`)])).to.equal(12);
  });

  it('keeps the quote node locked until a visit of the customer is verified', async () => {
    const { rows: [quote] } = await pool.query(`SELECT id FROM actions WHERE node_key = 'quote' ORDER BY id DESC LIMIT 1`);
    const res = await api.call('POST', `/api/actions/${quote.id}/visit-report`, { as: 'rep.zhao', body: { fields: { amount: 1000 } } });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('ACTION_LOCKED');
    expect(res.body.error.details.blocking[0].action.title).to.equal('拜访临床科室主任，确认临床需求与使用场景');
  });

  it('refuses an unknown template with 422', async () => {
    const res = await api.call('POST', '/api/processes', { as: 'mgr.li', body: { templateCode: 'nope', customerId: (await $.customer('上海市第六人民医院')).id } });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('PROCESS_TEMPLATE_NOT_FOUND');
  });
});
