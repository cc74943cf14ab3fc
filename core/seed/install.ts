import type pg from 'pg';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { installTemplate } from './install-template.js';
import { seedDemoOrg } from './seed-demo-org.js';

const SEED_LOCK = 7_100_002;

/**
 * First-start installation, safe to run on every start and from several
 * processes at once: the "销售管理系统" template, then (unless disabled) the
 * demo organisation. Both only add what is missing; admin edits survive.
 */
export async function installDefaults(
  pool: pg.Pool,
  opts: { seedDemo: boolean; now: Date; logger: Logger },
): Promise<{ template: boolean; demo: boolean }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const template = await installTemplate(client, opts.now);
    let demo = false;
    if (opts.seedDemo) {
      const marker = await client.query(
        `INSERT INTO settings (key, value) VALUES ('seed.demo_org', $1) ON CONFLICT (key) DO NOTHING`,
        [JSON.stringify({ installedAt: opts.now.toISOString() })],
      );
      if (marker.rowCount === 1) {
        await seedDemoOrg(client, opts.now, opts.logger);
        demo = true;
      }
    }
    if (template) opts.logger.info('销售管理系统模板已安装');
    return { template, demo };
  });
}
