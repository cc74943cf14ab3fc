/**
 * The heavy renders, by name: what a heavy operation's handler hands to the
 * worker (core/heavy/worker-pool.ts) through `render(task, input)`. Each is a
 * function of its input alone — that is what lets the result be cached by the
 * input — and runs in a worker thread, never on the request thread, so this
 * module (and echarts, resvg, exceljs behind it) is imported by the worker only.
 *
 * A new kind of heavy work (an import's parse, OCR, a model's training) adds a
 * line here and declares its route `heavy` (api/route-kit.ts).
 */
import { toCsv, toXlsx, toXlsxBook, type Sheet } from '../dashboards/export.js';
import type { Column } from '../dashboards/records.js';
import { clusterWeek, type WeekTexts } from '../obstacles/cluster-week.js';
import type { Heatmap } from '../obstacles/heatmap.js';
import { renderHeatmapSvg, svgToPng } from '../obstacles/render.js';

type Cell = string | number | boolean | null;
export interface TableInput { title: string; columns: Column[]; rows: Array<Record<string, Cell>>; note?: string }

export const HEAVY_TASKS = {
  'obstacles.cluster': (t: WeekTexts) => clusterWeek(t),
  'obstacles.heatmap.svg': (h: Heatmap) => renderHeatmapSvg(h),
  'obstacles.heatmap.png': (h: Heatmap) => svgToPng(renderHeatmapSvg(h)),
  'dashboards.records.csv': (t: TableInput) => toCsv(t.columns, t.rows),
  'dashboards.records.xlsx': (t: TableInput) => toXlsx(t.title, t.columns, t.rows, t.note),
  // a report of several tables (结果归因: actions, reps, method), a sheet each
  'workbook.xlsx': (b: { sheets: Sheet[] }) => toXlsxBook(b.sheets),
} satisfies Record<string, (input: any) => unknown>;

export type HeavyTaskName = keyof typeof HEAVY_TASKS;
export type HeavyInput<T extends HeavyTaskName> = Parameters<(typeof HEAVY_TASKS)[T]>[0];
export type HeavyOutput<T extends HeavyTaskName> = Awaited<ReturnType<(typeof HEAVY_TASKS)[T]>>;
