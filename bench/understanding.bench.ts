/**
 * How many utterances core/understanding reads right: the public table
 * (test/fixtures/understanding/utterances.tsv, target ≥ 97 %) and, when
 * present, the held-out table written without tuning against it
 * (utterances-holdout.tsv, target ≥ 95 %, the stand-in for the unseen set).
 * Also the time to read one message, against a baseline in the same run:
 * jieba segmenting the same text, which every report pays anyway.
 *
 *   npm run bench -- understanding
 *   UTTERANCES=path/to/other.tsv npm run bench -- understanding   (an unseen table in the same format)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { segment, warmUpSegmenter } from '../core/flow/segmenter.js';
import {
  describeFailure, parseUtteranceTable, readTokens, scoreTable, TABLE_PATH, type UtteranceCase,
} from '../test/support/understanding-table.js';
import { msSince, printTable, type BenchResult } from './report.js';

const HOLDOUT = path.join(path.dirname(TABLE_PATH), 'utterances-holdout.tsv');

function scoreFile(file: string): { rate: number; passed: number; total: number; cases: UtteranceCase[] } {
  const cases = parseUtteranceTable(readFileSync(file, 'utf8'));
  const s = scoreTable(cases);
  const rows = Object.entries(s.byGroup).map(([g, v]) => ({ name: g, value: `${v.passed}/${v.total}`, unit: '' }));
  printTable(`${path.basename(file)} — by group`, rows);
  for (const f of s.failures) console.log(`  ✗ ${describeFailure(f)}`);
  return { rate: s.passed / s.total, passed: s.passed, total: s.total, cases };
}

export async function run(): Promise<BenchResult> {
  warmUpSegmenter();
  const metrics: Record<string, number | string> = {};
  const files = [TABLE_PATH, ...(existsSync(HOLDOUT) ? [HOLDOUT] : []), ...(process.env.UTTERANCES ? [process.env.UTTERANCES] : [])];
  let all: UtteranceCase[] = [];
  for (const file of files) {
    const r = scoreFile(file);
    const key = path.basename(file, '.tsv');
    metrics[`${key} passed`] = `${r.passed}/${r.total}`;
    metrics[`${key} %`] = Math.round(r.rate * 1000) / 10;
    all = all.concat(r.cases);
  }
  // time per message: every case read 20 times, against segmenting the same texts
  const ROUNDS = 20;
  let t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) for (const c of all) readTokens(c);
  const perMessage = msSince(t0) / (ROUNDS * all.length);
  t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) for (const c of all) segment(c.text);
  const baseline = msSince(t0) / (ROUNDS * all.length);
  metrics['read one message ms'] = Math.round(perMessage * 1000) / 1000;
  metrics['segment one message ms (baseline)'] = Math.round(baseline * 1000) / 1000;
  return { name: 'understanding', metrics, ratios: { 'read one message ms': Math.round((perMessage / baseline) * 10) / 10 } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(r.metrics)).catch((e) => { console.error(e); process.exitCode = 1; });
}
