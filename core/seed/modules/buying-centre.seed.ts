/**
 * 采购进展与联系人变化 (#22): a share of the open deals carries the customer's
 * own procurement as far as it has got — 预算申报 → 预算批复 → 招标公告 → 开标 →
 * 中标, dated in that order between the deal's creation and today, as a rep
 * enters them in the app — and a few customers' buying centres change (调岗,
 * 离职 then 新任, 汇报关系变化), recorded through #22's own recordContactChange
 * so the contact rows, history and validation are the product's.
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

export const buyingCentreSeed = defineSeedModule<{ procurementShare: number; contactCustomers: number }>({
  name: 'buying-centre',
  label: '采购进展与联系人变化',
  after: ['opportunities', 'leads'],
  knobs: { demo: { procurementShare: 0.6, contactCustomers: 8 }, bench: { procurementShare: 0.3, contactCustomers: 0 } },
  async run(ctx, k): Promise<SeedCounts> {
    const s = ctx.seed;
    // k steps on day created + span·j/(k+1): in order, never before the deal, never after today
    const procurement = await ctx.exec(`
      WITH o AS (
        SELECT o.id, o.owner_id, o.amount, (o.created_at AT TIME ZONE 'Asia/Shanghai')::date AS d0,
               -- as far as the deal has got: 中标 only once it is at 合同签约 or beyond
               least(1 + ${pick('o.id', s, 221, 5)}, st.pos, 5)::int AS k
          FROM opportunities o JOIN pipelines p ON p.id = o.pipeline_id
          CROSS JOIN LATERAL (SELECT s.pos FROM jsonb_array_elements(p.definition->'stages') WITH ORDINALITY s(v, pos)
                               WHERE s.v->>'key' = o.stage_code) st
         WHERE o.owner_id = ANY($1::bigint[]) AND o.status = 'open' AND ${unit('o.id', s, 220)} < $2
           AND NOT EXISTS (SELECT 1 FROM procurement_events e WHERE e.opportunity_id = o.id))
      INSERT INTO procurement_events (opportunity_id, stage, occurred_on, amount, reference, note, source, recorded_by, recorded_at)
      SELECT o.id, ($4::text[])[j], x.on_day,
             CASE WHEN j <= 2 THEN round(o.amount * (1.0 + 0.1 * ${unit('o.id', s, 222)})::numeric, 2) WHEN j = 5 THEN o.amount END,
             CASE WHEN j >= 3 THEN 'ZB' || to_char(o.d0, 'YYYY') || '-' || lpad((${hash('o.id', s, 223)} % 100000)::text, 5, '0') END,
             NULL, 'app', o.owner_id, (x.on_day + time '17:30') AT TIME ZONE 'Asia/Shanghai'
        FROM o CROSS JOIN generate_series(1, 5) j
        CROSS JOIN LATERAL (SELECT o.d0 + ((($3::date - o.d0) * j) / (o.k + 1))::int AS on_day) x
       WHERE j <= o.k ORDER BY o.id, j`, [ctx.scope.repIds, k.procurementShare, ctx.window.today, [...PROCUREMENT_STAGES]]);

    const contactEvents = await changeBuyingCentres(ctx, k.contactCustomers);
    return { procurement_events: procurement, contact_events: contactEvents };
  },
});

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
