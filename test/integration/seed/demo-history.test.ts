import { expect } from 'chai';
import { freshDatabase } from '../../support/database.js';
import type pg from 'pg';
import { loadConfig } from '../../../core/config.js';
import { logger } from '../../../core/logger.js';
import { ensureDemoHistory, resetDemo } from '../../../core/seed/demo-history.js';
import { orderModules } from '../../../core/seed/seed-module.js';
import { HISTORY_MODULES } from '../../../core/seed/seed-modules.js';
import { wantsDemoHistory } from '../../../core/system.js';
import { FIXED_NOW, generateDemo } from './seed-helpers.js';

/** What a generated history is, regardless of when it was written: its rows, ids included, hashed per table. */
async function fingerprint(pool: pg.Pool): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    leads: 'id, company, status, assignee_id, created_at, converted_at', customers: 'id, name, owner_id, last_effective_followup_at',
    opportunities: 'id, customer_id, stage_code, status, closed_at, amount', stage_moves: 'id, opportunity_id, kind, at',
    actions: 'id, definition_code, customer_id, status, due_at, submitted_at', submissions: 'id, action_id, outcome, created_at',
    attachments: 'id, sha256, captured_at', followups: 'id, customer_id, effective, at', daily_reports: 'id, user_id, day, obstacles',
    orders: 'id, order_no, amount, ordered_at',
    procurement_events: 'id, opportunity_id, stage, occurred_on, amount', contact_events: 'id, contact_id, kind, occurred_on, after',
    process_instances: 'id, template_code, customer_id, opportunity_id', retail_shelf_positions: 'id, store_id, code',
    retail_launches: 'id, store_id, product_id, shelf_position_id', share_opens: 'id, link_id, kind, at',
    talk_track_pushes: 'id, pack_id, opportunity_id, pushed_at', talk_track_opens: 'id, pack_id, user_id, opportunity_id, at',
    talk_track_helped: 'id, pack_id, user_id, opportunity_id, at',
  };
  const out: Record<string, string> = {};
  for (const [t, cols] of Object.entries(tables)) {
    out[t] = (await pool.query(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) AS h FROM (SELECT ${cols} FROM ${t}) x`)).rows[0].h;
  }
  return out;
}

describe('demo history (core/seed/demo-history.ts)', function () {
  this.timeout(300_000);

  it('runs its modules in an order that honours each one\'s dependencies', () => {
    const order = orderModules(HISTORY_MODULES).map((m) => m.name);
    for (const m of HISTORY_MODULES) for (const dep of m.after) expect(order.indexOf(dep), `${dep} before ${m.name}`).to.be.lessThan(order.indexOf(m.name));
  });

  it('is the same for the same seed and day, and resetting the demo brings exactly that back', async () => {
    const a = await generateDemo(FIXED_NOW);
    const b = await generateDemo(FIXED_NOW);
    const fa = await fingerprint(a.pool);
    expect(await fingerprint(b.pool)).to.deep.equal(fa);
    // someone works in the demo, then an admin resets it
    await b.pool.query(`INSERT INTO leads (title, company) VALUES ('手工线索', '某公司')`);
    // autovacuum analyses a busy database when it gets round to it, and TRUNCATE keeps the statistics: the reset's
    // generation may be planned with statistics the first one had none of, and must still number every row the same
    await b.pool.query('ANALYZE');
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'seed-secret-0123456789abcdef' });
    await resetDemo(b.pool, { now: FIXED_NOW, storage: b.storage, system: { config, logger } });
    expect(await fingerprint(b.pool)).to.deep.equal(fa);
  });

  it('generates on the first start of an untouched demo database only: not twice, not over data someone entered', async () => {
    const demo = await generateDemo(FIXED_NOW);
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'seed-secret-0123456789abcdef' });
    const opts = { now: FIXED_NOW, storage: demo.storage, system: { config, logger } };
    expect(await ensureDemoHistory(demo.pool, opts)).to.equal(null);
    // a demo database without the history, where someone has entered a lead
    const { pool: used } = await freshDatabase();
    await used.query(`INSERT INTO leads (title, company) VALUES ('有人录入的线索', '某公司')`);
    expect(await ensureDemoHistory(used, opts), 'leads exist: someone used it').to.equal(null);
    const { rows } = await used.query(`SELECT data FROM events WHERE type = 'demo.history'`);
    expect(rows[0].data).to.deep.equal({ skipped: 'database already in use' });
  });
});

describe('when the demo history is generated at start-up (core/system.ts wantsDemoHistory)', () => {
  const demo = { demoMode: true, SEED_DEMO: true, DEMO_HISTORY: true, DATABASE_URL: undefined };
  it('generates for a demo on the embedded database, never on DATABASE_URL, never when turned off', () => {
    expect(wantsDemoHistory(demo, { embedded: true })).to.equal(true);
    expect(wantsDemoHistory({ ...demo, DATABASE_URL: 'postgres://x/y' }, { embedded: false })).to.equal(false);
    expect(wantsDemoHistory(demo, { embedded: false })).to.equal(false);
    expect(wantsDemoHistory({ ...demo, demoMode: false }, { embedded: true })).to.equal(false);
    expect(wantsDemoHistory({ ...demo, DEMO_HISTORY: false }, { embedded: true })).to.equal(false);
    expect(wantsDemoHistory({ ...demo, SEED_DEMO: false }, { embedded: true })).to.equal(false);
  });
});
