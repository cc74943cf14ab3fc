/**
 * 门店健康度评分卡 as each role reads it: the stores it can see ranked within
 * their region for a week or a month (a manager their region, the director
 * all, an inspector their route, a rep their stores, a clerk their own), one
 * store's card — twelve metrics with bands, definitions, the trend over the
 * last periods and what to improve first — and a suggested improvement made
 * a 门店整改 action for the store in one tap.
 *
 *   const r = await rankStores(db, manager, { period: 'month' }, now);
 *   const card = await storeScorecard(db, manager, storeId, { period: 'week', start: '2026-11-30' }, now);
 *   await createScorecardAction(db, manager, storeId, { metric: 'display_compliance', period: 'month' }, d);
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { isPool, type Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import { STORE_FIX_CODE } from '../flow/retail-actions.js';
import { addCalendarDays, chineseDayRange, shanghaiDate, type IsoDate } from '../flow/time.js';
import { addMonths, mondayOf, monthStart } from '../dashboards/period.js';
import { readSetting } from '../settings/read.js';
import type { FlowDeps } from '../actions/dispatch.js';
import { countScorecard, type CountPeriod } from './scorecard-counts.js';
import { METRICS, type MetricCode } from './scorecard-metrics.js';
import { BAND_LABELS, scoreStore, weakestMetrics, type Band, type StoreScore } from './scorecard-score.js';
import { scorecardSettings } from './scorecard.setting.js';
import { raiseStoreFixes } from './store-fixes.js';
import { storeScopeSql } from './store-scope.js';

export type PeriodKind = 'week' | 'month';
export interface PeriodQuery { period?: PeriodKind; start?: IsoDate }
export interface ScorecardPeriod extends CountPeriod { kind: PeriodKind; label: string; current: boolean }

/** How many periods a store's trend shows, the asked one last. */
export const TREND_PERIODS = 6;

function periodAt(kind: PeriodKind, start: IsoDate, today: IsoDate): ScorecardPeriod {
  const from = kind === 'week' ? mondayOf(start) : monthStart(start);
  const to = kind === 'week' ? addCalendarDays(from, 7) : addMonths(from, 1);
  const label = kind === 'week' ? chineseDayRange(from, to) : `${from.slice(0, 4)}年${Number(from.slice(5, 7))}月`;
  return { kind, from, to, label, current: today >= from && today < to };
}

/** The week or month a query names (its start snapped to the Monday or the 1st), by default the current one; never one still ahead. */
export function resolveScorecardPeriod(q: PeriodQuery, now: Date): ScorecardPeriod {
  const today = shanghaiDate(now);
  const p = periodAt(q.period ?? 'month', q.start ?? today, today);
  if (p.from > today) throw new AppError('SCORECARD_PERIOD_IN_FUTURE', { from: p.from }, `${p.label}还没有开始，只能查看已开始的周或月`);
  return p;
}

export function previousPeriods(p: ScorecardPeriod, n: number, today: IsoDate): ScorecardPeriod[] {
  const out = [p];
  while (out.length < n) {
    const first = out[0]!;
    out.unshift(periodAt(p.kind, first.kind === 'week' ? addCalendarDays(first.from, -7) : addMonths(first.from, -1), today));
  }
  return out;
}

export interface RankedStore {
  id: number; name: string; chain: string; score: number | null; band: Band | null; bandLabel: string | null;
  /** 1 = the region's best; null for a store with no data. */
  rank: number | null;
  metricsWithData: number;
  weakest: Array<{ code: MetricCode; name: string; value: number; bandLabel: string }>;
}
export interface RegionRanking { id: number | null; name: string; stores: RankedStore[]; average: number | null }

function storeFilter(actor: Actor, sql: Sql, storeId?: number): string {
  const scope = storeScopeSql(actor, sql);
  return storeId === undefined ? scope : `${scope} AND s.customer_id = ${sql.param(storeId)}`;
}

const band = (b: Band | null) => (b ? BAND_LABELS[b] : null);

/** Every store the actor sees, scored for the period and ranked within its region (regions by name, stores best first). */
export async function rankStores(db: Db, actor: Actor, q: PeriodQuery, now: Date): Promise<{ period: ScorecardPeriod; regions: RegionRanking[] }> {
  assertCan(actor, 'retail', 'read');
  const period = resolveScorecardPeriod(q, now);
  const settings = await readSetting(db, scorecardSettings);
  const sql = new Sql();
  const filter = storeFilter(actor, sql);
  const counts = await countScorecard(db, sql.fork(), filter, [period], settings, now);
  const { rows } = await db.query(sql.unprepared(`
    SELECT c.id, c.name, s.chain, s.region_id, coalesce(d.name, '未分区域') AS region_name
      FROM retail_stores s JOIN customers c ON c.id = s.customer_id LEFT JOIN departments d ON d.id = s.region_id
     WHERE ${filter}`));
  const regions = new Map<string, RegionRanking>();
  for (const r of rows) {
    const card = scoreStore(counts.get(Number(r.id))?.[0] ?? {}, settings);
    const key = String(r.region_id);
    const region: RegionRanking = regions.get(key) ?? { id: r.region_id === null ? null : Number(r.region_id), name: r.region_name, stores: [], average: null };
    regions.set(key, region);
    region.stores.push({
      id: Number(r.id), name: r.name, chain: r.chain, score: card.score, band: card.band, bandLabel: band(card.band), rank: null,
      metricsWithData: card.metrics.length - card.noData.length,
      weakest: weakestMetrics(card, settings).map((m) => ({ code: m.code, name: m.name, value: m.value!, bandLabel: BAND_LABELS[m.band!] })),
    });
  }
  for (const region of regions.values()) {
    region.stores.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name, 'zh'));
    const scored = region.stores.filter((s) => s.score !== null);
    scored.forEach((s, i) => { s.rank = i + 1; });
    region.average = scored.length ? Math.round((scored.reduce((t, s) => t + s.score!, 0) / scored.length) * 10) / 10 : null;
  }
  return { period, regions: [...regions.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh')) };
}

export interface StoreScorecard {
  store: { id: number; name: string; chain: string; format: string; regionName: string | null };
  period: ScorecardPeriod;
  score: number | null; band: Band | null; bandLabel: string | null;
  overallBands: { excellent: number; fair: number };
  /** Why a metric shows 无数据 and what the score is then. */
  noDataNote: string | null;
  metrics: Array<{
    code: MetricCode; name: string; definition: string; source: string; declared: boolean;
    weight: number; num: number; den: number; value: number | null; band: Band | null; bandLabel: string | null;
    bands: { excellent: number; fair: number };
    trend: Array<number | null>;
  }>;
  trend: Array<{ from: IsoDate; label: string; score: number | null; bandLabel: string | null }>;
  suggestions: Array<{ code: MetricCode; name: string; value: number; bandLabel: string; title: string; openActionId: number | null }>;
}

async function visibleStore(db: Db, actor: Actor, storeId: number) {
  const sql = new Sql();
  const { rows: [store] } = await db.query(sql.unprepared(`
    SELECT c.id, c.name, s.chain, s.format, d.name AS region_name FROM retail_stores s JOIN customers c ON c.id = s.customer_id
      LEFT JOIN departments d ON d.id = s.region_id WHERE ${storeFilter(actor, sql, storeId)}`));
  if (!store) throw new AppError('STORE_NOT_FOUND', { storeId });
  return { id: Number(store.id), name: store.name as string, chain: store.chain as string, format: store.format as string, regionName: store.region_name as string | null };
}

const suggestionTitle = (name: string, period: ScorecardPeriod, value: number, b: Band) =>
  `改进：${name}（${period.label} ${value}%，${BAND_LABELS[b]}）`;
const SUGGESTION_PREFIX = (name: string) => `改进：${name}（`;

/** One store's card for the period, with the trend of the periods before it. */
export async function storeScorecard(db: Db, actor: Actor, storeId: number, q: PeriodQuery, now: Date): Promise<StoreScorecard> {
  assertCan(actor, 'retail', 'read');
  const period = resolveScorecardPeriod(q, now);
  // on a pool, read side by side (a card is a handful of small reads, and on a busy machine each round trip waits
  // for a core); a transaction's one connection takes them in turn. A store out of reach answers 404, never its actions.
  const [store, settings, open] = isPool(db)
    ? await Promise.all([visibleStore(db, actor, storeId), readSetting(db, scorecardSettings), openSuggestedActions(db, storeId)])
    : [await visibleStore(db, actor, storeId), await readSetting(db, scorecardSettings), await openSuggestedActions(db, storeId)];
  const periods = previousPeriods(period, TREND_PERIODS, shanghaiDate(now));
  const sql = new Sql();
  const counts = (await countScorecard(db, sql, `s.customer_id = ${sql.param(storeId)}`, periods, settings, now)).get(storeId) ?? periods.map(() => ({}));
  const cards = counts.map((c) => scoreStore(c, settings));
  const card = cards[cards.length - 1]!;
  return {
    store, period, score: card.score, band: card.band, bandLabel: band(card.band), overallBands: settings.overall,
    noDataNote: noDataNote(card),
    metrics: card.metrics.map((m, i) => ({
      ...m, definition: METRICS[m.code].definition, source: METRICS[m.code].source, declared: !!METRICS[m.code].declared,
      bandLabel: band(m.band), bands: { excellent: settings.metrics[m.code].excellent, fair: settings.metrics[m.code].fair },
      trend: cards.map((c) => c.metrics[i]!.value),
    })),
    trend: cards.map((c, i) => ({ from: periods[i]!.from, label: periods[i]!.label, score: c.score, bandLabel: band(c.band) })),
    suggestions: weakestMetrics(card, settings).map((m) => ({
      code: m.code, name: m.name, value: m.value!, bandLabel: BAND_LABELS[m.band!],
      title: suggestionTitle(m.name, period, m.value!, m.band!),
      openActionId: open.find((a) => a.title.startsWith(SUGGESTION_PREFIX(m.name)))?.id ?? null,
    })),
  };
}

function noDataNote(card: StoreScore): string | null {
  if (!card.noData.length) return null;
  const names = card.noData.map((c) => METRICS[c].name).join('、');
  return card.score === null
    ? `本期十二项指标都没有数据，暂不评分。`
    : `${names}本期没有数据，不计入总分（按其余${card.metrics.length - card.noData.length}项的权重加权）。`;
}

async function openSuggestedActions(db: Db, storeId: number): Promise<Array<{ id: number; title: string }>> {
  const { rows } = await db.query(
    `SELECT id, title FROM actions WHERE customer_id = $1 AND definition_code = $2 AND status = ANY($3) AND title LIKE '改进：%' ORDER BY id`,
    [storeId, STORE_FIX_CODE, OPEN_STATUSES]);
  return rows.map((r) => ({ id: Number(r.id), title: r.title }));
}

/**
 * A suggested improvement as a 门店整改 action for the store; while one for
 * the same metric is still open, asking again returns it instead of a second.
 */
export async function createScorecardAction(
  db: Db, actor: Actor, storeId: number, q: PeriodQuery & { metric: MetricCode }, d: FlowDeps,
): Promise<{ actionId: number; title: string; repeated: boolean }> {
  assertCan(actor, 'retail', 'create');
  const card = await storeScorecard(db, actor, storeId, q, d.now);
  const m = card.metrics.find((x) => x.code === q.metric)!;
  if (m.value === null || m.band === null) throw new AppError('SCORECARD_METRIC_NO_DATA', { metric: q.metric }, `${m.name}本期没有数据，无法据此安排改进`);
  if (m.band === 'excellent') throw new AppError('SCORECARD_METRIC_EXCELLENT', { metric: q.metric }, `${m.name}本期已是“优”，不需要安排改进`);
  // two taps at once make one action: the second waits here, then finds the first's
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('retail.scorecard-action'), $1::int)`, [storeId]);
  const existing = (await openSuggestedActions(db, storeId)).find((a) => a.title.startsWith(SUGGESTION_PREFIX(m.name)));
  if (existing) return { actionId: existing.id, title: existing.title, repeated: true };
  const title = suggestionTitle(m.name, card.period, m.value, m.band);
  const [actionId] = await raiseStoreFixes(db, actor, storeId, [title], d);
  return { actionId: actionId!, title, repeated: false };
}
