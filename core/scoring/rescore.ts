/**
 * Rescoring on events: the deals the event log's trigger queued (a stage move,
 * an accepted visit report, a follow-up, an evidence verdict, a buying-centre
 * change, the signal setting or a new model — migration 036) are scored, oldest
 * first, in batches; scoring takes each out of the queue unless an event queued
 * it again meanwhile. A signal that fires goes to `onSignals` as with any
 * scoring (the talk-track push, once per deal and pack).
 *
 *   await rescoreQueued(pool, () => new Date(), { onSignals: pushTalkTracks(publicUrl) });  // { scored: 3 }
 *
 * The jobs process calls it when the trigger NOTIFYs (jobs/rescore.worker.ts);
 * several processes may: a deal scored twice stores the same score.
 */
import type { Db } from '../db/pool.js';
import { scoreOpportunities, type ScoreOptions } from './scores.js';

/** Deals taken from the queue per round: one round scores one batch of set-based queries. */
const QUEUE_BATCH = 5000;
/** Rounds per call (a million deals): the next call goes on, and a row that never leaves cannot hold the worker. */
const MAX_ROUNDS = 200;

/** What the event log's trigger NOTIFYs when it queued a deal (migration 036). */
export const RESCORE_CHANNEL = 'score_queue';

export async function rescoreQueued(db: Db, now: () => Date, opts: ScoreOptions = {}): Promise<{ scored: number }> {
  let scored = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { rows } = await db.query('SELECT opportunity_id FROM score_queue ORDER BY seq LIMIT $1', [QUEUE_BATCH]);
    if (!rows.length) break;
    const ids = rows.map((r) => Number(r.opportunity_id));
    // a deal closed since it was queued has no score to keep
    await db.query(`DELETE FROM score_queue q USING opportunities o
      WHERE q.opportunity_id = ANY($1::bigint[]) AND o.id = q.opportunity_id AND o.status <> 'open'`, [`{${ids.join(',')}}`]);
    const done = await scoreOpportunities(db, ids, now(), opts);
    scored += done.size;
    // an event keeps renewing what it queued: leave those to the next call rather than chase them
    if (rows.length < QUEUE_BATCH) break;
  }
  return { scored };
}
