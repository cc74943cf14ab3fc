/**
 * The opportunity layer: the customer's own procurement, step by step —
 * 预算申报 → 预算批复 → 招标公告 → 开标 → 中标 — as dated events a rep enters,
 * an external system posts (API/webhook), or a CSV file imports. The same
 * opportunity, stage and day is one event however often it is sent, so
 * imports and webhooks can be retried freely.
 *
 *   await recordProcurementEvent(db, actor, { opportunityId, stage: 'tender_announced', occurredOn: '2026-11-02' }, 'app');
 *   const s = await procurementStatusOf(db, [opportunityId]); // current stage per opportunity
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { shanghaiDate } from '../flow/time.js';
import { parseCsv } from '../imports/csv.js';
import { recordEvent } from '../resources/events.js';
import { requireOpportunityRef } from '../resources/opportunities.js';
import { Id, IdParam, Money, OperationalDate, OptionalText } from '../resources/schemas.js';

export const PROCUREMENT_STAGES = ['budget_requested', 'budget_approved', 'tender_announced', 'bid_opened', 'bid_won'] as const;
export type ProcurementStage = (typeof PROCUREMENT_STAGES)[number];
export const PROCUREMENT_STAGE_LABELS: Record<ProcurementStage, string> = {
  budget_requested: '预算申报', budget_approved: '预算批复', tender_announced: '招标公告', bid_opened: '开标', bid_won: '中标',
};
const STAGE_BY_LABEL = new Map(PROCUREMENT_STAGES.map((s) => [PROCUREMENT_STAGE_LABELS[s], s]));

const StageSchema = z.enum(PROCUREMENT_STAGES, { message: `采购阶段只能是：${Object.values(PROCUREMENT_STAGE_LABELS).join('、')}` });

const EventFields = {
  stage: StageSchema,
  occurredOn: OperationalDate,
  amount: Money.nullish(),
  reference: OptionalText(100),
  note: OptionalText(500),
};
export const NewProcurementEventSchema = z.strictObject(EventFields);
/** What an external system posts: the opportunity in the body. */
export const ProcurementWebhookSchema = z.strictObject({ opportunityId: Id, ...EventFields });

export const ProcurementEventSchema = z.object({
  id: z.number(),
  opportunityId: z.number(),
  stage: StageSchema,
  stageLabel: z.string(),
  occurredOn: z.string(),
  amount: z.number().nullable(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  source: z.enum(['app', 'api', 'import']),
  recordedByName: z.string().nullable(),
  recordedAt: z.string(),
});
export type ProcurementEvent = z.infer<typeof ProcurementEventSchema>;

export const ProcurementStatusSchema = z.object({
  opportunityId: z.number(),
  /** The furthest stage reached; null before the first event. */
  stage: StageSchema.nullable(),
  stageLabel: z.string(),
  occurredOn: z.string().nullable(),
  /** 1–5 of the five steps. */
  step: z.number(),
  events: z.array(ProcurementEventSchema),
});
export type ProcurementStatus = z.infer<typeof ProcurementStatusSchema>;

export const RecordResultSchema = z.object({ event: ProcurementEventSchema, created: z.boolean() });
export const ImportResultSchema = z.object({ created: z.number(), unchanged: z.number(), rows: z.number() });
export const OpportunityIdParams = z.object({ id: IdParam });

function toEvent(r: any): ProcurementEvent {
  return {
    id: r.id, opportunityId: r.opportunity_id, stage: r.stage, stageLabel: PROCUREMENT_STAGE_LABELS[r.stage as ProcurementStage],
    occurredOn: r.occurred_on, amount: r.amount, reference: r.reference, note: r.note, source: r.source,
    recordedByName: r.recorded_by_name ?? null, recordedAt: r.recorded_at.toISOString(),
  };
}

const SELECT = `SELECT e.*, u.name AS recorded_by_name FROM procurement_events e LEFT JOIN users u ON u.id = e.recorded_by`;

function assertNotFuture(occurredOn: string, now: Date, path: string): void {
  if (occurredOn > shanghaiDate(now)) throw new AppError('VALIDATION_FAILED', [{ path, message: '日期不能晚于今天' }]);
}

/**
 * Records one step; a step already recorded for that day is returned as it is
 * (`created: false`), so a retried webhook or import changes nothing.
 */
export async function recordProcurementEvent(
  db: Db, actor: Actor, input: z.infer<typeof NewProcurementEventSchema> & { opportunityId: number },
  source: 'app' | 'api' | 'import', now: Date,
): Promise<{ event: ProcurementEvent; created: boolean }> {
  assertCan(actor, 'opportunities', 'update');
  await requireOpportunityRef(db, actor, input.opportunityId);
  assertNotFuture(input.occurredOn, now, 'body.occurredOn');
  const { rows: [ins] } = await db.query(
    `INSERT INTO procurement_events (opportunity_id, stage, occurred_on, amount, reference, note, source, recorded_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (opportunity_id, stage, occurred_on) DO NOTHING RETURNING id`,
    [input.opportunityId, input.stage, input.occurredOn, input.amount ?? null, input.reference ?? null, input.note ?? null, source, actor.id]);
  // logged (a win score reads the procurement's progress: the log's trigger queues the deal's rescoring)
  if (ins) {
    await recordEvent(db, {
      actorId: actor.id, entityType: 'opportunity', entityId: input.opportunityId, type: 'procurement.recorded', at: now,
      data: { procurementEventId: ins.id, stage: input.stage, occurredOn: input.occurredOn, source },
    });
  }
  const { rows: [r] } = await db.query(`${SELECT} WHERE e.opportunity_id = $1 AND e.stage = $2 AND e.occurred_on = $3`,
    [input.opportunityId, input.stage, input.occurredOn]);
  return { event: toEvent(r), created: !!ins };
}

/** Current stage and history per opportunity (no scope check: the caller has read the opportunities). */
export async function procurementStatusOf(db: Db, opportunityIds: readonly number[]): Promise<Map<number, ProcurementStatus>> {
  const { rows } = await db.query(`${SELECT} WHERE e.opportunity_id = ANY($1::bigint[]) ORDER BY e.occurred_on DESC, e.id DESC`, [opportunityIds]);
  const out = new Map<number, ProcurementStatus>();
  for (const id of opportunityIds) {
    const events = rows.filter((r) => r.opportunity_id === id).map(toEvent);
    // the furthest step reached, not the last one typed in: a late 预算批复 does not undo a 招标公告
    const top = events.reduce<ProcurementEvent | null>((best, e) =>
      (!best || PROCUREMENT_STAGES.indexOf(e.stage) > PROCUREMENT_STAGES.indexOf(best.stage) ? e : best), null);
    out.set(id, {
      opportunityId: id, stage: top?.stage ?? null, stageLabel: top ? top.stageLabel : '尚无采购进展',
      occurredOn: top?.occurredOn ?? null, step: top ? PROCUREMENT_STAGES.indexOf(top.stage) + 1 : 0, events,
    });
  }
  return out;
}

export async function getProcurementStatus(db: Db, actor: Actor, opportunityId: number): Promise<ProcurementStatus> {
  assertCan(actor, 'opportunities', 'read');
  await requireOpportunityRef(db, actor, opportunityId).catch(() => { throw new AppError('OPPORTUNITY_NOT_FOUND', { id: opportunityId }); });
  return (await procurementStatusOf(db, [opportunityId])).get(opportunityId)!;
}

export const CSV_COLUMNS = { opportunity: '商机编号', stage: '采购阶段', date: '日期', amount: '金额', reference: '公告编号', note: '备注' } as const;

/**
 * A CSV of steps (商机编号, 采购阶段, 日期[, 金额, 公告编号, 备注]) — every row
 * checked first, then all written; a file already imported changes nothing.
 */
export async function importProcurementCsv(db: Db, actor: Actor, csv: string, now: Date): Promise<z.infer<typeof ImportResultSchema>> {
  assertCan(actor, 'opportunities', 'update');
  const { rows } = parseCsv(csv, [CSV_COLUMNS.opportunity, CSV_COLUMNS.stage, CSV_COLUMNS.date]);
  const problems: Array<{ path: string; message: string }> = [];
  const parsed: Array<z.infer<typeof NewProcurementEventSchema> & { opportunityId: number }> = [];
  for (const r of rows) {
    const v = r.values;
    const stage = STAGE_BY_LABEL.get(v[CSV_COLUMNS.stage]) ?? v[CSV_COLUMNS.stage];
    const amount = v[CSV_COLUMNS.amount] ? Number(v[CSV_COLUMNS.amount].replace(/[,，]/g, '')) : null;
    const one = ProcurementWebhookSchema.safeParse({
      opportunityId: /^\d{1,15}$/.test(v[CSV_COLUMNS.opportunity]) ? Number(v[CSV_COLUMNS.opportunity]) : v[CSV_COLUMNS.opportunity],
      stage, occurredOn: v[CSV_COLUMNS.date].replace(/\//g, '-'), amount,
      reference: v[CSV_COLUMNS.reference] || null, note: v[CSV_COLUMNS.note] || null,
    });
    if (!one.success) {
      for (const i of one.error.issues) problems.push({ path: `第${r.line}行 ${columnOf(String(i.path[0]))}`, message: i.message });
      continue;
    }
    if (one.data.occurredOn > shanghaiDate(now)) problems.push({ path: `第${r.line}行 ${CSV_COLUMNS.date}`, message: '日期不能晚于今天' });
    const ref = await requireOpportunityRef(db, actor, one.data.opportunityId).catch(() => null);
    if (!ref) problems.push({ path: `第${r.line}行 ${CSV_COLUMNS.opportunity}`, message: `商机 ${one.data.opportunityId} 不存在或不在你的权限范围内` });
    parsed.push(one.data);
  }
  if (rows.length === 0) problems.push({ path: 'file', message: '文件只有表头，没有数据行' });
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems.slice(0, 50));
  let created = 0;
  for (const p of parsed) if ((await recordProcurementEvent(db, actor, p, 'import', now)).created) created++;
  return { created, unchanged: parsed.length - created, rows: parsed.length };
}

function columnOf(key: string): string {
  const map: Record<string, string> = {
    opportunityId: CSV_COLUMNS.opportunity, stage: CSV_COLUMNS.stage, occurredOn: CSV_COLUMNS.date,
    amount: CSV_COLUMNS.amount, reference: CSV_COLUMNS.reference, note: CSV_COLUMNS.note,
  };
  return map[key] ?? key;
}
