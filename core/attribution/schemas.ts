/**
 * The attribution report's query and answer, validated at the HTTP boundary
 * and documented in /openapi.json.
 */
import { z } from 'zod';
import { PeriodQuery } from '../dashboards/period.js';
import { IdParam } from '../resources/schemas.js';

export const AttributionQuery = z.object({
  ...PeriodQuery,
  ownerId: IdParam.optional().meta({ description: '只看这位业务员的商机' }),
  departmentId: IdParam.optional().meta({ description: '只看这个部门（区域、团队）及下属部门的商机' }),
  productLineId: IdParam.optional().meta({ description: '只看这条产品线的商机' }),
}).strict();
export type AttributionQuery = z.infer<typeof AttributionQuery>;

export const AttributionExportQuery = AttributionQuery.extend({
  table: z.enum(['actions', 'reps']).default('actions').meta({ description: 'CSV 导出哪张表：actions 动作归因（默认），reps 业务员动作结构' }),
}).strict();

const Rate = z.object({ rate: z.number(), low: z.number(), high: z.number() });
const Side = z.object({ deals: z.number(), won: z.number(), winRate: Rate.nullable() });
const Outcome = z.object({
  deals: z.number(),
  /** Share of these deals in which the action happened at least once. */
  share: z.number().nullable(),
  perDeal: z.number().nullable(),
  /** Where in the deal's life it first happened: 0 at its creation, 1 at its close (median of the deals with it). */
  medianLifePosition: z.number().nullable(),
  medianDay: z.number().nullable(),
});

export const ActionRowSchema = z.object({
  kind: z.string(), label: z.string(),
  stage: z.string().nullable(), stageName: z.string(),
  population: z.number(),
  with: Side, without: Side,
  difference: z.object({ diff: z.number(), low: z.number(), high: z.number() }).nullable(),
  significant: z.boolean(),
  smallSample: z.boolean(),
  won: Outcome, lost: Outcome,
  /** Deals where it happened at least `threshold` times against the rest (the whole-deal rows, when counts vary). */
  intensity: z.object({
    threshold: z.number(), more: Side, fewer: Side,
    difference: z.object({ diff: z.number(), low: z.number(), high: z.number() }).nullable(), significant: z.boolean(),
  }).nullable(),
});

const Group = z.object({ id: z.number(), name: z.string(), deals: z.number(), won: z.number(), winRate: Rate.nullable() });
const Option = z.object({ id: z.number(), name: z.string() });
const Mix = z.array(z.object({ kind: z.string(), perDeal: z.number() }));

export const AttributionReportSchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  scope: z.object({ label: z.string() }),
  filters: z.object({ ownerId: z.number().nullable(), departmentId: z.number().nullable(), productLineId: z.number().nullable(), label: z.string() }),
  method: z.array(z.string()),
  totals: z.object({ deals: z.number(), won: z.number(), lost: z.number(), winRate: Rate.nullable() }),
  kinds: z.array(z.object({ kind: z.string(), label: z.string() })),
  stages: z.array(z.object({ key: z.string(), name: z.string(), reached: z.number(), won: z.number() })),
  actions: z.array(ActionRowSchema),
  byStage: z.array(ActionRowSchema),
  reps: z.object({
    minDeals: z.number(),
    note: z.string(),
    topQuartile: z.object({ repIds: z.array(z.number()), names: z.array(z.string()), deals: z.number(), won: z.number(), winRate: Rate.nullable(), mix: Mix }).nullable(),
    items: z.array(z.object({
      id: z.number(), name: z.string(), deals: z.number(), won: z.number(), winRate: Rate.nullable(),
      eligible: z.boolean(), inTopQuartile: z.boolean(), mix: Mix,
    })),
  }),
  groups: z.object({ department: z.array(Group), productLine: z.array(Group) }),
  options: z.object({ reps: z.array(Option), departments: z.array(Option), productLines: z.array(Option) }),
}).openapi('AttributionReport');
export type AttributionReport = z.infer<typeof AttributionReportSchema>;
export type ActionRow = z.infer<typeof ActionRowSchema>;
