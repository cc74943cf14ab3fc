/**
 * A small hand-built organisation for the dashboard tests, in an empty
 * database (migrated, template installed, no demo org). Every number the
 * tests expect is worked out by hand from the rows below (see the comments
 * in dashboards.test.ts), never by the dashboards' own SQL.
 *
 *   销售中心 ─┬─ 华东区 ── 上海一组          director.wang (销售中心)
 *            └─ 华北区                      mgr.li (华东区), mgr.chen (华北区)
 *   reps: rep.zhao (上海一组), rep.qian (华东区), rep.zhou (华北区),
 *         rep.mover (华东区 until 2026-03-15 00:00, then 华北区)
 *
 * "Now" is 2026-03-20 12:00 Shanghai; the current period is March 2026.
 */
import pg from 'pg';
import { handBuiltOrg } from '../../support/hand-built-org.js';

export const NOW = new Date('2026-03-20T12:00:00+08:00');
export const at = (s: string) => new Date(`${s}+08:00`);
const DAY = 86_400;

export interface Fixture {
  pool: pg.Pool;
  dept: Record<'root' | 'sales' | 'east' | 'eastT1' | 'north', number>;
  user: Record<'director' | 'li' | 'chen' | 'zhao' | 'qian' | 'zhou' | 'mover' | 'compliance', number>;
  line: Record<'PB' | 'PM', number>;
  customer: Record<'C1' | 'C2' | 'C3' | 'C4' | 'C5', number>;
  lead: Record<string, number>;
  opp: Record<string, number>;
  move: Record<string, number>;
  action: Record<string, number>;
  followup: Record<string, number>;
}

export async function buildFixture(): Promise<Fixture> {
  const { pool, one, department } = await handBuiltOrg(NOW);
  const root = await department('测试集团', null);
  const sales = await department('销售中心', root);
  const east = await department('华东区', sales);
  const eastT1 = await department('上海一组', east);
  const north = await department('华北区', sales);
  const compDept = await department('合规部', root);

  const user = (userid: string, name: string, role: string, dept: number) =>
    one('INSERT INTO users (wecom_userid, name, role, department_id, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$5) RETURNING id',
      [userid, name, role, dept, at('2026-01-01T09:00')]);
  const u = {
    director: await user('director.wang', '王建国', 'director', sales),
    li: await user('mgr.li', '李明', 'manager', east),
    chen: await user('mgr.chen', '陈静', 'manager', north),
    zhao: await user('rep.zhao', '赵磊', 'rep', eastT1),
    qian: await user('rep.qian', '钱芳', 'rep', east),
    zhou: await user('rep.zhou', '周婷', 'rep', north),
    mover: await user('rep.mover', '孟凡', 'rep', east),
    compliance: await user('compliance.he', '何敏', 'compliance', compDept),
  };
  // rep.mover moves to 华北区 on 2026-03-15 (org sync stamps updated_at with the change)
  await pool.query(`UPDATE users SET department_id = $2, updated_at = $3 WHERE id = $1`, [u.mover, north, at('2026-03-15T00:00')]);

  const line = async (code: string, name: string) =>
    one(`INSERT INTO product_lines (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [code, name]);
  const PB = await line('beverage', '饮料');
  const PM = await line('medical', '医用耗材');

  const customer = (name: string, owner: number, dept: number, pl: number, profile: object, opts: { address?: string; lat?: number; status?: string } = {}) =>
    one(`INSERT INTO customers (name, type, owner_id, department_id, product_line_id, profile, address, lat, lng, status, created_at)
         VALUES ($1, 'ka', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [name, owner, dept, pl, JSON.stringify(profile), opts.address ?? null, opts.lat ?? null, opts.lat === undefined ? null : 121.4,
        opts.status ?? 'active', at('2026-01-05T09:00')]);
  const full = { 历史合作痛点: '账期偏长', 当前采购周期: '月度', 年采购额: '100万' };
  const c = {
    // all six key fields: 10/10
    C1: await customer('客户一', u.zhao, eastT1, PB, full, { address: '上海市南京东路1号', lat: 31.2 }),
    // no contacts at all; profile filled later in the test (starts empty)
    C2: await customer('客户二', u.qian, east, PM, {}),
    // 历史合作痛点 + location: 3/10; one contact without role or phone
    C3: await customer('客户三', u.zhou, north, PB, { 历史合作痛点: '价格偏高', 当前采购周期: '' }, { address: '北京市学院路1号', lat: 39.9 }),
    // decision maker (with WeChat only): 3 + 1 = 4/10
    C4: await customer('客户四', u.mover, north, PM, {}),
    // inactive: never counted
    C5: await customer('客户五', u.zhao, eastT1, PB, full, { address: '上海', lat: 31.1, status: 'inactive' }),
  };
  const contact = (customerId: number, role: string | null, phone: string | null, wechat: string | null) =>
    pool.query('INSERT INTO contacts (customer_id, name, buying_role, phone, wechat) VALUES ($1, $2, $3, $4, $5)',
      [customerId, '联系人', role, phone, wechat]);
  await contact(c.C1, 'decider', '13800000001', null);
  await contact(c.C1, 'user', null, null);
  await contact(c.C1, 'buyer', null, null);
  await contact(c.C3, 'influencer', null, null);
  await contact(c.C4, 'decider', null, 'wx_c4');
  await contact(c.C4, 'gatekeeper', null, null);
  await contact(c.C4, 'influencer', null, null);
  await contact(c.C5, 'decider', '13800000005', null);

  // leads --------------------------------------------------------------------------------
  const lead = (dept: number, assignee: number, created: string, status: string, converted?: string) =>
    one(`INSERT INTO leads (title, company, department_id, assignee_id, status, converted_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
      [`线索${created}`, `公司${created}`, dept, assignee, status, converted ? at(converted) : null, at(created)]);
  const l = {
    L1: await lead(eastT1, u.zhao, '2026-03-02T10:00', 'converted', '2026-03-04T10:00'),
    L2: await lead(eastT1, u.zhao, '2026-03-05T10:00', 'new'),
    L3: await lead(east, u.qian, '2026-03-10T10:00', 'converted', '2026-03-12T10:00'),
    L4: await lead(north, u.zhou, '2026-03-03T10:00', 'disqualified'),
    L5: await lead(north, u.zhou, '2026-03-18T10:00', 'assigned'),
    L6: await lead(east, u.qian, '2026-02-27T10:00', 'converted', '2026-03-01T10:00'),
    L7: await lead(north, u.zhou, '2026-02-10T10:00', 'new'),
  };

  // opportunities (department_id is deliberately the owner's CURRENT one: attribution must not use it)
  const pipeline = Number((await pool.query('SELECT id FROM pipelines WHERE is_default')).rows[0].id);
  const opp = (name: string, cust: number, owner: number, dept: number, pl: number, status: string, closed?: string) =>
    one(`INSERT INTO opportunities (name, customer_id, owner_id, department_id, product_line_id, pipeline_id, stage_code, status,
                                    closed_at, created_at, stage_entered_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'needs_analysis', $7, $8, $9, $9) RETURNING id`,
      [name, cust, owner, dept, pl, pipeline, status, closed ? at(closed) : null, at('2026-01-10T09:00')]);
  const o = {
    O1: await opp('商机一', c.C1, u.zhao, eastT1, PB, 'won', '2026-03-05T15:00'),
    O2: await opp('商机二', c.C2, u.qian, east, PM, 'lost', '2026-03-08T15:00'),
    O3: await opp('商机三', c.C3, u.zhou, north, PB, 'won', '2026-03-09T15:00'),
    O4: await opp('商机四', c.C4, u.mover, north, PM, 'won', '2026-03-10T15:00'),
    O5: await opp('商机五', c.C4, u.mover, north, PM, 'lost', '2026-03-17T15:00'),
    O6: await opp('商机六', c.C3, u.zhou, north, PB, 'open'),
    O7: await opp('商机七', c.C1, u.zhao, eastT1, PB, 'lost', '2026-02-20T15:00'),
  };
  // the converted leads' opportunities: 线索→商机 counts a lead by the deal it produced, not by its status
  for (const [oppId, leadId] of [[o.O1, l.L1], [o.O2, l.L3], [o.O7, l.L6]]) {
    await pool.query('UPDATE opportunities SET lead_id = $2 WHERE id = $1', [oppId, leadId]);
  }

  // stage moves ---------------------------------------------------------------------------
  const move = (oppId: number, owner: number, when: string, kind: string, from: [string, string | null] | null, to: [string, string | null],
    dwellDays: number | null, skipped: object[] = []) =>
    one(`INSERT INTO stage_moves (opportunity_id, from_stage, from_sub_stage, to_stage, to_sub_stage, kind, skipped, owner_id, by_user_id,
                                  dwell_seconds, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id`,
      [oppId, from?.[0] ?? null, from?.[1] ?? null, to[0], to[1], kind, JSON.stringify(skipped), owner,
        dwellDays === null ? null : dwellDays * DAY, at(when)]);
  const m = {
    M1: await move(o.O1, u.zhao, '2026-03-02T10:00', 'advance', ['lead_qualified', null], ['needs_analysis', null], 2),
    M2: await move(o.O1, u.zhao, '2026-03-03T10:00', 'advance', ['needs_analysis', null], ['solution_quote', null], 4),
    // went back a stage
    M3: await move(o.O1, u.zhao, '2026-03-04T10:00', 'back', ['solution_quote', null], ['needs_analysis', null], 1),
    M4: await move(o.O1, u.zhao, '2026-03-07T10:00', 'advance', ['needs_analysis', null], ['solution_quote', null], 3),
    M5: await move(o.O3, u.zhou, '2026-03-08T10:00', 'skip', ['negotiation', 'commercial_terms'], ['contract', null], 6,
      [{ stageKey: 'negotiation', subStageKey: 'legal_review', name: '商务谈判·法务审核' }]),
    M6: await move(o.O3, u.zhou, '2026-03-06T10:00', 'advance', ['lead_qualified', null], ['needs_analysis', null], 5),
    M7: await move(o.O4, u.mover, '2026-03-12T10:00', 'advance', ['needs_analysis', null], ['solution_quote', null], 8),
    M8: await move(o.O5, u.mover, '2026-03-16T10:00', 'skip', ['needs_analysis', null], ['negotiation', 'tech_confirm'], 10,
      [{ stageKey: 'solution_quote', subStageKey: null, name: '方案报价' }]),
    M9: await move(o.O6, u.zhou, '2026-03-01T10:00', 'create', null, ['lead_qualified', null], null),
    // no dwell recorded: 3 days since the create move before it
    M10create: await move(o.O2, u.qian, '2026-03-07T12:00', 'create', null, ['lead_qualified', null], null),
    M10: await move(o.O2, u.qian, '2026-03-10T12:00', 'advance', ['lead_qualified', null], ['needs_analysis', null], null),
    M11: await move(o.O7, u.zhao, '2026-02-15T10:00', 'advance', ['lead_qualified', null], ['needs_analysis', null], 2),
  };

  // actions ---------------------------------------------------------------------------------
  const def = (await pool.query(`SELECT id, code, version FROM action_definitions WHERE code = 'visit' AND active`)).rows[0];
  const action = (title: string, assignee: number, dept: number, cust: number, due: string | null, status: string, submitted?: string) =>
    one(`INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, department_id,
                              status, due_at, submitted_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [def.id, def.code, def.version, title, cust, assignee, dept, status, due ? at(due) : null, submitted ? at(submitted) : null,
        at('2026-02-01T09:00')]);
  const a = {
    A1: await action('事项1', u.zhao, eastT1, c.C1, '2026-03-05T18:00', 'verified', '2026-03-05T10:00'),
    A2: await action('事项2', u.zhao, eastT1, c.C1, '2026-03-06T18:00', 'submitted', '2026-03-07T09:00'),
    A3: await action('事项3', u.qian, east, c.C2, '2026-03-10T18:00', 'overdue'),
    A4: await action('事项4', u.zhou, north, c.C3, '2026-03-12T18:00', 'archived', '2026-03-11T10:00'),
    A5: await action('事项5', u.zhou, north, c.C3, '2026-03-12T18:00', 'rejected', '2026-03-11T10:00'),
    A6: await action('事项6', u.mover, east, c.C4, '2026-03-16T18:00', 'verified', '2026-03-14T10:00'),
    A7: await action('事项7', u.mover, north, c.C4, '2026-03-19T18:00', 'submitted', '2026-03-19T17:00'),
    A8: await action('事项8', u.zhao, eastT1, c.C1, '2026-03-20T10:00', 'dispatched'),
    A9: await action('事项9', u.zhao, eastT1, c.C1, '2026-03-20T18:00', 'dispatched'),
    A10: await action('事项10', u.zhao, eastT1, c.C1, '2026-03-25T18:00', 'verified', '2026-03-18T10:00'),
    A11: await action('事项11', u.zhou, north, c.C3, '2026-02-20T18:00', 'verified', '2026-02-20T10:00'),
    A12: await action('事项12', u.zhou, north, c.C3, '2026-02-21T18:00', 'verified', '2026-02-22T10:00'),
    A13: await action('事项13', u.zhou, north, c.C3, null, 'dispatched'),
  };

  // follow-ups ------------------------------------------------------------------------------
  const followup = (userId: number, dept: number, cust: number, when: string, effective: boolean) =>
    one(`INSERT INTO followups (customer_id, user_id, department_id, channel, summary, effective, at)
         VALUES ($1, $2, $3, 'visit', '跟进', $4, $5) RETURNING id`, [cust, userId, dept, effective, at(when)]);
  const f = {
    F1: await followup(u.zhao, eastT1, c.C1, '2026-03-03T10:00', true),
    F2: await followup(u.zhao, eastT1, c.C1, '2026-03-04T10:00', false),
    F3: await followup(u.qian, east, c.C2, '2026-03-06T10:00', true),
    F4: await followup(u.zhou, north, c.C3, '2026-03-07T10:00', false),
    F5: await followup(u.mover, east, c.C4, '2026-03-10T10:00', true),
    F6: await followup(u.mover, north, c.C4, '2026-03-17T10:00', true),
    F7: await followup(u.zhou, north, c.C3, '2026-02-25T10:00', true),
  };

  return {
    pool,
    dept: { root, sales, east, eastT1, north },
    user: u, line: { PB, PM }, customer: c, lead: l, opp: o, move: m, action: a, followup: f,
  };
}
