import { expect } from 'chai';
import type pg from 'pg';
import { loadDashboardSettings } from '../../../core/dashboards/dashboard.setting.js';
import { LIVE_PROFILE_STALE_MS, LIVE_PROFILE_TTL_MS, liveProfileState } from '../../../core/dashboards/snapshots.js';
import { freshDatabase } from '../../support/database.js';

/** The current period's 资料完整度 reads a cached pass over every customer; these pin down how fresh it is. */
describe('dashboards: the live completeness state cache', () => {
  let pool: pg.Pool;
  before(async () => { ({ pool } = await freshDatabase(4)); });

  const customersIn = (rows: Array<{ customers: number }>) => rows.reduce((n, r) => n + r.customers, 0);
  const addCustomer = async (name: string) => pool.query(
    `INSERT INTO customers (name, type, owner_id, department_id, status)
     SELECT $1, 'store', id, department_id, 'active' FROM users WHERE wecom_userid = 'rep.zhao'`, [name]);

  it('serves the cached state within the TTL, the last state at once while one background pass refreshes it, and waits once it is too old', async () => {
    const settings = await loadDashboardSettings(pool);
    const t0 = 1_000_000_000;
    const first = customersIn(await liveProfileState(pool, settings, t0));
    await addCustomer('缓存测试客户一');
    expect(customersIn(await liveProfileState(pool, settings, t0 + LIVE_PROFILE_TTL_MS - 1)), 'within the TTL').to.equal(first);

    // past the TTL: the old state now, the new one as soon as the background pass is done
    const stale = t0 + LIVE_PROFILE_TTL_MS + 1;
    expect(customersIn(await liveProfileState(pool, settings, stale)), 'stale but served').to.equal(first);
    let refreshed = first;
    for (let i = 0; i < 200 && refreshed === first; i++) {
      await new Promise((r) => setTimeout(r, 25));
      refreshed = customersIn(await liveProfileState(pool, settings, stale + 1));
    }
    expect(refreshed, 'after the background pass').to.equal(first + 1);

    // too old to serve: the caller waits for a fresh pass
    await addCustomer('缓存测试客户二');
    expect(customersIn(await liveProfileState(pool, settings, stale + LIVE_PROFILE_STALE_MS + 1))).to.equal(first + 2);
  });

  it('never reuses a state read inside a transaction after it ended', async () => {
    const settings = await loadDashboardSettings(pool);
    const client = await pool.connect();
    try {
      const t0 = 2_000_000_000;
      const first = customersIn(await liveProfileState(client, settings, t0));
      await addCustomer('缓存测试客户三');
      // a client is not a pool: past the TTL it reads again, in the caller's time
      expect(customersIn(await liveProfileState(client, settings, t0 + LIVE_PROFILE_TTL_MS + 1))).to.equal(first + 1);
    } finally {
      client.release();
    }
  });
});
