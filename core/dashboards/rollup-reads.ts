/**
 * How a period is read from the action/follow-up rollup: as few rows as the
 * levels allow. A month's facts are ~1,500 rows of dash_monthly against
 * ~40,000 of dash_daily (one per rep × product line × day), so whole months
 * come from the monthly level, and a partial month either from its days or —
 * when fewer days lie outside it — as its month minus those days. Every
 * measure is a sum of counts, so the subtraction is exact.
 *
 *   rollupBranches('followup', '2026-11-01', '2026-12-01', ps, true);   // one monthly read
 *   rollupBranches('action', '2026-11-01', '2026-11-28', ps, true);     // November minus 28–30 Nov
 */
import type { Sql } from '../db/sql.js';
import type { IsoDate } from '../flow/time.js';
import { addMonths, daysBetween, monthStart } from './period.js';

export type RollupKind = 'action' | 'followup';

type Sign = '' | '-';

function dailyRows(kind: RollupKind, from: IsoDate, to: IsoDate, ps: Sql, sign: Sign): string {
  return `SELECT r.owner_id, r.department_id, r.product_line_id, r.day AS t, NULL::text AS stage, ${sign}r.total AS den, ${sign}r.hits AS num
            FROM dash_daily_current r
           WHERE r.kind = '${kind}' AND r.day >= ${ps.param(from)}::date AND r.day < ${ps.param(to)}::date`;
}

function monthlyRows(kind: RollupKind, from: IsoDate, to: IsoDate, ps: Sql): string {
  return `SELECT r.owner_id, r.department_id, r.product_line_id, r.month AS t, NULL::text AS stage, r.total AS den, r.hits AS num
            FROM dash_monthly_current r
           WHERE r.kind = '${kind}' AND r.month >= ${ps.param(from)}::date AND r.month < ${ps.param(to)}::date`;
}

/**
 * Fact-source branches (owner_id, department_id, product_line_id, t, stage,
 * den, num; to be joined by UNION ALL) whose sums are the rollup's facts of
 * days [from, to). With `monthGrain` a row's t may be its month's first day
 * (fine unless grouping by day or week); without it every row is one day's.
 */
export function rollupBranches(kind: RollupKind, from: IsoDate, to: IsoDate, ps: Sql, monthGrain: boolean): string[] {
  if (from >= to) return [];
  if (!monthGrain) return [dailyRows(kind, from, to, ps, '')];
  const out: string[] = [];
  let wholeFrom: IsoDate | null = null;
  let wholeTo: IsoDate | null = null;
  for (let m = monthStart(from); m < to; m = addMonths(m, 1)) {
    const end = addMonths(m, 1);
    const a = from > m ? from : m;
    const b = to < end ? to : end;
    if (a === m && b === end) {
      // whole months are contiguous: one read for all of them
      wholeFrom ??= m;
      wholeTo = end;
      continue;
    }
    const inside = daysBetween(a, b);
    if (daysBetween(m, end) - inside < inside) {
      out.push(monthlyRows(kind, m, end, ps));
      if (m < a) out.push(dailyRows(kind, m, a, ps, '-'));
      if (b < end) out.push(dailyRows(kind, b, end, ps, '-'));
    } else {
      out.push(dailyRows(kind, a, b, ps, ''));
    }
  }
  if (wholeFrom && wholeTo) out.push(monthlyRows(kind, wholeFrom, wholeTo, ps));
  return out;
}
