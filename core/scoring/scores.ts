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
import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { isPool, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { opportunityRowOrThrow, opportunityScope } from '../resources/opportunities.js';
import { readSetting } from '../settings/read.js';
import { refreshStageNorms, type ScoreFacts } from './facts.js';
import { factsFromRows, readFactRows } from './facts-now.js';
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

// a pool scores in a pipeline of this many batches: each batch's facts are read while the one before is
// scored in node and the one before that is stored, so node's work overlaps the database's; more batches
// overlap more but read the tables more often (each query reads its table once per batch)
const PIPELINE_BATCHES = 4;
// fewer deals than this per batch and the rounds of queries cost more than the overlap gains
const MIN_PIPELINED_BATCH = 5_000;
// the most deals per round of facts queries, which bounds a round's memory (~50 MB)
const MAX_BATCH = 60_000;
// batch stores under way at once on a pool
const STORED_SIDE_BY_SIDE = 2;
// deals scored between two turns of the event loop, in which the next batch's reads arrive and go on
const SCORED_PER_TURN = 2_000;

export interface ScoreOptions {
  /**
   * Told, on the scoring's connection, which signals fired on each deal scored — whichever model
   * scored it. core/talk-tracks' pushTalkTracks sends a fired signal's packs to the owner this way;
   * without it (the benchmark) signals only move the score.
   */
  onSignals?: (db: Db, fired: Array<{ opportunityId: number; signals: FiredSignal[] }>, now: Date) => Promise<void>;
  /** Deals per batch on a pool (by default a quarter of them, 5,000 to 60,000): a small organisation's scoring overlaps batches too. */
  batchSize?: number;
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
async function scoreInBatches(db: Db, ids: readonly number[] | 'all open', now: Date, opts: ScoreOptions, each?: (id: number, s: ScoreResult) => void): Promise<number> {
  const settings = await readSetting(db, signalSettings);
  const model = await loadActiveModel(db);
  const score = model
    ? (f: ScoreFacts, fired?: FiredSignal[]) => learnedScore(model, f, settings, fired)
    : (f: ScoreFacts, fired?: FiredSignal[]) => priorScore(f, settings, fired);
  const kind = model ? 'learned' : 'prior';
  // each queued deal's place in the queue as it stands before its facts are read
  const { rows } = await db.query(`SELECT o.id, q.seq FROM opportunities o LEFT JOIN score_queue q ON q.opportunity_id = o.id
    WHERE ${ids === 'all open' ? '' : 'o.id = ANY($1::bigint[]) AND '}o.status = 'open' ORDER BY o.id`, ids === 'all open' ? [] : [`{${ids.join(',')}}`]);
  const open = rows.map((r) => Number(r.id));
  const queued = new Map(rows.filter((r) => r.seq !== null).map((r) => [Number(r.id), r.seq as string]));
  // the signals are fired once per deal, for its score and for onSignals alike
  type Fired = Array<{ opportunityId: number; signals: FiredSignal[] }>;
  const scoreFacts = async (facts: Map<number, ScoreFacts>) => {
    const rows: StoredScore[] = [];
    const fired: Fired = [];
    for (const f of facts.values()) {
      const signals = opts.onSignals ? fireSignals(f, settings) : undefined;
      if (signals) fired.push({ opportunityId: f.opportunityId, signals });
      const s = score(f, signals);
      each?.(f.opportunityId, s);
      rows.push({ id: f.opportunityId, p: s.probability, base: s.base, reasons: s.reasons });
      if (rows.length % SCORED_PER_TURN === 0) await setImmediate();
    }
    return { rows, fired };
  };
  const store = async (ids: number[], { rows, fired }: { rows: StoredScore[]; fired: Fired }) => {
    await storeScores(db, rows, kind, now, ids.filter((id) => queued.has(id)).map((id) => [id, queued.get(id)!]));
    if (opts.onSignals) await opts.onSignals(db, fired, now);
  };
  // once before the batches, which would otherwise refresh stale norms side by side
  await refreshStageNorms(db, now);
  const pooled = isPool(db);
  const size = Math.max(1, Math.min(MAX_BATCH, pooled ? opts.batchSize ?? Math.max(MIN_PIPELINED_BATCH, Math.ceil(open.length / PIPELINE_BATCHES)) : open.length));
  const batches = Array.from({ length: Math.ceil(open.length / size) }, (_, i) => open.slice(i * size, (i + 1) * size));
  // a transaction's client reads, scores and stores one batch after another; a pool overlaps them
  let scored = 0;
  let reading = readFactRows(db, batches[0] ?? [], now);
  const storing: Array<Promise<void>> = [];
  for (let i = 0; i < batches.length; i++) {
    const read = await reading;
    // the database reads the next batch while node builds and scores this one
    if (pooled && i + 1 < batches.length) reading = awaitedLater(readFactRows(db, batches[i + 1], now));
    const facts = await factsFromRows(db, read, now);
    scored += facts.size;
    const scores = await scoreFacts(facts);
    // two batches stored side by side at most (each store is one statement, on one of the database's
    // cores), so that the rows of at most four batches are held at once
    if (storing.length === STORED_SIDE_BY_SIDE) await storing.shift();
    storing.push(awaitedLater(store(batches[i], scores)));
    if (!pooled) {
      await storing.shift();
      if (i + 1 < batches.length) reading = readFactRows(db, batches[i + 1], now);
    }
  }
  await Promise.all(storing);
  return scored;
}

/**
 * The promise itself, marked as handled: it is awaited later (its error thrown there), but a rejection
 * while the pipeline works on another batch would otherwise be reported as unhandled and end the process.
 */
function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Every open deal, in id order and batches (the nightly job; the demo's start). */
export async function scoreAllOpenOpportunities(db: Db, now: Date, opts: ScoreOptions = {}): Promise<{ scored: number }> {
  // the scores are stored, not kept: 100k of them held to the end cost the collector more than the scoring
  return { scored: await scoreInBatches(db, 'all open', now, opts) };
}

interface StoredScore { id: number; p: number; base: number; reasons: unknown }

/** Half a point: a smaller move is not a new point of the history. */
const CHARTED_MOVE = 0.005;

/**
 * Upserts the current scores and appends a history point for each deal whose score moved half a
 * point or more from its last point (`charted`) — or has none yet. The last points are read first, by
 * key alone: joined inside the upsert, the planner estimated the score table from its statistics — empty
 * before the first scoring — and scanned it once per deal while the other lane filled it (a minute at 100k).
 */
async function storeScores(db: Db, rows: StoredScore[], kind: 'prior' | 'learned', now: Date, dequeue: Array<[number, string]>): Promise<void> {
  if (!rows.length) return;
  const ids = `{${rows.map((r) => r.id).join(',')}}`;
  const { rows: last } = await db.query('SELECT opportunity_id, charted FROM opportunity_scores WHERE opportunity_id = ANY($1::bigint[])', [ids]);
  const charted = new Map(last.map((r) => [Number(r.opportunity_id), r.charted as number | null]));
  const moved = rows.map((r) => {
    const before = charted.get(r.id) ?? null;
    return before === null || Math.abs(before - r.p) >= CHARTED_MOVE;
  });
  // columns as array literals and the reasons as one JSON array, zipped by ROWS FROM: a JSON document of
  // whole rows made the database build every row as jsonb before taking it apart (half the write's time)
  await db.query(`
    WITH x AS (SELECT * FROM ROWS FROM (unnest($1::bigint[]), unnest($2::real[]), unnest($3::real[]), unnest($4::real[]), unnest($5::boolean[]),
                                       json_array_elements($6::json)) AS x(id, p, base, charted, moved, reasons)),
    up AS (
      INSERT INTO opportunity_scores (opportunity_id, probability, model, base, reasons, computed_at, charted)
      SELECT id, p, $8, base, reasons::jsonb, $7, charted FROM x
      ON CONFLICT (opportunity_id) DO UPDATE SET probability = EXCLUDED.probability, model = EXCLUDED.model, base = EXCLUDED.base,
        reasons = EXCLUDED.reasons, computed_at = EXCLUDED.computed_at, charted = EXCLUDED.charted),
    -- the queue rows as they were read: one an event renewed since stays for the next scoring
    done AS (DELETE FROM score_queue q USING unnest($9::bigint[], $10::bigint[]) AS d(id, seq) WHERE q.opportunity_id = d.id AND q.seq = d.seq)
    INSERT INTO opportunity_score_history (opportunity_id, at, probability, model)
    SELECT id, $7, p, $8 FROM x WHERE moved`,
  // array literals built here: node-postgres escapes an array's items one by one, slower than the scoring itself
  [ids, `{${rows.map((r) => r.p).join(',')}}`, `{${rows.map((r) => r.base).join(',')}}`, `{${rows.map((r, i) => (moved[i] ? r.p : charted.get(r.id))).join(',')}}`,
    `{${moved.map((m) => (m ? 't' : 'f')).join(',')}}`, JSON.stringify(rows.map((r) => r.reasons)),
    now, kind, `{${dequeue.map((d) => d[0]).join(',')}}`, `{${dequeue.map((d) => d[1]).join(',')}}`]);
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
