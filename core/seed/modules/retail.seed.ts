/**
 * The retail side of the demo (#21): every store customer of the reps becomes
 * a store of its chain (format, region) with three shelf positions and a
 * clerk; each region with stores gets a patrol inspector whose route is the
 * region's stores; the brand's catalogue; and a 新品上架 of the newest product
 * at stores — started by the store's rep and worked by its clerk through the
 * real services (core/retail), so deadlines, escalation steps and the state
 * lock are the ones the app enforces. The first store's clerk has bound the
 * shelf (step ① done, ② next); the second's launch is today's; older ones
 * stall on ①, already late; an earlier product's launch was worked through
 * on time, late or not at all (retail-launch-history.ts). Then the POS sales, the clerks' own figures and
 * a promotion (retail-sales.ts), the first inspector's patrols
 * (retail-patrols.ts), what the 门店健康度评分卡 counts besides
 * (retail-scorecard.ts) and the 门店整改 history (retail-fixes.ts). Each region's inspectors are one per city.
 */
import type pg from 'pg';
import { loadActiveActor } from '../../auth/actor.js';
import { addCalendarDays } from '../../flow/time.js';
import { createLaunch, submitLaunchStep } from '../../retail/launches.js';
import { CLERK_NAMES, DEMO_CHAIN_STORES, DEMO_CHAINS, DEMO_LAUNCH_SKU, DEMO_PRODUCTS, INSPECTOR_NAMES, SHELF_SLOTS } from '../../retail/demo-retail.data.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';
import { seedRetailFixes, type RetailFixKnobs } from './retail-fixes.js';
import { seedRetailLaunchHistory, type RetailLaunchHistoryKnobs } from './retail-launch-history.js';
import { seedRetailPatrols, type RetailPatrolKnobs } from './retail-patrols.js';
import { seedRetailScorecard, type RetailScorecardKnobs } from './retail-scorecard.js';
import { seedRetailSales, type RetailSalesKnobs } from './retail-sales.js';

export interface RetailKnobs {
  /** Stores (lowest ids first) that get a launch of the newest product. */
  launchStores: number;
  /** An earlier launch the stores have worked through, on time, late or stuck (retail-launch-history.ts). */
  launchHistory: RetailLaunchHistoryKnobs;
  /** Add the demo's extra stores of one chain (DEMO_CHAIN_STORES), so its promotion has matched stores. */
  chainStores: boolean;
  /** POS history, clerks' entries and the promotion (retail-sales.ts); days 0 writes none. */
  sales: RetailSalesKnobs;
  /** Patrols, stock-outs and 会员推荐 for the scorecard (retail-scorecard.ts); weeks 0 writes none. */
  scorecard: RetailScorecardKnobs;
  /** The first inspector's patrol history (retail-patrols.ts). */
  patrols: RetailPatrolKnobs;
  /** 门店整改 raised from patrols and the scorecard, and how each store answered (retail-fixes.ts); weeks 0 writes none. */
  fixes: RetailFixKnobs;
}

/** The demo's extra stores of one chain in one region: customers of its reps like any store. */
async function addChainStores(pool: pg.Pool, now: Date): Promise<void> {
  for (const [name, address, lat, lng, owner] of DEMO_CHAIN_STORES) {
    await pool.query(
      `INSERT INTO customers (name, type, address, lat, lng, owner_id, department_id, became_active_at, signed_at, last_followup_at, last_effective_followup_at)
       SELECT $1, 'store', $2, $3, $4, u.id, u.department_id, $6::timestamptz - interval '200 days', $6::timestamptz - interval '200 days',
              $6::timestamptz - interval '3 days', $6::timestamptz - interval '3 days'
         FROM users u WHERE u.wecom_userid = $5 AND u.active
       ON CONFLICT (name) DO NOTHING`, [name, address, lat, lng, owner, now]);
  }
}

/** A store's city, from its address (上海市静安区… → 上海市); null when the address names none. */
const CITY = `substring(c.address from '^[^市]{1,8}市')`;

/** Stores, clerks, inspectors, catalogue and shelf positions for the reps' store customers; set-based. */
export async function seedRetailNetwork(pool: pg.Pool, repIds: readonly number[], today: string): Promise<SeedCounts> {
  const stores = await pool.query(`
    INSERT INTO retail_stores (customer_id, code, chain, format, region_id)
    SELECT c.id, 'MD' || lpad(c.id::text, 6, '0'), coalesce((SELECT p FROM unnest($2::text[]) p WHERE c.name LIKE p || '%' ORDER BY length(p) DESC LIMIT 1), '社区便利'),
           CASE WHEN c.name LIKE '%社区店' THEN '社区店' ELSE '便利店' END, c.department_id
      FROM customers c WHERE c.type = 'store' AND c.status = 'active' AND c.owner_id = ANY($1::bigint[])
     ORDER BY c.id
    ON CONFLICT DO NOTHING`, [repIds, DEMO_CHAINS]);
  const ranked = `SELECT s.customer_id AS id, c.name, c.department_id, o.manager_id, row_number() OVER (ORDER BY s.customer_id) AS r
                    FROM retail_stores s JOIN customers c ON c.id = s.customer_id JOIN users o ON o.id = c.owner_id`;
  const clerks = await pool.query(`
    INSERT INTO users (wecom_userid, name, role, department_id, manager_id, position)
    SELECT 'clerk.' || s.r, coalesce(($1::text[])[s.r], '店员' || s.r), 'clerk', s.department_id, s.manager_id, '店员 · ' || s.name
      FROM (${ranked}) s ORDER BY s.r
    ON CONFLICT (wecom_userid) DO NOTHING`, [CLERK_NAMES]);
  await pool.query(`
    INSERT INTO retail_clerks (user_id, store_id)
    SELECT u.id, s.id FROM (${ranked}) s JOIN users u ON u.wecom_userid = 'clerk.' || s.r ORDER BY s.r ON CONFLICT DO NOTHING`);
  // one inspector per city of a region: a day's route that crosses cities (上海 → 南京, 270 km) is no route
  const groups = `SELECT g.region_id, g.city, d.name AS region, row_number() OVER (ORDER BY g.region_id, g.n DESC, g.city) AS r,
                         (SELECT m.id FROM users m WHERE m.department_id = d.id AND m.role = 'manager' AND m.active ORDER BY m.id LIMIT 1) AS manager_id
                    FROM (SELECT s.region_id, ${CITY} AS city, count(*) AS n FROM retail_stores s JOIN customers c ON c.id = s.customer_id GROUP BY 1, 2) g
                    JOIN departments d ON d.id = g.region_id`;
  const inspectors = await pool.query(`
    INSERT INTO users (wecom_userid, name, role, department_id, manager_id, position)
    SELECT 'inspector.' || g.r, coalesce(($1::text[])[g.r], '督导' || g.r), 'inspector', g.region_id, g.manager_id,
           '巡店督导 · ' || g.region || coalesce(' ' || rtrim(g.city, '市'), '')
      FROM (${groups}) g ORDER BY g.r
    ON CONFLICT (wecom_userid) DO NOTHING`, [INSPECTOR_NAMES]);
  await pool.query(`
    INSERT INTO retail_inspector_stores (inspector_id, store_id)
    SELECT u.id, s.customer_id FROM (${groups}) g JOIN users u ON u.wecom_userid = 'inspector.' || g.r
      JOIN retail_stores s ON s.region_id = g.region_id JOIN customers c ON c.id = s.customer_id AND ${CITY} IS NOT DISTINCT FROM g.city
     ORDER BY g.r, s.customer_id
    ON CONFLICT DO NOTHING`);
  const products = await pool.query(`
    INSERT INTO retail_products (sku, barcode, name, category, launch_date)
    SELECT p->>'sku', p->>'barcode', p->>'name', p->>'category', $2::date - (p->>'daysAgo')::int
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY x(p, i) ORDER BY x.i ON CONFLICT DO NOTHING`, [JSON.stringify(DEMO_PRODUCTS), today]);
  // every INSERT … SELECT here in a stated order: ids follow it, not whichever plan the table statistics of the day pick
  const positions = await pool.query(`
    INSERT INTO retail_shelf_positions (store_id, code, label)
    SELECT s.customer_id, 'SH' || lpad(s.customer_id::text, 6, '0') || '-' || (x.slot->>'suffix'), x.slot->>'label'
      FROM retail_stores s CROSS JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY x(slot, i)
     ORDER BY s.customer_id, x.i ON CONFLICT DO NOTHING`, [JSON.stringify(SHELF_SLOTS)]);
  return {
    retail_stores: stores.rowCount ?? 0, clerks: clerks.rowCount ?? 0, inspectors: inspectors.rowCount ?? 0,
    retail_products: products.rowCount ?? 0, retail_shelf_positions: positions.rowCount ?? 0,
  };
}

/** How many working days before today the Nth store's launch was (by store rank), and how far its clerk got. */
const LAUNCH_PLAN: Array<{ daysAgo: number; bound: boolean }> = [
  { daysAgo: 0, bound: true }, { daysAgo: 0, bound: false }, { daysAgo: 2, bound: true }, { daysAgo: 3, bound: false }, { daysAgo: 1, bound: false },
];

export const retailSeed = defineSeedModule<RetailKnobs>({
  name: 'retail',
  label: '零售门店与新品上架',
  knobs: {
    demo: { launchStores: 10, launchHistory: { sku: 'SNK-SW-70', workingDaysAgo: 7, stores: 16 }, chainStores: true, sales: { days: 56, entryDays: 14, accurateShare: 0.8 }, scorecard: { weeks: 6 }, patrols: { inspectorLogin: 'inspector.1' }, fixes: { weeks: 6 } },
    // a benchmark organisation has tens of thousands of stores: its sales come from bench/retail.bench.ts
    bench: { launchStores: 20, launchHistory: { sku: null, workingDaysAgo: 0, stores: 0 }, chainStores: false, sales: { days: 0, entryDays: 0, accurateShare: 0.8 }, scorecard: { weeks: 0 }, patrols: { inspectorLogin: null }, fixes: { weeks: 0 } },
  },
  async run(ctx, k): Promise<SeedCounts> {
    const { window } = ctx;
    if (k.chainStores) await addChainStores(ctx.pool, window.now);
    const counts = await seedRetailNetwork(ctx.pool, ctx.scope.repIds, window.today);
    const { rows: stores } = await ctx.pool.query(`
      SELECT s.customer_id AS id, c.owner_id, k.user_id AS clerk_id, p.id AS product_id, p.barcode,
             (SELECT sp.code FROM retail_shelf_positions sp WHERE sp.store_id = s.customer_id ORDER BY sp.code LIMIT 1) AS shelf_code
        FROM retail_stores s JOIN customers c ON c.id = s.customer_id
        JOIN LATERAL (SELECT user_id FROM retail_clerks WHERE store_id = s.customer_id ORDER BY user_id LIMIT 1) k ON true
        JOIN retail_products p ON p.sku = $2
       WHERE c.owner_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM retail_launches l WHERE l.store_id = s.customer_id AND l.product_id = p.id)
       ORDER BY s.customer_id LIMIT $3`, [ctx.scope.repIds, DEMO_LAUNCH_SKU, k.launchStores]);
    const d = { now: window.now, publicUrl: ctx.system?.config.publicUrl ?? 'http://localhost' };
    let launches = 0;
    let bound = 0;
    for (const [i, s] of stores.entries()) {
      const plan = LAUNCH_PLAN[i % LAUNCH_PLAN.length]!;
      const rep = await loadActiveActor(ctx.pool, { id: Number(s.owner_id) });
      const clerk = await loadActiveActor(ctx.pool, { id: Number(s.clerk_id) });
      if (!rep || !clerk) continue;
      const day = window.days[Math.max(0, window.days.length - 1 - plan.daysAgo)] ?? addCalendarDays(window.today, -plan.daysAgo);
      const launch = await createLaunch(ctx.pool, rep, { storeId: Number(s.id), productId: Number(s.product_id), launchDate: day }, d);
      launches++;
      if (!plan.bound) continue;
      const r = await submitLaunchStep(ctx.pool, clerk, launch.id, { step: 'bind', shelfCode: s.shelf_code, barcode: s.barcode }, d);
      if (r.result.ok) bound++;
    }
    return {
      ...counts, retail_launches: launches, launch_steps_bound: bound, ...await seedRetailLaunchHistory(ctx, k.launchHistory),
      ...await seedRetailSales(ctx, k.sales),
      // the inspector's own patrols first: the scorecard's weekly rounds fill the weeks before
      ...await seedRetailPatrols(ctx, k.patrols), ...await seedRetailScorecard(ctx, k.scorecard),
      // after the patrols: their findings are what the 整改 answer
      ...await seedRetailFixes(ctx, k.fixes),
    };
  },
});
