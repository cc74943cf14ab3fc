import { syncOrgFromWecom } from '../core/org/sync-org.js';
import type { JobSpec } from './registry.js';

export const syncOrgJob: JobSpec = {
  name: 'sync-org',
  every: '0 3 * * *',
  run: async (sys) => {
    if (!sys.wecom.connected) return { skipped: '演示模式：未配置企业微信，跳过组织同步' };
    return syncOrgFromWecom(sys.pool, sys.wecom, { now: sys.now(), logger: sys.logger });
  },
};
