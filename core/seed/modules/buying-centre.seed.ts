/**
 * 采购进展与联系人变化 (#22): the customer's own procurement as far as each
 * deal got — 预算申报 → 预算批复 → 招标公告 → 开标 → 中标, dated in that order as
 * a rep enters them in the app: a share of the open deals, and every closed
 * deal (won ones mostly far along before they closed, lost ones seldom) — and
 * the buying centre's history: of a closed deal's customer, the roles beside
 * the decider were each found out on a day, while the deal ran (mostly for
 * the deals that were won) or only after it was over (mostly for the lost),
 * so training, which reads the chain as it stood, sees how much of it was
 * known then; and a few customers' chains change (调岗, 离职 then 新任,
 * 汇报关系变化), recorded through #22's own recordContactChange so the contact
 * rows, history and validation are the product's.
 */
import { loadActiveActor } from '../../auth/actor.js';
import { recordContactChange, type ContactChange } from '../../profile/contact-events.js';
import { PROCUREMENT_STAGES } from '../../profile/procurement.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { hash, pick, unit } from '../sql-random.js';

const NEWCOMERS = ['高建国', '孙丽华', '郑海涛', '冯雪梅', '韩志强', '曹文静'];
const NEW_POSTS = [
  { department: '采购中心', title: '副主任' },
  { department: '运营管理部', title: '经理' },
  { department: '院办', title: '院长助理' },
];

export const buyingCentreSeed = defineSeedModule<{
  procurementShare: number; contactCustomers: number;
  /** Closed deals get procurement and dated role discoveries too (the demo's model learns from them; the benchmark's organisation keeps its own outcome factors). */
  closedDeals: boolean; closedRolesFoundWhileOpen: { won: number; lost: number } | null;
}>({
  name: 'buying-centre',
  label: '采购进展与联系人变化',
  after: ['opportunities', 'leads'],
  knobs: {
    demo: { procurementShare: 0.6, contactCustomers: 8, closedDeals: true, closedRolesFoundWhileOpen: { won: 0.8, lost: 0.3 } },
    bench: { procurementShare: 0.3, contactCustomers: 0, closedDeals: false, closedRolesFoundWhileOpen: null },
  },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    const discovered = k.closedDeals ? await discoverRoles(ctx, k.closedRolesFoundWhileOpen) : 0;
    // contacts the generators wrote directly start their history with what they were when first known
    const { rows: [known] } = await ctx.pool.query('SELECT af_record_first_known_contacts() AS n');
    // k steps on day created + span·j/(k+1), span up to the close or today: in order, never before the deal, never after it
    const procurement = await ctx.exec(`
      WITH o AS (
        SELECT o.id, o.owner_id, o.amount, (o.created_at AT TIME ZONE 'Asia/Shanghai')::date AS d0,
               coalesce((o.closed_at AT TIME ZONE 'Asia/Shanghai')::date, $3::date) AS d1,
               -- as far as the deal got: 中标 only once it is at 合同签约 or beyond; a won deal mostly far, a lost one seldom
               least(CASE o.status WHEN 'open' THEN 1 + ${pick('o.id', s, 221, 5)} WHEN 'won' THEN 2 + ${pick('o.id', s, 225, 4)}
                                   ELSE ${pick('o.id', s, 226, 3)} END, st.pos, 5)::int AS k
          FROM opportunities o JOIN pipelines p ON p.id = o.pipeline_id
          CROSS JOIN LATERAL (SELECT s.pos FROM jsonb_array_elements(p.definition->'stages') WITH ORDINALITY s(v, pos)
                               WHERE s.v->>'key' = o.stage_code) st
         WHERE o.owner_id = ANY($1::bigint[]) AND (CASE WHEN o.status = 'open' THEN ${unit('o.id', s, 220)} < $2 ELSE $5 END)
           AND NOT EXISTS (SELECT 1 FROM procurement_events e WHERE e.opportunity_id = o.id))
      INSERT INTO procurement_events (opportunity_id, stage, occurred_on, amount, reference, note, source, recorded_by, recorded_at)
      SELECT o.id, ($4::text[])[j], x.on_day,
             CASE WHEN j <= 2 THEN round(o.amount * (1.0 + 0.1 * ${unit('o.id', s, 222)})::numeric, 2) WHEN j = 5 THEN o.amount END,
             CASE WHEN j >= 3 THEN 'ZB' || to_char(o.d0, 'YYYY') || '-' || lpad((${hash('o.id', s, 223)} % 100000)::text, 5, '0') END,
             NULL, 'app', o.owner_id, (x.on_day + time '17:30') AT TIME ZONE 'Asia/Shanghai'
        FROM o CROSS JOIN generate_series(1, 5) j
        CROSS JOIN LATERAL (SELECT o.d0 + (((o.d1 - o.d0) * j) / (o.k + 1))::int AS on_day) x
       WHERE j <= o.k ORDER BY o.id, j`, [ctx.scope.repIds, k.procurementShare, ctx.window.today, [...PROCUREMENT_STAGES], k.closedDeals]);

    const contactEvents = await changeBuyingCentres(ctx, k.contactCustomers);
    return { procurement_events: procurement, contact_events: contactEvents + discovered + Number(known.n) };
  },
});

/**
 * Of each customer's first closed deal, the roles beside the decider were found out one by one: each
 * on a day in the first third of the deal (with the chance the knob gives its outcome) or only days
 * after it was over — a 角色/态度变化 from no role to the role the contact has, recorded by the owner then. The
 * contact's start (its 新增 or 最初记录) says no role. The decider stays known from the start: the
 * decision maker met reads who decided then.
 */
async function discoverRoles(ctx: Parameters<typeof buyingCentreSeed.run>[0], chance: { won: number; lost: number } | null): Promise<number> {
  if (!chance) return 0;
  const s = ctx.seed;
  const { rows } = await ctx.pool.query(`
    WITH d AS (
      SELECT DISTINCT ON (o.customer_id) o.customer_id, o.status, o.created_at, o.closed_at, c.owner_id
        FROM opportunities o JOIN customers c ON c.id = o.customer_id
       WHERE o.owner_id = ANY($1::bigint[]) AND o.status IN ('won', 'lost') AND o.closed_at IS NOT NULL
       ORDER BY o.customer_id, o.closed_at, o.id),
    t AS (
      SELECT k.id, k.customer_id, d.owner_id, af_contact_facts(k) AS facts,
             CASE WHEN ${unit('k.id', s, 230)} < CASE d.status WHEN 'won' THEN $2::float8 ELSE $3::float8 END
                  THEN d.created_at + (d.closed_at - d.created_at) * (0.05 + 0.3 * ${unit('k.id', s, 231)})
                  ELSE d.closed_at + interval '1 day' * (1 + 20 * ${unit('k.id', s, 231)}) END AS at
        FROM d JOIN contacts k ON k.customer_id = d.customer_id
       WHERE k.status = 'active' AND k.buying_role IS NOT NULL AND k.buying_role <> 'decider'
         AND NOT EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = k.id AND e.kind NOT IN ('added', 'first_known'))),
    start AS (
      UPDATE contact_events e SET after = e.after || '{"buyingRole": null}'
        FROM t WHERE e.contact_id = t.id AND e.kind IN ('added', 'first_known') AND t.at < $4)
    INSERT INTO contact_events (customer_id, contact_id, kind, occurred_on, before, after, source, recorded_by, recorded_at)
    SELECT t.customer_id, t.id, 'role_changed', (t.at AT TIME ZONE 'Asia/Shanghai')::date, t.facts || '{"buyingRole": null}', t.facts,
           'app', t.owner_id, t.at
      FROM t WHERE t.at < $4 ORDER BY t.at, t.id
    RETURNING contact_id`, [ctx.scope.repIds, chance.won, chance.lost, ctx.window.now]);
  return rows.length;
}

/** A few customers with at least three active contacts, chosen by the seed; each gets one kind of change. */
async function changeBuyingCentres(ctx: Parameters<typeof buyingCentreSeed.run>[0], n: number): Promise<number> {
  if (n === 0) return 0;
  const s = ctx.seed;
  const { rows } = await ctx.pool.query(`
    SELECT c.id, c.owner_id, array_agg(k.id ORDER BY k.id) AS contacts,
           array_agg(coalesce(k.title, '') ORDER BY k.id) AS titles, array_agg(k.reports_to_id ORDER BY k.id) AS reports
      FROM customers c JOIN contacts k ON k.customer_id = c.id AND k.status <> 'left'
     WHERE c.owner_id = ANY($1::bigint[])
     GROUP BY c.id HAVING count(*) >= 3
     ORDER BY ${hash('c.id', s, 224)}, c.id LIMIT $2`, [ctx.scope.repIds, n]);
  const days = ctx.window.days.filter((d) => d <= ctx.window.today).slice(-40);
  let written = 0;
  for (const [i, r] of rows.entries()) {
    const actor = await loadActiveActor(ctx.pool, { id: Number(r.owner_id) });
    if (!actor) continue;
    const on = days[(i * 7 + s) % days.length];
    const [first, second, third] = r.contacts.map(Number);
    const changes: ContactChange[] = [];
    switch (i % 3) {
      case 0: {
        const post = NEW_POSTS[i % NEW_POSTS.length];
        const other = NEW_POSTS[(i + 1) % NEW_POSTS.length];
        changes.push({ kind: 'transferred', contactId: second, occurredOn: on, ...(r.titles[1] === post.title ? other : post) });
        break;
      }
      case 1:
        changes.push({ kind: 'left', contactId: third, occurredOn: on, note: '已办理离职' });
        changes.push({
          kind: 'joined', customerId: Number(r.id), occurredOn: on, replacesContactId: third,
          contact: { name: NEWCOMERS[i % NEWCOMERS.length], title: r.titles[2] || '主任', attitude: 'neutral' },
        });
        break;
      default:
        changes.push({ kind: 'reporting_changed', contactId: third, occurredOn: on,
          reportsToId: r.reports[2] === null || Number(r.reports[2]) !== first ? first : second });
    }
    for (const c of changes) {
      await recordContactChange(ctx.pool, actor, c, ctx.window.now);
      written++;
    }
  }
  return written;
}
