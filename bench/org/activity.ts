import type pg from 'pg';
import { pick, runBatches, unit, type BatchOpts, type IdRange } from '../../core/seed/sql-random.js';

/** Customers and opportunities as parallel id/owner arrays (text literals), so events can cite them without a join. */
export interface Subjects {
  customerIds: string; customerOwners: string; customerManagers: string; customerDepartments: string; customers: number;
  opportunityIds: string; opportunityOwners: string; opportunities: number;
  repIds: number[];
}

export async function loadSubjects(pool: pg.Pool, customers: IdRange, opps: IdRange | null, repIds: number[]): Promise<Subjects> {
  const c = (await pool.query(
    `SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}')::text AS ids,
            coalesce(array_agg(c.owner_id ORDER BY c.id), '{}')::text AS owners,
            coalesce(array_agg(coalesce(u.manager_id, c.owner_id) ORDER BY c.id), '{}')::text AS managers,
            coalesce(array_agg(c.department_id ORDER BY c.id), '{}')::text AS departments, count(*)::int AS n
       FROM customers c LEFT JOIN users u ON u.id = c.owner_id WHERE c.id BETWEEN $1 AND $2`,
    [customers.min, customers.max])).rows[0];
  const o = opps
    ? (await pool.query(
      `SELECT coalesce(array_agg(id ORDER BY id), '{}')::text AS ids, coalesce(array_agg(owner_id ORDER BY id), '{}')::text AS owners,
              count(*)::int AS n FROM opportunities WHERE id BETWEEN $1 AND $2`, [opps.min, opps.max])).rows[0]
    : { ids: '{}', owners: '{}', n: 0 };
  return {
    customerIds: c.ids, customerOwners: c.owners, customerManagers: c.managers, customerDepartments: c.departments, customers: c.n,
    opportunityIds: o.ids, opportunityOwners: o.owners, opportunities: o.n, repIds,
  };
}

/** [event type, entity type, share] — the mix a sales team's log shows. */
function eventMix(hasOpps: boolean, actions: IdRange | null): Array<[string, 'customer' | 'opportunity' | 'action', number]> {
  const mix: Array<[string, 'customer' | 'opportunity' | 'action', number]> = [
    ['followup.recorded', 'customer', 0.35], ['visit.submitted', 'customer', 0.2], ['customer.updated', 'customer', 0.05],
    ['followup.scheduled', 'customer', actions ? 0 : 0.15],
  ];
  if (hasOpps) {
    mix.push(['opportunity.stage_changed', 'opportunity', 0.08], ['document.downloaded', 'opportunity', 0.1],
      ['opportunity.updated', 'opportunity', 0.04]);
  } else {
    mix[0][2] += 0.22;
  }
  if (actions) mix.push(['action.submitted', 'action', 0.1], ['action.verified', 'action', 0.05]);
  return mix.filter((m) => m[2] > 0);
}

/**
 * `n` events over the last 60 days, in time order like a real append-only
 * log (id order ≈ time order). The actor is the subject's owner.
 */
export async function insertEvents(
  n: number, subj: Subjects, actions: IdRange | null, o: BatchOpts,
): Promise<number> {
  const s = o.seed;
  const mix = eventMix(subj.opportunities > 0, actions);
  const total = mix.reduce((a, m) => a + m[2], 0);
  let acc = 0;
  const whens = mix.map(([type, ent, share], i) => {
    acc += share / total;
    return `WHEN ${i === mix.length - 1 ? 'true' : `r < ${acc.toFixed(6)}`} THEN '${type}|${ent}'`;
  });
  const sql = `
    INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
    SELECT x.at,
           CASE x.ent WHEN 'customer' THEN ($2::bigint[])[x.ci] WHEN 'opportunity' THEN ($4::bigint[])[x.oi]
                      ELSE ($5::bigint[])[x.ri] END,
           x.ent,
           CASE x.ent WHEN 'customer' THEN ($1::bigint[])[x.ci] WHEN 'opportunity' THEN ($3::bigint[])[x.oi]
                      ELSE $7::bigint + ${pick('x.g', s, 64, Math.max(1, actions ? actions.max - actions.min + 1 : 1))} END,
           x.type,
           CASE x.type
             WHEN 'followup.recorded' THEN jsonb_build_object('effective', ${unit('x.g', s, 65)} < 0.7,
                  'channel', (ARRAY['visit','phone','wechat','meeting'])[1 + ${pick('x.g', s, 66, 4)}])
             WHEN 'visit.submitted' THEN jsonb_build_object('photos', 1 + ${pick('x.g', s, 67, 5)},
                  'durationMin', 10 + ${pick('x.g', s, 68, 80)}, 'effective', ${unit('x.g', s, 65)} < 0.75)
             WHEN 'customer.updated' THEN '{"fields":["profile"]}'::jsonb
             WHEN 'followup.scheduled' THEN jsonb_build_object('inDays', 1 + ${pick('x.g', s, 69, 14)})
             WHEN 'opportunity.stage_changed' THEN '{"kind":"advance"}'::jsonb
             WHEN 'document.downloaded' THEN jsonb_build_object('document',
                  (ARRAY['质保延长说明.pdf','产品报价单.xlsx','资质证明.pdf','案例集.pdf'])[1 + ${pick('x.g', s, 70, 4)}], 'byCustomer', true)
             WHEN 'opportunity.updated' THEN '{"fields":["amount"]}'::jsonb
             ELSE '{}'::jsonb END
      FROM (SELECT y.g, y.at, split_part(y.te, '|', 1) AS type, split_part(y.te, '|', 2) AS ent,
                   1 + ${pick('y.g', s, 61, Math.max(1, subj.customers))} AS ci,
                   1 + ${pick('y.g', s, 62, Math.max(1, subj.opportunities))} AS oi,
                   1 + ${pick('y.g', s, 63, Math.max(1, subj.repIds.length))} AS ri
              FROM (SELECT g, CASE ${whens.join(' ')} END AS te,
                           $6::timestamptz - interval '60 days' + ((g - ${unit('g', s, 71)}) / ${n}::float8) * interval '60 days' AS at
                      FROM (SELECT g, ${unit('g', s, 60)} AS r FROM generate_series($8::bigint, $9::bigint) g) z) y) x`;
  const params = [subj.customerIds, subj.customerOwners, subj.opportunityIds, subj.opportunityOwners, subj.repIds, o.now,
    actions?.min ?? 0];
  return runBatches(n, o.batch, o.concurrency, (from, to) => o.exec(sql, [...params, from, to]));
}
