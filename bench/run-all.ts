/**
 * `npm run bench`: runs every `bench/*.bench.ts` that exports
 * `run(): Promise<BenchResult>`, one after another (they share a 2-core
 * machine, so never in parallel), then prints a summary.
 *
 *   npm run bench                     all of them
 *   npm run bench -- startup rule     only files whose name contains one of the words
 *   BENCH_SCALE=full npm run bench    the generator at 500 reps / 100k customers / 5M events
 */
// like every process entry point (main.ts, test/setup.ts): the benches load schemas that declare OpenAPI metadata
import '../core/zod-locale.js';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatRatio, formatValue, printTable, resultRows, unitOf, type BenchResult } from './report.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

interface Outcome { file: string; seconds: number; result?: BenchResult; error?: string }

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(' ')}`);
  const [load1] = os.loadavg();
  const cores = os.cpus().length;
  console.log(`benchmarks: ${files.join(', ')}`);
  console.log(`node ${process.version}, ${cores} cores, load average ${load1.toFixed(2)}` +
    (load1 > cores * 0.5 ? ' — the machine is busy: absolute numbers will be low; compare the ratios' : ''));

  const outcomes: Outcome[] = [];
  for (const file of files) {
    console.log(`\n━━ ${file} ━━`);
    const t = performance.now();
    try {
      const mod = await import(pathToFileURL(path.join(BENCH_DIR, file)).href);
      if (typeof mod.run !== 'function') throw new Error('does not export run()');
      const result = (await mod.run()) as BenchResult;
      outcomes.push({ file, seconds: (performance.now() - t) / 1000, result });
      printTable(`${result.name} — results`, resultRows(result));
    } catch (err) {
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      outcomes.push({ file, seconds: (performance.now() - t) / 1000, error });
      console.error(`✗ ${file} failed:\n${error}`);
    }
  }
  printSummary(outcomes);
  if (outcomes.some((o) => o.error)) process.exitCode = 1;
}

function printSummary(outcomes: Outcome[]): void {
  const rows = outcomes.flatMap((o) => {
    const head = { name: `${o.result?.name ?? o.file}`, value: o.error ? 'FAILED' : 'ok', unit: `${o.seconds.toFixed(1)} s` };
    if (!o.result) return [head];
    // the headline numbers: those measured against a baseline
    const ratios = o.result.ratios ?? {};
    return [head, ...Object.entries(ratios).map(([k, r]) => ({
      name: `  ${k}`, value: o.result!.metrics[k] ?? '', unit: unitOf(k), ratio: r,
    }))];
  });
  printTable('summary', rows);
  const failed = outcomes.filter((o) => o.error).map((o) => o.file);
  if (failed.length) console.log(`\nfailed: ${failed.join(', ')}`);
  // one line per bench, for pasting into an issue or DESIGN.md
  for (const o of outcomes.filter((x) => x.result)) {
    const r = o.result!;
    const cells = Object.entries(r.metrics).filter(([, v]) => typeof v === 'number').slice(0, 6)
      .map(([k, v]) => `${k}=${formatValue(v)}${r.ratios?.[k] !== undefined ? ` (${formatRatio(r.ratios[k])})` : ''}`);
    console.log(`${r.name}: ${cells.join(', ')}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
