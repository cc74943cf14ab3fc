/**
 * A store's score from its metrics' counts, pure: each metric is 达标 ÷ 应计
 * as a percentage, banded 优 / 良 / 差 by the setting; the store's score is
 * the weighted mean of the metrics that have data — a metric with nothing to
 * count (应计 0) is 无数据 and left out, never read as zero. The lowest
 * banded metrics become the store's suggested actions.
 *
 *   const card = scoreStore(counts, settings);
 *   card.score; // 78.4, or null when no metric has data
 */
import { METRIC_CODES, METRICS, type MetricCode } from './scorecard-metrics.js';
import type { ScorecardSettings } from './scorecard.setting.js';

export type Band = 'excellent' | 'fair' | 'poor';
export const BAND_LABELS: Record<Band, string> = { excellent: '优', fair: '良', poor: '差' };

export interface MetricCounts { num: number; den: number }
export type StoreCounts = Partial<Record<MetricCode, MetricCounts>>;

export interface MetricScore {
  code: MetricCode;
  name: string;
  weight: number;
  num: number;
  den: number;
  /** 0–100 with one decimal; null = 无数据. */
  value: number | null;
  band: Band | null;
}

export interface StoreScore {
  /** Weighted mean of the metrics with data, one decimal; null when none has data. */
  score: number | null;
  band: Band | null;
  metrics: MetricScore[];
  /** The metrics left out of the score for want of data. */
  noData: MetricCode[];
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

export function bandOf(value: number, b: { excellent: number; fair: number }): Band {
  return value >= b.excellent ? 'excellent' : value >= b.fair ? 'fair' : 'poor';
}

export function scoreStore(counts: StoreCounts, s: ScorecardSettings): StoreScore {
  const metrics = METRIC_CODES.map((code): MetricScore => {
    const { num, den } = counts[code] ?? { num: 0, den: 0 };
    const set = s.metrics[code];
    const value = den > 0 ? oneDecimal((100 * Math.min(num, den)) / den) : null;
    return { code, name: METRICS[code].name, weight: set.weight, num, den, value, band: value === null ? null : bandOf(value, set) };
  });
  let weighted = 0;
  let weights = 0;
  for (const m of metrics) {
    if (m.value === null || m.weight === 0) continue;
    weighted += m.weight * m.value;
    weights += m.weight;
  }
  const score = weights > 0 ? oneDecimal(weighted / weights) : null;
  return {
    score, band: score === null ? null : bandOf(score, s.overall), metrics,
    noData: metrics.filter((m) => m.value === null).map((m) => m.code),
  };
}

const BAND_ORDER: Record<Band, number> = { poor: 0, fair: 1, excellent: 2 };

/**
 * What to improve first: the metrics below 优, worst band first, then the
 * furthest below their 优 line, at most `max` — a store doing well everywhere
 * gets none.
 */
export function weakestMetrics(card: StoreScore, s: ScorecardSettings, max = 3): MetricScore[] {
  const gap = (m: MetricScore) => s.metrics[m.code].excellent - (m.value ?? 0);
  return card.metrics
    .filter((m) => m.band !== null && m.band !== 'excellent' && m.weight > 0)
    .sort((a, b) => BAND_ORDER[a.band!] - BAND_ORDER[b.band!] || gap(b) - gap(a) || b.weight - a.weight)
    .slice(0, max);
}
