import { expect } from 'chai';
import { migrate } from '../../../core/db/migrate.js';
import { createPool } from '../../../core/db/pool.js';
import { logger } from '../../../core/logger.js';
import { emptyDatabase } from '../../support/database.js';

describe('migration 038: every contact\'s history starts with what it was when first known', () => {
  it('backfills one 最初记录 per contact with no event that created it: the facts before its first change, dated when it was created', async () => {
    const { url } = await emptyDatabase();
    const pool = createPool(url, 2);
    try {
      await migrate(pool, logger, { before: '038_contact_history.sql' });
      const { rows: [c] } = await pool.query(`INSERT INTO customers (name, type) VALUES ('老客户', 'hospital') RETURNING id`);
      const insert = (name: string, role: string | null, attitude: string | null, createdAt: string) => pool.query(
        `INSERT INTO contacts (customer_id, name, title, buying_role, attitude, created_at, updated_at) VALUES ($1, $2, '主任', $3, $4, $5, $5) RETURNING id`,
        [c.id, name, role, attitude, createdAt]).then((r) => Number(r.rows[0].id));
      // untouched since written; changed once (a role added later); created through the app (already has its event)
      const still = await insert('甲', 'decider', 'neutral', '2026-03-02T02:00:00Z');
      const changed = await insert('乙', 'user', 'support', '2026-03-05T02:00:00Z');
      const added = await insert('丙', 'buyer', null, '2026-03-06T02:00:00Z');
      await pool.query(`INSERT INTO contact_events (customer_id, contact_id, kind, occurred_on, before, after, recorded_at) VALUES
        ($1, $2, 'role_changed', '2026-04-01', '{"name":"乙","buyingRole":null,"attitude":"neutral","isCoach":false,"status":"active"}',
                                               '{"name":"乙","buyingRole":"user","attitude":"support","isCoach":false,"status":"active"}', '2026-04-01T03:00:00Z'),
        ($1, $3, 'added', '2026-03-06', '{}', '{"name":"丙","buyingRole":"buyer","status":"active"}', '2026-03-06T02:00:00Z')`, [c.id, changed, added]);

      await migrate(pool, logger);

      const { rows } = await pool.query(`SELECT contact_id, kind, to_char(occurred_on, 'YYYY-MM-DD') AS on, after, source, recorded_by, recorded_at
        FROM contact_events WHERE kind = 'first_known' ORDER BY contact_id`);
      expect(rows.map((r) => [Number(r.contact_id), r.on, r.after.buyingRole, r.after.attitude, r.after.status, r.source, r.recorded_by])).to.deep.equal([
        [still, '2026-03-02', 'decider', 'neutral', 'active', 'import', null],
        [changed, '2026-03-05', null, 'neutral', 'active', 'import', null],
      ]);
      expect(rows[0].recorded_at.toISOString()).to.equal('2026-03-02T02:00:00.000Z');
      // run again (a generator after writing contacts directly): nothing more to add
      expect((await pool.query('SELECT af_record_first_known_contacts() AS n')).rows[0].n).to.equal(0);
    } finally {
      await pool.end();
    }
  });
});
