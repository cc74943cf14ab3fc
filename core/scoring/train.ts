/**
 * Training the organisation's own model from its closed deals, each as it
 * stood at three moments of its life (facts replayed to each), once there are
 * enough of both outcomes (the setting 赢率信号's 训练…至少, 20 each by default).
 *
 * Backtest, split by time: fit on the deals closed before T (the first 70 %),
 * predict the ones closed after, and report AUC, Brier score and calibration —
 * beside a static-field baseline fitted the same way on industry (customer
 * type), region, product line and amount (there is no headcount to use). The
 * model in force is then fitted on every closed deal.
 *
 *   const report = await trainOrgModel(pool, now);   // { status: 'learned', backtest: { learned: { auc }, baseline: { auc } } }
 */
import { isPool, type Db } from '../db/pool.js';
import { recordEvent } from '../resources/events.js';
import { readSetting } from '../settings/read.js';
import { loadScoreFactsAt, refreshStageNorms } from './facts.js';
import { FEATURES, featureVector, interceptPrior } from './features.js';
import { fitLogistic, predictLogistic } from './logistic.js';
import { auc, brier, calibration, type CalibrationBin } from './metrics.js';
import { signalSettings, type SignalSettings } from './signals.setting.js';

export interface Metrics { auc: number | null; brier: number | null; calibration: CalibrationBin[] }

export interface Backtest {
  /** Deals closed up to `splitAt` trained, the later ones tested. */
  splitAt: string;
  /** Deals on each side of the split; each is tested at every snapshot of its life. */
  trainCount: number;
  testCount: number;
  snapshots: number;
  learned: Metrics;
  baseline: Metrics;
}

export type TrainReport =
  | { status: 'insufficient'; won: number; lost: number; needWon: number; needLost: number }
  | { status: 'learned'; modelId: number; won: number; lost: number; backtest: Backtest; ms: number };

interface ClosedDeal {
  id: number;
  createdAt: Date;
  closedAt: Date;
  won: number;
  type: string;
  region: number | null;
  productLine: number | null;
  amount: number;
}

const TRAIN_SHARE = 0.7;
const FACT_BATCH = 2000;

export async function trainOrgModel(db: Db, now: Date): Promise<TrainReport> {
  const t0 = performance.now();
  const settings = await readSetting(db, signalSettings);
  const deals = await closedDeals(db, now);
  const won = deals.filter((d) => d.won).length;
  const lost = deals.length - won;
  if (won < settings.learnFromEach || lost < settings.learnFromEach) {
    return { status: 'insufficient', won, lost, needWon: Math.max(0, settings.learnFromEach - won), needLost: Math.max(0, settings.learnFromEach - lost) };
  }
  // once before the snapshots, which would otherwise refresh stale norms side by side
  await refreshStageNorms(db, now);
  const perDeal = await features(db, deals, settings);
  const backtest = timeSplitBacktest(deals, perDeal, settings);
  const X = perDeal.flat();
  const model = fitModel(X, perDeal.flatMap((rows, i) => rows.map(() => deals[i].won)), settings);
  const means = FEATURES.map((_, j) => X.reduce((s, x) => s + x[j], 0) / X.length);
  const { rows: [row] } = await db.query(
    `INSERT INTO scoring_models (trained_at, won, lost, features, beta, means, backtest) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [now, won, lost, JSON.stringify(FEATURES.map((f) => f.key)), JSON.stringify(model), JSON.stringify(means), JSON.stringify(backtest)]);
  // every open deal is queued for rescoring under the new model (the event log's trigger)
  await recordEvent(db, { actorId: null, entityType: 'scoring_model', entityId: Number(row.id), type: 'scoring_model.trained', at: now, data: { won, lost } });
  return { status: 'learned', modelId: Number(row.id), won, lost, backtest, ms: Math.round(performance.now() - t0) };
}

async function closedDeals(db: Db, now: Date): Promise<ClosedDeal[]> {
  const { rows } = await db.query(
    `SELECT o.id, o.created_at, o.closed_at, (o.status = 'won')::int AS won, c.type, c.department_id, o.product_line_id, o.amount
       FROM opportunities o JOIN customers c ON c.id = o.customer_id
      WHERE o.status IN ('won','lost') AND o.closed_at IS NOT NULL AND o.closed_at <= $1 ORDER BY o.closed_at, o.id`, [now]);
  return rows.map((r) => ({
    id: Number(r.id), createdAt: r.created_at, closedAt: r.closed_at, won: r.won, type: r.type, region: r.department_id, productLine: r.product_line_id, amount: Number(r.amount),
  }));
}

/**
 * Where in its life a closed deal is looked at: a third and two thirds of the way, and just
 * before it closed (the close itself is the outcome, not a feature). Open deals are scored at
 * every point of their lives, and a deal only seen at its end would teach that being at the
 * last stage wins — true, and useless a month earlier.
 */
const SNAPSHOTS = [1 / 3, 2 / 3, 1];

/** Each deal's features at each snapshot: SNAPSHOTS.length rows per deal, in the deals' order. */
async function features(db: Db, deals: readonly ClosedDeal[], settings: SignalSettings): Promise<number[][][]> {
  const out: number[][][] = [];
  for (let i = 0; i < deals.length; i += FACT_BATCH) {
    const batch = deals.slice(i, i + FACT_BATCH);
    const snapshot = (frac: number) => loadScoreFactsAt(db, batch.map((d) => ({
      id: d.id, asOf: new Date(d.createdAt.getTime() + (d.closedAt.getTime() - 1 - d.createdAt.getTime()) * frac),
    })));
    // a pool reads the snapshots side by side (the database's cores); a transaction's client one after another
    const snaps = [];
    if (isPool(db)) snaps.push(...await Promise.all(SNAPSHOTS.map(snapshot)));
    else for (const frac of SNAPSHOTS) snaps.push(await snapshot(frac));
    for (const d of batch) out.push(snaps.map((f) => featureVector(f.get(d.id)!, settings)));
  }
  return out;
}

/** The MAP fit around the prior model's weights: few deals stay near them, many let the data speak. */
export function fitModel(X: number[][], y: number[], settings: SignalSettings): number[] {
  const priors = [interceptPrior(settings), ...FEATURES.map((f) => f.prior(settings))];
  return fitLogistic(X, y, { priorMean: priors.map((p) => p.mean), priorStrength: priors.map((p) => p.strength) }).beta;
}

/** Train on the deals closed first, test on every snapshot of the later ones (the baseline's fields do not change). */
function timeSplitBacktest(deals: readonly ClosedDeal[], perDeal: number[][][], settings: SignalSettings): Backtest {
  const k = Math.max(1, Math.min(deals.length - 1, Math.floor(deals.length * TRAIN_SHARE)));
  const rowsOf = (from: number, to: number) => ({
    X: perDeal.slice(from, to).flat(),
    y: perDeal.slice(from, to).flatMap((rows, i) => rows.map(() => deals[from + i].won)),
  });
  const train = rowsOf(0, k);
  const test = rowsOf(k, deals.length);
  const beta = fitModel(train.X, train.y, settings);
  const learnedP = test.X.map((x) => predictLogistic(beta, x));
  const testY = test.y;
  const S = staticFeatures(deals);
  const y = deals.map((d) => d.won);
  const staticBeta = fitLogistic(S.slice(0, k), y.slice(0, k), { priorStrength: 1 }).beta;
  const baselineP = S.slice(k).flatMap((x) => SNAPSHOTS.map(() => predictLogistic(staticBeta, x)));
  return {
    splitAt: deals[k - 1].closedAt.toISOString(), trainCount: k, testCount: deals.length - k, snapshots: SNAPSHOTS.length,
    learned: metricsOf(learnedP, testY), baseline: metricsOf(baselineP, testY),
  };
}

const metricsOf = (p: number[], y: number[]): Metrics => ({ auc: auc(p, y), brier: brier(p, y), calibration: calibration(p, y) });

/** The baseline's fields: customer type, region and product line as indicators, and the amount. */
export function staticFeatures(deals: ReadonlyArray<Pick<ClosedDeal, 'type' | 'region' | 'productLine' | 'amount'>>): number[][] {
  const levels = <T>(vals: T[]) => [...new Set(vals)].slice(1, 30);
  const types = levels(deals.map((d) => d.type));
  const regions = levels(deals.map((d) => d.region));
  const lines = levels(deals.map((d) => d.productLine));
  return deals.map((d) => [
    ...types.map((t) => (d.type === t ? 1 : 0)),
    ...regions.map((r) => (d.region === r ? 1 : 0)),
    ...lines.map((l) => (d.productLine === l ? 1 : 0)),
    Math.log1p(d.amount / 10_000),
  ]);
}

/** The model in force: the newest training's, when there is one. */
export async function loadActiveModel(db: Db): Promise<{ id: number; beta: number[]; means: number[]; won: number; lost: number; trainedAt: Date; backtest: Backtest } | null> {
  const { rows: [r] } = await db.query('SELECT * FROM scoring_models ORDER BY id DESC LIMIT 1');
  if (!r) return null;
  // a model trained on another feature list (an older release) is not applied to this one's vectors
  if (JSON.stringify(r.features) !== JSON.stringify(FEATURES.map((f) => f.key))) return null;
  return { id: Number(r.id), beta: r.beta, means: r.means, won: r.won, lost: r.lost, trainedAt: r.trained_at, backtest: r.backtest };
}
