import { expect } from 'chai';
import type pg from 'pg';
import { Sql } from '../../../core/db/sql.js';
import { countScorecard } from '../../../core/retail/scorecard-counts.js';
import { scorecardSettings } from '../../../core/retail/scorecard.setting.js';
import { readSetting } from '../../../core/settings/read.js';
import { entryDaysDrift } from '../../../core/retail/entry-days.js';
import { directEntryCounts, entryCountsOf, type DirectEntryCounts } from '../../support/entry-days-reference.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { idemKey } from '../actions/actions-helpers.js';

/**
 * The scorecard's 数据填报及时率 and 准确率 read the per-store-day rollup of clerks'
 * entries against the POS (retail_entry_days); every way the two tables change
 * keeps it equal to the entries recounted from scratch, and the scorecard equal
 * to the direct join it replaced. April 2026, read on Monday 04-27 at 10:00.
 */
describe('clerks\' entries against the POS, rolled up per store and day, stay exact', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let clock = new Date('2026-04-27T02:00:00Z');
  const at = (day: string, hh: number) => { clock = new Date(`${day}T${String(hh).padStart(2, '0')}:00:00+08:00`); };
  const APRIL = { from: '2026-04-01', to: '2026-05-01' };
  const products: Record<string, number> = {};
  const store: Record<string, { id: number; code: string }> = {};

  const enter = async (as: string, sku: string, day: string, units: number) => {
    const res = await api.call('POST', '/api/retail/clerk-sales', { as, body: { productId: products[sku], day, units }, headers: { 'Idempotency-Key': idemKey() } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };
  const csv = (rows: Array<[string, string, string, number]>) =>
    Buffer.from(`门店编码,商品编码,日期,销量\r\n${rows.map(([clerk, sku, day, units]) => `${store[clerk]!.code},${sku},${day},${units}`).join('\r\n')}\r\n`);
  const upload = (bytes: Buffer) =>
    api.call('POST', '/api/retail/sales/import?fileName=pos.csv', { as: 'admin.lin', raw: bytes, headers: { 'Content-Type': 'application/octet-stream' } });

  /** Both metrics per store as the scorecard counts them now, beside the direct join's; and the rollup's drift. */
  async function counted() {
    clock = new Date('2026-04-27T02:00:00Z');
    const sql = new Sql();
    const settings = await readSetting(pool, scorecardSettings);
    const now = entryCountsOf(await countScorecard(pool, sql, 'TRUE', [APRIL], settings, clock));
    return { now, direct: await directEntryCounts(pool, APRIL, clock), drift: await entryDaysDrift(pool) };
  }
  async function expectExact(): Promise<Map<number, Partial<DirectEntryCounts>>> {
    const c = await counted();
    expect(c.drift).to.deep.equal([]);
    expect(c.now).to.deep.equal(c.direct);
    return c.now;
  }
  const accuracyOf = (m: Map<number, Partial<DirectEntryCounts>>, clerk: string) => m.get(store[clerk]!.id)?.accuracy;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool, now: () => clock, env: { SESSION_TTL_HOURS: '720' } });
    await seedRetailNetworkForReps(pool, '2026-04-20');
    await pool.query(`UPDATE retail_clerks SET created_at = '2026-03-01T00:00:00+08:00'`);
    for (const r of (await pool.query('SELECT id, sku FROM retail_products')).rows) products[r.sku] = Number(r.id);
    for (const r of (await pool.query(`SELECT k.store_id, s.code, u.wecom_userid FROM retail_clerks k JOIN users u ON u.id = k.user_id
        JOIN retail_stores s ON s.customer_id = k.store_id`)).rows) store[r.wecom_userid] = { id: Number(r.store_id), code: r.code };
  });
  after(() => api.close());

  it('counts what clerks entered and the POS import says, as the direct join did, and a file imported again changes nothing', async () => {
    // clerk.1: 04-21 10 vs 10 (equal) and 20 vs 25 (off 5 > 10 % of 25), entered that evening; 04-22 30 vs 32 (off 2 ≤ 3.2),
    // entered three days late; 04-23 4 with no POS figure, entered the next day. clerk.2: 04-21 4 vs 5 (off 1 unit).
    at('2026-04-21', 20);
    await enter('clerk.1', 'BEV-GT-500', '2026-04-21', 10);
    await enter('clerk.1', 'BEV-LM-330', '2026-04-21', 20);
    await enter('clerk.2', 'BEV-GT-500', '2026-04-21', 4);
    at('2026-04-24', 9);
    await enter('clerk.1', 'BEV-GT-500', '2026-04-23', 4);
    at('2026-04-25', 9);
    await enter('clerk.1', 'SNK-SW-70', '2026-04-22', 30);
    const file = csv([['clerk.1', 'BEV-GT-500', '2026-04-21', 10], ['clerk.1', 'BEV-LM-330', '2026-04-21', 25], ['clerk.1', 'SNK-SW-70', '2026-04-22', 32],
      ['clerk.2', 'BEV-GT-500', '2026-04-21', 5], ['clerk.2', 'BEV-LM-330', '2026-04-22', 9]]);
    const first = await upload(file);
    expect(first.body, JSON.stringify(first.body)).to.include({ inserted: 5, alreadyImported: false });
    const after = await expectExact();
    expect(accuracyOf(after, 'clerk.1')).to.deep.equal({ num: 2, den: 3 });
    expect(accuracyOf(after, 'clerk.2')).to.deep.equal({ num: 1, den: 1 });
    // 04-21 and 04-23 on time, 04-22 late; days before 04-21 had no entry
    expect(after.get(store['clerk.1']!.id)?.timeliness?.num).to.equal(2);

    expect((await upload(file)).body).to.include({ alreadyImported: true });
    expect(await expectExact()).to.deep.equal(after);
  });

  it('follows a clerk\'s correction, a later batch restating a day, a batch withdrawn and the tolerance the admin sets', async () => {
    at('2026-04-27', 9);
    await enter('clerk.1', 'BEV-LM-330', '2026-04-21', 25);
    expect(accuracyOf(await expectExact(), 'clerk.1')).to.deep.equal({ num: 3, den: 3 });

    // the ERP restates 04-22 (32 → 40: off 10) and brings 04-23 (4, equal)
    const batch = await api.call('POST', '/api/retail/sales', { as: 'admin.lin', body: { batchId: 'ERP-0423', rows: [
      { storeCode: store['clerk.1']!.code, sku: 'SNK-SW-70', day: '2026-04-22', units: 40 },
      { storeCode: store['clerk.1']!.code, sku: 'BEV-GT-500', day: '2026-04-23', units: 4 },
    ] } });
    expect(batch.body, JSON.stringify(batch.body)).to.include({ inserted: 1, replaced: 1 });
    expect(accuracyOf(await expectExact(), 'clerk.1')).to.deep.equal({ num: 3, den: 4 });

    // the batch taken back whole: its days have no POS figure again
    await pool.query(`DELETE FROM retail_sales WHERE batch_id = 'api:ERP-0423'`);
    expect(accuracyOf(await expectExact(), 'clerk.1')).to.deep.equal({ num: 2, den: 2 });

    // a clerk's entry withdrawn (the store's figure deleted) leaves the day with the rest
    await pool.query(`DELETE FROM retail_clerk_sales WHERE store_id = $1 AND day = '2026-04-21' AND product_id = $2`, [store['clerk.1']!.id, products['BEV-GT-500']]);
    expect(accuracyOf(await expectExact(), 'clerk.1')).to.deep.equal({ num: 1, den: 1 });

    // no tolerance at all: clerk.2's 4 against 5 is now wrong
    const tight = await api.call('PUT', '/api/settings/retail.sales-data', {
      as: 'admin.lin', body: { expectedVersion: 0, value: { maxUnitsPerDay: 5000, tolerancePercent: 0, toleranceUnits: 0, entryBackDays: 7 } },
    });
    expect(tight.status, JSON.stringify(tight.body)).to.be.oneOf([200, 201]);
    const strict = await expectExact();
    expect(accuracyOf(strict, 'clerk.2')).to.deep.equal({ num: 0, den: 1 });

    // the 数据填报准确率 screen's stores agree with the scorecard's month
    const screen = await api.call('GET', '/api/retail/entry-accuracy?from=2026-04-01&to=2026-04-30', { as: 'director.wang' });
    expect(screen.status, JSON.stringify(screen.body)).to.equal(200);
    for (const s of screen.body.stores) {
      expect(strict.get(s.id)?.accuracy ?? { num: 0, den: 0 }, s.name).to.deep.equal({ num: s.accurate, den: s.matched });
    }
  });

  it('counts a clerk\'s entry and a POS import of the same day written at once in two transactions, whichever commits first', async () => {
    const b = store['clerk.2']!.id;
    const clerk = (await pool.query(`SELECT id FROM users WHERE wecom_userid = 'clerk.2'`)).rows[0].id;
    const batchOf = (id: string) => pool.query(`INSERT INTO retail_sales_batches (id, source, rows_total, rows_imported, rows_skipped, imported_by, imported_at)
      VALUES ($1, 'api', 1, 1, 0, $2, now())`, [id, clerk]);
    await batchOf('race-1');
    await batchOf('race-2');
    for (const [day, first] of [['2026-04-24', 'clerk'], ['2026-04-25', 'pos']] as const) {
      const writes = {
        clerk: (c: pg.PoolClient) => c.query(`INSERT INTO retail_clerk_sales (store_id, product_id, day, units, clerk_id, source, reported_at)
          VALUES ($1, $2, $3, 6, $4, 'entry', now())`, [b, products['BEV-GT-500'], day, clerk]),
        pos: (c: pg.PoolClient) => c.query(`INSERT INTO retail_sales (store_id, product_id, day, units, batch_id) VALUES ($1, $2, $3, 6, $4)`,
          [b, products['BEV-GT-500'], day, first === 'clerk' ? 'race-1' : 'race-2']),
      };
      const second = first === 'clerk' ? 'pos' : 'clerk';
      const [one, two] = [await pool.connect(), await pool.connect()];
      try {
        await one.query('BEGIN');
        await writes[first](one);
        await two.query('BEGIN');
        const pid = (await two.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        let done = false;
        const blocked = writes[second](two).finally(() => { done = true; });
        // the second waits for the first's lock on the day's row (one that did not wait is judged by the counts below)
        for (;;) {
          const { rows: [w] } = await pool.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
          if (done || w?.wait_event_type === 'Lock') break;
          await new Promise((r) => setImmediate(r));
        }
        await one.query('COMMIT');
        await blocked;
        await two.query('COMMIT');
      } finally {
        one.release();
        two.release();
      }
    }
    const { rows } = await pool.query(`SELECT day::text, matched, exact FROM retail_entry_days WHERE store_id = $1 AND day >= '2026-04-24' ORDER BY day`, [b]);
    expect(rows).to.deep.equal([{ day: '2026-04-24', matched: 1, exact: 1 }, { day: '2026-04-25', matched: 1, exact: 1 }]);
    await expectExact();
  });
});
