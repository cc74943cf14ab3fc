/** `npm run sync-org`: one organisation sync from WeCom, printing what changed. */
import 'dotenv/config';
import '../../core/zod-locale.js';
import { logger } from '../../core/logger.js';
import { loadConfigOrExit, openCliDatabase } from '../../core/startup.js';
import { syncOrgFromWecom } from '../../core/org/sync-org.js';
import { createWecomClient } from '../../core/wecom/create-wecom-client.js';

const config = loadConfigOrExit();
logger.level = process.env.LOG_LEVEL ?? 'warn';
const wecom = createWecomClient(config, logger);
if (!wecom.connected) {
  console.error('未配置企业微信（WECOM_CORP_ID / WECOM_AGENT_ID / WECOM_SECRET），无法同步组织架构');
  process.exit(1);
}
// joins the running app's embedded server, if any, and leaves it running
const db = await openCliDatabase(config, logger);
try {
  const r = await syncOrgFromWecom(db.pool, wecom, { now: new Date(), logger });
  console.log(`同步完成：部门 ${r.departments} 个，新增成员 ${r.usersCreated}，更新 ${r.usersUpdated}，停用 ${r.usersDeactivated}`);
} finally {
  await db.close();
}
