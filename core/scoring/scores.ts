/**
 * Win scores of open deals, scored from the facts of the event log and
 * stored with their history. The events that may move a deal's score queue
 * it (the event log's trigger, migration 036) and core/scoring/rescore.ts
 * scores the queue at once; nightly every open deal is scored again, as the
 * days pass. A read serves the stored score by key — scoring it first only
 * when it is still queued, so a page never shows a score older than its deal.
 *
 *   await scoreOpportunities(db, [12, 13], now, { onSignals: pushTalkTracks(publicUrl) });  // the queue's deals; in batches nightly
 *   const s = await getOpportunityScore(db, actor, 12, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { isPool, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { opportunityRowOrThrow, opportunityScope } from '../resources/opportunities.js';
import { readSetting } from '../settings/read.js';
import { refreshStageNorms, type ScoreFacts } from './facts.js';
import { loadScoreFactsNow } from './facts-now.js';
import { learnedScore } from './learned-model.js';
import { fireSignals, priorScore, type FiredSignal, type ScoreResult } from './prior-model.js';
import { signalSettings } from './signals.setting.js';
import { loadActiveModel } from './train.js';

export const ReasonSchema = z.object({ kind: z.string(), text: z.string(), pp: z.number(), evidence: z.record(z.string(), z.unknown()).optional() });

export const ScoreModelSchema = z.object({
  kind: z.enum(['prior', 'learned']),
  /** Closed deals the organisation has, counted up to the number a model of its own needs. */
  closedWon: z.number(),
  closedLost: z.number(),
  /** How many more won / lost deals a model of its own still needs (0 when enough). */
  needWon: z.number(),
  needLost: z.number(),
  /** The learned model in force: what it was trained on and its time-split backtest AUC beside the static baseline's. */
  learned: z.object({
    trainedAt: z.string(), won: z.number(), lost: z.number(), auc: z.number().nullable(), baselineAuc: z.number().nullable(),
  }).nullable(),
});

export const OpportunityScoreSchema = z.object({
  opportunityId: z.number(),
  probability: z.number(),
  base: z.number(),
  model: ScoreModelSchema,
  /** The three largest effects, in Chinese with their percentage points. */
  topReasons: z.array(ReasonSchema),
  reasons: z.array(ReasonSchema),
  computedAt: z.string(),
  history: z.array(z.object({ at: z.string(), probability: z.number() })),
});
export type OpportunityScore = z.infer<typeof OpportunityScoreSchema>;

// batches scored at once on a pool (the database's two cores)
const PARALLEL = 2;
// the most deals per round of facts queries: each query reads its table once for the whole batch, so
// the fewer rounds the better — one per lane up to this, which bounds a round's memory (~50 MB)
const MAX_BATCH = 60_000;

export interface ScoreOptions {
  /**
   * Told, on the scoring's connection, which signals fired on each deal scored — whichever model
   * scored it. core/talk-tracks' pushTalkTracks sends a fired signal's packs to the owner this way;
   * without it (the benchmark) signals only move the score.
   */
  onSignals?: (db: Db, fired: Array<{ opportunityId: number; signals: FiredSignal[] }>, now: Date) => Promise<void>;
}

/**
 * Scores the open deals among `ids` as of `now`, stores each score and a history point when it moved,
 * and takes the deals out of the rescoring queue — unless an event queued one again meanwhile.
 */
export async function scoreOpportunities(db: Db, ids: readonly number[], now: Date, opts: ScoreOptions = {}): Promise<Map<number, ScoreResult>> {
  const out = new Map<number, ScoreResult>();
  await scoreInBatches(db, ids, now, opts, (id, s) => out.set(id, s));
  return out;
}

/** Scores as scoreOpportunities does, telling `each` every score instead of keeping them; returns how many. */
async function scoreInBatches(db: Db, ids: readonly number[], now: Date, opts: ScoreOptions, each?: (id: number, s: ScoreResult) => void): Promise<number> {
  const settings = await readSetting(db, signalSettings);
  const model = await loadActiveModel(db);
  const score = model ? (f: ScoreFacts) => learnedScore(model, f, settings) : (f: ScoreFacts) => priorScore(f, settings);
  const kind = model ? 'learned' : 'prior';
  // each queued deal's place in the queue as it stands before its facts are read
  const { rows } = await db.query(`SELECT o.id, q.seq FROM opportunities o LEFT JOIN score_queue q ON q.opportunity_id = o.id
    WHERE o.id = ANY($1::bigint[]) AND o.status = 'open' ORDER BY o.id`, [`{${ids.join(',')}}`]);
  const open = rows.map((r) => Number(r.id));
  const queued = new Map(rows.filter((r) => r.seq !== null).map((r) => [Number(r.id), r.seq as string]));
  let scored = 0;
  const scoreBatch = async (conn: Db, ids: number[]) => {
    const facts = await loadScoreFactsNow(conn, ids, now);
    scored += facts.size;
    const rows = [...facts.values()].map((f) => {
      const s = score(f);
      each?.(f.opportunityId, s);
      return { id: f.opportunityId, p: s.probability, base: s.base, reasons: s.reasons };
    });
    await storeScores(conn, rows, kind, now, ids.filter((id) => queued.has(id)).map((id) => [id, queued.get(id)!]));
    if (opts.onSignals) await opts.onSignals(conn, [...facts.values()].map((f) => ({ opportunityId: f.opportunityId, signals: fireSignals(f, settings) })), now);
  };
  // once before the lanes, which would otherwise refresh stale norms side by side
  await refreshStageNorms(db, now);
  // a pool scores batches side by side (the database's cores); a transaction's client one after another
  const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(open.length / (isPool(db) ? PARALLEL : 1))));
  const batches = Array.from({ length: Math.ceil(open.length / size) }, (_, i) => open.slice(i * size, (i + 1) * size));
  const lanes = isPool(db) ? Math.min(PARALLEL, batches.length) : 1;
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < batches.length) await scoreBatch(db, batches[next++]);
  }));
  return scored;
}

/** Every open deal, in id order and batches (the nightly job; the demo's start). */
export async function scoreAllOpenOpportunities(db: Db, now: Date, opts: ScoreOptions = {}): Promise<{ scored: number }> {
  const { rows } = await db.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id`);
  // the scores are stored, not kept: 100k of them held to the end cost the collector more than the scoring
  return { scored: await scoreInBatches(db, rows.map((r) => Number(r.id)), now, opts) };
}

/** Half a point: a smaller move is not a new point of the history. */
const CHARTED_MOVE = 0.005;

/**
 * Upserts the current scores and appends a history point for each deal whose score moved half a
 * point or more from its last point (`charted`) — or has none yet. The last points are read first, by
 * key alone: joined inside the upsert, the planner estimated the score table from its statistics — empty
 * before the first scoring — and scanned it once per deal while the other lane filled it (a minute at 100k).
 */
async function storeScores(
  db: Db, rows: Array<{ id: number; p: number; base: number; reasons: unknown }>, kind: 'prior' | 'learned', now: Date,
  dequeue: Array<[number, string]>,
): Promise<void> {
  if (!rows.length) return;
  const { rows: last } = await db.query('SELECT opportunity_id, charted FROM opportunity_scores WHERE opportunity_id = ANY($1::bigint[])',
    [`{${rows.map((r) => r.id).join(',')}}`]);
  const charted = new Map(last.map((r) => [Number(r.opportunity_id), r.charted as number | null]));
  const stored = rows.map((r) => {
    const before = charted.get(r.id) ?? null;
    const moved = before === null || Math.abs(before - r.p) >= CHARTED_MOVE;
    return { id: r.id, p: r.p, base: r.base, reasons: r.reasons, charted: moved ? r.p : before, moved };
  });
  await db.query(`
    WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, p real, base real, reasons jsonb, charted real, moved boolean)),
    up AS (
      INSERT INTO opportunity_scores (opportunity_id, probability, model, base, reasons, computed_at, charted)
      SELECT id, p, $3, base, reasons, $2, charted FROM x
      ON CONFLICT (opportunity_id) DO UPDATE SET probability = EXCLUDED.probability, model = EXCLUDED.model, base = EXCLUDED.base,
        reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at, charted = EXCLUDED.charted),
    -- the queue rows as they were read: one an event renewed since stays for the next scoring
    done AS (DELETE FROM score_queue q USING unnest($4::bigint[], $5::bigint[]) AS d(id, seq) WHERE q.opportunity_id = d.id AND q.seq = d.seq)
    INSERT INTO opportunity_score_history (opportunity_id, at, probability, model)
    SELECT id, $2, p, $3 FROM x WHERE moved`,
  // one JSON document: node-postgres escapes a text array's items one by one, slower than the scoring itself
  [JSON.stringify(stored), now, kind, `{${dequeue.map((d) => d[0]).join(',')}}`, `{${dequeue.map((d) => d[1]).join(',')}}`]);
}

/**
 * The model in force, and how far the organisation is from a model of its own: closed deals
 * are counted only up to the number needed (a read never counts every deal of a large organisation).
 */
export async function closedCounts(db: Db): Promise<z.infer<typeof ScoreModelSchema>> {
  const { learnFromEach } = await readSetting(db, signalSettings);
  const { rows: [r] } = await db.query(`
    SELECT (SELECT count(*) FROM (SELECT 1 FROM opportunities WHERE status = 'won' LIMIT $1) w)::int AS won,
           (SELECT count(*) FROM (SELECT 1 FROM opportunities WHERE status = 'lost' LIMIT $1) l)::int AS lost`, [learnFromEach]);
  const m = await loadActiveModel(db);
  return {
    kind: m ? 'learned' : 'prior', closedWon: r.won, closedLost: r.lost,
    needWon: Math.max(0, learnFromEach - r.won), needLost: Math.max(0, learnFromEach - r.lost),
    learned: m ? { trainedAt: m.trainedAt.toISOString(), won: m.won, lost: m.lost, auc: m.backtest.learned.auc, baselineAuc: m.backtest.baseline.auc } : null,
  };
}

/**
 * One deal's score as stored, read by its key with its history — scored first only when it has none
 * yet or an event has queued it since (the rescoring worker has not got to it: the page that shows a
 * move or a report just made reads it scored).
 */
export async function getOpportunityScore(db: Db, actor: Actor, id: number, now: Date, opts: ScoreOptions = {}): Promise<OpportunityScore> {
  assertCan(actor, 'opportunities', 'read');
  const opp = await opportunityRowOrThrow(db, actor, id);
  const read = () => db.query(`
    SELECT s.*, EXISTS (SELECT 1 FROM score_queue q WHERE q.opportunity_id = s.opportunity_id) AS queued,
           (SELECT json_agg(json_build_object('at', h.at, 'probability', h.probability) ORDER BY h.at)
              FROM opportunity_score_history h WHERE h.opportunity_id = s.opportunity_id) AS history
      FROM opportunity_scores s WHERE s.opportunity_id = $1`, [id]);
  const [first, model] = await Promise.all([read(), closedCounts(db)]);
  let s = first.rows[0];
  if (opp.status === 'open' && (!s || s.queued)) {
    await scoreOpportunities(db, [id], now, opts);
    ({ rows: [s] } = await read());
  }
  if (!s) throw new AppError('NOT_FOUND', { opportunityId: id }, '这个商机已结束，没有赢率记录');
  return {
    ...toScore(s, model),
    // the history's times arrive as JSON text
    history: (s.history ?? []).map((h: { at: string; probability: number }) => ({ at: new Date(h.at).toISOString(), probability: h.probability })),
  };
}

function toScore(s: any, model: z.infer<typeof ScoreModelSchema>): Omit<OpportunityScore, 'history'> {
  return {
    opportunityId: Number(s.opportunity_id), probability: s.probability, base: s.base, model: { ...model, kind: s.model },
    topReasons: s.reasons.slice(0, 3), reasons: s.reasons, computedAt: s.computed_at.toISOString(),
  };
}

export const ListScoresQuery = z.strictObject({
  ids: z.string().regex(/^\d{1,15}(,\d{1,15}){0,199}$/, '应为逗号分隔的商机编号（最多200个）').optional(),
});

/** Stored scores of the open deals in the caller's scope (all, or the listed ids), highest first. */
export async function listOpportunityScores(db: Db, actor: Actor, q: z.infer<typeof ListScoresQuery>): Promise<{ items: Array<Omit<OpportunityScore, 'history' | 'reasons'>> }> {
  assertCan(actor, 'opportunities', 'read');
  const sql = new Sql();
  const where = [opportunityScope(actor, sql), `o.status = 'open'`];
  if (q.ids) where.push(`o.id = ANY(${sql.param(q.ids.split(',').map(Number))}::bigint[])`);
  const { rows } = await db.query(sql.unprepared(`SELECT s.* FROM opportunity_scores s JOIN opportunities o ON o.id = s.opportunity_id
      WHERE ${where.join(' AND ')} ORDER BY s.probability DESC, s.opportunity_id LIMIT 500`));
  const model = await closedCounts(db);
  return { items: rows.map((s) => { const { reasons: _r, ...rest } = toScore(s, model); return rest; }) };
}
