/** Shapes of /api/dashboards* and /api/obstacles* as the pages use them (see core/dashboards/schemas.ts). */
export type Status = 'green' | 'amber' | 'red' | null;

export interface Trend { delta: number | null; direction: 'up' | 'down' | 'flat' | null; better: boolean | null; display: string }

export interface Figure {
  metric: string; name: string; group: 'water_level' | 'health'; unit: 'percent' | 'days';
  value: number | null; display: string; numerator: number | null; denominator: number | null; median: number | null;
  status: Status; statusLabel: string | null; target: string | null;
  previous: { value: number | null; display: string; period: Period };
  trend: Trend; definition: string; note: string | null;
}

export interface Period { from: string; to: string; label: string }

export interface DashboardOverview {
  period: Period; previousPeriod: Period; scope: { role: string; label: string };
  items: Figure[];
  stageDwell: Array<{ stage: string; name: string; exits: number; meanDays: number | null; medianDays: number | null; display: string }>;
}

export interface BreakdownRow {
  key: string; label: string; value: number | null; display: string; numerator: number | null; denominator: number | null;
  median: number | null; status: Status; drill: Record<string, string> | null;
}

export interface MetricBreakdown extends Figure {
  period: Period; groupBy: string | null; groupBys: string[]; rows: BreakdownRow[];
}

export interface RecordsPage {
  metric: string; name: string; recordNoun: string; definition: string; period: Period;
  columns: Array<{ key: string; label: string; type: 'text' | 'number' | 'datetime' | 'date' | 'boolean' }>;
  items: Array<Record<string, string | number | boolean | null>>;
  nextCursor: string | null; total: number; note: string | null;
}

export const TONE: Record<string, string> = { green: 'green', amber: 'orange', red: 'red', '': '' };

/** Colour of a trend: better is green, worse red, whatever the direction. */
export function TREND_TONE(t: Trend): string {
  return t.better === null ? '' : t.better ? 'up' : 'down';
}

export const GROUP_LABELS: Record<string, string> = {
  owner: '按业务员', department: '按区域', productLine: '按产品线', stage: '按阶段', day: '按日', week: '按周', month: '按月', field: '按字段',
};
