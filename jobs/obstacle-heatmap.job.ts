import { runScheduledHeatmapPush } from '../core/obstacles/weekly-push.js';
import type { JobSpec } from './registry.js';

/**
 * Every quarter of an hour it checks the push schedule (a setting; default Mondays 08:30): once a week,
 * last week's 跨部门协同堵点热力图 as a WeCom image, then a text card to the H5 heatmap (see weekly-push.ts).
 */
export const obstacleHeatmapJob: JobSpec = {
  name: 'obstacle-heatmap',
  every: '*/15 * * * *',
  run: (sys) => runScheduledHeatmapPush(sys),
};
