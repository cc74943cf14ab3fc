/**
 * A promotion's uplift and ROI from its stores' sales, by two methods, as a
 * pure function of the figures (core/retail/promotions.ts reads them):
 *
 * - 同店前期对比: each promoted store against itself over the same number of
 *   days just before the promotion (baseline = its pre-period units);
 * - 匹配门店对比: each promoted store's pre-period scaled by how its matched
 *   non-promoted stores (same chain, format and region) moved from their
 *   pre-period to the promotion's days (a difference in differences), so a
 *   season or a holiday that lifts every store is not counted as the
 *   promotion's. A store without a matched store with sales is left out of it.
 *
 * Incremental revenue = extra units × the promoted stores' average selling
 * price in the period (from the imported 销售额); ROI = incremental revenue ÷
 * cost (元 per 元 spent).
 */

export interface StoreFigures {
  storeId: number;
  name: string;
  /** Units of the promoted products in the promotion's days so far, and in as many days before it. */
  during: number;
  pre: number;
  /** Matched non-promoted stores: their units over the same two windows. */
  controls: { names: string[]; during: number; pre: number };
}

export interface MethodResult {
  /** What the stores would have sold without the promotion. */
  baseline: number;
  actual: number;
  uplift: number;
  /** uplift ÷ baseline, in %; null when the baseline is 0. */
  upliftPercent: number | null;
  incrementalRevenue: number | null;
  /** incremental revenue ÷ cost; null without prices. */
  roi: number | null;
  /** Stores the method could judge. */
  stores: number;
}

export interface UpliftResult {
  prePeriod: MethodResult;
  matched: MethodResult;
  /** Promoted stores without a matched store with sales: left out of 匹配门店对比. */
  unmatched: string[];
  unitPrice: number | null;
  perStore: Array<{ storeId: number; name: string; actual: number; preBaseline: number; matchedBaseline: number | null; controls: string[] }>;
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

function method(baseline: number, actual: number, stores: number, unitPrice: number | null, cost: number): MethodResult {
  const uplift = actual - baseline;
  const revenue = unitPrice === null ? null : uplift * unitPrice;
  return {
    baseline: round(baseline, 1), actual, uplift: round(uplift, 1),
    upliftPercent: baseline > 0 ? round((uplift / baseline) * 100, 1) : null,
    incrementalRevenue: revenue === null ? null : round(revenue, 2),
    roi: revenue === null ? null : round(revenue / cost, 2),
    stores,
  };
}

/** `sales`: the promoted stores' 销售额 and the units it covers (rows imported without an amount are not priced). */
export function promotionUplift(stores: StoreFigures[], sales: { amount: number; units: number }, cost: number): UpliftResult {
  const unitPrice = sales.units > 0 ? sales.amount / sales.units : null;
  const perStore = stores.map((s) => ({
    storeId: s.storeId, name: s.name, actual: s.during, preBaseline: s.pre, controls: s.controls.names,
    matchedBaseline: s.controls.pre > 0 ? (s.pre * s.controls.during) / s.controls.pre : null,
  }));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const matched = perStore.filter((s) => s.matchedBaseline !== null);
  return {
    prePeriod: method(sum(perStore.map((s) => s.preBaseline)), sum(perStore.map((s) => s.actual)), perStore.length, unitPrice, cost),
    matched: method(sum(matched.map((s) => s.matchedBaseline!)), sum(matched.map((s) => s.actual)), matched.length, unitPrice, cost),
    unmatched: perStore.filter((s) => s.matchedBaseline === null).map((s) => s.name),
    unitPrice: unitPrice === null ? null : round(unitPrice, 2),
    perStore: perStore.map((s) => ({ ...s, matchedBaseline: s.matchedBaseline === null ? null : round(s.matchedBaseline, 1) })),
  };
}

export const UPLIFT_METHOD = [
  '同店前期对比：促销门店在促销期间（截至最新导入数据）的销量，对比同一批门店在促销开始前同样天数的销量。',
  '匹配门店对比：为每家促销门店找同连锁、同业态、同区域、未参加促销的门店，按它们从前期到促销期的涨跌幅推算促销门店“不促销会卖多少”，再与实际对比，剔除季节、节假日等所有门店共同的变化。',
  '匹配门店在对比期间（促销期及其前期）若自己也在做同一商品的促销，不作为匹配门店：它的销量里有它自己的促销效果，不能代表“不促销会卖多少”。',
  '增量销售额 = 增量销量 × 促销门店促销期间的平均售价（来自导入的销售额）；ROI = 增量销售额 ÷ 促销费用。',
];
