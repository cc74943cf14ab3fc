import { expect } from 'chai';
import type pg from 'pg';
import { loadActiveActor, type Actor } from '../../../core/auth/actor.js';
import { withTransaction } from '../../../core/db/pool.js';
import { Sql } from '../../../core/db/sql.js';
import { entryDaysDrift } from '../../../core/retail/entry-days.js';
import { importSalesFile } from '../../../core/retail/sales-import.js';
import { countScorecard } from '../../../core/retail/scorecard-counts.js';
import { scorecardSettings } from '../../../core/retail/scorecard.setting.js';
import { readSetting } from '../../../core/settings/read.js';
import { directEntryCounts, entryCountsOf } from '../../support/entry-days-reference.js';
import { freshDatabase } from '../../support/database.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';

/**
 * The rollup of clerks' entries against the POS (retail_entry_days) under a
 * whole POS export restated over the entries: a POS statement recounts only
 * the matches of the days that have entries, and writes only the days whose
 * counts moved. March 2025 at the retail network's stores, read on 2025-04-10.
 */
describe('a POS export restating a month over clerks\' entries keeps their per-day rollup exact', () => {
  let pool: pg.Pool;
  let admin: Actor;
  const now = new Date('2025-04-10T02:00:00Z');
  const MARCH = { from: '2025-03-01', to: '2025-04-01' };
  const days = Array.from({ length: 31 }, (_, i) => `2025-03-${String(i + 1).padStart(2, '0')}`);
  let stores: Array<{ id: number; code: string }> = [];
  let products: Array<{ id: number; sku: string }> = [];

  /** The POS figure of a store's product on the day in the first export. */
  const first = (s: number, p: number, d: number) => (s * 7 + p * 3 + d) % 13;
  const csv = (rows: Array<[number, number, number, number, string]>) =>
    Buffer.from(`门店编码,商品编码,日期,销量,销售额\n${rows.map(([s, p, d, units, amount]) => `${stores[s]!.code},${products[p]!.sku},${days[d]},${units},${amount}`).join('\n')}\n`);
  const everyRow = (f: (s: number, p: number, d: number) => [number, string]) =>
    stores.flatMap((_, s) => products.flatMap((_, p) => days.map((_, d): [number, number, number, number, string] => [s, p, d, ...f(s, p, d)])));
  const importFile = (bytes: Buffer) => withTransaction(pool, (tx) => importSalesFile(tx, admin, bytes, { fileName: 'pos.csv', mode: 'all' }, now));

  async function expectExact(): Promise<void> {
    expect(await entryDaysDrift(pool)).to.deep.equal([]);
    const counted = await countScorecard(pool, new Sql(), 'TRUE', [MARCH], await readSetting(pool, scorecardSettings), now);
    expect(entryCountsOf(counted)).to.deep.equal(await directEntryCounts(pool, MARCH, now));
  }
  /** Each entered day's row version: a row rewritten gets a new one. */
  const versions = async () => new Map((await pool.query(
    `SELECT store_id || ':' || day AS k, xmin::text AS v FROM retail_entry_days WHERE day >= $1 AND day < $2`, [MARCH.from, MARCH.to])).rows.map((r) => [r.k as string, r.v as string]));

  before(async () => {
    ({ pool } = await freshDatabase());
    admin = (await loadActiveActor(pool, { wecomUserid: 'admin.lin' }))!;
    await seedRetailNetworkForReps(pool, '2025-02-01');
    stores = (await pool.query(`SELECT DISTINCT s.customer_id AS id, s.code FROM retail_stores s JOIN retail_clerks k ON k.store_id = s.customer_id
      WHERE s.code IS NOT NULL ORDER BY s.customer_id LIMIT 8`)).rows.map((r) => ({ id: Number(r.id), code: r.code }));
    products = (await pool.query('SELECT id, sku FROM retail_products ORDER BY id LIMIT 6')).rows.map((r) => ({ id: Number(r.id), sku: r.sku }));
    expect(stores.length * products.length).to.be.greaterThan(20);
    // the clerks enter half the products on most days, in one statement: the POS figure, some off by 1 to 4, a third of the stores days late
    const clerkOf = new Map((await pool.query('SELECT store_id, min(user_id) AS id FROM retail_clerks GROUP BY 1')).rows.map((r) => [Number(r.store_id), Number(r.id)]));
    const e = { store: [] as number[], product: [] as number[], day: [] as string[], units: [] as number[], clerk: [] as number[], at: [] as string[] };
    stores.forEach((st, s) => products.forEach((pr, p) => days.forEach((day, d) => {
      if ((s + p + d) % 2 !== 0 || d % 7 === 2) return;
      e.store.push(st.id); e.product.push(pr.id); e.day.push(day); e.clerk.push(clerkOf.get(st.id)!);
      e.units.push(first(s, p, d) + ((s + p + d) % 5 === 0 ? 1 + (s % 4) : 0));
      e.at.push(`${day}T20:00:00+08:00`);
    })));
    await pool.query(`
      INSERT INTO retail_clerk_sales (store_id, product_id, day, units, clerk_id, source, reported_at)
      SELECT s, p, d, u, c, 'entry', a + CASE WHEN s % 3 = 0 THEN interval '3 days' ELSE interval '0' END
        FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::int[], $5::bigint[], $6::timestamptz[]) AS t(s, p, d, u, c, a)`,
    [e.store, e.product, e.day, e.units, e.clerk, e.at]);
  });

  it('counts a first export, then an export restating every row — units changed on some entered rows, amounts only on the others — as the direct join does', async () => {
    const fresh = await importFile(csv(everyRow((s, p, d) => [first(s, p, d), `${first(s, p, d) * 3}.00`])));
    expect(fresh.inserted).to.equal(stores.length * products.length * days.length);
    await expectExact();
    const before = await versions();
    expect(before.size).to.be.greaterThan(100);

    // units moved on the rows of every fourth store's first two products; the amounts of everything else restated
    const moved = (s: number, p: number) => s % 4 === 1 && p < 2;
    const restated = await importFile(csv(everyRow((s, p, d) => moved(s, p)
      ? [first(s, p, d) + 2, `${first(s, p, d) * 3}.00`] : [first(s, p, d), `${first(s, p, d) * 3 + 1}.00`])));
    expect(restated).to.include({ inserted: 0, replaced: stores.length * products.length * days.length, unchanged: 0 });
    await expectExact();

    // only the days whose entered products' units moved were rewritten
    const after = await versions();
    const { rows: entered } = await pool.query(`SELECT DISTINCT store_id || ':' || day AS k FROM retail_clerk_sales
      WHERE store_id = ANY($1::bigint[]) AND product_id = ANY($2::bigint[]) AND day >= $3 AND day < $4`,
    [stores.filter((_, s) => s % 4 === 1).map((s) => s.id), products.slice(0, 2).map((p) => p.id), MARCH.from, MARCH.to]);
    const touched = new Set(entered.map((r) => r.k as string));
    expect(touched.size).to.be.greaterThan(10);
    for (const [k, v] of after) expect(v !== before.get(k), k).to.equal(touched.has(k));
  });

  it('counts the month again after the POS rows of its second half are deleted and a clerk\'s entries are corrected in bulk', async () => {
    await pool.query(`DELETE FROM retail_sales WHERE store_id = ANY($1::bigint[]) AND day >= '2025-03-16' AND day < '2025-04-01'`, [stores.map((s) => s.id)]);
    await expectExact();
    await pool.query(`UPDATE retail_clerk_sales SET units = units + 1 WHERE store_id = $1 AND day >= $2 AND day < $3`, [stores[0]!.id, MARCH.from, MARCH.to]);
    await expectExact();
  });
});
