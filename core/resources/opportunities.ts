import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { likePattern, Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { requireCustomerRef } from './contacts.js';
import { recordEvent } from './events.js';
import { leadScope } from './leads.js';
import { resolveOwner } from './ownership.js';
import { PageQuerySchema, runList, type Page } from './pagination.js';
import { latestTicks, recordTicks, TickEvidenceSchema, TickInfoSchema, TickNote } from './opportunity-ticks.js';
import {
  applyTicks, checklistsAt, firstPosition, loadPipeline, loadPipelines, resolvePipeline, stageView, StageViewSchema, type ChecklistState,
} from './pipeline-view.js';
import { Id, IdParam, OperationalDate, Money, Name, OptionalText } from './schemas.js';

/**
 * Opportunities walk a pipeline (table `pipelines`). Row scope is the owner's:
 * a rep sees their own, a manager their subtree's. Every change bumps
 * `version`; writers may send `expectedVersion` and get 409 if someone was faster.
 */
export const OpportunityStatus = z.enum(['open', 'won', 'lost']);

export const OpportunitySchema = z.object({
  id: z.number(),
  name: z.string(),
  customerId: z.number(),
  customerName: z.string(),
  leadId: z.number().nullable(),
  ownerId: z.number(),
  ownerName: z.string(),
  departmentId: z.number().nullable(),
  productLineId: z.number().nullable(),
  pipelineId: z.number(),
  stageCode: z.string(),
  subStageCode: z.string().nullable(),
  /** Raw ticks per position id ('solution_quote', 'negotiation/legal_review'). */
  checklist: z.record(z.string(), z.record(z.string(), z.boolean())),
  /** On the opportunity's own page: who ticked each item of the current checklists, when, with what evidence. */
  ticks: z.array(TickInfoSchema).optional(),
  amount: z.number(),
  status: OpportunityStatus,
  expectedCloseAt: z.string().nullable(),
  stageEnteredAt: z.string(),
  closedAt: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).extend(StageViewSchema.shape);
export type Opportunity = z.infer<typeof OpportunitySchema>;

const ExpectedVersion = z.number().int().min(1);

export const CreateOpportunitySchema = z.object({
  name: Name,
  customerId: Id,
  leadId: Id.optional(),
  ownerId: Id.optional(),
  productLineId: Id.nullish(),
  pipelineId: Id.optional(),
  amount: Money.optional(),
  expectedCloseAt: OperationalDate.nullish(),
}).strict();

export const UpdateOpportunitySchema = z.object({
  name: Name.optional(),
  amount: Money.optional(),
  expectedCloseAt: OperationalDate.nullable().optional(),
  /** Ticks on the current (sub-)stage's checklist: `{ itemKey: true }`. */
  checklist: z.record(z.string().min(1).max(100), z.boolean())
    .refine((o) => Object.keys(o).length > 0 && Object.keys(o).length <= 50, '检查项数量应为1到50项').optional(),
  /** Evidence for items ticked in `checklist`: `{ itemKey: attachmentId }` (an upload of the caller's). */
  evidence: TickEvidenceSchema.optional(),
  /** A word on the ticks, kept with them. */
  note: TickNote,
  status: OpportunityStatus.optional(),
  /** Why it was won/lost or reopened; kept in the event log. */
  reason: OptionalText(500),
  expectedVersion: ExpectedVersion.optional(),
}).strict().refine((o) => Object.keys(o).some((k) => !['reason', 'expectedVersion', 'evidence', 'note'].includes(k)), '至少修改一个字段')
  .refine((o) => !o.evidence || !!o.checklist, { message: '证据要和勾选的检查项一起提交', path: ['evidence'] });

export const ListOpportunitiesQuery = PageQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  status: OpportunityStatus.optional(),
  stageCode: z.string().trim().min(1).max(100).optional(),
  ownerId: IdParam.optional(),
  customerId: IdParam.optional(),
  departmentId: IdParam.optional(),
  productLineId: IdParam.optional(),
  sort: z.enum(['id', 'createdAt', 'amount', 'stageEnteredAt']).default('id'),
}).strict();

const SORTS = { id: 'o.id', createdAt: 'o.created_at', amount: 'o.amount', stageEnteredAt: 'o.stage_entered_at' } as const;
const SELECT = 'o.*, c.name AS customer_name, u.name AS owner_name';
const FROM = 'opportunities o JOIN customers c ON c.id = o.customer_id JOIN users u ON u.id = o.owner_id';

export const opportunityScope = (actor: Actor, sql: Sql) =>
  scopeSql(actor, { ownerCol: 'o.owner_id', deptCol: 'o.department_id' }, sql);

export function toOpportunity(r: any, pipeline: Parameters<typeof stageView>[0]): Opportunity {
  return {
    id: r.id, name: r.name, customerId: r.customer_id, customerName: r.customer_name, leadId: r.lead_id,
    ownerId: r.owner_id, ownerName: r.owner_name, departmentId: r.department_id, productLineId: r.product_line_id,
    pipelineId: r.pipeline_id, stageCode: r.stage_code, subStageCode: r.sub_stage_code, checklist: r.checklist,
    amount: r.amount, status: r.status, expectedCloseAt: r.expected_close_at, stageEnteredAt: r.stage_entered_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null, version: r.version,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    ...stageView(pipeline, { stageKey: r.stage_code, subStageKey: r.sub_stage_code }, r.checklist),
  };
}

export async function listOpportunities(db: Db, actor: Actor, q: z.infer<typeof ListOpportunitiesQuery>): Promise<Page<Opportunity>> {
  assertCan(actor, 'opportunities', 'read');
  const sql = new Sql();
  const where = [opportunityScope(actor, sql)];
  if (q.q) {
    const like = sql.param(likePattern(q.q));
    where.push(`(o.name ILIKE ${like} OR c.name ILIKE ${like})`);
  }
  if (q.status) where.push(`o.status = ${sql.param(q.status)}`);
  if (q.stageCode) where.push(`o.stage_code = ${sql.param(q.stageCode)}`);
  if (q.ownerId) where.push(`o.owner_id = ${sql.param(q.ownerId)}`);
  if (q.customerId) where.push(`o.customer_id = ${sql.param(q.customerId)}`);
  if (q.productLineId) where.push(`o.product_line_id = ${sql.param(q.productLineId)}`);
  if (q.departmentId) where.push(inDepartmentSubtree(sql, 'o.department_id', { id: q.departmentId }));
  const page = await runList(db, { select: SELECT, from: FROM, where, sql, sortExpr: SORTS[q.sort], idExpr: 'o.id', page: q }, (r: any) => r);
  const pipelines = await loadPipelines(db, page.items.map((r) => r.pipeline_id));
  return { ...page, items: page.items.map((r) => toOpportunity(r, pipelines.get(r.pipeline_id))) };
}

/** The raw row of an opportunity in scope (locked for a change when `lock`), else 404. */
export async function opportunityRowOrThrow(db: Db, actor: Actor, id: number, lock = false): Promise<any> {
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT ${SELECT} FROM ${FROM} WHERE o.id = ${sql.param(id)} AND ${opportunityScope(actor, sql)}${lock ? ' FOR UPDATE OF o' : ''}`));
  if (!rows[0]) throw new AppError('OPPORTUNITY_NOT_FOUND', { id });
  return rows[0];
}

/** Locks an opportunity for a change and checks the caller's `expectedVersion`. */
export async function lockOpportunity(db: Db, actor: Actor, id: number, expectedVersion?: number): Promise<any> {
  assertCan(actor, 'opportunities', 'update');
  const row = await opportunityRowOrThrow(db, actor, id, true);
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new AppError('CONFLICT', { expectedVersion, version: row.version });
  }
  return row;
}

export async function getOpportunityOrThrow(db: Db, actor: Actor, id: number): Promise<Opportunity> {
  assertCan(actor, 'opportunities', 'read');
  const row = await opportunityRowOrThrow(db, actor, id);
  const opp = toOpportunity(row, await loadPipeline(db, row.pipeline_id));
  const latest = await latestTicks(db, id);
  return { ...opp, ticks: opp.checklistProgress.items.flatMap((i) => latest.get(`${i.positionId}:${i.key}`) ?? []) };
}

/** An opportunity named in a request body (e.g. an order's link): in scope, else 422. */
export async function requireOpportunityRef(db: Db, actor: Actor, id: number): Promise<{ id: number; customerId: number }> {
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT o.id, o.customer_id FROM opportunities o WHERE o.id = ${sql.param(id)} AND ${opportunityScope(actor, sql)}`));
  if (!rows[0]) throw new AppError('REFERENCE_INVALID', { opportunityId: id }, '商机不存在或不在你的权限范围内');
  return { id: rows[0].id, customerId: rows[0].customer_id };
}

async function requireLeadRef(db: Db, actor: Actor, leadId: number): Promise<void> {
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`SELECT 1 FROM leads l WHERE l.id = ${sql.param(leadId)} AND ${leadScope(actor, sql)}`));
  if (!rows[0]) throw new AppError('REFERENCE_INVALID', { leadId }, '线索不存在或不在你的权限范围内');
}

export async function createOpportunity(db: Db, actor: Actor, input: z.infer<typeof CreateOpportunitySchema>): Promise<Opportunity> {
  assertCan(actor, 'opportunities', 'create');
  const customer = await requireCustomerRef(db, actor, input.customerId);
  if (input.leadId !== undefined) await requireLeadRef(db, actor, input.leadId);
  const owner = await resolveOwner(db, actor, input.ownerId);
  const { id: pipelineId, pipeline } = await resolvePipeline(db, input.pipelineId);
  const start = firstPosition(pipeline);
  const { rows } = await db.query(
    `INSERT INTO opportunities (name, customer_id, lead_id, owner_id, department_id, product_line_id, pipeline_id,
                                stage_code, sub_stage_code, amount, expected_close_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
    [input.name, customer.id, input.leadId ?? null, owner.id, owner.departmentId,
      input.productLineId === undefined ? customer.productLineId : input.productLineId, pipelineId,
      start.stageKey, start.subStageKey, input.amount ?? 0, input.expectedCloseAt ?? null],
  );
  const id: number = rows[0].id;
  await db.query(
    `INSERT INTO stage_moves (opportunity_id, to_stage, to_sub_stage, kind, by_user_id, owner_id) VALUES ($1,$2,$3,'create',$4,$5)`,
    [id, start.stageKey, start.subStageKey, actor.id, owner.id],
  );
  await recordEvent(db, {
    actorId: actor.id, entityType: 'opportunity', entityId: id, type: 'opportunity.created',
    data: { name: input.name, customerId: customer.id, ownerId: owner.id, stage: start.stageKey, subStage: start.subStageKey, amount: input.amount ?? 0 },
  });
  return getOpportunityOrThrow(db, actor, id);
}

export async function updateOpportunity(
  db: Db, actor: Actor, id: number, input: z.infer<typeof UpdateOpportunitySchema>,
): Promise<Opportunity> {
  const row = await lockOpportunity(db, actor, id, input.expectedVersion);
  let checklist: ChecklistState | null = null;
  if (input.checklist) {
    const pipeline = await loadPipeline(db, row.pipeline_id);
    const pos = { stageKey: row.stage_code, subStageKey: row.sub_stage_code };
    checklist = applyTicks(pipeline, pos, row.checklist, input.checklist);
    const lists = checklistsAt(pipeline, pos);
    const ticks = Object.entries(input.checklist).map(([key, done]) => ({
      positionId: lists.find((l) => l.items.some((i) => i.key === key))!.positionId, key, done,
    }));
    await recordTicks(db, actor, id, ticks, { evidence: input.evidence, note: input.note });
  }
  const statusChanged = input.status !== undefined && input.status !== row.status;
  await db.query(
    `UPDATE opportunities SET name = COALESCE($2, name), amount = COALESCE($3, amount),
       expected_close_at = CASE WHEN $4::boolean THEN $5::date ELSE expected_close_at END,
       checklist = COALESCE($6::jsonb, checklist),
       status = COALESCE($7, status),
       closed_at = CASE WHEN $8::boolean THEN (CASE WHEN $7 = 'open' THEN NULL ELSE now() END) ELSE closed_at END,
       version = version + 1, updated_at = now()
     WHERE id = $1`,
    [id, input.name ?? null, input.amount ?? null, input.expectedCloseAt !== undefined, input.expectedCloseAt ?? null,
      checklist ? JSON.stringify(checklist) : null, input.status ?? null, statusChanged],
  );
  const fields = Object.keys(input).filter((k) => !['status', 'reason', 'expectedVersion', 'evidence', 'note'].includes(k));
  if (fields.length > 0) {
    await recordEvent(db, {
      actorId: actor.id, entityType: 'opportunity', entityId: id, type: 'opportunity.updated',
      data: { fields, ...(input.checklist ? { ticks: input.checklist, stage: row.stage_code, subStage: row.sub_stage_code } : {}) },
    });
  }
  if (statusChanged && input.status === 'won') {
    // a won deal signs the customer: 首单延迟发货 counts from the first signing
    await db.query('UPDATE customers SET signed_at = COALESCE(signed_at, now()) WHERE id = $1', [row.customer_id]);
  }
  if (statusChanged) {
    await recordEvent(db, {
      actorId: actor.id, entityType: 'opportunity', entityId: id, type: 'opportunity.status_changed',
      data: { from: row.status, to: input.status, reason: input.reason ?? null, amount: input.amount ?? row.amount, stage: row.stage_code },
    });
  }
  return getOpportunityOrThrow(db, actor, id);
}
