/**
 * Numbers → what a dashboard shows: value (null when the denominator is 0,
 * never NaN), display text ('37.5%', '4.2天', '—'), status colour from the
 * thresholds, and the trend against the previous period.
 */
import type { AggregateRow } from './query.js';
import type { MetricDef } from './metrics.js';
import type { DashboardSettings, Status } from './settings.js';
import { describeThreshold, STATUS_LABELS, statusOf } from './settings.js';

export const DASH = '—';

export interface Measure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  median: number | null;
}

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

export function measureOf(metric: MetricDef, row: AggregateRow | undefined, settings: DashboardSettings): Measure {
  if (!row) return { value: null, numerator: null, denominator: null, median: null };
  switch (metric.kind) {
    case 'ratio':
      return { value: row.den > 0 ? finite(row.num / row.den) : null, numerator: row.num, denominator: row.den, median: null };
    case 'dwell':
      return { value: row.count > 0 ? finite(row.mean) : null, numerator: null, denominator: row.count, median: row.count > 0 ? finite(row.median) : null };
    case 'completeness': {
      const weights = settings.profileFields.map((f) => f.weight);
      const total = weights.reduce((a, w) => a + w, 0);
      const points = row.filled.reduce((a, n, i) => a + n * weights[i], 0);
      const max = row.customers * total;
      return { value: max > 0 ? finite(points / max) : null, numerator: points, denominator: max, median: null };
    }
  }
}

/** Per-field fill rate of a completeness row. */
export function fieldRate(row: AggregateRow, i: number): Measure {
  return { value: row.customers > 0 ? row.filled[i] / row.customers : null, numerator: row.filled[i], denominator: row.customers, median: null };
}

export function display(metric: Pick<MetricDef, 'unit'>, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return metric.unit === 'percent' ? `${(Math.round(value * 1000) / 10).toFixed(1)}%` : `${(Math.round(value * 10) / 10).toFixed(1)}天`;
}

export function statusFor(metric: MetricDef, settings: DashboardSettings, value: number | null): Status | null {
  return metric.thresholdKey ? statusOf(settings.thresholds[metric.thresholdKey], value) : null;
}

export function statusLabel(s: Status | null): string | null {
  return s ? STATUS_LABELS[s] : null;
}

export function targetText(metric: MetricDef, settings: DashboardSettings): string | null {
  return metric.thresholdKey ? describeThreshold(settings.thresholds[metric.thresholdKey]) : null;
}

export function trendOf(metric: MetricDef, value: number | null, previous: number | null) {
  if (value === null || previous === null) return { delta: null, direction: null, better: null, display: DASH };
  const delta = value - previous;
  const eps = metric.unit === 'percent' ? 0.0005 : 0.05;
  if (Math.abs(delta) < eps) return { delta, direction: 'flat' as const, better: null, display: '持平' };
  const direction = delta > 0 ? 'up' as const : 'down' as const;
  const better = (direction === 'up') === metric.higherIsBetter;
  const sign = delta > 0 ? '+' : '−';
  const amount = metric.unit === 'percent'
    ? `${(Math.round(Math.abs(delta) * 1000) / 10).toFixed(1)}个百分点`
    : `${(Math.round(Math.abs(delta) * 10) / 10).toFixed(1)}天`;
  return { delta, direction, better, display: `${sign}${amount}` };
}
