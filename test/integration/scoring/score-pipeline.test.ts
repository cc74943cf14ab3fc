import { expect } from 'chai';
import type pg from 'pg';
import { withTransaction } from '../../../core/db/pool.js';
import { DAY_MS } from '../../../core/flow/time.js';
import { scoreAllOpenOpportunities } from '../../../core/scoring/scores.js';
import { freshDatabase, TEST_SEED_NOW } from '../../support/database.js';

/** Every stored score, history point and queued deal, in key order. */
async function stored(pool: pg.Pool) {
  const q = async (sql: string) => (await pool.query(sql)).rows;
  return {
    scores: await q('SELECT opportunity_id, probability, model, base, reasons, computed_at, charted FROM opportunity_scores ORDER BY opportunity_id'),
    history: await q('SELECT opportunity_id, at, probability, model FROM opportunity_score_history ORDER BY opportunity_id, at'),
    queued: await q('SELECT opportunity_id FROM score_queue ORDER BY opportunity_id'),
  };
}

describe('scoring many open deals in overlapping batches (core/scoring/scores.ts)', function () {
  this.timeout(300_000);

  it('stores on a pool, batch by overlapping batch, the same scores, history points and queue removals as a transaction scoring them in one', async () => {
    const { pool } = await freshDatabase();
    const { rows } = await pool.query(`SELECT id FROM opportunities WHERE status = 'open' ORDER BY id`);
    const batchSize = 2;
    // enough deals for a read, a scoring and a store to be under way at once
    expect(rows.length).to.be.greaterThan(4 * batchSize);
    const queued = rows.filter((_, i) => i % 3 === 0).map((r) => r.id);
    const startOver = async () => {
      await pool.query('TRUNCATE opportunity_scores, opportunity_score_history, score_queue');
      await pool.query(`INSERT INTO score_queue (opportunity_id, event_type) SELECT unnest($1::bigint[]), 'opportunity.updated'`, [queued]);
    };
    // the second scoring, days later, moves scores: the moved ones gain a history point
    const now = TEST_SEED_NOW;
    const later = new Date(now.getTime() + 20 * DAY_MS);

    await startOver();
    const first = await scoreAllOpenOpportunities(pool, now, { batchSize });
    await scoreAllOpenOpportunities(pool, later, { batchSize });
    const pipelined = await stored(pool);

    await startOver();
    await withTransaction(pool, (tx) => scoreAllOpenOpportunities(tx, now));
    await withTransaction(pool, (tx) => scoreAllOpenOpportunities(tx, later));
    const inOne = await stored(pool);

    expect(first.scored).to.equal(rows.length);
    expect(pipelined.scores).to.have.length(rows.length);
    expect(pipelined.queued).to.deep.equal([]);
    expect(pipelined.history.length).to.be.greaterThan(rows.length);
    expect(pipelined).to.deep.equal(inOne);
  });
});
