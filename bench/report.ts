/**
 * Shared shapes and printing for benchmarks. A benchmark module exports
 * `run(): Promise<BenchResult>`; `bench/run-all.ts` runs them in sequence.
 * Benchmarks are not tests: they print numbers, each next to a baseline
 * measured in the same run so the ratio means something on any machine.
 *
 *   printTable('启动', [{ name: 'first start', value: 4210, unit: 'ms', baseline: 1800, ratio: 2.34 }]);
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface BenchResult {
  name: string;
  metrics: Record<string, number | string>;
  /** metric key → value / baseline (or baseline / value for throughputs); the key names the pair. */
  ratios?: Record<string, number>;
}

export interface ReportRow {
  name: string;
  value: number | string;
  unit?: string;
  baseline?: number | string;
  ratio?: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds since `t0` (from `performance.now()`), rounded to 0.1 ms. */
export function msSince(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

export function formatValue(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '';
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** Terminal width of a string: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}

const pad = (s: string, n: number, right = false) => {
  const fill = ' '.repeat(Math.max(0, n - width(s)));
  return right ? fill + s : s + fill;
};

/** Prints an aligned table; numbers right-aligned. Returns the text too (for logs). */
export function printTable(title: string, rows: ReportRow[], out: (s: string) => void = console.log): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio'];
  const cells = rows.map((r) => [r.name, formatValue(r.value), r.unit ?? '', formatValue(r.baseline), formatRatio(r.ratio)]);
  const showCols = header.map((_, i) => i < 2 || cells.some((c) => c[i] !== ''));
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i]))));
  const line = (c: string[]) =>
    c.map((s, i) => (showCols[i] ? pad(s, widths[i], i === 1 || i >= 3) : null)).filter((s) => s !== null).join('  ');
  const rule = widths.filter((_, i) => showCols[i]).map((w) => '-'.repeat(w)).join('  ');
  const text = [`\n${title}`, line(header), rule, ...cells.map(line)].join('\n');
  out(text);
  return text;
}

/** Guesses a unit from a metric key's suffix: `first_start_ms` → ms, `events_rows_per_s` → rows/s. */
export function unitOf(key: string): string {
  if (/_ms$/.test(key)) return 'ms';
  if (/_s$/.test(key) && !/_per_s$/.test(key)) return 's';
  if (/rows_per_s$/.test(key)) return 'rows/s';
  if (/_per_s$/.test(key)) return '/s';
  if (/_mb$/i.test(key)) return 'MB';
  if (/_rows$/.test(key)) return 'rows';
  return '';
}

/** Rows for a BenchResult: each metric, with its ratio when one has the same key. */
export function resultRows(r: BenchResult): ReportRow[] {
  const rows: ReportRow[] = Object.entries(r.metrics).map(([k, v]) => ({
    name: k, value: v, unit: unitOf(k), ratio: r.ratios?.[k],
  }));
  for (const [k, v] of Object.entries(r.ratios ?? {})) {
    if (!(k in r.metrics)) rows.push({ name: k, value: '', ratio: v });
  }
  return rows;
}

/** Runs `fn` under the V8 CPU profiler and writes the profile to `file` (open it in Chrome DevTools); without a file, just runs it. */
export async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
