/**
 * 线索: leads arriving on working days (trade fairs, the website, referrals …),
 * routed by the team's manager to the rep (round robin or territory), and,
 * after a few days, converted — the company becomes a customer with contacts
 * and an opportunity (opportunities.seed.ts) — disqualified, or still being
 * worked. Each rep has a conversion rate of their own, so teams differ.
 */
import { GIVEN, SURNAMES } from '../demo-org.data.js';
import { leadCompanies } from '../companies.js';
import { loadScopeReps, repArrays, workTime } from '../history-window.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { pick, unit } from '../sql-random.js';

export interface LeadKnobs {
  /** Leads a rep receives per working day, on average. */
  perRepDay: number;
  /** Share converted, per rep (cycled over the reps by id). */
  conversion: number[];
  /** Share disqualified. */
  disqualified: number;
}

const SOURCES = ['展会', '官网咨询', '老客户转介绍', '电话咨询', '地推', '行业协会'];
const TOPICS = ['新品进场咨询', '年度采购询价', '样品试用申请', '经销合作意向', '耗材入院咨询', '促销合作咨询'];

export const leadsSeed = defineSeedModule<LeadKnobs>({
  name: 'leads',
  label: '线索',
  knobs: {
    // 华东 reps convert about a third, 华北 about a fifth: the company's rate sits below the 30% line
    demo: { perRepDay: 0.5, conversion: [0.36, 0.3, 0.33, 0.2, 0.14, 0.18], disqualified: 0.32 },
    bench: { perRepDay: 0.3, conversion: [0.3, 0.4, 0.25, 0.35], disqualified: 0.3 },
  },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const reps = await loadScopeReps(ctx.pool, ctx.scope.repIds);
    if (reps.length === 0) return {};
    const taken = new Set<string>((await ctx.pool.query('SELECT name FROM customers')).rows.map((r) => r.name));
    // at most two leads a working day each; a rep's companies start at offsets[rep] (fewer when names run out)
    const perRep = reps.map((r, i) => leadCompanies(r, i, s, 2 * ctx.window.days.length, taken));
    const offsets = perRep.map((_, i) => perRep.slice(0, i).reduce((a, l) => a + l.length, 0));
    const companies = perRep.flat();
    const a = repArrays(reps);
    const lines = (await ctx.pool.query(`SELECT code, id FROM product_lines`)).rows;
    const line = (code: string) => lines.find((l) => l.code === code)?.id ?? lines[0]?.id ?? null;
    const before = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM leads')).rows[0].m);
    const beforeCustomers = Number((await ctx.pool.query('SELECT coalesce(max(id), 0) AS m FROM customers')).rows[0].m);
    const key = (a: string) => `((${a}.r::bigint * 100000 + ${a}.d) * 4 + ${a}.k)`;
    const sql = `
      WITH p AS (SELECT $1::bigint[] AS reps, $2::bigint[] AS depts, $3::bigint[] AS mgrs, $4::date[] AS days,
                        $5::timestamptz AS now, $6::date AS today, $7::text[] AS co_name, $8::text[] AS co_type,
                        $9::text[] AS co_address, $10::float8[] AS co_lat, $11::float8[] AS co_lng, $12::int[] AS co_offset, $21::int[] AS co_count,
                        $13::float8[] AS conv, $14::float8 AS rate, $15::float8 AS disq, $16::bigint[] AS lines),
      g AS (SELECT r, d, kk AS k FROM p, generate_series(1, cardinality(p.reps)) r, generate_series(1, cardinality(p.days)) d,
                   generate_series(1, 2) kk),
      x0 AS (SELECT g.* FROM g, p WHERE ${unit(key('g'), s, 1)} < p.rate / 2),
      x AS (SELECT x0.r, x0.d, x0.k, row_number() OVER (PARTITION BY x0.r ORDER BY x0.d, x0.k) AS n,
                   ${workTime('p.days[x0.d]', unit(key('x0'), s, 2), 'p.now', 'p.today')} AS created_at,
                   cardinality(p.days) - x0.d AS age, ${unit(key('x0'), s, 3)} AS u
              FROM x0, p),
      y AS (SELECT x.*, p.co_offset[x.r] + x.n AS ci,
                   CASE WHEN x.age >= 2 AND x.u < p.conv[1 + (x.r - 1) % cardinality(p.conv)] THEN 'converted'
                        WHEN x.age >= 3 AND x.u < p.conv[1 + (x.r - 1) % cardinality(p.conv)] + p.disq THEN 'disqualified'
                        ELSE 'assigned' END AS status
              FROM x, p WHERE x.n <= p.co_count[x.r]),
      z0 AS (SELECT y.*, p.co_name[y.ci] AS company, p.co_type[y.ci] AS type,
                    CASE WHEN y.status <> 'assigned'
                         THEN y.created_at + LEAST((p.now - y.created_at) * (0.1 + 0.4 * ${unit(key('y'), s, 4)}), interval '12 days') END AS closed_at
               FROM y, p),
      z AS (SELECT z0.*, CASE WHEN z0.status = 'converted' THEN z0.closed_at END AS converted_at FROM z0),
      cust AS (
        INSERT INTO customers (name, type, address, lat, lng, coord_system, owner_id, department_id, product_line_id, status,
                               became_active_at, profile, created_at, updated_at)
        SELECT z.company, z.type, p.co_address[z.ci], p.co_lat[z.ci], p.co_lng[z.ci], 'gcj02', p.reps[z.r], p.depts[z.r],
               CASE WHEN z.type = 'hospital' THEN p.lines[3] ELSE p.lines[1 + ${pick('z.ci', s, 5, 2)}] END,
               'active', z.converted_at,
               jsonb_strip_nulls(jsonb_build_object(
                 '当前采购周期', (ARRAY['月度','季度','半年'])[1 + ${pick('z.ci', s, 6, 3)}],
                 '历史合作痛点', CASE WHEN ${unit('z.ci', s, 7)} < 0.75 THEN
                                  (ARRAY['账期偏长','进场费高','耗材编码未备案','配送不及时','价格敏感'])[1 + ${pick('z.ci', s, 8, 5)}] END,
                 '年采购额', CASE WHEN ${unit('z.ci', s, 9)} < 0.7 THEN (20 + ${pick('z.ci', s, 10, 280)}) || '万' END)),
               z.converted_at, z.converted_at
          FROM z, p WHERE z.status = 'converted'
        RETURNING id, name)
      INSERT INTO leads (title, company, contact_name, phone, source, customer_type, department_id, assignee_id, customer_id, status,
                         converted_at, created_by, created_at, updated_at)
      SELECT z.company || '·' || ($17::text[])[1 + ${pick('z.ci', s, 11, TOPICS.length)}], z.company,
             ($18::text[])[1 + ${pick('z.ci', s, 12, SURNAMES.length)}] || ($19::text[])[1 + ${pick('z.ci', s, 13, GIVEN.length)}] || '经理',
             '13' || ${pick('z.ci', s, 14, 10)} || lpad(${pick('z.ci', s, 15, 100_000_000)}::text, 8, '0'),
             ($20::text[])[1 + ${pick('z.ci', s, 16, SOURCES.length)}], z.type, p.depts[z.r], p.reps[z.r], cust.id, z.status,
             z.converted_at, p.mgrs[z.r], z.created_at, coalesce(z.closed_at, z.created_at)
        FROM z CROSS JOIN p LEFT JOIN cust ON cust.name = z.company
       ORDER BY z.created_at, z.r`;
    const leads = await ctx.exec(sql, [
      a.ids, a.departments, a.managers, ctx.window.days, ctx.window.now, ctx.window.today,
      companies.map((c) => c.name), companies.map((c) => c.type), companies.map((c) => c.address),
      companies.map((c) => c.lat), companies.map((c) => c.lng), offsets,
      k.conversion, k.perRepDay, k.disqualified, [line('beverage'), line('snack'), line('medical')],
      TOPICS, SURNAMES, GIVEN, SOURCES, perRep.map((l) => l.length),
    ]);
    const assignments = await ctx.exec(`
      INSERT INTO lead_assignments (lead_id, from_user_id, to_user_id, method, reason, by_user_id, at)
      SELECT l.id, NULL, l.assignee_id, CASE WHEN ${unit('l.id', s, 20)} < 0.7 THEN 'round_robin' ELSE 'territory' END,
             CASE WHEN ${unit('l.id', s, 20)} < 0.7 THEN '团队轮转分配' ELSE '按客户所在区域分配' END,
             l.created_by, l.created_at + interval '7 minutes' * (1 + ${pick('l.id', s, 21, 5)})
        FROM leads l WHERE l.id > $1 ORDER BY l.id`, [before]);
    // the buying centre (core/flow/buying-centre.ts): a decider, then the buyer or finance's gatekeeper, the users' side, an influencer;
    // one in five second contacts has no role recorded yet
    const contacts = await ctx.exec(`
      INSERT INTO contacts (customer_id, name, department, title, buying_role, attitude, phone, created_at, updated_at)
      SELECT c.id, ($2::text[])[1 + ${pick('c.id * 4 + k', s, 22, SURNAMES.length)}] || ($3::text[])[1 + ${pick('c.id * 4 + k', s, 23, GIVEN.length)}],
             t.department, t.title, CASE WHEN k = 2 AND ${unit('c.id', s, 24)} < 0.2 THEN NULL ELSE t.role END, t.attitude,
             '13' || ${pick('c.id * 4 + k', s, 25, 10)} || lpad(${pick('c.id * 4 + k', s, 26, 100_000_000)}::text, 8, '0'),
             c.created_at, c.created_at
        FROM customers c
        CROSS JOIN generate_series(1, 3 + ${pick('c.id', s, 27, 2)}::int) k
        CROSS JOIN LATERAL (SELECT * FROM (VALUES
            (1, CASE WHEN c.type = 'hospital' THEN '设备科' ELSE '采购部' END, CASE WHEN c.type = 'hospital' THEN '设备科主任' ELSE '采购经理' END,
                'decider', 'neutral'),
            (2, CASE WHEN c.type = 'hospital' THEN '采购中心' ELSE '财务部' END, CASE WHEN c.type = 'hospital' THEN '采购专员' ELSE '财务主管' END,
                CASE WHEN c.type = 'hospital' THEN 'buyer' ELSE 'gatekeeper' END, 'neutral'),
            (3, CASE WHEN c.type = 'hospital' THEN '骨科' ELSE '运营部' END, CASE WHEN c.type = 'hospital' THEN '护士长' ELSE '门店运营主管' END,
                'user', 'support'),
            (4, CASE WHEN c.type = 'hospital' THEN '药剂科' ELSE '品类部' END, CASE WHEN c.type = 'hospital' THEN '药剂科副主任' ELSE '品类专员' END,
                'influencer', 'oppose'))
            v(i, department, title, role, attitude) WHERE v.i = k) t
       WHERE c.id > $1 AND c.owner_id = ANY($4::bigint[])
       ORDER BY c.id, k`, [beforeCustomers, SURNAMES, GIVEN, a.ids]);
    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT e.at, e.actor, 'lead', l.id, e.type, e.data
        FROM leads l
        CROSS JOIN LATERAL (VALUES
          (l.created_at, l.created_by, 'lead.created', jsonb_build_object('company', l.company, 'source', l.source)),
          (l.created_at + interval '10 minutes', l.created_by, 'lead.assigned', jsonb_build_object('to', l.assignee_id, 'departmentId', l.department_id)),
          (coalesce(l.converted_at, l.updated_at), l.assignee_id, 'lead.status_changed', jsonb_build_object('status', l.status, 'customerId', l.customer_id))
        ) e(at, actor, type, data)
       WHERE l.id > $1 AND (e.type <> 'lead.status_changed' OR l.status IN ('converted','disqualified'))`, [before]);
    const customers = Number((await ctx.pool.query('SELECT count(*) AS n FROM customers WHERE id > $1', [beforeCustomers])).rows[0].n);
    return { leads, lead_assignments: assignments, customers, contacts, events };
  },
});
