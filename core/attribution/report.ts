/**
 * 结果归因报告 for managers (their team) and the director (everyone): which
 * actions won deals close, when, and how each rep's mix compares with the
 * best reps'. Numbers come from the deals and the action flow's records only
 * (core/attribution/occurrences.ts); the arithmetic is compute.ts.
 *
 *   const r = await getAttributionReport(db, actor, { from: '2026-06-01', to: '2026-12-01' }, now);
 */
import type { Actor } from '../auth/actor.js';
import { isPathInSubtree } from '../auth/department-subtree.js';
import { assertCan } from '../auth/permissions.js';
import { scopeSql } from '../auth/scope.js';
import { resolvePeriod, type Period } from '../dashboards/period.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, chineseDay } from '../flow/time.js';
import { readSetting } from '../settings/read.js';
import { attributionReading } from './attribution.setting.js';
import { computeAttribution } from './compute.js';
import { lastDays } from './reading-preview.js';
import { loadClosedDeals, loadKinds, loadOccurrences, loadStages, type DealFilters } from './occurrences.js';
import type { AttributionQuery, AttributionReport } from './schemas.js';

/** How the numbers were made, in the words of the report's 方法 section. */
export const attributionMethod = (smallSampleDeals: number) => [
  '统计对象：统计期内已赢单或输单的商机，按关闭日期计入；动作按发生时商机所处阶段归入该阶段。',
  '赢率置信区间：Wilson 得分区间（95%）；“有/无该动作”的赢率差：Newcombe 混合得分区间（95%，由两个 Wilson 区间合成），区间不含 0 记为“差异显著”。',
  `任一侧少于 ${smallSampleDeals} 个商机时标为“样本少”，仅供参考。各阶段的比较只在到达该阶段的商机之间进行。`,
  '发生时点：动作在商机生命周期中第一次出现的位置（0% 为创建，100% 为关闭）与距创建的天数，取中位数。',
  '这是相关而非因果：赢单商机往往推进得更远、动作更多，请结合阶段行一起看。',
];

/** The period asked for; without one, the setting's last N days (today included). */
export function attributionPeriod(q: Pick<AttributionQuery, 'month' | 'from' | 'to'>, now: Date, defaultDays: number): Period {
  const p = q.month || q.from || q.to ? resolvePeriod(q, now) : lastDays(now, defaultDays);
  const last = addCalendarDays(p.to, -1);
  return { ...p, label: `${chineseDay(p.from, true)}至${chineseDay(last, p.from.slice(0, 4) !== last.slice(0, 4))}` };
}

export async function getAttributionReport(db: Db, actor: Actor, q: AttributionQuery, now: Date): Promise<AttributionReport> {
  // managers (their team) and the director (everyone): the people who coach reps on what wins
  assertCan(actor, 'attribution', 'read');
  const reading = await readSetting(db, attributionReading);
  const period = attributionPeriod(q, now, reading.defaultDays);
  const f: DealFilters = { ownerId: q.ownerId, departmentId: q.departmentId, productLineId: q.productLineId };
  const options = await loadOptions(db, actor);
  const filterLabel = checkFilters(f, options);
  const deals = await loadClosedDeals(db, actor, period, f);
  const occurrences = await loadOccurrences(db, actor, period, f);
  const computed = computeAttribution({ deals, occurrences, kinds: await loadKinds(db), stages: await loadStages(db), reading });
  return {
    period: { from: period.from, to: period.to, label: period.label },
    scope: { label: actor.role === 'director' ? '全公司' : `${options.ownDepartment ?? '本部门'}及下属部门` },
    filters: { ownerId: f.ownerId ?? null, departmentId: f.departmentId ?? null, productLineId: f.productLineId ?? null, label: filterLabel },
    method: attributionMethod(reading.smallSampleDeals),
    ...computed,
    options: { reps: options.reps, departments: options.departments, productLines: options.productLines },
  };
}

interface Options {
  ownDepartment: string | null;
  reps: Array<{ id: number; name: string }>;
  departments: Array<{ id: number; name: string }>;
  productLines: Array<{ id: number; name: string }>;
}

/** The reps, departments and product lines the viewer may filter by. */
async function loadOptions(db: Db, actor: Actor): Promise<Options> {
  const sql = new Sql();
  const reps = await db.query(sql.unprepared(`
    SELECT u.id, u.name FROM users u
     WHERE u.role = 'rep' AND ${scopeSql(actor, { ownerCol: 'u.id', deptCol: 'u.department_id' }, sql)}
        -- a rep who has left still owns the deals they closed
       AND (u.active OR EXISTS (SELECT 1 FROM opportunities o WHERE o.owner_id = u.id AND o.status IN ('won','lost')))
     ORDER BY u.id`));
  const { rows: depts } = await db.query(`SELECT id, name, path FROM departments ORDER BY path`);
  const { rows: lines } = await db.query(`SELECT id, name FROM product_lines ORDER BY id`);
  const repPaths = (await db.query(`SELECT DISTINCT d.path FROM users u JOIN departments d ON d.id = u.department_id WHERE u.role = 'rep'`)).rows.map((r) => r.path as string);
  // departments with sales people under them (not 合规部 or 信息部)
  const visible = depts.filter((d) => (actor.role === 'director' || isPathInSubtree(d.path, actor.departmentPath))
    && repPaths.some((p) => isPathInSubtree(p, d.path)));
  return {
    ownDepartment: depts.find((d) => Number(d.id) === actor.departmentId)?.name ?? null,
    reps: reps.rows.map((r) => ({ id: Number(r.id), name: r.name })),
    departments: visible.map((d) => ({ id: Number(d.id), name: d.name })),
    productLines: lines.map((l) => ({ id: Number(l.id), name: l.name })),
  };
}

/** Refuses a filter naming what does not exist or lies outside the viewer's scope; the rest named in Chinese. */
function checkFilters(f: DealFilters, o: Options): string {
  const parts: string[] = [];
  const find = (list: Array<{ id: number; name: string }>, id: number | undefined, field: string) => {
    if (id === undefined) return;
    const hit = list.find((x) => x.id === id);
    if (!hit) throw new AppError('ATTRIBUTION_FILTER_UNKNOWN', { field, id });
    parts.push(hit.name);
  };
  find(o.reps, f.ownerId, 'ownerId');
  find(o.departments, f.departmentId, 'departmentId');
  find(o.productLines, f.productLineId, 'productLineId');
  return parts.length ? parts.join(' · ') : '全部';
}
