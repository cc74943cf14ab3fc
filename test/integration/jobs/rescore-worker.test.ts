import { expect } from 'chai';
import type { System } from '../../../core/system.js';
import { recordEvent } from '../../../core/resources/events.js';
import { startRescoring } from '../../../jobs/rescore.worker.js';
import { freshDatabase } from '../../support/database.js';
import { deps } from './jobs-helpers.js';

/** Waits for a condition, not for a time: a loaded machine is slow (the suite's timeout ends a wait that never comes). */
async function until(ok: () => Promise<boolean>): Promise<void> {
  while (!await ok()) await new Promise((r) => setTimeout(r, 50));
}

describe('the rescoring worker of the jobs process (jobs/rescore.worker.ts)', () => {
  it('listens, and scores a deal an event queued without anyone asking; stops cleanly', async function () {
    this.timeout(60_000);
    const { pool } = await freshDatabase();
    const { rows: [deal] } = await pool.query(`SELECT id::int FROM opportunities WHERE status = 'open' ORDER BY id LIMIT 1`);
    const part = startRescoring(deps(pool, () => new Date()) as unknown as System);
    try {
      await until(async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'actionflow-rescoring' AND query LIKE 'LISTEN%'`)).rows[0].n === 1);
      await recordEvent(pool, { actorId: null, entityType: 'opportunity', entityId: deal.id, type: 'opportunity.updated', data: { fields: ['amount'] } });
      await until(async () => {
        const { rows: [s] } = await pool.query(`SELECT (SELECT count(*) FROM score_queue)::int AS queued,
          (SELECT count(*) FROM opportunity_scores WHERE opportunity_id = $1)::int AS scored`, [deal.id]);
        return s.queued === 0 && s.scored === 1;
      });
    } finally {
      await part.stop();
    }
  });
});
