/**
 * What the attribution report counts, read set-based: the closed deals of a
 * period within the viewer's scope and filters, and for each deal how often
 * each kind of action happened in it, per stage the deal stood in at the time.
 *
 * The kinds are the organisation's own action definitions (an action counts
 * once submitted — 客户拜访, 报价单生成, 合同审批 …) and what the action flow
 * records besides: follow-ups (有效 or 伪跟进), the decision maker met as
 * checked, documents shared with the customer and the customer's opens, and
 * stages jumped over. An action not tied to a deal counts for the deals of
 * its customer open at the time.
 */
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import type { Period } from '../dashboards/period.js';
import type { ClosedDeal, Occurrence } from './compute.js';

export interface DealFilters { ownerId?: number; departmentId?: number; productLineId?: number }

/** The kinds beside the action definitions, in the order the report lists them. */
export const RECORDED_KINDS = [
  { kind: 'followup.effective', label: '跟进记录·有效' },
  { kind: 'followup.pseudo', label: '跟进记录·伪跟进' },
  { kind: 'decision_maker.met', label: '见到决策人（经核验）' },
  { kind: 'document.shared', label: '分享文档给客户' },
  { kind: 'document.opened', label: '客户打开或下载文档' },
  { kind: 'stage.skipped', label: '跳过阶段（如法务审核）' },
] as const;

/** The deals the report is about, as a CTE `d` added to `sql`. */
function dealsCte(sql: Sql, actor: Actor, period: Period, f: DealFilters): void {
  const where = [
    `o.status IN ('won','lost')`, `o.closed_at IS NOT NULL`,
    `o.closed_at >= ${sql.param(period.fromTs)}`, `o.closed_at < ${sql.param(period.toTs)}`,
    scopeSql(actor, { ownerCol: 'o.owner_id', deptCol: 'o.department_id' }, sql),
  ];
  if (f.ownerId !== undefined) where.push(`o.owner_id = ${sql.param(f.ownerId)}`);
  if (f.departmentId !== undefined) where.push(inDepartmentSubtree(sql, 'o.department_id', { id: f.departmentId }));
  if (f.productLineId !== undefined) where.push(`o.product_line_id = ${sql.param(f.productLineId)}`);
  sql.with('d', `SELECT o.id, o.customer_id, o.owner_id, o.department_id, o.product_line_id, o.status, o.stage_code, o.created_at, o.closed_at
                   FROM opportunities o WHERE ${where.join(' AND ')}`);
}

export async function loadClosedDeals(db: Db, actor: Actor, period: Period, f: DealFilters): Promise<ClosedDeal[]> {
  const sql = new Sql();
  dealsCte(sql, actor, period, f);
  const { rows } = await db.query(sql.unprepared(`
    SELECT d.id, d.owner_id, u.name AS owner_name, d.department_id, dep.name AS department_name, d.product_line_id,
           pl.name AS product_line_name, d.status, d.created_at, d.closed_at,
           array(SELECT DISTINCT m.to_stage FROM stage_moves m WHERE m.opportunity_id = d.id AND m.at <= d.closed_at
                 UNION SELECT d.stage_code) AS stages
      FROM d JOIN users u ON u.id = d.owner_id
      LEFT JOIN departments dep ON dep.id = d.department_id LEFT JOIN product_lines pl ON pl.id = d.product_line_id
     ORDER BY d.closed_at, d.id`));
  return rows.map((r) => ({
    id: Number(r.id), ownerId: Number(r.owner_id), ownerName: r.owner_name,
    departmentId: r.department_id === null ? null : Number(r.department_id), departmentName: r.department_name,
    productLineId: r.product_line_id === null ? null : Number(r.product_line_id), productLineName: r.product_line_name,
    won: r.status === 'won', createdAt: r.created_at, closedAt: r.closed_at, stages: r.stages,
  }));
}

export async function loadOccurrences(db: Db, actor: Actor, period: Period, f: DealFilters): Promise<Occurrence[]> {
  const sql = new Sql();
  dealsCte(sql, actor, period, f);
  // within the deal's life: an action not tied to any deal counts for the customer's deals open then
  const during = (at: string) => `${at} >= d.created_at AND ${at} <= d.closed_at`;
  // an action on a deal is on its customer: joined by the customer's index, then kept when tied to this deal or to none
  const mine = (t: string) => `${t}.customer_id = d.customer_id AND (${t}.opportunity_id = d.id OR ${t}.opportunity_id IS NULL)`;
  sql.with('occ', `
    SELECT d.id AS deal_id, 'action:' || a.definition_code AS kind, a.submitted_at AS at, NULL::text AS stage
      FROM d JOIN actions a ON ${mine('a')}
     WHERE a.status IN ('submitted','verified','archived') AND a.submitted_at IS NOT NULL AND ${during('a.submitted_at')}
    UNION ALL
    -- a follow-up filed for an action is counted with that action
    SELECT d.id, CASE WHEN f.effective THEN 'followup.effective' ELSE 'followup.pseudo' END, f.at, NULL
      FROM d JOIN followups f ON f.customer_id = d.customer_id
     WHERE f.action_id IS NULL AND (f.effective OR NOT f.has_evidence) AND ${during('f.at')}
    UNION ALL
    -- the decision maker met, as the win score checks it: an accepted visit report naming them, or an
    -- in-person follow-up with evidence naming the buying centre's decider
    SELECT d.id, 'decision_maker.met', s.created_at, NULL
      FROM d JOIN actions a ON ${mine('a')} JOIN submissions s ON s.action_id = a.id
     WHERE s.outcome = 'accepted' AND ${during('s.created_at')}
       AND (s.payload->'fields'->>'decisionRole' LIKE '决策%'
            OR EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = d.customer_id AND k.buying_role = 'decider'
                         AND s.payload->'fields'->>'decisionContactId' = k.id::text))
    UNION ALL
    SELECT d.id, 'decision_maker.met', f.at, NULL
      FROM d JOIN followups f ON f.customer_id = d.customer_id
     WHERE f.channel IN ('visit', 'meeting') AND f.has_evidence AND ${during('f.at')}
       AND EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = d.customer_id AND k.buying_role = 'decider'
                     AND f.payload->'contactIds' @> to_jsonb(k.id))
    UNION ALL
    SELECT d.id, 'document.shared', l.created_at, l.stage_code FROM d JOIN share_links l ON l.opportunity_id = d.id WHERE l.created_at <= d.closed_at
    UNION ALL
    SELECT d.id, 'document.opened', v.at, NULL
      FROM d JOIN share_links l ON l.opportunity_id = d.id JOIN share_opens v ON v.link_id = l.id WHERE v.at <= d.closed_at
    UNION ALL
    -- a jump counts in the stage it left
    SELECT d.id, 'stage.skipped', m.at, m.from_stage
      FROM d JOIN stage_moves m ON m.opportunity_id = d.id WHERE m.kind = 'skip' AND m.at <= d.closed_at`);
  const { rows } = await db.query(sql.unprepared(`
    SELECT o.deal_id, o.kind, st.stage, count(*)::int AS n, min(o.at) AS first_at
      FROM occ o
      -- the stage the deal stood in then: the last move before, else the first it entered
      CROSS JOIN LATERAL (SELECT coalesce(o.stage,
        (SELECT m.to_stage FROM stage_moves m WHERE m.opportunity_id = o.deal_id AND m.at <= o.at ORDER BY m.at DESC, m.id DESC LIMIT 1),
        (SELECT m.to_stage FROM stage_moves m WHERE m.opportunity_id = o.deal_id ORDER BY m.at, m.id LIMIT 1)) AS stage) st
     GROUP BY 1, 2, 3`));
  return rows.map((r) => ({ dealId: Number(r.deal_id), kind: r.kind, stage: r.stage, count: r.n, firstAt: r.first_at }));
}

/** Every kind the report may show: the action definitions by name, then the recorded kinds. */
export async function loadKinds(db: Db): Promise<Array<{ kind: string; label: string }>> {
  const { rows } = await db.query(`
    SELECT DISTINCT ON (code) code, name, min(id) OVER (PARTITION BY code) AS first_id
      FROM action_definitions ORDER BY code, version DESC`);
  rows.sort((a, b) => Number(a.first_id) - Number(b.first_id));
  return [...rows.map((r) => ({ kind: `action:${r.code}`, label: r.name as string })), ...RECORDED_KINDS];
}

/** The stages of the organisation's pipelines, the default pipeline's first and in its order. */
export async function loadStages(db: Db): Promise<Array<{ key: string; name: string }>> {
  const { rows } = await db.query(`
    SELECT s.v->>'key' AS key, s.v->>'name' AS name
      FROM pipelines p CROSS JOIN LATERAL jsonb_array_elements(p.definition->'stages') WITH ORDINALITY s(v, pos)
     ORDER BY p.is_default DESC, p.id, s.pos`);
  const seen = new Map<string, string>();
  for (const r of rows) if (!seen.has(r.key)) seen.set(r.key, r.name);
  return [...seen.entries()].map(([key, name]) => ({ key, name }));
}
