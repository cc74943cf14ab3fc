/**
 * What a change of the 结果归因 reading numbers does to the whole company's
 * report, before it is saved: how many comparisons are labelled 样本少 and how
 * many reps are ranked for the top quartile, then and after.
 */
import { WHOLE_COMPANY as EVERYONE } from '../auth/actor.js';
import { makePeriod } from '../dashboards/period.js';
import type { Db } from '../db/pool.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import type { PreviewResult } from '../settings/define.js';
import type { AttributionReading } from './attribution.setting.js';
import { computeAttribution } from './compute.js';
import { loadClosedDeals, loadKinds, loadOccurrences, loadStages } from './occurrences.js';

/** The period a report without one covers: the last `days` days, today included. */
export function lastDays(now: Date, days: number) {
  const today = shanghaiDate(now);
  return makePeriod(addCalendarDays(today, 1 - days), addCalendarDays(today, 1));
}

export async function previewAttributionReading(db: Db, c: { before: AttributionReading; after: AttributionReading; now: Date }): Promise<PreviewResult> {
  const [kinds, stages] = [await loadKinds(db), await loadStages(db)];
  const read = async (r: AttributionReading) => {
    const period = lastDays(c.now, r.defaultDays);
    const deals = await loadClosedDeals(db, EVERYONE, period, {});
    const report = computeAttribution({ deals, occurrences: await loadOccurrences(db, EVERYONE, period, {}), kinds, stages, reading: r });
    const rows = [...report.actions, ...report.byStage];
    return { deals: deals.length, rows: rows.length, small: rows.filter((x) => x.smallSample).length, ranked: report.reps.items.filter((x) => x.eligible).length, reps: report.reps.items.length };
  };
  const [was, will] = [await read(c.before), await read(c.after)];
  const change = (a: number, b: number) => (a === b ? `${b}` : `${a} → ${b}`);
  return {
    summary: `全公司默认统计期（最近 ${change(c.before.defaultDays, c.after.defaultDays)} 天）内已结商机 ${change(was.deals, will.deals)} 个；`
      + `标为“样本少”的比较 ${change(was.small, will.small)} 项，参与前四分之一排名的业务员 ${change(was.ranked, will.ranked)} 名`,
    lines: [
      `动作与阶段的比较共 ${will.rows} 项，其中 ${will.small} 项任一侧少于 ${c.after.smallSampleDeals} 个商机`,
      `${will.reps} 名业务员中 ${will.ranked} 名有不少于 ${c.after.minRepDeals} 个已结商机`,
    ],
  };
}
