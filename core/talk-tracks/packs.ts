/**
 * Talk-track packs as admins author them: sections of advice, objection →
 * answer pairs, files from attachment storage, the words reps ask about it
 * with, and whom it is for (customer types, deal stages, the win-score signals
 * that push it; empty = any). Everyone signed in reads published packs; admins
 * write them and see how each is used (core/talk-tracks/reads.ts).
 *
 *   const pack = await createPack(tx, admin, { title: '价格异议应对话术包', objections: [{ objection: '太贵了', answer: '…' }], … }, now);
 *   await updatePack(tx, admin, pack.id, { ...input, version: pack.version }, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { CUSTOMER_TYPES, CUSTOMER_TYPE_LABELS } from '../flow/types.js';
import { recordEvent } from '../resources/events.js';
import { stripBidi } from '../resources/schemas.js';
import { SIGNAL_RULES, type SignalKind } from '../scoring/rules/index.js';

const text = (max: number, empty: string) => z.string().overwrite(stripBidi).trim().min(1, empty).max(max, `不能超过${max}个字`);

export const SectionSchema = z.strictObject({
  heading: text(40, '请填写小节标题'),
  body: text(2000, '请填写小节内容'),
});
export const ObjectionSchema = z.strictObject({
  objection: text(200, '请填写客户的异议'),
  answer: text(1000, '请填写应答'),
});

const SIGNAL_KINDS = Object.keys(SIGNAL_RULES) as [SignalKind, ...SignalKind[]];

export const PackInputSchema = z.strictObject({
  title: text(60, '请填写话术包名称'),
  summary: z.string().overwrite(stripBidi).trim().max(200, '不能超过200个字').default(''),
  sections: z.array(SectionSchema).max(20, '最多20个小节').default([]),
  objections: z.array(ObjectionSchema).max(30, '最多30组异议应答').default([]),
  keywords: z.array(text(20, '关键词不能为空')).max(20, '最多20个关键词').default([]),
  customerTypes: z.array(z.enum(CUSTOMER_TYPES, { message: '客户类型应为KA连锁、医院、门店或经销商' })).max(4).default([]),
  stageCodes: z.array(z.string().trim().min(1).max(100)).max(20, '最多20个阶段').default([]),
  signalKinds: z.array(z.enum(SIGNAL_KINDS, { message: '不是已有的赢率信号' })).max(SIGNAL_KINDS.length).default([]),
  published: z.boolean().default(true),
}).refine((p) => p.sections.length + p.objections.length > 0, { message: '话术包至少要有一个小节或一组异议应答', path: ['sections'] });
export type PackInput = z.input<typeof PackInputSchema>;

export const PackUpdateSchema = z.strictObject({
  pack: PackInputSchema,
  /** The version the editor started from: someone else's save in between is a conflict, not overwritten. */
  version: z.number().int().min(1),
});

const Option = z.object({ value: z.string(), label: z.string() });

export const PackSchema = z.object({
  id: z.number(),
  title: z.string(),
  summary: z.string(),
  sections: z.array(z.object({ heading: z.string(), body: z.string() })),
  objections: z.array(z.object({ objection: z.string(), answer: z.string() })),
  keywords: z.array(z.string()),
  customerTypes: z.array(z.string()),
  stageCodes: z.array(z.string()),
  signalKinds: z.array(z.string()),
  /** Whom it is for, in words ('KA连锁', '商务谈判', '客户反复下载文档'); empty = everyone. */
  targets: z.array(z.string()),
  published: z.boolean(),
  version: z.number(),
  updatedAt: z.string(),
  updatedBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  attachments: z.array(z.object({ id: z.number(), filename: z.string(), mime: z.string(), size: z.number(), url: z.string() })),
});
export type Pack = z.infer<typeof PackSchema>;

export const TargetOptionsSchema = z.object({
  customerTypes: z.array(Option), stages: z.array(Option), signals: z.array(Option),
});
export type TargetOptions = z.infer<typeof TargetOptionsSchema>;

export function assertMayAuthor(actor: Actor): void {
  assertCan(actor, 'config', 'update');
}

/** What a pack can be aimed at, named: the customer types, every pipeline's stages, the signal rules. */
export async function targetOptions(db: Db): Promise<TargetOptions> {
  // each stage once, named as its first pipeline (the default first) names it, in that pipeline's order
  const { rows } = await db.query(`
    SELECT value, label FROM (
      SELECT DISTINCT ON (s->>'key') s->>'key' AS value, s->>'name' AS label, p.is_default, p.id AS pipeline, x.n
        FROM pipelines p CROSS JOIN LATERAL jsonb_array_elements(p.definition->'stages') WITH ORDINALITY AS x(s, n)
       ORDER BY s->>'key', p.is_default DESC, p.id) t
     ORDER BY is_default DESC, pipeline, n`);
  return {
    customerTypes: CUSTOMER_TYPES.map((t) => ({ value: t, label: CUSTOMER_TYPE_LABELS[t] })),
    stages: rows,
    signals: SIGNAL_KINDS.map((k) => ({ value: k, label: SIGNAL_RULES[k].label })),
  };
}

async function assertStagesExist(db: Db, codes: readonly string[]): Promise<void> {
  if (!codes.length) return;
  const known = new Set((await targetOptions(db)).stages.map((s) => s.value));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', unknown.map((c) => ({ path: 'body.stageCodes', message: `销售流程中没有阶段“${c}”` })));
  }
}

type Parsed = z.output<typeof PackInputSchema>;

function row(p: Parsed): unknown[] {
  return [p.title, p.summary, JSON.stringify(p.sections), JSON.stringify(p.objections), [...new Set(p.keywords)],
    [...new Set(p.customerTypes)], [...new Set(p.stageCodes)], [...new Set(p.signalKinds)], p.published];
}

export async function createPack(db: Db, actor: Actor, input: Parsed, now: Date): Promise<Pack> {
  assertMayAuthor(actor);
  await assertStagesExist(db, input.stageCodes);
  const { rows } = await db.query(
    `INSERT INTO talk_track_packs (title, summary, sections, objections, keywords, customer_types, stage_codes, signal_kinds, published,
                                   created_by, created_at, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11)
     ON CONFLICT (title) DO NOTHING RETURNING id`, [...row(input), actor.id, now]);
  if (!rows[0]) throw titleTaken(input.title);
  await recordEvent(db, { actorId: actor.id, entityType: 'talk_track_pack', entityId: rows[0].id, type: 'talk_track.created', at: now, data: { title: input.title } });
  return getPack(db, actor, rows[0].id);
}

export async function updatePack(db: Db, actor: Actor, id: number, input: z.output<typeof PackUpdateSchema>, now: Date): Promise<Pack> {
  assertMayAuthor(actor);
  const { rows: [before] } = await db.query('SELECT version, title FROM talk_track_packs WHERE id = $1 FOR UPDATE', [id]);
  if (!before) throw new AppError('TALK_TRACK_NOT_FOUND', { id });
  if (before.version !== input.version) throw new AppError('CONFLICT', { version: before.version }, '话术包已被他人修改，请刷新后再保存');
  await assertStagesExist(db, input.pack.stageCodes);
  const taken = await db.query('SELECT 1 FROM talk_track_packs WHERE title = $1 AND id <> $2', [input.pack.title, id]);
  if (taken.rows[0]) throw titleTaken(input.pack.title);
  await db.query(
    `UPDATE talk_track_packs SET title = $1, summary = $2, sections = $3, objections = $4, keywords = $5, customer_types = $6,
            stage_codes = $7, signal_kinds = $8, published = $9, updated_by = $10, updated_at = $11, version = version + 1
      WHERE id = $12`, [...row(input.pack), actor.id, now, id]);
  await recordEvent(db, {
    actorId: actor.id, entityType: 'talk_track_pack', entityId: id, type: 'talk_track.updated', at: now,
    data: { version: input.version + 1, ...(before.title !== input.pack.title ? { renamedFrom: before.title } : {}) },
  });
  return getPack(db, actor, id);
}

const titleTaken = (title: string) => new AppError('TALK_TRACK_TITLE_TAKEN', { title }, `已有名为“${title}”的话术包，请换一个名称`);

/** One pack: a published one for anyone signed in, a draft only for those who author packs. */
export async function getPack(db: Db, actor: Actor, id: number): Promise<Pack> {
  const [pack] = await loadPacks(db, 'p.id = $1', [id]);
  if (!pack || (!pack.published && !canAuthor(actor))) throw new AppError('TALK_TRACK_NOT_FOUND', { id });
  return pack;
}

export const canAuthor = (actor: Actor): boolean => actor.role === 'admin';

/** Packs in title order; drafts only for authors. */
export async function listPacks(db: Db, actor: Actor): Promise<Pack[]> {
  return loadPacks(db, canAuthor(actor) ? 'true' : 'p.published', []);
}

export async function loadPacks(db: Db, where: string, values: unknown[]): Promise<Pack[]> {
  const { rows } = await db.query(
    `SELECT p.*, u.name AS updater_name,
            coalesce((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'filename', coalesce(a.filename, '附件' || a.id), 'mime', a.mime, 'size', a.size)
                                       ORDER BY ta.position, a.id)
                        FROM talk_track_attachments ta JOIN attachments a ON a.id = ta.attachment_id WHERE ta.pack_id = p.id), '[]') AS files
       FROM talk_track_packs p LEFT JOIN users u ON u.id = p.updated_by
      WHERE ${where} ORDER BY p.title`, values);
  if (!rows.length) return [];
  const options = await targetOptions(db);
  const label = (list: Array<{ value: string; label: string }>, v: string) => list.find((o) => o.value === v)?.label ?? v;
  return rows.map((r) => ({
    id: Number(r.id), title: r.title, summary: r.summary, sections: r.sections, objections: r.objections, keywords: r.keywords,
    customerTypes: r.customer_types, stageCodes: r.stage_codes, signalKinds: r.signal_kinds,
    targets: [
      ...r.customer_types.map((v: string) => label(options.customerTypes, v)),
      ...r.stage_codes.map((v: string) => label(options.stages, v)),
      ...r.signal_kinds.map((v: string) => label(options.signals, v)),
    ],
    published: r.published, version: r.version, updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by ? { id: Number(r.updated_by), name: r.updater_name } : null,
    attachments: r.files.map((f: { id: number; filename: string; mime: string; size: number }) => ({
      ...f, size: Number(f.size), url: `/api/talk-tracks/${r.id}/attachments/${f.id}/content`,
    })),
  }));
}
