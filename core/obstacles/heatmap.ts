/**
 * 跨部门协同堵点热力图: a week's 今日关键障碍 (daily_reports.obstacles)
 * clustered into topics, counted per department × topic. Rows are the
 * departments directly under the grouping root (the department filter, else
 * the caller's own department), each with its subtree; intensity is the
 * number of reports mentioning the topic. A report belongs to the department
 * its author was in when writing it.
 *
 *   const h = await obstacleHeatmap(pool, actor, { week: '2026-W48' }, now);
 *   const page = await topicReports(pool, actor, { week: '2026-W48', key: '耗材编码' }, now);
 */
import type { Actor } from '../auth/actor.js';
import { inDepartmentSubtree } from '../auth/department-subtree.js';
import { scopeSql } from '../auth/scope.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { isoWeekLabel, mondayOf, parseWeek } from '../dashboards/period.js';
import { departmentGrouping, loadDepartments } from '../dashboards/query.js';
import type { ObstacleTopic } from './cluster.js';
import { clusterWeekHere, type ClusterWeek } from './cluster-week.js';
import { tradeDictionaryWords } from '../understanding/trade-dictionary.setting.js';
import { libraryTopics, obstacleTopicReading } from '../understanding/topics/obstacle-topics.setting.js';
import { topicMatcherFor, type TopicPhrasings } from '../flow/topic-phrasings.js';
import { prepareObstacleDictionary, termsOf } from './terms.js';

export const HEATMAP_DEFINITION =
  '本周（周一至周日）日报“今日关键障碍”按关键词共现聚成的堵点主题，格子数值 = 该部门（含下属部门，按写日报时所在部门）提及该主题的日报篇数。';

/** Topics shown as heatmap columns (the rest stay listed under topics with reports). */
export const HEATMAP_MAX_TOPICS = 12;

export interface HeatmapQuery { week?: string; departmentId?: number }

export interface Heatmap {
  week: string;
  from: string;
  to: string;
  definition: string;
  reportCount: number;
  /** Reports naming an obstacle (not 无/没有). */
  withObstacles: number;
  departments: Array<{ id: number; name: string; reports: number }>;
  topics: Array<{ key: string; label: string; keywords: string[]; reports: number }>;
  cells: Array<{ departmentId: number; topicKey: string; count: number }>;
  max: number;
}

interface WeekReport { id: number; departmentId: number | null; obstacles: string }

interface Clustered { reports: WeekReport[]; topics: ObstacleTopic[]; withObstacles: number }

const cache = new Map<string, Clustered>();
const CACHE_LIMIT = 32;

export function assertMayReadObstacles(actor: Actor): void {
  if (actor.role === 'compliance') throw new AppError('FORBIDDEN', { resource: 'obstacles', verb: 'read' });
}

/** The week a query names, or the current week. */
export function resolveWeek(week: string | undefined, now: Date): { monday: string; next: string; label: string } {
  const monday = week ? parseWeek(week) : mondayOf(shanghaiDate(now));
  return { monday, next: addCalendarDays(monday, 7), label: isoWeekLabel(monday) };
}

async function loadWeekReports(db: Db, actor: Actor, monday: string, next: string, departmentId?: number): Promise<WeekReport[]> {
  const sql = new Sql();
  const where = [
    `r.day >= ${sql.param(monday)}::date AND r.day < ${sql.param(next)}::date`,
    scopeSql(actor, { ownerCol: 'r.user_id', deptCol: 'r.department_id' }, sql),
  ];
  if (departmentId !== undefined) where.push(inDepartmentSubtree(sql, 'r.department_id', { id: departmentId }));
  const { rows } = await db.query(sql.unprepared(`SELECT r.id, r.department_id, r.obstacles FROM daily_reports r WHERE ${where.join(' AND ')} ORDER BY r.id`));
  return rows.map((r: any) => ({ id: Number(r.id), departmentId: r.department_id === null ? null : Number(r.department_id), obstacles: r.obstacles }));
}

/** The libraries' words and the trade dictionary's (settings): all kept whole by the segmenter. */
async function libraryWords(db: Db): Promise<string[]> {
  const { rows } = await db.query(`SELECT words FROM keyword_libraries WHERE code IN ('obstacles', 'pain_points')`);
  return [...rows.flatMap((r: any) => r.words as string[]), ...(await tradeDictionaryWords(db))];
}

/** The 客户痛点 topics and how reps say them (痛点话题的说法): reports naming one in other words cluster with it. */
async function painTopics(db: Db): Promise<{ words: string[]; phrasings: TopicPhrasings }> {
  return { words: await libraryTopics(db), phrasings: (await obstacleTopicReading(db)).phrasings };
}

/**
 * The week's reports in scope, clustered; cached per week, scope and filter
 * while the reports are unchanged (a cheap fingerprint query decides).
 */
async function clustered(db: Db, actor: Actor, monday: string, next: string, departmentId: number | undefined, cluster: ClusterWeek): Promise<Clustered> {
  const scopeKey = actor.role === 'rep' ? `rep:${actor.id}` : actor.role === 'manager' ? `mgr:${actor.departmentPath}` : 'all';
  const fp = await db.query(
    `SELECT count(*)::int AS n, max(id) AS max_id, max(updated_at)::text AS max_at,
            (SELECT max(updated_at)::text FROM keyword_libraries WHERE code IN ('obstacles','pain_points')) AS lib_at
       FROM daily_reports WHERE day >= $1::date AND day < $2::date`, [monday, next]);
  const f = fp.rows[0];
  const words = await libraryWords(db);
  const topics = await painTopics(db);
  const key = [monday, scopeKey, departmentId ?? '', f.n, f.max_id, f.max_at, f.lib_at, words.length, words.join('').length, JSON.stringify(topics.phrasings)].join('|');
  const hit = cache.get(key);
  if (hit) return hit;
  // this thread matches a topic's keywords in its reports (topicReports) with the same words kept whole
  prepareObstacleDictionary(words);
  const reports = await loadWeekReports(db, actor, monday, next, departmentId);
  const week = await cluster({ words, topics, reports: reports.map((r) => ({ id: r.id, obstacles: r.obstacles })) });
  const value = { reports, topics: week.topics, withObstacles: week.withObstacles };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

export async function obstacleHeatmap(db: Db, actor: Actor, q: HeatmapQuery, now: Date, cluster: ClusterWeek = clusterWeekHere): Promise<Heatmap> {
  assertMayReadObstacles(actor);
  const w = resolveWeek(q.week, now);
  const c = await clustered(db, actor, w.monday, w.next, q.departmentId, cluster);
  const depts = await loadDepartments(db);
  const rootId = q.departmentId ?? actor.departmentId ?? null;
  const { grouping, labels } = departmentGrouping(depts, rootId);
  const groupOf = (deptId: number | null) => (deptId === null ? 0 : grouping.map.get(deptId) ?? 0);
  const byId = new Map(c.reports.map((r) => [r.id, r]));
  const shown = c.topics.slice(0, HEATMAP_MAX_TOPICS);
  const reportsPerGroup = new Map<number, number>();
  for (const r of c.reports) reportsPerGroup.set(groupOf(r.departmentId), (reportsPerGroup.get(groupOf(r.departmentId)) ?? 0) + 1);
  const cells: Heatmap['cells'] = [];
  for (const t of shown) {
    const counts = new Map<number, number>();
    for (const id of t.docIds) {
      const g = groupOf(byId.get(id)?.departmentId ?? null);
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
    for (const [g, count] of counts) cells.push({ departmentId: g, topicKey: t.key, count });
  }
  // rows: every group under the root (even without reports), then "other" if used
  const groupIds = [...labels.keys()].filter((id) => id !== rootId || reportsPerGroup.has(id));
  for (const g of reportsPerGroup.keys()) if (!groupIds.includes(g)) groupIds.push(g);
  const departments = groupIds.map((id) => ({
    id, name: labels.get(id) ?? depts.find((d) => d.id === id)?.name ?? '其他或未归属部门', reports: reportsPerGroup.get(id) ?? 0,
  }));
  return {
    week: w.label, from: w.monday, to: w.next, definition: HEATMAP_DEFINITION,
    reportCount: c.reports.length, withObstacles: c.withObstacles,
    departments,
    topics: shown.map((t) => ({ key: t.key, label: t.label, keywords: t.keywords, reports: t.docIds.length })),
    cells: cells.sort((a, b) => a.departmentId - b.departmentId || a.topicKey.localeCompare(b.topicKey)),
    max: cells.reduce((m, x) => Math.max(m, x.count), 0),
  };
}

export interface TopicSummary { key: string; label: string; keywords: string[]; reports: number }

/** Every topic of the week in scope (not only the heatmap's columns). */
export async function listTopics(
  db: Db, actor: Actor, q: HeatmapQuery, now: Date, cluster: ClusterWeek = clusterWeekHere,
): Promise<{ week: string; items: TopicSummary[] }> {
  assertMayReadObstacles(actor);
  const w = resolveWeek(q.week, now);
  const c = await clustered(db, actor, w.monday, w.next, q.departmentId, cluster);
  return { week: w.label, items: c.topics.map((t) => ({ key: t.key, label: t.label, keywords: t.keywords, reports: t.docIds.length })) };
}

export interface TopicReport {
  id: number;
  userId: number;
  userName: string;
  departmentId: number | null;
  departmentName: string | null;
  day: string;
  obstacles: string;
  /** The topic's keywords found in this report. */
  matched: string[];
}

/** The reports behind a topic (optionally one heatmap row: departmentId), newest first. */
export async function topicReports(
  db: Db, actor: Actor, q: HeatmapQuery & { key: string; limit?: number; offset?: number }, now: Date,
  cluster: ClusterWeek = clusterWeekHere,
): Promise<{ week: string; topic: TopicSummary; items: TopicReport[]; total: number }> {
  assertMayReadObstacles(actor);
  const w = resolveWeek(q.week, now);
  const c = await clustered(db, actor, w.monday, w.next, q.departmentId, cluster);
  const topic = c.topics.find((t) => t.key === q.key);
  if (!topic) throw new AppError('NOT_FOUND', { topic: q.key, week: w.label }, `${w.label} 没有主题「${q.key}」`);
  const ids = [...topic.docIds].sort((a, b) => b - a);
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const pageIds = ids.slice(offset, offset + limit);
  const { rows } = await db.query(
    `SELECT r.id, r.user_id, u.name AS user_name, r.department_id, d.name AS department_name, r.day, r.obstacles
       FROM daily_reports r JOIN users u ON u.id = r.user_id LEFT JOIN departments d ON d.id = r.department_id
      WHERE r.id = ANY($1::bigint[]) ORDER BY r.day DESC, r.id DESC`, [pageIds]);
  const kw = new Set(topic.keywords);
  const { words, phrasings } = await painTopics(db);
  const named = topicMatcherFor(words, phrasings);
  return {
    week: w.label,
    topic: { key: topic.key, label: topic.label, keywords: topic.keywords, reports: topic.docIds.length },
    items: rows.map((r: any) => ({
      id: r.id, userId: r.user_id, userName: r.user_name, departmentId: r.department_id, departmentName: r.department_name ?? null,
      day: r.day, obstacles: r.obstacles, matched: [...new Set([...termsOf(r.obstacles), ...named(r.obstacles)])].filter((t) => kw.has(t)),
    })),
    total: ids.length,
  };
}
