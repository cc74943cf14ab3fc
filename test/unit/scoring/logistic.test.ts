import { expect } from 'chai';
import { fitLogistic, predictLogistic, solve } from '../../../core/scoring/logistic.js';
import { auc, brier, calibration } from '../../../core/scoring/metrics.js';

/** A deterministic stream of numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function sample(n: number, beta: number[], seed: number): { X: number[][]; y: number[] } {
  const r = rng(seed);
  const X = Array.from({ length: n }, () => [r() < 0.5 ? 1 : 0, r() * 3]);
  const y = X.map((x) => (r() < predictLogistic(beta, x) ? 1 : 0));
  return { X, y };
}

describe('logistic regression with a prior on the coefficients', () => {
  it('recovers the coefficients that made the data when the data are many and the prior weak', () => {
    const truth = [-1, 1.5, -0.8];
    const { X, y } = sample(20_000, truth, 7);
    const fit = fitLogistic(X, y, { priorStrength: 0.001 });
    expect(fit.converged).to.equal(true);
    fit.beta.forEach((b, j) => expect(b, `beta[${j}]`).to.be.closeTo(truth[j], 0.1));
  });

  it('stays near the prior with a handful of deals and moves to the data as they grow', () => {
    const truth = [0, 2, 0];
    const prior = { priorMean: [0, 0, 0], priorStrength: [0.01, 5, 5] };
    const few = sample(40, truth, 3);
    const many = sample(20_000, truth, 3);
    const bFew = fitLogistic(few.X, few.y, prior).beta[1];
    const bMany = fitLogistic(many.X, many.y, prior).beta[1];
    expect(Math.abs(bFew)).to.be.lessThan(Math.abs(bMany));
    expect(bMany).to.be.closeTo(2, 0.15);
  });

  it('keeps a coefficient finite when a feature separates the outcomes perfectly (the prior regularises)', () => {
    const X = [[0], [0], [0], [1], [1], [1]];
    const y = [0, 0, 0, 1, 1, 1];
    const fit = fitLogistic(X, y, { priorStrength: 1 });
    expect(Number.isFinite(fit.beta[1])).to.equal(true);
    expect(fit.beta[1]).to.be.greaterThan(0.5).and.lessThan(10);
  });

  it('solves a small linear system', () => {
    expect(solve([[2, 1], [1, 3]], [3, 5]).map((v) => Math.round(v * 1e9) / 1e9)).to.deep.equal([0.8, 1.4]);
  });
});

describe('model quality measures', () => {
  it('AUC: 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties, null without both outcomes', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).to.equal(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).to.equal(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).to.equal(0.5);
    expect(auc([0.3, 0.7, 0.4], [0, 1, 1])).to.equal(1);
    expect(auc([0.3, 0.7], [1, 1])).to.equal(null);
  });

  it('Brier score is the mean squared error of the probabilities', () => {
    expect(brier([1, 0, 0.5], [1, 0, 1])).to.be.closeTo(0.25 / 3, 1e-12);
  });

  it('calibration puts predictions in bins with their observed win rate, leaving out empty bins', () => {
    const bins = calibration([0.1, 0.15, 0.9, 0.95, 1], [0, 1, 1, 1, 0], 5);
    expect(bins).to.deep.equal([
      { from: 0, to: 0.2, count: 2, predicted: 0.125, observed: 0.5 },
      { from: 0.8, to: 1, count: 3, predicted: (0.9 + 0.95 + 1) / 3, observed: 2 / 3 },
    ]);
  });
});
