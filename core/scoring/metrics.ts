/**
 * How good a probability is, measured on deals whose outcome is known:
 * AUC (how well it ranks won above lost: 0.5 is a coin), Brier score (mean
 * squared error of the probability: lower is better) and calibration (in
 * bins of predicted probability, the mean prediction beside the observed win rate).
 */

/** Area under the ROC curve by ranks (ties counted half); null without both outcomes. */
export function auc(p: readonly number[], y: readonly number[]): number | null {
  const idx = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  const ranks = Array(p.length).fill(0);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]] === p[idx[i]]) j++;
    for (let k = i; k <= j; k++) ranks[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  if (!pos || !neg) return null;
  const sumPos = ranks.reduce((s, r, i) => s + (y[i] === 1 ? r : 0), 0);
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function brier(p: readonly number[], y: readonly number[]): number | null {
  if (!p.length) return null;
  return p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / p.length;
}

export interface CalibrationBin { from: number; to: number; count: number; predicted: number; observed: number }

/** `bins` equal-width bins of the predicted probability; empty bins left out. */
export function calibration(p: readonly number[], y: readonly number[], bins = 5): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    const inBin = p.map((v, i) => i).filter((i) => p[i] >= from && (p[i] < to || (b === bins - 1 && p[i] <= 1)));
    if (!inBin.length) continue;
    out.push({
      from, to, count: inBin.length,
      predicted: inBin.reduce((s, i) => s + p[i], 0) / inBin.length,
      observed: inBin.reduce((s, i) => s + y[i], 0) / inBin.length,
    });
  }
  return out;
}
