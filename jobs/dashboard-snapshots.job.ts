import { withTransaction } from '../core/db/pool.js';
import { takeProfileSnapshot } from '../core/dashboards/snapshots.js';
import { shanghaiDate } from '../core/flow/time.js';
import type { JobSpec } from './registry.js';

/**
 * Nightly 00:10: the 客户资料完整度 snapshot for today (≈ the state at the end
 * of yesterday), so past periods keep the value they had (core/dashboards/snapshots.ts).
 */
export const dashboardSnapshotsJob: JobSpec = {
  name: 'dashboard-snapshots',
  every: '10 0 * * *',
  run: async (sys) => {
    const r = await withTransaction(sys.pool, (tx) => takeProfileSnapshot(tx, shanghaiDate(sys.now())));
    return { ...r, summary: `资料完整度快照 ${r.asOf}：${r.customers} 个在营客户，${r.groups} 组` };
  },
};
