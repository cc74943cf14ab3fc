import type pg from 'pg';
import { seedRetailNetwork } from '../../core/seed/modules/retail.seed.js';

/** The demo's store network (stores, clerks, catalogue, shelves), its stores shared among every seeded rep. */
export async function seedRetailNetworkForReps(pool: pg.Pool, day: string): Promise<void> {
  const { rows: reps } = await pool.query(`SELECT id FROM users WHERE role = 'rep' ORDER BY id`);
  await seedRetailNetwork(pool, reps.map((r) => Number(r.id)), day);
}
