/**
 * How many utterances core/understanding reads right: the public table
 * (test/fixtures/understanding/utterances.tsv, target ≥ 97 %) and, when
 * present, the held-out tables written without tuning against them
 * (utterances-holdout*.tsv, target ≥ 95 %, the stand-in for the unseen set).
 * Also the time to read one message, against a baseline in the same run:
 * jieba segmenting the same text, which every report pays anyway.
 *
 * The obstacle-topic batches (obstacle-topics-holdout*.tsv): pains said without the library's word; and for
 * every table, the lines that expect no pain point but were read with one (a topic must never be invented).
 *
 * And the learned fallback (core/understanding/learned): its training time and
 * its 10-fold cross-validation over the public table — its accuracy on lines
 * it did not train on, the honest estimate of how it reads unseen phrasing.
 *
 *   npm run bench -- understanding
 *   UTTERANCES=path/to/other.tsv npm run bench -- understanding   (an unseen table in the same format)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { segment, warmUpSegmenter } from '../core/flow/segmenter.js';
import { crossValidate } from '../core/understanding/learned/cross-validation.js';
import { warmUpLearnedReader } from '../core/understanding/learned/reader.js';
import { DEFAULT_OBSTACLE_TOPICS, phrasingsOf } from '../core/understanding/topics/obstacle-topics.setting.js';
import { crossValidateTopics } from '../core/understanding/topics/cross-validation.js';
import {
  describeFailure, parseUtteranceTable, readTokens, scoreTable, TABLE_PATH, type UtteranceCase,
} from '../test/support/understanding-table.js';
import { msSince, printTable, type BenchResult } from './report.js';

/** Every held-out table beside the public one (utterances-holdout*.tsv): written before the tuning they measure. */
const HOLDOUTS = readdirSync(path.dirname(TABLE_PATH)).filter((f) => /^utterances-holdout.*\.tsv$/.test(f)).sort()
  .map((f) => path.join(path.dirname(TABLE_PATH), f));

const OBSTACLE_HOLDOUTS = ['obstacle-topics-holdout.tsv', 'obstacle-topics-holdout2.tsv', 'obstacle-topics-holdout3.tsv']
  .map((f) => path.join(path.dirname(TABLE_PATH), f));

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
  const reader = warmUpLearnedReader();
  metrics['learned reader: training lines'] = reader.examples;
  metrics['learned reader: training ms'] = reader.trainMs;
  const pct = (x: number) => Math.round(x * 1000) / 10;
  const cv = crossValidate(10);
  printTable('learned reader — 10-fold cross-validation on the public table, by family', Object.entries(cv.byFamily)
    .map(([f, v]) => ({ name: f, value: `${v.right}/${v.lines}`, unit: `${pct(v.right / v.lines)} %` })));
  metrics['learned reader: cross-validated accuracy %'] = pct(cv.accuracy);
  metrics['learned reader: acted on %'] = pct(cv.acted.share);
  metrics['learned reader: right when acting %'] = pct(cv.acted.accuracy);
  metrics['learned reader: asked %'] = pct(cv.asked.share);
  const files = [TABLE_PATH, ...HOLDOUTS, ...(process.env.UTTERANCES ? [process.env.UTTERANCES] : [])];
  let all: UtteranceCase[] = [];
  // the obstacle-topic batches, each written before the tuning that followed it (see the files' heads)
  files.push(...OBSTACLE_HOLDOUTS);
  for (const file of files) {
    const r = scoreFile(file);
    const key = path.basename(file, '.tsv');
    metrics[`${key} passed`] = `${r.passed}/${r.total}`;
    metrics[`${key} %`] = Math.round(r.rate * 1000) / 10;
    // never invent a topic: lines that expect no pain point, read with one anyway
    const invented = r.cases.filter((c) => !c.expected.some((e) => e.startsWith('pain=')) && readTokens(c).some((t) => t.startsWith('pain=')));
    metrics[`${key} topics read where none expected`] = `${invented.length}/${r.cases.filter((c) => !c.expected.some((e) => e.startsWith('pain='))).length}`;
    for (const c of invented) console.log(`  ! topic read where none expected: line ${c.line} “${c.text}”: ${readTokens(c).filter((t) => t.startsWith('pain=')).join(' ')}`);
    all = all.concat(r.cases);
  }
  // the learned obstacle-topic reader: how it names topics of public lines it did not learn (the phrasings taught)
  const topics = { ...DEFAULT_OBSTACLE_TOPICS, phrasings: phrasingsOf(DEFAULT_OBSTACLE_TOPICS) };
  const tcv = crossValidateTopics(10, topics.phrasings, topics);
  metrics['topic reader: cross-validated lines with a topic'] = tcv.pains.lines;
  metrics['topic reader: named a topic for %'] = pct(tcv.pains.acted / tcv.pains.lines);
  metrics['topic reader: right when naming %'] = pct(tcv.pains.right / Math.max(1, tcv.pains.acted));
  metrics['topic reader: lines with no topic given one %'] = pct(tcv.none.invented / tcv.none.lines);
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
