/**
 * A small organisation whose attribution report is worked out by hand (see
 * the table below), in an empty database with the template installed.
 *
 *   销售中心 ─┬─ 华东区 ── 上海一组     director.wang (销售中心), mgr.li (华东区), mgr.chen (华北区)
 *            └─ 华北区                 rep.zhao (上海一组, 饮料), rep.qian (华东区, 医用耗材), rep.zhou (华北区, 饮料)
 *
 * Fourteen deals closed in Jan–Feb 2026, each on its own customer, each created at day 0 in 线索确认, moved to
 * 需求分析 at day 10 and closed at day 20. A 客户拜访 submitted at day 2 (线索确认) on every won deal with a visit,
 * at day 12 (需求分析) on every lost one:
 *
 *   rep    with a visit (won/lost)   without (won/lost)   extra
 *   zhao   3 / 1                     0 / 2                her first won deal has a second visit at day 4
 *   qian   1 / 1                     1 / 1                the won deal's visit is on the customer, not tied to the deal
 *   zhou   1 / 0                     0 / 3                the won deal has an 有效跟进 at day 3; one lost deal jumps
 *                                                        from 需求分析 to 商务谈判 at day 15 (跳过 方案报价)
 *
 * Not counted: a deal closed in December 2025 and an open deal (both with visits), a dispatched and a
 * rejected visit on zhou's lost deals, and a visit on qian's lost-with-visit customer after the deal closed.
 */
import type pg from 'pg';
import { handBuiltOrg } from '../../support/hand-built-org.js';

export const NOW = new Date('2026-03-20T12:00:00+08:00');
const DAY = 86_400_000;

export interface AttributionFixture {
  pool: pg.Pool;
  dept: Record<'sales' | 'east' | 'eastT1' | 'north', number>;
  user: Record<'zhao' | 'qian' | 'zhou', number>;
  line: Record<'beverage' | 'medical', number>;
}

export async function buildAttributionFixture(): Promise<AttributionFixture> {
  const { pool, one, department } = await handBuiltOrg(NOW, 6);
  const root = await department('测试集团', null);
  const sales = await department('销售中心', root);
  const east = await department('华东区', sales);
  const eastT1 = await department('上海一组', east);
  const north = await department('华北区', sales);
  const user = (userid: string, name: string, role: string, dept: number) =>
    one('INSERT INTO users (wecom_userid, name, role, department_id) VALUES ($1,$2,$3,$4) RETURNING id', [userid, name, role, dept]);
  await user('director.wang', '王建国', 'director', sales);
  await user('mgr.li', '李明', 'manager', east);
  await user('mgr.chen', '陈静', 'manager', north);
  const u = { zhao: await user('rep.zhao', '赵磊', 'rep', eastT1), qian: await user('rep.qian', '钱芳', 'rep', east), zhou: await user('rep.zhou', '周婷', 'rep', north) };
  const line = (code: string, name: string) =>
    one(`INSERT INTO product_lines (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [code, name]);
  const PB = await line('beverage', '饮料');
  const PM = await line('medical', '医用耗材');
  const home: Record<keyof typeof u, [number, number]> = { zhao: [eastT1, PB], qian: [east, PM], zhou: [north, PB] };

  const pipeline = Number((await pool.query('SELECT id FROM pipelines WHERE is_default')).rows[0].id);
  const visitDef = (await pool.query(`SELECT id, version FROM action_definitions WHERE code = 'visit' ORDER BY version DESC LIMIT 1`)).rows[0];
  let n = 0;

  /** A deal on a customer of its own, created `startDay` days after 2026-01-05 10:00; closed at day 20 unless open. */
  async function deal(rep: keyof typeof u, status: 'won' | 'lost' | 'open', startAt?: number) {
    const start = startAt ?? new Date('2026-01-05T10:00:00+08:00').getTime() + n * DAY;
    n += 1;
    const [dept, pl] = home[rep];
    const customer = await one(`INSERT INTO customers (name, type, owner_id, department_id, product_line_id) VALUES ($1, 'ka', $2, $3, $4) RETURNING id`,
      [`客户${n}`, u[rep], dept, pl]);
    const created = new Date(start);
    const id = await one(`INSERT INTO opportunities (name, customer_id, owner_id, department_id, product_line_id, pipeline_id, stage_code, status,
                                                      closed_at, created_at, stage_entered_at)
                          VALUES ($1, $2, $3, $4, $5, $6, 'needs_analysis', $7, $8, $9, $10) RETURNING id`,
      [`商机${n}`, customer, u[rep], dept, pl, pipeline, status, status === 'open' ? null : new Date(start + 20 * DAY), created, new Date(start + 10 * DAY)]);
    await move(id, rep, null, 'lead_qualified', 'create', start);
    await move(id, rep, 'lead_qualified', 'needs_analysis', 'advance', start + 10 * DAY);
    return { id, customer, rep, start };
  }
  async function move(id: number, rep: keyof typeof u, from: string | null, to: string, kind: string, at: number, skipped: object[] = []) {
    await pool.query(`INSERT INTO stage_moves (opportunity_id, from_stage, to_stage, kind, skipped, owner_id, by_user_id, at)
                      VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`, [id, from, to, kind, JSON.stringify(skipped), u[rep], new Date(at)]);
  }
  /** A 客户拜访 on the deal (or only on its customer), `day` days into its life. */
  async function visit(d: Awaited<ReturnType<typeof deal>>, day: number, status = 'verified', onDeal = true) {
    const at = new Date(d.start + day * DAY);
    await pool.query(`INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, opportunity_id, assignee_id,
                                           department_id, status, submitted_at, created_at)
                      VALUES ($1, 'visit', $2, '拜访', $3, $4, $5, $6, $7, $8, $9)`,
      [visitDef.id, visitDef.version, d.customer, onDeal ? d.id : null, u[d.rep], home[d.rep][0], status,
        status === 'dispatched' ? null : at, new Date(d.start)]);
  }

  // zhao: with a visit 3 won (the first visited twice) / 1 lost; without 0 won / 2 lost
  const z1 = await deal('zhao', 'won'); await visit(z1, 2); await visit(z1, 4);
  for (let i = 0; i < 2; i++) await visit(await deal('zhao', 'won'), 2);
  await visit(await deal('zhao', 'lost'), 12);
  await deal('zhao', 'lost'); await deal('zhao', 'lost');
  // qian: with 1 won (a visit on the customer only) / 1 lost (and a visit after it closed); without 1 won / 1 lost
  await visit(await deal('qian', 'won'), 2, 'verified', false);
  const q2 = await deal('qian', 'lost'); await visit(q2, 12); await visit(q2, 25, 'verified', false);
  await deal('qian', 'won'); await deal('qian', 'lost');
  // zhou: with 1 won (and an effective follow-up); without 0 won / 3 lost (a skip, a dispatched and a rejected visit)
  const w1 = await deal('zhou', 'won'); await visit(w1, 2);
  await pool.query(`INSERT INTO followups (customer_id, user_id, department_id, channel, summary, effective, has_evidence, at)
                    VALUES ($1, $2, $3, 'phone', '电话确认试用安排', true, true, $4)`, [w1.customer, u.zhou, north, new Date(w1.start + 3 * DAY)]);
  const w2 = await deal('zhou', 'lost');
  await move(w2.id, 'zhou', 'needs_analysis', 'negotiation', 'skip', w2.start + 15 * DAY, [{ stageKey: 'solution_quote', subStageKey: null, name: '方案报价' }]);
  await visit(await deal('zhou', 'lost'), 12, 'dispatched');
  await visit(await deal('zhou', 'lost'), 12, 'rejected');
  // outside the report: closed before the period, still open
  await visit(await deal('zhao', 'won', new Date('2025-11-20T10:00:00+08:00').getTime()), 2);
  await visit(await deal('zhao', 'open'), 2);
  return { pool, dept: { sales, east, eastT1, north }, user: u, line: { beverage: PB, medical: PM } };
}
