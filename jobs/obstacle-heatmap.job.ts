import { pushWeeklyObstacleHeatmap } from '../core/obstacles/weekly-push.js';
import type { JobSpec } from './registry.js';

/** Mondays 08:30: last week's 跨部门协同堵点热力图 to the directors: the PNG as a WeCom image, then a text card to the H5 heatmap (see weekly-push.ts). */
export const obstacleHeatmapJob: JobSpec = {
  name: 'obstacle-heatmap',
  every: '30 8 * * 1',
  run: (sys) => pushWeeklyObstacleHeatmap(sys),
};
