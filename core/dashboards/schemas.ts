/**
 * Request and response shapes of the dashboard API (validation + OpenAPI).
 * Ratios are fractions (0.375), not percentages; every figure carries its
 * `display` text ('37.5%', '—') so no client ever renders NaN.
 */
import { z } from 'zod';
import { IdParam } from '../resources/schemas.js';
import { GROUP_BYS, METRIC_KEYS } from './metrics.js';
import { PeriodQuery, PeriodSchema } from './period.js';

export const MetricParam = z.enum(METRIC_KEYS);
export const MetricParams = z.object({ metric: MetricParam });

const filterQuery = {
  ...PeriodQuery,
  ownerId: IdParam.optional(),
  departmentId: IdParam.optional(),
  productLineId: IdParam.optional(),
  stage: z.string().trim().min(1).max(100).regex(/^[\w/-]+$/, '阶段标识只能包含字母、数字、下划线、/ 和 -').optional(),
};

export const DashboardQuery = z.object(filterQuery).strict();
export const MetricQuery = z.object({ ...filterQuery, groupBy: z.enum(GROUP_BYS).optional() }).strict();

export const RecordsQuery = z.object({
  ...filterQuery,
  /** hit: counted in the numerator (converted, won, on time, effective, skipped, complete); miss: the rest. */
  outcome: z.enum(['hit', 'miss']).optional(),
  /** Completeness: customers missing this profile field (with outcome=miss) or having it (hit). */
  field: z.string().trim().min(1).max(50).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
}).strict();
export const ExportQuery = RecordsQuery.omit({ limit: true, cursor: true }).strict();

export const StatusSchema = z.enum(['green', 'amber', 'red']).nullable();

export const TrendSchema = z.object({
  /** value − previous value (fraction for percentages, days for durations); null when either is missing. */
  delta: z.number().nullable(),
  direction: z.enum(['up', 'down', 'flat']).nullable(),
  /** Whether the change is an improvement; null when flat or unknown. */
  better: z.boolean().nullable(),
  display: z.string(),
});

/** A figure's value as the dashboard and each breakdown bar show it. */
const MeasuredShape = {
  value: z.number().nullable(),
  display: z.string(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** Durations: the median next to the mean (value). */
  median: z.number().nullable(),
  status: StatusSchema,
};

export const FigureSchema = z.object({
  metric: MetricParam,
  name: z.string(),
  group: z.enum(['water_level', 'health']),
  unit: z.enum(['percent', 'days']),
  ...MeasuredShape,
  statusLabel: z.string().nullable(),
  target: z.string().nullable(),
  previous: z.object({ value: z.number().nullable(), display: z.string(), period: PeriodSchema }),
  trend: TrendSchema,
  definition: z.string(),
  note: z.string().nullable(),
}).openapi('DashboardFigure');
export type Figure = z.infer<typeof FigureSchema>;

export const FiltersSchema = z.object({
  ownerId: z.number().nullable(),
  departmentId: z.number().nullable(),
  productLineId: z.number().nullable(),
  stage: z.string().nullable(),
});

export const StageDwellRowSchema = z.object({
  stage: z.string(),
  name: z.string(),
  exits: z.number(),
  meanDays: z.number().nullable(),
  medianDays: z.number().nullable(),
  display: z.string(),
});

export const DashboardOverviewSchema = z.object({
  period: PeriodSchema,
  previousPeriod: PeriodSchema,
  scope: z.object({ role: z.string(), label: z.string() }),
  filters: FiltersSchema,
  /** Water levels first (线索→商机, 商机→合同, 资料完整度), then the process health figures. */
  items: z.array(FigureSchema),
  stageDwell: z.array(StageDwellRowSchema),
  generatedAt: z.string(),
}).openapi('DashboardOverview');

export const BreakdownRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  ...MeasuredShape,
  /** Query parameters that narrow the dashboard (and its records) to this bar; null when it cannot be narrowed. */
  drill: z.record(z.string(), z.string()).nullable(),
});

export const MetricBreakdownSchema = FigureSchema.extend({
  period: PeriodSchema,
  previousPeriod: PeriodSchema,
  filters: FiltersSchema,
  groupBy: z.enum(GROUP_BYS).nullable(),
  /** The breakdowns this metric offers. */
  groupBys: z.array(z.enum(GROUP_BYS)),
  rows: z.array(BreakdownRowSchema),
}).openapi('DashboardMetric');

export const RecordColumnSchema = z.object({ key: z.string(), label: z.string(), type: z.enum(['text', 'number', 'datetime', 'date', 'boolean']) });

export const RecordsPageSchema = z.object({
  metric: MetricParam,
  name: z.string(),
  recordNoun: z.string(),
  definition: z.string(),
  period: PeriodSchema,
  columns: z.array(RecordColumnSchema),
  items: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  nextCursor: z.string().nullable(),
  total: z.number(),
  note: z.string().nullable(),
}).openapi('DashboardRecords');
