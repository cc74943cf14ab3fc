/**
 * Store patrols (巡店): an inspector's day is the stores of their plan that
 * are due (never patrolled, or last patrolled `every_days` ago or more),
 * ordered as a route by distance; a patrol ticks the store format's checklist
 * with a photo per item; finishing it scores it, flags it as perfunctory when
 * ticked implausibly fast or when its photos fail #19's evidence checks, and
 * turns every failed item into a 门店整改 action for the store's clerk.
 *
 *   const { route } = await patrolRoute(db, inspector, { lat, lng }, now);
 *   const p = await startPatrol(db, inspector, storeId, now);
 *   await tickPatrolItem(db, inspector, p.id, 'display', { passed: false, note: '新品不在指定位', attachmentId }, now);
 *   await finishPatrol(db, inspector, p.id, { now, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { evaluateRules } from '../flow/evaluate-rules.js';
import { haversineKm, type LatLng } from '../flow/geo.js';
import type { GateRuleConfig } from '../flow/rules/index.js';
import { DAY_MS, shanghaiDate } from '../flow/time.js';
import { readSetting } from '../settings/read.js';
import type { FlowDeps } from '../actions/dispatch.js';
import { loadVisitFacts } from '../actions/visit-facts.js';
import { patrolChecklist } from './patrol-checklist.setting.js';
import { patrolRules } from './patrol-rules.setting.js';
import { raiseStoreFixes } from './store-fixes.js';
import { storeScopeSql } from './store-scope.js';

/** The evidence checks a patrol photo must pass (the visit's, in review mode: a failure flags, never blocks). */
const PHOTO_CHECKS: GateRuleConfig[] = [
  { id: 'patrol.photo_unique', kind: 'photo.unique', mode: 'review' },
  { id: 'patrol.photo_camera', kind: 'photo.camera', mode: 'review' },
];

export interface RouteStop {
  store: { id: number; name: string; address: string | null; lat: number | null; lng: number | null };
  everyDays: number;
  lastPatrolAt: string | null;
  /** Kilometres from the stop before (or from where the inspector is, for the first). */
  legKm: number | null;
  openPatrolId: number | null;
}

/** Orders stops greedily: always the nearest unvisited one next; stores without coordinates go last. */
export function orderByDistance<T extends { lat: number | null; lng: number | null }>(stops: T[], from: LatLng | null): Array<T & { legKm: number | null }> {
  const left = [...stops];
  const out: Array<T & { legKm: number | null }> = [];
  let here: LatLng | null = from;
  while (left.length) {
    let best = 0;
    let bestKm = Infinity;
    left.forEach((s, i) => {
      const km = here && s.lat !== null && s.lng !== null ? haversineKm(here, { lat: s.lat, lng: s.lng }) : Infinity;
      if (km < bestKm) { bestKm = km; best = i; }
    });
    const [next] = left.splice(best, 1);
    out.push({ ...next!, legKm: Number.isFinite(bestKm) ? Math.round(bestKm * 10) / 10 : null });
    if (next!.lat !== null && next!.lng !== null) here = { lat: next!.lat, lng: next!.lng };
  }
  return out;
}

/** Today's route (due stores, nearest first) and the rest of the plan. */
export async function patrolRoute(db: Db, actor: Actor, from: LatLng | null, now: Date): Promise<{ route: RouteStop[]; later: RouteStop[] }> {
  if (actor.role !== 'inspector') throw new AppError('FORBIDDEN', { reason: 'only inspectors patrol' }, '只有巡店督导有巡店路线');
  const { rows } = await db.query(
    `SELECT c.id, c.name, c.address, c.lat, c.lng, r.every_days,
            (SELECT max(p.finished_at) FROM retail_patrols p WHERE p.store_id = c.id AND p.finished_at IS NOT NULL) AS last_at,
            (SELECT p.id FROM retail_patrols p WHERE p.store_id = c.id AND p.inspector_id = $1 AND p.finished_at IS NULL) AS open_id
       FROM retail_inspector_stores r JOIN customers c ON c.id = r.store_id WHERE r.inspector_id = $1 ORDER BY c.id`, [actor.id]);
  const today = shanghaiDate(now);
  const due = (r: any) => r.open_id !== null || !r.last_at
    || shanghaiDate(new Date(r.last_at.getTime() + r.every_days * DAY_MS)) <= today;
  const stop = (r: any, legKm: number | null): RouteStop => ({
    store: { id: Number(r.id), name: r.name, address: r.address, lat: r.lat, lng: r.lng }, everyDays: r.every_days,
    lastPatrolAt: r.last_at?.toISOString() ?? null, legKm, openPatrolId: r.open_id === null ? null : Number(r.open_id),
  });
  const route = orderByDistance(rows.filter(due), from).map((r) => stop(r, r.legKm));
  return { route, later: rows.filter((r) => !due(r)).map((r) => stop(r, null)) };
}

export interface PatrolView {
  id: number;
  store: { id: number; name: string };
  inspector: { id: number; name: string };
  startedAt: string;
  finishedAt: string | null;
  items: Array<{ key: string; label: string; passed: boolean | null; note: string | null; attachmentId: number | null }>;
  score: number | null;
  perfunctory: boolean | null;
  perfunctoryReasons: Array<{ code: string; message: string }>;
  fixActionIds: number[];
}

function toView(r: any): PatrolView {
  return {
    id: Number(r.id), store: { id: Number(r.store_id), name: r.store_name }, inspector: { id: Number(r.inspector_id), name: r.inspector_name },
    startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
    items: (r.checklist as Array<{ key: string; label: string }>).map((i) => {
      const t = r.ticks[i.key];
      return { key: i.key, label: i.label, passed: t ? t.passed : null, note: t?.note ?? null, attachmentId: t?.attachmentId ?? null };
    }),
    score: r.score, perfunctory: r.perfunctory, perfunctoryReasons: r.perfunctory_reasons, fixActionIds: (r.fix_action_ids ?? []).map(Number),
  };
}

const SELECT = `SELECT p.*, c.name AS store_name, u.name AS inspector_name
  FROM retail_patrols p JOIN retail_stores s ON s.customer_id = p.store_id JOIN customers c ON c.id = s.customer_id JOIN users u ON u.id = p.inspector_id`;

export async function getPatrolOrThrow(db: Db, actor: Actor, id: number, lock = false): Promise<PatrolView> {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const { rows } = await db.query(sql.unprepared(`${SELECT} WHERE p.id = ${sql.param(id)} AND ${storeScopeSql(actor, sql)}${lock ? ' FOR UPDATE OF p' : ''}`));
  if (!rows[0]) throw new AppError('PATROL_NOT_FOUND', { id });
  return toView(rows[0]);
}

export async function listPatrols(db: Db, actor: Actor, q: { storeId?: number }): Promise<{ items: PatrolView[] }> {
  assertCan(actor, 'retail', 'read');
  const sql = new Sql();
  const where = [storeScopeSql(actor, sql)];
  if (q.storeId) where.push(`p.store_id = ${sql.param(q.storeId)}`);
  const { rows } = await db.query(sql.unprepared(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY p.started_at DESC LIMIT 100`));
  return { items: rows.map(toView) };
}

/** Starts (or resumes) the inspector's patrol of a store on their route, with the checklist of the store's format. */
export async function startPatrol(db: Db, actor: Actor, storeId: number, now: Date): Promise<PatrolView> {
  if (actor.role !== 'inspector') throw new AppError('FORBIDDEN', { reason: 'only inspectors patrol' }, '只有巡店督导可以巡店');
  const { rows: [store] } = await db.query(
    `SELECT s.format FROM retail_inspector_stores r JOIN retail_stores s ON s.customer_id = r.store_id WHERE r.inspector_id = $1 AND r.store_id = $2`,
    [actor.id, storeId]);
  if (!store) throw new AppError('STORE_NOT_FOUND', { storeId }, '这家门店不在你的巡店路线上');
  const { checklists } = await readSetting(db, patrolChecklist);
  const checklist = (checklists.find((c) => c.format === store.format) ?? checklists[0]!).items;
  const { rows: [p] } = await db.query(
    `INSERT INTO retail_patrols (store_id, inspector_id, started_at, checklist) VALUES ($1,$2,$3,$4)
     ON CONFLICT (inspector_id, store_id) WHERE finished_at IS NULL DO UPDATE SET store_id = EXCLUDED.store_id RETURNING id`,
    [storeId, actor.id, now, JSON.stringify(checklist)]);
  return getPatrolOrThrow(db, actor, Number(p.id));
}

async function ownOpenPatrol(db: Db, actor: Actor, id: number): Promise<PatrolView> {
  const p = await getPatrolOrThrow(db, actor, id, true);
  if (p.inspector.id !== actor.id) throw new AppError('FORBIDDEN', { patrolId: id }, '只有巡店的督导本人可以填写');
  if (p.finishedAt) throw new AppError('PATROL_FINISHED', { patrolId: id });
  return p;
}

export interface TickInput { passed: boolean; note?: string; attachmentId: number }

export async function tickPatrolItem(db: Db, actor: Actor, id: number, key: string, input: TickInput, now: Date): Promise<PatrolView> {
  const p = await ownOpenPatrol(db, actor, id);
  const item = p.items.find((i) => i.key === key);
  if (!item) throw new AppError('PATROL_ITEM_UNKNOWN', { key }, `检查表里没有「${key}」这一项`);
  const { rows } = await db.query(`SELECT 1 FROM attachments WHERE id = $1 AND uploaded_by = $2 AND kind = 'photo'`, [input.attachmentId, actor.id]);
  if (!rows[0]) throw new AppError('ATTACHMENT_INVALID', { attachmentIds: [input.attachmentId] }, '照片不存在或不是你拍的，请重新拍照');
  const tick = { passed: input.passed, note: input.note ?? null, attachmentId: input.attachmentId, at: now.toISOString() };
  await db.query(`UPDATE retail_patrols SET ticks = jsonb_set(ticks, ARRAY[$2::text], $3::jsonb) WHERE id = $1`, [id, key, JSON.stringify(tick)]);
  return getPatrolOrThrow(db, actor, id);
}

/** Why a finished patrol looks perfunctory: too fast for its checklist, or photos that fail the evidence checks. */
async function perfunctoryReasons(db: Db, actor: Actor, p: PatrolView, now: Date): Promise<Array<{ code: string; message: string }>> {
  const reasons: Array<{ code: string; message: string }> = [];
  const { perfunctoryMinutes } = await readSetting(db, patrolRules, { departmentPath: actor.departmentPath });
  const seconds = Math.round((now.getTime() - new Date(p.startedAt).getTime()) / 1000);
  if (seconds < perfunctoryMinutes * 60) {
    reasons.push({ code: 'PATROL_TOO_FAST', message: `${p.items.length}项检查用时${Math.floor(seconds / 60)}分${seconds % 60}秒，少于${perfunctoryMinutes}分钟` });
  }
  const ids = p.items.map((i) => i.attachmentId!);
  const repeated = p.items.filter((i, n) => ids.indexOf(i.attachmentId!) !== n);
  if (repeated.length) {
    reasons.push({ code: 'PATROL_PHOTO_REPEATED', message: `${repeated.map((i) => `「${i.label.split('：')[0]}」`).join('、')}用的是其他检查项的同一张照片` });
  }
  const unique = [...new Set(ids)];
  const facts = await loadVisitFacts(db, { customerId: p.store.id, opportunityId: null }, { attachmentIds: unique }, { ids: unique, uploadedBy: actor.id, lenient: true },
    PHOTO_CHECKS, now);
  for (const f of evaluateRules(facts, PHOTO_CHECKS).failures) reasons.push({ code: f.code, message: f.message });
  return reasons;
}

/** Scores the patrol, flags it if perfunctory, and makes each failed item a 门店整改 action for the store. */
export async function finishPatrol(db: Db, actor: Actor, id: number, d: FlowDeps): Promise<PatrolView> {
  const p = await ownOpenPatrol(db, actor, id);
  const missing = p.items.filter((i) => i.passed === null);
  if (missing.length) {
    throw new AppError('PATROL_INCOMPLETE', { missing: missing.map((i) => i.key) }, `还有${missing.length}项未检查：${missing.map((i) => `「${i.label}」`).join('、')}`);
  }
  const failed = p.items.filter((i) => i.passed === false);
  const score = Math.round((100 * (p.items.length - failed.length)) / p.items.length);
  const reasons = await perfunctoryReasons(db, actor, p, d.now);
  const fixIds = await raiseStoreFixes(db, actor, p.store.id, failed.map((item) => `整改：${item.label.split('：')[0]}（${item.note ?? '巡店不合格'}）`), d);
  await db.query(
    `UPDATE retail_patrols SET finished_at = $2, score = $3, perfunctory = $4, perfunctory_reasons = $5, fix_action_ids = $6 WHERE id = $1`,
    [id, d.now, score, reasons.length > 0, JSON.stringify(reasons), fixIds]);
  return getPatrolOrThrow(db, actor, id);
}
