import { expect } from 'chai';
import { databaseAt, defaultPoolSize } from '../../../core/db/database.js';
import { migrate } from '../../../core/db/migrate.js';
import { createPool } from '../../../core/db/pool.js';
import { logger } from '../../../core/logger.js';
import { installDefaults } from '../../../core/seed/install.js';
import { DEMO_USERS } from '../../../core/seed/demo-org.data.js';
import { emptyDatabase, freshDatabase } from '../../support/database.js';

const COUNTED = ['departments', 'users', 'customers', 'contacts', 'orders', 'opportunities', 'pipelines',
  'action_definitions', 'keyword_libraries', 'alert_rules', 'holidays', 'events'];

async function counts(pool: import('pg').Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of COUNTED) out[t] = (await pool.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return out;
}

describe('database schema and first-start install', () => {
  it('applies migrations once, even when two processes start at the same time', async () => {
    const { url } = await emptyDatabase();
    const a = createPool(url, 2);
    const b = createPool(url, 2);
    try {
      const [ra, rb] = await Promise.all([migrate(a, logger), migrate(b, logger)]);
      expect([...ra, ...rb]).to.include('001_foundation.sql');
      expect(ra.length + rb.length).to.equal(ra.length > 0 ? ra.length : rb.length);
      expect(await migrate(a, logger)).to.deep.equal([]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('gives a background part a pool of its own, named for it, and closes it with the database', async () => {
    const { url } = await emptyDatabase();
    const db = await databaseAt(url, { poolSize: 2, logger, embedded: false });
    const bot = db.openPool('bot', 3);
    const name = async (p: import('pg').Pool) => (await p.query('SELECT application_name AS n FROM pg_stat_activity WHERE pid = pg_backend_pid()')).rows[0].n;
    // the API's two connections busy (a long transaction each) do not hold up the bot's work
    const held = await Promise.all([db.pool.connect(), db.pool.connect()]);
    try {
      expect(await name(bot)).to.equal('actionflow-bot');
    } finally {
      for (const c of held) c.release();
    }
    expect(await name(db.pool)).to.equal('actionflow');
    expect((db.pool as unknown as { options: { max: number } }).options.max).to.equal(2);
    await db.close();
    expect((bot as unknown as { ending: boolean }).ending).to.equal(true);
    expect(defaultPoolSize()).to.be.at.least(4);
  });

  it('installs the template and the demo organisation idempotently', async () => {
    const { pool } = await freshDatabase(4);
    const before = await counts(pool);
    const again = await installDefaults(pool, { seedDemo: true, now: new Date(), logger });
    expect(again).to.deep.equal({ template: false, demo: false });
    expect(await counts(pool)).to.deep.equal(before);
  });

  it('seeds the demo members the later features rely on, with their managers', async () => {
    const { pool } = await freshDatabase(2);
    const { rows } = await pool.query(
      `SELECT u.wecom_userid, u.role, m.wecom_userid AS manager FROM users u LEFT JOIN users m ON m.id = u.manager_id`);
    const byId = new Map(rows.map((r) => [r.wecom_userid, r]));
    for (const u of DEMO_USERS) expect(byId.get(u.userid)?.role, u.userid).to.equal(u.role);
    for (const rep of ['rep.zhao', 'rep.qian', 'rep.sun']) expect(byId.get(rep).manager).to.equal('mgr.li');
    for (const rep of ['rep.zhou', 'rep.wu', 'rep.zheng']) expect(byId.get(rep).manager).to.equal('mgr.chen');
  });

  it('seeds about 40 customers of every type, with coordinates, contacts, orders and some silent for over 7 days', async () => {
    const { pool } = await freshDatabase(2);
    const c = (await pool.query(`SELECT
        count(*)::int AS total,
        count(DISTINCT type)::int AS types,
        count(*) FILTER (WHERE lat IS NULL)::int AS without_coords,
        count(*) FILTER (WHERE COALESCE(last_effective_followup_at, became_active_at) < now() - interval '7 days')::int AS silent
      FROM customers`)).rows[0];
    expect(c.total).to.be.within(36, 44);
    expect(c.types).to.equal(4);
    expect(c.without_coords).to.equal(0);
    expect(c.silent).to.be.at.least(5);
    const roles = (await pool.query('SELECT DISTINCT buying_role FROM contacts')).rows.map((r) => r.buying_role);
    expect(roles).to.include.members(['decider', 'buyer', 'influencer', 'user', 'gatekeeper']);
    expect((await pool.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).to.be.greaterThan(40);
    expect((await pool.query(`SELECT count(*)::int AS n FROM opportunities WHERE status = 'open'`)).rows[0].n).to.be.at.least(3);
  });

  it('installs an 8-stage pipeline whose 谈判 stage has the three sub-stages, each with a checklist', async () => {
    const { pool } = await freshDatabase(2);
    const def = (await pool.query(`SELECT definition FROM pipelines WHERE is_default`)).rows[0].definition;
    expect(def.stages).to.have.length(8);
    const negotiation = def.stages.find((s: any) => s.key === 'negotiation');
    expect(negotiation.name).to.contain('谈判');
    expect(negotiation.subStages.map((s: any) => s.name)).to.deep.equal(['技术方案确认', '商务条款磋商', '法务审核']);
    for (const s of negotiation.subStages) expect(s.checklist.length).to.be.greaterThan(0);
  });

  it('keeps the event log append-only', async () => {
    const { pool } = await freshDatabase(2);
    await pool.query(`INSERT INTO events (entity_type, entity_id, type) VALUES ('test', 1, 'test.created')`);
    let err: any;
    try { await pool.query(`UPDATE events SET type = 'x'`); } catch (e) { err = e; }
    expect(err?.message).to.match(/append-only/);
    err = undefined;
    try { await pool.query(`DELETE FROM events`); } catch (e) { err = e; }
    expect(err?.message).to.match(/append-only/);
  });
});
