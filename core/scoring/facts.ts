/**
 * What the signal rules see of one open deal, as of a moment: read from the
 * event log and the tables it feeds (stage moves, documents shared and
 * opened by the customer, accepted visit reports, follow-ups), for many deals
 * in a handful of set-based queries. `asOf` replays the past: the same facts
 * as they stood then (the score history, the training set of closed deals).
 *
 *   const facts = await loadScoreFactsAt(db, [{ id: 12, asOf: closedAt }]);
 *   facts.get(12)!.documents[0].downloads // the customer's downloads, oldest first
 *
 * The present of many deals is read set-based by facts-now.ts.
 */
import type { Db } from '../db/pool.js';
import { BUYING_ROLES } from '../flow/buying-centre.js';
import { PROCUREMENT_STAGES } from '../profile/procurement.js';

export interface SharedDocumentFacts {
  linkId: number;
  filename: string;
  tags: string[];
  /** The stage the deal stood in when the rep shared it. */
  sharedInStage: string;
  sharedAt: Date;
  /** The customer's counted downloads (members' and repeats excluded), oldest first. */
  downloads: Date[];
  opens: Date[];
}

export interface ScoreFacts {
  opportunityId: number;
  asOf: Date;
  stageCode: string;
  stageName: string;
  /** The stage's position in its pipeline, 1-based, and how many stages there are. */
  stageIndex: number;
  stageCount: number;
  stageEnteredAt: Date;
  /** The organisation's usual (median) days in this stage before leaving it; null without history. */
  stageNormDays: number | null;
  documents: SharedDocumentFacts[];
  /** The last time the decision maker was met in person, as checked (an accepted visit report, or an evidenced in-person follow-up naming them). */
  decisionMakerMetAt: Date | null;
  /** A stage move of this deal jumped over 法务审核. */
  legalReviewSkipped: boolean;
  /** The customer's last effective follow-up; null when never. */
  lastEffectiveFollowupAt: Date | null;
  createdAt: Date;
  /** Follow-ups on the customer in the 30 days before `asOf`: all, and effective ones. */
  followups30d: { total: number; effective: number };
  /**
   * The trust verdicts (#19) of the customer's filed visit reports: trusted (or cleared by a manager
   * by then) and doubtful (a finding a manager did not clear).
   */
  visitEvidence: { trusted: number; doubtful: number };
  /** The furthest step of the customer's own procurement for this deal (#22's 采购进度): 0 none, 1 预算申报 … 5 中标. */
  procurementStep: number;
  /**
   * The buying centre (#22) as it stood at `asOf` (a replay reads the contacts' history, never today's
   * roles): how many of the six roles are filled, and the deciders' least favourable attitude.
   */
  buyingCentre: { roles: number; deciderAttitude: 'support' | 'neutral' | 'oppose' | null };
}

/** 采购进度's steps in order, as an SQL array: a step's place in it is its number. */
export const PROCUREMENT_STEPS = `ARRAY[${PROCUREMENT_STAGES.map((x) => `'${x}'`).join(', ')}]`;
const ATTITUDES = ['oppose', 'neutral', 'support'] as const;
/** The inputs #19 and #22 add, from a row of INPUTS_SQL (or facts-now's). */
export function inputsOf(r: { trusted: string | null; doubtful: string | null; procurement: number | null; role_bits: number | null; attitude: number | null }) {
  let roles = 0;
  for (let bits = r.role_bits ?? 0; bits; bits &= bits - 1) roles++;
  return {
    visitEvidence: { trusted: Number(r.trusted ?? 0), doubtful: Number(r.doubtful ?? 0) },
    procurementStep: Number(r.procurement ?? 0),
    buyingCentre: { roles, deciderAttitude: r.attitude === null ? null : ATTITUDES[r.attitude] },
  };
}

/**
 * A time as epoch milliseconds: node-postgres parses a timestamptz with a regular expression, which
 * for 100k deals' times costs more than the queries themselves.
 */
export const ms = (expr: string) => `(extract(epoch FROM ${expr}) * 1000)::float8`;
export const toDate = (v: number | null): Date | null => (v === null ? null : new Date(v));
export const toDates = (v: number[] | null): Date[] => (v ?? []).map((x) => new Date(x));

/** Each deal as of its own moment (a closed deal as it stood when it closed: the training set). */
export async function loadScoreFactsAt(db: Db, at: ReadonlyArray<{ id: number; asOf: Date }>): Promise<Map<number, ScoreFacts>> {
  if (at.length === 0) return new Map();
  await refreshStageNorms(db, at.reduce((m, a) => (a.asOf > m ? a.asOf : m), at[0].asOf));
  const params = [at.map((a) => a.id), at.map((a) => a.asOf)];
  // one after another: on a transaction's client queries cannot overlap
  const base = await db.query(BASE_SQL, params);
  const docs = await db.query(DOCUMENTS_SQL, params);
  const visits = await db.query(DECISION_MAKER_SQL, params);
  const inputs = new Map((await db.query(INPUTS_SQL, params)).rows.map((r) => [Number(r.id), inputsOf(r)]));
  const out = new Map<number, ScoreFacts>();
  for (const r of base.rows) {
    out.set(Number(r.id), {
      opportunityId: Number(r.id), asOf: new Date(r.as_of_ms), stageCode: r.stage_code, stageName: r.stage_name ?? r.stage_code,
      stageIndex: Number(r.stage_index ?? 1), stageCount: Number(r.stage_count ?? 1), stageEnteredAt: new Date(r.stage_entered_ms),
      stageNormDays: r.norm_days === null ? null : Number(r.norm_days), documents: [], decisionMakerMetAt: null,
      legalReviewSkipped: r.legal_skipped, lastEffectiveFollowupAt: toDate(r.last_effective_ms), createdAt: new Date(r.created_ms),
      followups30d: { total: Number(r.fu_total), effective: Number(r.fu_effective) },
      ...inputs.get(Number(r.id))!,
    });
  }
  for (const r of docs.rows) {
    out.get(Number(r.opportunity_id))?.documents.push({
      linkId: Number(r.id), filename: r.filename, tags: r.tags, sharedInStage: r.stage_code, sharedAt: new Date(r.created_ms),
      downloads: toDates(r.downloads), opens: toDates(r.opens),
    });
  }
  for (const r of visits.rows) {
    const f = out.get(Number(r.opportunity_id));
    if (f) f.decisionMakerMetAt = toDate(r.at_ms);
  }
  return out;
}

/** Fewer moves out of a stage than this and its usual stay is unknown. */
const NORM_MIN_MOVES = 5;
/** How old the norms may be before a scoring recomputes them. */
const NORM_MAX_AGE_MS = 6 * 3_600_000;

/**
 * The usual days per stage, recomputed when older than a few hours: one scan of the stage
 * moves for many scorings. Replays of the past use today's norms (the norm moves slowly).
 */
export async function refreshStageNorms(db: Db, now: Date): Promise<void> {
  const { rows: [r] } = await db.query('SELECT max(computed_at) AS at FROM stage_dwell_norms');
  if (r.at && now.getTime() - r.at.getTime() < NORM_MAX_AGE_MS) return;
  await db.query(`
    INSERT INTO stage_dwell_norms (stage_code, moves, norm_days, computed_at)
    SELECT from_stage, count(*),
           CASE WHEN count(*) >= $2 THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY dwell_seconds) / 86400.0 END, $1
      FROM stage_moves WHERE from_stage IS NOT NULL AND from_stage <> to_stage AND dwell_seconds IS NOT NULL
     GROUP BY from_stage
    ON CONFLICT (stage_code) DO UPDATE SET moves = EXCLUDED.moves, norm_days = EXCLUDED.norm_days, computed_at = EXCLUDED.computed_at`,
  [now, NORM_MIN_MOVES]);
}

// each deal's stage as of its moment is the last move's target then when it moved since; its own columns otherwise
const BASE_SQL = `
  WITH q AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS q(id, as_of)),
  o AS (SELECT o.id, o.customer_id, o.pipeline_id, o.stage_code, o.stage_entered_at, o.created_at, q.as_of
          FROM q JOIN opportunities o ON o.id = q.id),
  st AS (
    -- the deal's own columns unless a later move says it stood elsewhere then (rows made without moves have only those)
    SELECT o.id, CASE WHEN later.moved THEN coalesce(m.to_stage, o.stage_code) ELSE o.stage_code END AS stage_code,
           CASE WHEN later.moved THEN coalesce(m.entered, o.created_at) ELSE o.stage_entered_at END AS stage_entered_at
      FROM o CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM stage_moves x WHERE x.opportunity_id = o.id AND x.at > o.as_of) AS moved) later
      LEFT JOIN LATERAL (
        SELECT last.to_stage,
               -- entered the stage when the run of moves inside it began (sub-stage moves stay in it)
               (SELECT min(x.at) FROM stage_moves x WHERE x.opportunity_id = o.id AND x.at <= o.as_of AND x.to_stage = last.to_stage
                   AND NOT EXISTS (SELECT 1 FROM stage_moves y WHERE y.opportunity_id = o.id AND y.at > x.at AND y.at <= last.at
                                     AND y.to_stage <> last.to_stage)) AS entered
          -- only replays look back through the moves: scoring the present reads the deal's own columns
          FROM (SELECT to_stage, at FROM stage_moves WHERE later.moved AND opportunity_id = o.id AND at <= o.as_of ORDER BY at DESC, id DESC LIMIT 1) last
      ) m ON true),
  norms AS (SELECT stage_code AS from_stage, norm_days FROM stage_dwell_norms)
  SELECT o.id, ${ms('o.as_of')} AS as_of_ms, ${ms('o.created_at')} AS created_ms, st.stage_code, ${ms('st.stage_entered_at')} AS stage_entered_ms, n.norm_days,
         s.v->>'name' AS stage_name, s.pos AS stage_index, jsonb_array_length(p.definition->'stages') AS stage_count,
         EXISTS (SELECT 1 FROM stage_moves sm WHERE sm.opportunity_id = o.id AND sm.at <= o.as_of
                   AND sm.skipped @> '[{"subStageKey":"legal_review"}]'::jsonb) AS legal_skipped,
         -- the customer's own clock when it is not newer than the moment (the present); a replay looks it up
         ${ms(`CASE WHEN c.last_effective_followup_at IS NULL OR c.last_effective_followup_at <= o.as_of THEN c.last_effective_followup_at
              ELSE (SELECT max(f.at) FROM followups f WHERE f.customer_id = o.customer_id AND f.effective AND f.at <= o.as_of) END`)} AS last_effective_ms,
         fu.total AS fu_total, fu.effective AS fu_effective
    FROM o JOIN st ON st.id = o.id JOIN pipelines p ON p.id = o.pipeline_id JOIN customers c ON c.id = o.customer_id
    -- the customer's follow-ups of the 30 days before the moment: a short range of its index
    CROSS JOIN LATERAL (
      SELECT count(*) AS total, count(*) FILTER (WHERE f.effective) AS effective
        FROM followups f WHERE f.customer_id = o.customer_id AND f.at <= o.as_of AND f.at > o.as_of - interval '30 days') fu
    LEFT JOIN LATERAL (SELECT v, pos FROM jsonb_array_elements(p.definition->'stages') WITH ORDINALITY e(v, pos) WHERE v->>'key' = st.stage_code) s ON true
    LEFT JOIN norms n ON n.from_stage = st.stage_code`;

const DOCUMENTS_SQL = `
  WITH q AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS q(id, as_of))
  SELECT l.id, l.opportunity_id, l.stage_code, l.tags, ${ms('l.created_at')} AS created_ms, coalesce(a.filename, '文档' || a.id) AS filename,
         (SELECT array_agg(${ms('v.at')} ORDER BY v.at) FROM share_opens v WHERE v.link_id = l.id AND v.kind = 'download' AND v.at <= q.as_of) AS downloads,
         (SELECT array_agg(${ms('v.at')} ORDER BY v.at) FROM share_opens v WHERE v.link_id = l.id AND v.kind = 'open' AND v.at <= q.as_of) AS opens
    FROM q JOIN share_links l ON l.opportunity_id = q.id JOIN attachments a ON a.id = l.attachment_id
   WHERE l.created_at <= q.as_of`;

/**
 * When a contact event became known: when it was recorded, or at the end of the day it is dated if that
 * came first (a replay under a clock set back, a change said to have happened earlier).
 */
const KNOWN_AT = `least(e.recorded_at, ((e.occurred_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))`;

/**
 * Each contact of the customer(s) `customer` names as known at the moment `asOf`: the facts after the
 * last change recorded of those known by then (each event carries all of them), the 'first_known'
 * start only when nothing later is — so a role added after a deal closed is not that deal's.
 */
export const CHAIN_AS_OF = (customer: string, asOf: string) => `
  SELECT DISTINCT ON (e.contact_id) e.contact_id AS id, e.customer_id, e.after->>'buyingRole' AS buying_role,
         e.after->>'attitude' AS attitude, e.after->>'status' AS status
    FROM contact_events e
   WHERE e.customer_id = ${customer} AND ${KNOWN_AT} <= ${asOf}
   ORDER BY e.contact_id, (e.kind <> 'first_known') DESC, e.id DESC`;

// the decision maker met in person, as checked: an accepted visit report on the deal's customer whose
// 决策链角色 names them or whose contact was the customer's decider in the buying centre (#22) at the
// moment, or an in-person follow-up with evidence (photos, documents) that names that decider as 对接人
const DECISION_MAKER_SQL = `
  WITH q AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS q(id, as_of)),
  d AS (SELECT q.id, q.as_of, o.customer_id, dk.ids AS deciders
          FROM q JOIN opportunities o ON o.id = q.id
          CROSS JOIN LATERAL (SELECT array_agg(k.id) AS ids FROM (${CHAIN_AS_OF('o.customer_id', 'q.as_of')}) k
                               WHERE k.buying_role = 'decider') dk),
  met AS (
    SELECT d.id AS opportunity_id, s.created_at AS at
      FROM d JOIN actions a ON a.customer_id = d.customer_id JOIN submissions s ON s.action_id = a.id
     WHERE s.outcome = 'accepted' AND s.created_at <= d.as_of
       AND (s.payload->'fields'->>'decisionRole' LIKE '决策%'
            OR (s.payload->'fields'->>'decisionContactId') = ANY(d.deciders::text[]))
    UNION ALL
    SELECT d.id, f.at
      FROM d JOIN followups f ON f.customer_id = d.customer_id
     WHERE f.at <= d.as_of AND f.channel IN ('visit', 'meeting') AND f.has_evidence
       AND EXISTS (SELECT 1 FROM unnest(d.deciders) k(id) WHERE f.payload->'contactIds' @> to_jsonb(k.id)))
  SELECT opportunity_id, ${ms('max(at)')} AS at_ms FROM met GROUP BY opportunity_id`;

/**
 * The buying centre of `rows` (contacts with customer_id, buying_role, attitude, status), per customer
 * when `groupBy`: the roles filled as one bit per role (a count of distinct roles would sort every
 * contact), and the deciders' least favourable attitude (0 oppose … 2 support).
 */
export const CENTRE_OF = (rows: string, groupBy = false) => `
  SELECT ${groupBy ? 'k.customer_id, ' : ''}bit_or(1 << array_position(ARRAY[${BUYING_ROLES.map((x) => `'${x}'`).join(', ')}], k.buying_role)) AS role_bits,
         min(CASE k.attitude WHEN 'oppose' THEN 0 WHEN 'neutral' THEN 1 WHEN 'support' THEN 2 END) FILTER (WHERE k.buying_role = 'decider') AS attitude
    FROM (${rows}) k WHERE k.status = 'active' AND k.buying_role IS NOT NULL
  ${groupBy ? 'GROUP BY k.customer_id' : ''}`;

// a verdict counts as trusted when it was, or when a manager cleared it by the moment; the buying centre as it stood then
const INPUTS_SQL = `
  WITH q AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS q(id, as_of)),
  d AS (SELECT q.id, q.as_of, o.customer_id FROM q JOIN opportunities o ON o.id = q.id)
  SELECT d.id, ev.trusted, ev.doubtful, pr.step AS procurement, bc.role_bits, bc.attitude
    FROM d
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE r.verdict = 'trusted' OR (r.status = 'accepted' AND r.decided_at <= d.as_of)) AS trusted,
             count(*) FILTER (WHERE NOT (r.verdict = 'trusted' OR (r.status = 'accepted' AND r.decided_at <= d.as_of))) AS doubtful
        FROM evidence_reviews r WHERE r.customer_id = d.customer_id AND r.created_at <= d.as_of) ev
    CROSS JOIN LATERAL (
      SELECT max(array_position(${PROCUREMENT_STEPS}, p.stage)) AS step
        FROM procurement_events p WHERE p.opportunity_id = d.id AND p.occurred_on <= (d.as_of AT TIME ZONE 'Asia/Shanghai')::date) pr
    CROSS JOIN LATERAL (${CENTRE_OF(CHAIN_AS_OF('d.customer_id', 'd.as_of'))}) bc`;
