/**
 * `npm run demo:reset`: starts the demo over — every table emptied, the
 * template and the demo organisation installed again and ~90 days of history
 * generated for today. Demo mode on the embedded database only; with `npm
 * start` running it works on that server's database (the app keeps running).
 */
import 'dotenv/config';
import '../../core/zod-locale.js';
import { createStorage } from '../../core/attachments/storage.js';
import { logger } from '../../core/logger.js';
import { resetDemo } from '../../core/seed/demo-history.js';
import { loadConfigOrExit, openCliDatabase } from '../../core/startup.js';

const config = loadConfigOrExit();
logger.level = process.env.LOG_LEVEL ?? 'warn';
if (!config.demoMode || config.DATABASE_URL) {
  console.error(config.demoMode
    ? '使用外部数据库（DATABASE_URL）时不能重置演示数据：重置会清空所有表'
    : '已配置企业微信（非演示模式）：不能重置演示数据');
  process.exit(1);
}
const db = await openCliDatabase(config, logger);
try {
  console.log('正在重置演示数据：清空全部数据，重新安装演示组织并生成近90天的业务记录…');
  const r = await resetDemo(db.pool, { now: new Date(), storage: createStorage(config), system: { config, logger } });
  for (const m of r.modules) console.log(`  ${m.label.padEnd(10, '　')} ${Object.entries(m.rows).map(([k, n]) => `${k} ${n}`).join('，')}`);
  console.log(`✓ 演示数据已重置（截至 ${r.today}），用时 ${(r.ms / 1000).toFixed(1)} 秒`);
} finally {
  await db.close();
}
process.exit(0);
