/**
 * What reading a setting where it is enforced costs: readSetting (the
 * nearest-scope value of 'followup.standard' for a department three levels
 * down, with 20 versions at each of three scopes) against `SELECT 1` on the
 * same pool, so the ratio says how many round trips' worth it is.
 *
 *   npm run bench -- settings-read
 */
import '../core/zod-locale.js';
import { pathToFileURL } from 'node:url';
import { followUpStandard } from '../core/actions/followup-standard.setting.js';
import { readSetting } from '../core/settings/read.js';
import { openBenchDatabase } from './bench-db.js';
import { median, printTable, resultRows, type BenchResult } from './report.js';

const N = 2000;
const ROUNDS = 3;

async function usPerOp(f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await f();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await f();
  return ((performance.now() - t0) * 1000) / N;
}

export async function run(): Promise<BenchResult> {
  const db = await openBenchDatabase({ fresh: true, poolSize: 2 });
  try {
    const { rows: [d] } = await db.pool.query(
      `WITH a AS (INSERT INTO departments (name, path) VALUES ('总部', '/') RETURNING id),
            b AS (INSERT INTO departments (name, parent_id, path) SELECT '大区', id, '/' || id || '/' FROM a RETURNING id, path),
            c AS (INSERT INTO departments (name, parent_id, path) SELECT '小组', id, path || currval(pg_get_serial_sequence('departments', 'id')) || '/' FROM b RETURNING id, path)
       SELECT (SELECT id FROM b) AS region, c.id AS team, c.path FROM c`);
    for (let v = 1; v <= 20; v++) {
      for (const dept of [null, d.region, d.team]) {
        await db.pool.query(
          `INSERT INTO setting_versions (key, department_id, customer_type, version, value) VALUES ('followup.standard', $1, 'store', $2, $3)`,
          [dept, v, JSON.stringify({ actionItem: 'dated', actionItemMaxDaysAhead: 14, minNewDocuments: 0, requireDecisionChainUpdate: false, minSummaryChars: 10, minAttachments: v % 3 })]);
      }
    }
    const baseline: number[] = [];
    const reads: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      baseline.push(await usPerOp(() => db.pool.query('SELECT 1')));
      reads.push(await usPerOp(() => readSetting(db.pool, followUpStandard, { customerType: 'store', departmentPath: d.path })));
    }
    const [b, s] = [median(baseline), median(reads)];
    return {
      name: '设置读取 settings-read (nearest scope of followup.standard)',
      metrics: { us_per_read: Math.round(s), us_per_select_1: Math.round(b) },
      ratios: { us_per_read: Math.round((s / b) * 100) / 100 },
    };
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printTable(result.name, resultRows(result));
}
