/**
 * The attribution report's arithmetic, a pure function of the closed deals
 * and how often each kind of action happened in them (per stage): for each
 * action kind — over all deals, and per stage over the deals that reached the
 * stage — how often and how early it happened in won and in lost deals, and
 * the win rate of deals with it against deals without it, each with its 95%
 * interval; and every rep's action mix beside the top quartile's.
 *
 *   const r = computeAttribution({ deals, occurrences, kinds, stages, reading: { smallSampleDeals: 10, minRepDeals: 3 } });
 *   r.actions[0].with.winRate // { rate: 0.7, low: 0.3968, high: 0.8922 }
 */
import { DAY_MS } from '../flow/time.js';
import { median, newcombeDifference, wilson, type RateInterval } from './intervals.js';
import type { AttributionReading } from './attribution.setting.js';
import type { ActionRow, AttributionReport } from './schemas.js';

export interface ClosedDeal {
  id: number;
  ownerId: number;
  ownerName: string;
  departmentId: number | null;
  departmentName: string | null;
  productLineId: number | null;
  productLineName: string | null;
  won: boolean;
  createdAt: Date;
  closedAt: Date;
  /** The pipeline stages the deal stood in before it closed (a stage jumped over is not among them). */
  stages: string[];
}

/** How often one kind of action happened in one deal while it stood in one stage, and when first. */
export interface Occurrence { dealId: number; kind: string; stage: string | null; count: number; firstAt: Date }

export interface AttributionInput {
  deals: ClosedDeal[];
  occurrences: Occurrence[];
  /** Every kind that may occur, in the order the report lists them. */
  kinds: Array<{ kind: string; label: string }>;
  /** The pipeline's stages in order. */
  stages: Array<{ key: string; name: string }>;
  /** How the report is read (the setting 结果归因报告). */
  reading: Pick<AttributionReading, 'smallSampleDeals' | 'minRepDeals'>;
}

type Tally = { count: number; firstAt: Date };
type Computed = Pick<AttributionReport, 'totals' | 'kinds' | 'stages' | 'actions' | 'byStage' | 'reps' | 'groups'>;

export function computeAttribution(input: AttributionInput): Computed {
  const overall = new Map<number, Map<string, Tally>>();
  const staged = new Map<number, Map<string, Tally>>();
  for (const o of input.occurrences) {
    add(overall, o.dealId, o.kind, o);
    if (o.stage) add(staged, o.dealId, `${o.kind}\u0000${o.stage}`, o);
  }
  const present = new Set(input.occurrences.map((o) => o.kind));
  const kinds = input.kinds.filter((k) => present.has(k.kind));
  const deals = input.deals;
  const won = deals.filter((d) => d.won).length;
  const { smallSampleDeals, minRepDeals } = input.reading;

  const actions = kinds.map((k) => {
    const tally = (d: ClosedDeal) => overall.get(d.id)?.get(k.kind);
    return { ...actionRow(k, null, '全部阶段', deals, tally, smallSampleDeals), intensity: intensity(deals, tally) };
  });
  const byStage: ActionRow[] = [];
  for (const s of input.stages) {
    const reached = deals.filter((d) => d.stages.includes(s.key));
    for (const k of kinds) {
      const row = { ...actionRow(k, s.key, s.name, reached, (d) => staged.get(d.id)?.get(`${k.kind}\u0000${s.key}`), smallSampleDeals), intensity: null };
      if (row.with.deals > 0) byStage.push(row);
    }
  }
  return {
    totals: { deals: deals.length, won, lost: deals.length - won, winRate: wilson(won, deals.length) },
    kinds,
    stages: input.stages.map((s) => {
      const reached = deals.filter((d) => d.stages.includes(s.key));
      return { key: s.key, name: s.name, reached: reached.length, won: reached.filter((d) => d.won).length };
    }),
    actions,
    byStage,
    reps: repMix(deals, kinds, overall, minRepDeals),
    groups: {
      department: groupBy(deals, (d) => d.departmentId, (d) => d.departmentName),
      productLine: groupBy(deals, (d) => d.productLineId, (d) => d.productLineName),
    },
  };
}

function add(m: Map<number, Map<string, Tally>>, dealId: number, key: string, o: Occurrence): void {
  let byKey = m.get(dealId);
  if (!byKey) m.set(dealId, (byKey = new Map()));
  const t = byKey.get(key);
  if (!t) byKey.set(key, { count: o.count, firstAt: o.firstAt });
  else {
    t.count += o.count;
    if (o.firstAt < t.firstAt) t.firstAt = o.firstAt;
  }
}

/** Two groups of deals compared: each group's win rate, and the difference with its interval. */
function compare(a: ClosedDeal[], b: ClosedDeal[]) {
  const wonA = a.filter((d) => d.won).length;
  const wonB = b.filter((d) => d.won).length;
  const difference = newcombeDifference(wonA, a.length, wonB, b.length);
  return {
    a: { deals: a.length, won: wonA, winRate: wilson(wonA, a.length) },
    b: { deals: b.length, won: wonB, winRate: wilson(wonB, b.length) },
    difference,
    significant: !!difference && (difference.low > 0 || difference.high < 0),
  };
}

function actionRow(
  k: { kind: string; label: string }, stage: string | null, stageName: string,
  population: ClosedDeal[], tally: (d: ClosedDeal) => Tally | undefined, smallSampleDeals: number,
): Omit<ActionRow, 'intensity'> {
  const withIt = population.filter((d) => tally(d));
  const without = population.filter((d) => !tally(d));
  const c = compare(withIt, without);
  return {
    kind: k.kind, label: k.label, stage, stageName,
    population: population.length,
    with: c.a, without: c.b, difference: c.difference, significant: c.significant,
    smallSample: withIt.length < smallSampleDeals || without.length < smallSampleDeals,
    won: outcome(population.filter((d) => d.won), tally),
    lost: outcome(population.filter((d) => !d.won), tally),
  };
}

/**
 * How often, not only whether: deals where the action happened at least as often as in the
 * median deal (and at least twice) against the rest — what tells apart an action every deal has.
 */
function intensity(population: ClosedDeal[], tally: (d: ClosedDeal) => Tally | undefined): ActionRow['intensity'] {
  const count = (d: ClosedDeal) => tally(d)?.count ?? 0;
  const threshold = Math.max(2, Math.ceil(median(population.map(count)) ?? 0));
  const more = population.filter((d) => count(d) >= threshold);
  const fewer = population.filter((d) => count(d) < threshold);
  // the same split as with/without says nothing new
  if (!more.length || !fewer.some((d) => count(d) > 0)) return null;
  const c = compare(more, fewer);
  return { threshold, more: c.a, fewer: c.b, difference: c.difference, significant: c.significant };
}

function outcome(deals: ClosedDeal[], tally: (d: ClosedDeal) => Tally | undefined): ActionRow['won'] {
  const seen = deals.map((d) => ({ d, t: tally(d) })).filter((x): x is { d: ClosedDeal; t: Tally } => !!x.t);
  const total = seen.reduce((n, x) => n + x.t.count, 0);
  return {
    deals: deals.length,
    share: deals.length ? seen.length / deals.length : null,
    perDeal: deals.length ? total / deals.length : null,
    medianLifePosition: median(seen.map(({ d, t }) => lifePosition(d, t.firstAt))),
    medianDay: median(seen.map(({ d, t }) => Math.max(0, (t.firstAt.getTime() - d.createdAt.getTime()) / DAY_MS))),
  };
}

/** 0 when the deal was created, 1 when it closed. */
function lifePosition(d: ClosedDeal, at: Date): number {
  const life = d.closedAt.getTime() - d.createdAt.getTime();
  if (life <= 0) return 1;
  return Math.min(1, Math.max(0, (at.getTime() - d.createdAt.getTime()) / life));
}

function repMix(deals: ClosedDeal[], kinds: Array<{ kind: string }>, overall: Map<number, Map<string, Tally>>, minRepDeals: number): Computed['reps'] {
  const byRep = new Map<number, ClosedDeal[]>();
  for (const d of deals) byRep.set(d.ownerId, [...(byRep.get(d.ownerId) ?? []), d]);
  const mixOf = (ds: ClosedDeal[]) => kinds.map((k) => ({
    kind: k.kind,
    perDeal: ds.length ? ds.reduce((n, d) => n + (overall.get(d.id)?.get(k.kind)?.count ?? 0), 0) / ds.length : 0,
  }));
  const reps = [...byRep.entries()].map(([id, ds]) => {
    const w = ds.filter((d) => d.won).length;
    return { id, name: ds[0].ownerName, deals: ds.length, won: w, winRate: wilson(w, ds.length), eligible: ds.length >= minRepDeals, ds };
  });
  // ranked by win rate, then by more deals (a rate on more deals is surer), then by id for a stable answer
  const ranked = reps.filter((r) => r.eligible)
    .sort((a, b) => b.won / b.deals - a.won / a.deals || b.deals - a.deals || a.id - b.id);
  const top = ranked.length >= 2 ? ranked.slice(0, Math.ceil(ranked.length / 4)) : [];
  const topIds = new Set(top.map((r) => r.id));
  const topDeals = top.flatMap((r) => r.ds);
  const topWon = topDeals.filter((d) => d.won).length;
  return {
    minDeals: minRepDeals,
    note: top.length
      ? `前四分之一：已结商机不少于 ${minRepDeals} 个的 ${ranked.length} 名业务员中，赢率最高的 ${top.length} 名；动作结构为其全部已结商机的每单平均次数`
      : `至少需要 2 名业务员各有 ${minRepDeals} 个以上已结商机，才能与前四分之一比较`,
    topQuartile: top.length
      ? { repIds: top.map((r) => r.id), names: top.map((r) => r.name), deals: topDeals.length, won: topWon, winRate: wilson(topWon, topDeals.length), mix: mixOf(topDeals) }
      : null,
    items: reps
      .sort((a, b) => b.deals - a.deals || a.id - b.id)
      .map(({ ds, ...r }) => ({ ...r, inTopQuartile: topIds.has(r.id), mix: mixOf(ds) })),
  };
}

function groupBy(deals: ClosedDeal[], id: (d: ClosedDeal) => number | null, name: (d: ClosedDeal) => string | null) {
  const groups = new Map<number, { id: number; name: string; deals: number; won: number }>();
  for (const d of deals) {
    const key = id(d);
    if (key === null) continue;
    const g = groups.get(key) ?? { id: key, name: name(d) ?? '未命名', deals: 0, won: 0 };
    g.deals += 1;
    if (d.won) g.won += 1;
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => b.deals - a.deals || a.id - b.id)
    .map((g) => ({ ...g, winRate: wilson(g.won, g.deals) as RateInterval | null }));
}
