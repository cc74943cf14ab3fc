/**
 * The attribution report as tables for CSV and XLSX: Chinese headers, rates
 * in percent with one decimal, the period in Chinese dates. The CSV carries
 * one table (动作归因 or 业务员动作结构); the workbook all three sheets.
 *
 *   const book = attributionWorkbook(report, now); // { sheets: [动作归因, 业务员动作结构, 说明] }
 */
import type { Column } from '../dashboards/records.js';
import type { Sheet } from '../dashboards/export.js';
import { chineseDateTime } from '../flow/time.js';
import type { ActionRow, AttributionReport } from './schemas.js';

type Row = Record<string, string | number | boolean | null>;
const col = (key: string, label: string, type: Column['type'] = 'number'): Column => ({ key, label, type });
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);
const num = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);

const ACTION_COLUMNS: Column[] = [
  col('label', '动作', 'text'), col('stage', '阶段', 'text'), col('population', '商机数'),
  col('withDeals', '有该动作·商机数'), col('withWon', '有该动作·赢单数'), col('withRate', '有该动作·赢率（%）'),
  col('withLow', '有该动作·赢率95%下限（%）'), col('withHigh', '有该动作·赢率95%上限（%）'),
  col('withoutDeals', '无该动作·商机数'), col('withoutWon', '无该动作·赢单数'), col('withoutRate', '无该动作·赢率（%）'),
  col('withoutLow', '无该动作·赢率95%下限（%）'), col('withoutHigh', '无该动作·赢率95%上限（%）'),
  col('diff', '赢率差（百分点）'), col('diffLow', '赢率差95%下限（百分点）'), col('diffHigh', '赢率差95%上限（百分点）'),
  col('significant', '差异显著', 'boolean'), col('small', '样本少', 'boolean'),
  col('wonShare', '赢单中出现比例（%）'), col('wonPerDeal', '赢单每单次数'), col('wonPos', '赢单首次出现·生命周期位置（%）'), col('wonDay', '赢单首次出现·距创建天数'),
  col('moreAt', '次数多·门槛（次）'), col('moreDeals', '次数多·商机数'), col('moreRate', '次数多·赢率（%）'),
  col('fewerDeals', '次数少·商机数'), col('fewerRate', '次数少·赢率（%）'), col('moreDiff', '次数多减少·赢率差（百分点）'),
  col('lostShare', '输单中出现比例（%）'), col('lostPerDeal', '输单每单次数'), col('lostPos', '输单首次出现·生命周期位置（%）'), col('lostDay', '输单首次出现·距创建天数'),
];

function actionRow(r: ActionRow): Row {
  return {
    label: r.label, stage: r.stageName, population: r.population,
    withDeals: r.with.deals, withWon: r.with.won, withRate: pct(r.with.winRate?.rate), withLow: pct(r.with.winRate?.low), withHigh: pct(r.with.winRate?.high),
    withoutDeals: r.without.deals, withoutWon: r.without.won, withoutRate: pct(r.without.winRate?.rate),
    withoutLow: pct(r.without.winRate?.low), withoutHigh: pct(r.without.winRate?.high),
    diff: pct(r.difference?.diff), diffLow: pct(r.difference?.low), diffHigh: pct(r.difference?.high),
    significant: r.significant, small: r.smallSample,
    wonShare: pct(r.won.share), wonPerDeal: num(r.won.perDeal), wonPos: pct(r.won.medianLifePosition), wonDay: num(r.won.medianDay),
    moreAt: r.intensity?.threshold ?? null, moreDeals: r.intensity?.more.deals ?? null, moreRate: pct(r.intensity?.more.winRate?.rate),
    fewerDeals: r.intensity?.fewer.deals ?? null, fewerRate: pct(r.intensity?.fewer.winRate?.rate), moreDiff: pct(r.intensity?.difference?.diff),
    lostShare: pct(r.lost.share), lostPerDeal: num(r.lost.perDeal), lostPos: pct(r.lost.medianLifePosition), lostDay: num(r.lost.medianDay),
  };
}

export function actionsTable(r: AttributionReport): Sheet {
  return { title: '动作归因', columns: ACTION_COLUMNS, rows: [...r.actions, ...r.byStage].map(actionRow) };
}

export function repsTable(r: AttributionReport): Sheet {
  const columns: Column[] = [
    col('name', '业务员', 'text'), col('deals', '已结商机'), col('won', '赢单'), col('rate', '赢率（%）'),
    col('low', '赢率95%下限（%）'), col('high', '赢率95%上限（%）'), col('top', '前四分之一', 'boolean'),
    ...r.kinds.map((k, i) => col(`k${i}`, `${k.label}（每单次数）`)),
  ];
  const mix = (m: Array<{ kind: string; perDeal: number }>) =>
    Object.fromEntries(r.kinds.map((k, i) => [`k${i}`, num(m.find((x) => x.kind === k.kind)?.perDeal ?? 0)]));
  const rows: Row[] = r.reps.items.map((x) => ({
    name: x.name, deals: x.deals, won: x.won, rate: pct(x.winRate?.rate), low: pct(x.winRate?.low), high: pct(x.winRate?.high),
    top: x.inTopQuartile, ...mix(x.mix),
  }));
  const t = r.reps.topQuartile;
  if (t) {
    rows.push({ name: `前四分之一合计（${t.names.join('、')}）`, deals: t.deals, won: t.won, rate: pct(t.winRate?.rate),
      low: pct(t.winRate?.low), high: pct(t.winRate?.high), top: true, ...mix(t.mix) });
  }
  return { title: '业务员动作结构', columns, rows, note: r.reps.note };
}

function methodTable(r: AttributionReport, now: Date): Sheet {
  const lines: Array<[string, string]> = [
    ['统计期', r.period.label], ['查看范围', r.scope.label], ['筛选', r.filters.label],
    ['已结商机', `${r.totals.deals} 个（赢单 ${r.totals.won}，输单 ${r.totals.lost}）`],
    ...r.method.map((m, i): [string, string] => [`口径${i + 1}`, m]),
    ['导出时间', chineseDateTime(now)],
  ];
  return { title: '说明', columns: [col('k', '项目', 'text'), col('v', '内容', 'text')], rows: lines.map(([k, v]) => ({ k, v })) };
}

export function attributionWorkbook(r: AttributionReport, now: Date): { sheets: Sheet[] } {
  return { sheets: [actionsTable(r), repsTable(r), methodTable(r, now)] };
}

/** '结果归因_动作_2026年1月1日至12月7日.csv' */
export function attributionFilename(r: AttributionReport, what: string, ext: string): string {
  return `结果归因_${what}_${r.period.label}.${ext}`;
}
