import type pg from 'pg';
import { hash, pick, runBatches, unit, type BatchOpts, type IdRange } from '../../core/seed/sql-random.js';

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

const ACTION_STATUS_MIX: Array<[string, number]> = [
  ['dispatched', 0.1], ['in_progress', 0.1], ['submitted', 0.1], ['verified', 0.25], ['archived', 0.3],
  ['rejected', 0.05], ['overdue', 0.07], ['escalated', 0.03],
];

/**
 * Column name → SQL for an `actions` table whose schema this generator has not
 * seen yet (it lands with a later issue). Row alias `x` offers g, ci (customer
 * index), di (definition index), at (dispatch time) and status; `p` the arrays.
 */
function actionColumn(name: string, type: string, seed: number): string | null {
  const json = (empty: string) => (type === 'jsonb' || type === 'json' ? `'${empty}'::${type}` : null);
  switch (name) {
    case 'definition_id': case 'action_definition_id': return 'p.def_ids[x.di]';
    case 'definition_code': case 'code': return 'p.def_codes[x.di]';
    case 'definition_version': return 'p.def_versions[x.di]';
    case 'version': return '1';
    case 'department_id': return 'p.departments[x.ci]';
    case 'kind': case 'type': return 'p.def_kinds[x.di]';
    case 'title': case 'name': return 'p.def_names[x.di]';
    case 'assignee_id': case 'owner_id': case 'user_id': return 'p.owners[x.ci]';
    case 'assigner_id': case 'created_by': case 'dispatched_by': return 'p.managers[x.ci]';
    case 'customer_id': return 'p.customer_ids[x.ci]';
    case 'status': return 'x.status';
    case 'due_at': return `x.at + interval '3 days'`;
    case 'due_on': case 'due_date': return `(x.at + interval '3 days')::date`;
    case 'created_at': case 'dispatched_at': case 'started_at': return 'x.at';
    case 'updated_at': return `x.at + interval '1 day'`;
    case 'submitted_at': return `CASE WHEN x.status IN ('submitted','verified','archived','rejected') THEN x.at + interval '1 day' END`;
    case 'verified_at': return `CASE WHEN x.status IN ('verified','archived') THEN x.at + interval '2 days' END`;
    case 'archived_at': return `CASE WHEN x.status = 'archived' THEN x.at + interval '3 days' END`;
    case 'escalation_level': case 'escalation_step': case 'attempts': return '0';
    case 'idempotency_key': case 'dedupe_key': return `'bench-' || ${hash('x.g', seed, 80)} || '-' || x.g`;
    case 'evidence': case 'data': case 'fields': case 'payload': case 'report': case 'context': return json('{}');
    case 'check_results': case 'failures': case 'attachments': case 'warnings': return json('[]');
    default: return null;
  }
}

/**
 * Actions, when the `actions` table exists: every NOT NULL column without a
 * default must be one `actionColumn` knows; otherwise the reason is returned
 * and the caller spends the budget on events instead.
 */
export async function insertActions(
  pool: pg.Pool, n: number, subj: Subjects, o: BatchOpts,
): Promise<{ rows: number } | { skipped: string }> {
  const cols = (await pool.query(
    `SELECT column_name AS name, data_type AS type, is_nullable = 'NO' AND column_default IS NULL AS required
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'actions'
      ORDER BY ordinal_position`)).rows as Array<{ name: string; type: string; required: boolean }>;
  const defs = (await pool.query(
    `SELECT id, code, version, kind, name FROM action_definitions WHERE active ORDER BY id`)).rows;
  if (defs.length === 0) return { skipped: 'no active action_definitions' };
  const mapped = cols.map((c) => ({ ...c, sql: c.name === 'id' ? null : actionColumn(c.name, c.type, o.seed) }));
  const unknown = mapped.filter((c) => c.required && c.sql === null && c.name !== 'id');
  if (unknown.length) return { skipped: `actions has required columns the generator does not know: ${unknown.map((c) => c.name).join(', ')}` };
  const use = mapped.filter((c) => c.sql !== null);
  let acc = 0;
  const status = ACTION_STATUS_MIX.map(([st, share], i) => {
    acc += share;
    return `WHEN ${i === ACTION_STATUS_MIX.length - 1 ? 'true' : `${unit('g', o.seed, 81)} < ${acc.toFixed(4)}`} THEN '${st}'`;
  });
  // every parameter typed once here, so columns the table lacks leave none untyped
  const sql = `
    WITH p AS (SELECT $1::bigint[] AS customer_ids, $2::bigint[] AS owners, $3::bigint[] AS managers, $4::bigint[] AS def_ids,
                      $5::text[] AS def_codes, $6::text[] AS def_kinds, $7::text[] AS def_names, $11::int[] AS def_versions,
                      $12::bigint[] AS departments)
    INSERT INTO actions (${use.map((c) => `"${c.name}"`).join(', ')})
    SELECT ${use.map((c) => c.sql).join(', ')}
      FROM p, (SELECT g, 1 + ${pick('g', o.seed, 82, Math.max(1, subj.customers))} AS ci,
                   1 + ${pick('g', o.seed, 83, defs.length)} AS di,
                   $8::timestamptz - interval '60 days' + ((g - ${unit('g', o.seed, 84)}) / ${n}::float8) * interval '60 days' AS at,
                   CASE ${status.join(' ')} END AS status
              FROM generate_series($9::bigint, $10::bigint) g) x`;
  const params = [subj.customerIds, subj.customerOwners, subj.customerManagers, defs.map((d) => d.id), defs.map((d) => d.code),
    defs.map((d) => d.kind), defs.map((d) => d.name), o.now];
  const more = [defs.map((d) => d.version), subj.customerDepartments];
  try {
    return { rows: await runBatches(n, o.batch, o.concurrency, (from, to) => o.exec(sql, [...params, from, to, ...more])) };
  } catch (err) {
    return { skipped: `actions insert failed: ${(err as Error).message}` };
  }
}
