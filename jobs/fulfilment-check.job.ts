import { runFulfilmentChecks } from '../core/alerts/fulfilment-checks.js';
import type { JobSpec } from './registry.js';

/** Hourly: 首单延迟发货, 返单超期, 订单错漏, 客户投诉升级 (an overdue complaint should not wait for the night). */
export const fulfilmentCheckJob: JobSpec = {
  name: 'fulfilment-check',
  every: '20 * * * *',
  run: async (sys) => {
    const reports = await runFulfilmentChecks(sys);
    return { summary: reports.map((r) => r.summary).join('\n'), reports };
  },
};
