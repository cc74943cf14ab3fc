/**
 * The H5 app's weight: gzipped JS+CSS a phone downloads to open each page
 * cold (index.html's entry and its static imports, plus the page's chunk and
 * its static imports, plus their CSS), from Vite's manifest of the current
 * build. Budget (issue "The WeCom H5 app"): the rep's visit flow ≤ 250 KB.
 * Chunks a page loads later (ECharts inside the graph, the JS-SDK inside
 * WeCom only, the barcode decoder on the first scan outside WeCom) are reported
 * separately as `lazy_*`, with the files they fetch (the decoder's .wasm).
 *
 *   npx tsx bench/bundle-size.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { printTable, type BenchResult, type ReportRow } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'miniprogram', 'dist');
const BUDGET_KB = 250;

interface Chunk { file: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[]; assets?: string[] }
type Manifest = Record<string, Chunk>;

const gzCache = new Map<string, number>();
function gzBytes(file: string): number {
  if (!gzCache.has(file)) gzCache.set(file, gzipSync(readFileSync(path.join(DIST, file)), { level: 9 }).length);
  return gzCache.get(file)!;
}

/** Every file (JS and CSS) loaded with `key`, following static imports only. */
function closure(m: Manifest, key: string, seen = new Set<string>(), files = new Set<string>()): Set<string> {
  if (seen.has(key)) return files;
  seen.add(key);
  const c = m[key];
  files.add(c.file);
  for (const css of c.css ?? []) files.add(css);
  for (const i of c.imports ?? []) closure(m, i, seen, files);
  return files;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const sum = (files: Iterable<string>) => [...files].reduce((n, f) => n + gzBytes(f), 0);

export async function run(): Promise<BenchResult> {
  execFileSync(process.execPath, [path.join(ROOT, 'miniprogram', 'build-if-stale.mjs')], { stdio: 'inherit' });
  const m = JSON.parse(readFileSync(path.join(DIST, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const entryKey = Object.keys(m).find((k) => m[k].isEntry)!;
  const shell = closure(m, entryKey);
  const metrics: Record<string, number | string> = { shell_kb_gz: kb(sum(shell)) };
  const rows: ReportRow[] = [{ name: 'app shell (index.html entry)', value: kb(sum(shell)), unit: 'KB gz' }];

  const pages = Object.keys(m).filter((k) => /src\/pages\/.*Page\.vue$/.test(k)).sort();
  for (const key of pages) {
    const files = closure(m, key, new Set(), new Set(shell));
    const name = path.basename(key, '.vue').replace(/Page$/, '');
    const total = kb(sum(files));
    metrics[`${name}_first_load_kb_gz`] = total;
    rows.push({ name: `${name} (cold open)`, value: total, unit: 'KB gz' });
  }
  for (const [key, c] of Object.entries(m)) {
    if (!c.isDynamicEntry || pages.includes(key)) continue;
    const files = closure(m, key);
    for (const a of c.assets ?? []) files.add(a);
    for (const f of shell) files.delete(f);
    const name = `lazy_${path.basename(c.src ?? key).replace(/\.(vue|js|ts)$/, '').replace(/[^\w]/g, '_')}_kb_gz`;
    metrics[name] = kb(sum(files));
    rows.push({ name: `${c.src ?? key} (lazy, on top)`, value: metrics[name] as number, unit: 'KB gz' });
  }
  const visit = metrics.Visit_first_load_kb_gz as number;
  metrics.visit_flow_budget_kb_gz = BUDGET_KB;
  metrics.visit_flow_within_budget = visit <= BUDGET_KB ? 'yes' : 'NO';
  printTable('H5 bundle (gzip -9 of JS+CSS)', rows);
  return { name: 'H5 bundle size per page', metrics, ratios: { visit_vs_budget: Math.round((visit / BUDGET_KB) * 1000) / 1000 } };
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
