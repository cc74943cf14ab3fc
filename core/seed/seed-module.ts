/**
 * The history generator as a framework: one module per domain (leads,
 * opportunities, visits …), each writing its rows set-based (INSERT … SELECT
 * over generate_series, values hashed from the row's key and the seed), and
 * each with an invariant test in test/integration/seed/. The same modules run
 * at two scales: the demo organisation's 90 days (core/seed/demo-history.ts)
 * and the benchmarks' large organisation (bench/generate-org.ts). A later
 * domain adds one file here and one line in seed-modules.ts.
 *
 *   export const leadsSeed = defineSeedModule({
 *     name: 'leads', label: '线索', after: [],
 *     knobs: { demo: { perRepDay: 0.5 }, bench: { perRepDay: 0.2 } },
 *     async run(ctx, k) { return { leads: await ctx.exec(`INSERT INTO leads … SELECT …`, [...]) }; },
 *   });
 */
import type pg from 'pg';
import type { Storage } from '../attachments/storage.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { IsoDate } from '../flow/time.js';
import type { WorkCalendar } from '../flow/working-days.js';
import type { Exec } from './sql-random.js';

export type SeedScale = 'demo' | 'bench';

/** Rows written, per table. */
export type SeedCounts = Record<string, number>;

/** The days the history covers, anchored to "now" in Asia/Shanghai working days. */
export interface HistoryWindow {
  now: Date;
  /** Shanghai today. */
  today: IsoDate;
  /** Working days of the history, oldest first; today last when it is one. */
  days: IsoDate[];
  /** The next working days after today (due dates of open work fall on them). */
  ahead: IsoDate[];
  calendar: WorkCalendar;
}

/** Whose business is generated: the reps (by id, ascending); their customers are the ones they own. */
export interface SeedScope {
  repIds: number[];
}

export interface SeedContext {
  pool: pg.Pool;
  /** One INSERT (or UPDATE), returning its row count; batched loads may skip FK triggers (sql-random.ts makeExec). */
  exec: Exec;
  scale: SeedScale;
  seed: number;
  window: HistoryWindow;
  scope: SeedScope;
  /** Rows per statement and parallel connections, for the large scale. */
  batch: number;
  concurrency: number;
  /** Where evidence files go (the demo's photos and voice memos); null: rows only. */
  storage: Storage | null;
  /** What the system's own jobs need when a module runs them (the demo's alerts and outbox); null at the bench. */
  system: { config: Config; logger: Logger } | null;
  /** Per module, numbers that replace its scale's (a benchmark's own mix). */
  knobOverrides?: Record<string, Record<string, unknown>>;
  log(message: string): void;
}

export interface SeedModule {
  name: string;
  /** Chinese, for the start log. */
  label: string;
  /** Modules whose rows this one reads (when they run). */
  after: readonly string[];
  run(ctx: SeedContext): Promise<SeedCounts>;
}

/** A module with its numbers at each scale; `run` gets the ones of the context's scale. */
export function defineSeedModule<K>(m: {
  name: string;
  label: string;
  after?: readonly string[];
  knobs: Record<SeedScale, K>;
  run(ctx: SeedContext, knobs: K): Promise<SeedCounts>;
}): SeedModule & { knobs: Record<SeedScale, K> } {
  return {
    name: m.name, label: m.label, after: m.after ?? [], knobs: m.knobs,
    run: (ctx) => m.run(ctx, { ...m.knobs[ctx.scale], ...(ctx.knobOverrides?.[m.name] as Partial<K> | undefined) }),
  };
}

export interface SeedRun {
  modules: Array<{ name: string; label: string; ms: number; rows: SeedCounts }>;
  ms: number;
}

/**
 * Modules in an order that honours every `after` among them; an `after` naming a
 * module not in the list orders nothing (a benchmark may leave the work out).
 * A circle is a programming error.
 */
export function orderModules(modules: readonly SeedModule[]): SeedModule[] {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const out: SeedModule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: SeedModule, path: string[]) => {
    if (state.get(m.name) === 'done') return;
    if (state.get(m.name) === 'visiting') throw new Error(`seed modules depend on each other in a circle: ${[...path, m.name].join(' → ')}`);
    state.set(m.name, 'visiting');
    for (const dep of m.after) {
      const d = byName.get(dep);
      if (d) visit(d, [...path, m.name]);
    }
    state.set(m.name, 'done');
    out.push(m);
  };
  for (const m of modules) visit(m, []);
  return out;
}

export async function runSeedModules(modules: readonly SeedModule[], ctx: SeedContext): Promise<SeedRun> {
  const t0 = performance.now();
  const done: SeedRun['modules'] = [];
  for (const m of orderModules(modules)) {
    const t = performance.now();
    const rows = await m.run(ctx);
    done.push({ name: m.name, label: m.label, ms: performance.now() - t, rows });
  }
  return { modules: done, ms: performance.now() - t0 };
}
