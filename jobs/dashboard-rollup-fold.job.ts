import { foldDashboardDeltas } from '../core/dashboards/rollups.js';
import type { JobSpec } from './registry.js';

/**
 * Every 10 seconds: folds the rollup deltas writers appended (migration 007)
 * into dash_daily and its monthly sums dash_monthly (migration 008), so
 * dash_daily_current / dash_monthly_current never have many unfolded rows to add.
 */
export const dashboardRollupFoldJob: JobSpec = {
  name: 'dashboard-rollup-fold',
  every: '10 seconds',
  run: async (sys) => {
    const folded = await foldDashboardDeltas(sys.pool);
    return { folded, summary: `看板汇总：合并了 ${folded} 条增量` };
  },
};
