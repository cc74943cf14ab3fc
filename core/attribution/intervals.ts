/**
 * Confidence intervals for win rates, as the attribution report states them:
 * the Wilson score interval for one rate (it stays inside 0–1 and behaves
 * with small samples and rates near 0 or 1, where the normal approximation
 * does not), and Newcombe's hybrid score interval (his method 10, built from
 * the two Wilson intervals) for the difference of two independent rates.
 *
 *   wilson(7, 10)                 // { rate: 0.7, low: 0.3968, high: 0.8922 } (rounded here)
 *   newcombeDifference(56, 70, 48, 80) // { diff: 0.2, low: 0.0524, high: 0.3339 }
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface RateInterval { rate: number; low: number; high: number }
export interface DifferenceInterval { diff: number; low: number; high: number }

export function wilson(successes: number, n: number, z = Z95): RateInterval | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // exact 0 and 1 at the ends (the formula leaves rounding dust there)
  return { rate: p, low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/** Rate 1 minus rate 2, with Newcombe's hybrid score interval; null when either sample is empty. */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number, z = Z95): DifferenceInterval | null {
  const a = wilson(k1, n1, z);
  const b = wilson(k2, n2, z);
  if (!a || !b) return null;
  const diff = a.rate - b.rate;
  return {
    diff,
    low: diff - Math.sqrt((a.rate - a.low) ** 2 + (b.high - b.rate) ** 2),
    high: diff + Math.sqrt((a.high - a.rate) ** 2 + (b.rate - b.low) ** 2),
  };
}

/** The median of `xs` (null when empty). */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
