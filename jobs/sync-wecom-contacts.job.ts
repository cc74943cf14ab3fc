import { syncWecomContacts } from '../core/wecom-contacts/sync.js';
import type { JobSpec } from './registry.js';

/**
 * Nightly 03:20, after the 03:00 organisation sync (so new members are asked about too): WeCom's
 * 客户联系 bound to our contacts where sure, the rest asked of the reps. A WeCom error fails the run
 * with its Chinese reason and writes nothing; Agenda runs it again the next night.
 */
export const syncWecomContactsJob: JobSpec = {
  name: 'sync-wecom-contacts',
  every: '20 3 * * *',
  run: async (sys) => {
    if (!sys.wecom.connected) return { skipped: '演示模式：未配置企业微信，跳过企业微信客户同步' };
    const r = await syncWecomContacts(sys.pool, sys.wecom, { now: sys.now(), logger: sys.logger });
    return { ...r, summary: `企业微信客户：${r.externalContacts} 位，新对应 ${r.bound} 位，待业务员确认 ${r.asked} 条` };
  },
};
