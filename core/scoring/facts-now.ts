/**
 * The facts of many open deals as they stand now, one set-based query per
 * feature family over all of them (the deals, the customers' follow-ups of the
 * last 30 days, skipped legal reviews, shared documents with the customer's
 * opens, the decision maker met) — so scoring 100k deals reads each table once
 * instead of looking each deal up. A deal that moved stage after `now` (a replay
 * of the past under a clock set back) is read by the replay instead
 * (loadScoreFactsAt), which follows the stage moves back.
 *
 *   const facts = await loadScoreFactsNow(db, ids, now);  // same answer as loadScoreFactsAt(ids at now)
 */
import type pg from 'pg';
import { isPool, type Db } from '../db/pool.js';
import { CENTRE_OF, inputsOf, loadScoreFactsAt, ms, PROCUREMENT_STEPS, refreshStageNorms, toDate, toDates, type ScoreFacts } from './facts.js';

interface StageInfo { name: string; index: number; count: number }

export async function loadScoreFactsNow(db: Db, ids: readonly number[], now: Date): Promise<Map<number, ScoreFacts>> {
  if (ids.length) await refreshStageNorms(db, now);
  return factsFromRows(db, await readFactRows(db, ids, now), now);
}

/** What the facts of a batch of deals are built from: each query's rows (null for no deals). */
export type FactRows = Record<'stages' | 'norms' | 'deals' | 'legal' | 'docs' | 'procurement' | 'followups' | 'met' | 'evidence' | 'centre', pg.QueryResult> | null;

/**
 * The queries' rows alone — the database's share of the work, which a scoring in batches runs for the
 * next batch while node builds and scores this one (core/scoring/scores.ts). The stage norms are read as
 * they are: the caller refreshes them first, once.
 */
export async function readFactRows(db: Db, ids: readonly number[], now: Date): Promise<FactRows> {
  if (ids.length === 0) return null;
  // the ids as one array literal: node-postgres would escape 10,000 numbers one by one, per query
  const params = [`{${ids.join(',')}}`, now];
  const [stages, norms, deals, legal, docs, procurement] = await queryAll(db, [
    [PIPELINE_STAGES_SQL, []], ['SELECT stage_code, norm_days FROM stage_dwell_norms', []],
    [DEALS_SQL, params], [LEGAL_SKIPPED_SQL, params], [DOCUMENTS_SQL, params], [PROCUREMENT_SQL, params],
  ]);
  // the customers' families take the customers as found above: each would otherwise scan the deals again
  const customers = [`{${[...new Set(deals.rows.map((r) => String(r.customer_id)))].join(',')}}`, now];
  const [followups, met, evidence, centre] = await queryAll(db, [
    [FOLLOWUPS_30D_SQL, customers], [DECISION_MAKER_SQL, customers], [EVIDENCE_SQL, customers], [BUYING_CENTRE_SQL, [customers[0]]],
  ]);
  return { stages, norms, deals, legal, docs, procurement, followups, met, evidence, centre };
}

/** The facts of each deal from its batch's rows; a deal that moved stage after `now` is replayed. */
export async function factsFromRows(db: Db, rows: FactRows, now: Date): Promise<Map<number, ScoreFacts>> {
  const out = new Map<number, ScoreFacts>();
  if (!rows) return out;
  const stages = pipelineStages(rows.stages.rows);
  const norms = new Map(rows.norms.rows.map((r) => [r.stage_code as string, r.norm_days === null ? null : Number(r.norm_days)]));
  const evidence = new Map(rows.evidence.rows.map((r) => [Number(r.customer_id), r]));
  const procurement = new Map(rows.procurement.rows.map((r) => [Number(r.opportunity_id), r.procurement]));
  const centre = new Map(rows.centre.rows.map((r) => [Number(r.customer_id), r]));
  const fu = new Map(rows.followups.rows.map((r) => [Number(r.customer_id), { total: Number(r.total), effective: Number(r.effective) }]));
  const legal = new Set(rows.legal.rows.map((r) => Number(r.opportunity_id)));
  const metAt = new Map(rows.met.rows.map((r) => [Number(r.customer_id), toDate(r.at_ms)]));
  const replay: number[] = [];
  // no spreads below: object spreads of rows this many cost the scoring more than its queries
  const none = { trusted: null, doubtful: null, role_bits: null, attitude: null };
  for (const r of rows.deals.rows) {
    const id = Number(r.id);
    if (r.moved_later) {
      replay.push(id);
      continue;
    }
    const customerId = Number(r.customer_id);
    const st = stages.get(`${r.pipeline_id}:${r.stage_code}`);
    const ev = evidence.get(customerId) ?? none;
    const bc = centre.get(customerId) ?? none;
    const inputs = inputsOf({ trusted: ev.trusted, doubtful: ev.doubtful, procurement: procurement.get(id) ?? null, role_bits: bc.role_bits, attitude: bc.attitude });
    out.set(id, {
      opportunityId: id, asOf: now, stageCode: r.stage_code, stageName: st?.name ?? r.stage_code,
      stageIndex: st?.index ?? 1, stageCount: st?.count ?? stages.get(`${r.pipeline_id}:`)?.count ?? 1, stageEnteredAt: new Date(r.stage_entered_ms),
      stageNormDays: norms.get(r.stage_code) ?? null, documents: [], decisionMakerMetAt: metAt.get(customerId) ?? null,
      legalReviewSkipped: legal.has(id), lastEffectiveFollowupAt: toDate(r.last_effective_ms), createdAt: new Date(r.created_ms),
      followups30d: fu.get(customerId) ?? { total: 0, effective: 0 },
      visitEvidence: inputs.visitEvidence, procurementStep: inputs.procurementStep, buyingCentre: inputs.buyingCentre,
    });
  }
  for (const r of rows.docs.rows) {
    out.get(Number(r.opportunity_id))?.documents.push({
      linkId: Number(r.id), filename: r.filename, tags: r.tags, sharedInStage: r.stage_code, sharedAt: new Date(r.created_ms),
      downloads: toDates(r.downloads), opens: toDates(r.opens),
    });
  }
  if (replay.length) for (const [id, f] of await loadScoreFactsAt(db, replay.map((id) => ({ id, asOf: now })))) out.set(id, f);
  return out;
}

/**
 * On a pool the queries run side by side, each on its own connection (the database's cores, and the
 * reading of one batch overlaps the scoring of the one before: core/scoring/scores.ts); a
 * transaction's client takes them one after another.
 */
async function queryAll(db: Db, queries: Array<[string, unknown[]]>): Promise<pg.QueryResult[]> {
  if (isPool(db)) return Promise.all(queries.map(([sql, params]) => db.query(sql, params)));
  const out: pg.QueryResult[] = [];
  for (const [sql, params] of queries) out.push(await db.query(sql, params));
  return out;
}

const PIPELINE_STAGES_SQL = `SELECT id, definition->'stages' AS stages FROM pipelines`;

/** Each pipeline's stages by `pipelineId:stageKey` (and `pipelineId:` for the count alone): name, 1-based position, how many. */
function pipelineStages(rows: Array<{ id: unknown; stages: unknown }>): Map<string, StageInfo> {
  const out = new Map<string, StageInfo>();
  for (const p of rows) {
    const list: Array<{ key: string; name?: string }> = Array.isArray(p.stages) ? p.stages : [];
    list.forEach((s, i) => out.set(`${p.id}:${s.key}`, { name: s.name ?? s.key, index: i + 1, count: list.length }));
    // a stage the pipeline no longer has: first place, of as many stages as the pipeline has
    out.set(`${p.id}:`, { name: '', index: 1, count: list.length });
  }
  return out;
}

// the deal's own columns are its present; a move after `now` sends it to the replay
export const DEALS_SQL = `
  SELECT o.id, o.customer_id, o.pipeline_id, o.stage_code, ${ms('o.stage_entered_at')} AS stage_entered_ms, ${ms('o.created_at')} AS created_ms,
         o.id IN (SELECT m.opportunity_id FROM stage_moves m WHERE m.at > $2) AS moved_later,
         -- the customer's own clock unless it is newer than now (a clock set back): then looked up
         ${ms(`CASE WHEN c.last_effective_followup_at IS NULL OR c.last_effective_followup_at <= $2 THEN c.last_effective_followup_at
              ELSE (SELECT max(f.at) FROM followups f WHERE f.customer_id = o.customer_id AND f.effective AND f.at <= $2) END`)} AS last_effective_ms
    FROM opportunities o JOIN customers c ON c.id = o.customer_id
   WHERE o.id = ANY($1::bigint[]) AND o.status = 'open'`;

// $1 the customers, as the families below that depend on the customer alone
export const FOLLOWUPS_30D_SQL = `
  SELECT f.customer_id, count(*) AS total, count(*) FILTER (WHERE f.effective) AS effective
    FROM followups f
   WHERE f.at <= $2 AND f.at > $2::timestamptz - interval '30 days' AND f.customer_id = ANY($1::bigint[])
   GROUP BY f.customer_id`;

// the partial index stage_moves_legal_skip_idx holds just these moves
export const LEGAL_SKIPPED_SQL = `
  SELECT DISTINCT m.opportunity_id FROM stage_moves m
   WHERE m.skipped @> '[{"subStageKey":"legal_review"}]'::jsonb AND m.at <= $2 AND m.opportunity_id = ANY($1::bigint[])`;

// the opens gathered per link before the links' own columns join them: grouping the wide rows spilled to disk
export const DOCUMENTS_SQL = `
  WITH l AS (SELECT * FROM share_links WHERE opportunity_id = ANY($1::bigint[]) AND created_at <= $2),
  v AS (
    SELECT v.link_id,
           array_agg(${ms('v.at')} ORDER BY v.at) FILTER (WHERE v.kind = 'download') AS downloads,
           array_agg(${ms('v.at')} ORDER BY v.at) FILTER (WHERE v.kind = 'open') AS opens
      FROM share_opens v WHERE v.at <= $2 AND v.link_id IN (SELECT id FROM l) GROUP BY v.link_id)
  SELECT l.id, l.opportunity_id, l.stage_code, l.tags, ${ms('l.created_at')} AS created_ms, coalesce(a.filename, '文档' || a.id) AS filename,
         v.downloads, v.opens
    FROM l JOIN attachments a ON a.id = l.attachment_id LEFT JOIN v ON v.link_id = l.id
   ORDER BY l.id`;

// as facts.ts's DECISION_MAKER_SQL, per customer (it depends on nothing else of the deal); the customer's
// deciders are looked up for the accepted reports and evidenced visits alone — gathering the deciders of
// every customer first read the whole contacts table per batch, most often for no report at all
export const DECISION_MAKER_SQL = `
  WITH cust AS (SELECT DISTINCT unnest($1::bigint[]) AS customer_id),
  met AS (
    SELECT a.customer_id, s.created_at AS at
      FROM cust JOIN actions a USING (customer_id) JOIN submissions s ON s.action_id = a.id
     WHERE s.outcome = 'accepted' AND s.created_at <= $2
       AND (s.payload->'fields'->>'decisionRole' LIKE '决策%'
            OR EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = a.customer_id AND k.buying_role = 'decider'
                          AND s.payload->'fields'->>'decisionContactId' = k.id::text))
    UNION ALL
    SELECT f.customer_id, f.at
      FROM cust JOIN followups f USING (customer_id)
     WHERE f.at <= $2 AND f.channel IN ('visit', 'meeting') AND f.has_evidence
       AND EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = f.customer_id AND k.buying_role = 'decider'
                     AND f.payload->'contactIds' @> to_jsonb(k.id)))
  SELECT customer_id, ${ms('max(at)')} AS at_ms FROM met GROUP BY customer_id`;

// as facts.ts's INPUTS_SQL, one query per family
export const EVIDENCE_SQL = `
  SELECT r.customer_id,
         count(*) FILTER (WHERE r.verdict = 'trusted' OR (r.status = 'accepted' AND r.decided_at <= $2)) AS trusted,
         count(*) FILTER (WHERE NOT (r.verdict = 'trusted' OR (r.status = 'accepted' AND r.decided_at <= $2))) AS doubtful
    FROM evidence_reviews r
   WHERE r.created_at <= $2 AND r.customer_id = ANY($1::bigint[])
   GROUP BY r.customer_id`;

export const PROCUREMENT_SQL = `
  SELECT p.opportunity_id, max(array_position(${PROCUREMENT_STEPS}, p.stage)) AS procurement
    FROM procurement_events p
   WHERE p.opportunity_id = ANY($1::bigint[]) AND p.occurred_on <= ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
   GROUP BY p.opportunity_id`;

// the present buying centre, from the contacts themselves (the replay reads their dated events); the customers
// as an array: an IN over their unnest was estimated at 200 customers and looked each one up in turn
export const BUYING_CENTRE_SQL = CENTRE_OF('SELECT customer_id, buying_role, attitude, status FROM contacts WHERE customer_id = ANY($1::bigint[])', true);
