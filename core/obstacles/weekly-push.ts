/**
 * Monday morning: last week's 跨部门协同堵点热力图 to every director, through
 * the outbox (demo mode: it stays there as the 发件箱 shows it).
 *
 * Images: WeCom would need media/upload then an `image` message, and our
 * WecomClient has neither (only media/get). So the PNG is rendered and stored
 * in attachment storage (sha256 kept in obstacle_heatmaps with the JSON), and
 * each director gets a text card — the week's top topics and hottest cell —
 * linking to the heatmap page of the H5 app (/obstacles?week=…), which shows
 * GET /api/obstacles/heatmap.png. One card per director and week (dedupe key).
 *
 *   const r = await pushWeeklyObstacleHeatmap(sys, { now });
 */
import { createHash } from 'node:crypto';
import { loadActiveActor } from '../auth/actor.js';
import { createStorage } from '../attachments/storage.js';
import { withTransaction } from '../db/pool.js';
import type { System } from '../system.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { mondayOf } from '../dashboards/period.js';
import { enqueueMessage, textCard } from '../notify/outbox.js';
import { obstacleHeatmap, type Heatmap } from './heatmap.js';
import { renderHeatmapSvg, svgToPng } from './render.js';

type Deps = Pick<System, 'pool' | 'config' | 'logger'> & { now?: () => Date };

export async function pushWeeklyObstacleHeatmap(sys: Deps, opts: { week?: string } = {}): Promise<Record<string, unknown>> {
  const now = sys.now?.() ?? new Date();
  // the job runs on Monday for the week that just ended
  const week = opts.week ?? addCalendarDays(mondayOf(shanghaiDate(now)), -7);
  const { rows: directors } = await sys.pool.query(
    `SELECT id FROM users WHERE role = 'director' AND active ORDER BY id`);
  const storage = createStorage(sys.config);
  let sent = 0;
  let stored: { week: string; sha256: string; topics: number } | null = null;
  for (const d of directors) {
    const actor = await loadActiveActor(sys.pool, { id: d.id });
    if (!actor) continue;
    const heatmap = await obstacleHeatmap(sys.pool, actor, { week }, now);
    const png = svgToPng(renderHeatmapSvg(heatmap));
    const sha256 = createHash('sha256').update(png).digest('hex');
    await storage.put(sha256, png);
    await withTransaction(sys.pool, async (tx) => {
      if (!stored) {
        await tx.query(
          `INSERT INTO obstacle_heatmaps (week, result, png_sha256) VALUES ($1::date, $2, $3)
           ON CONFLICT (week) DO UPDATE SET result = EXCLUDED.result, png_sha256 = EXCLUDED.png_sha256, created_at = now()`,
          [heatmap.from, JSON.stringify(heatmap), sha256]);
      }
      const url = `${sys.config.publicUrl.replace(/\/$/, '')}/obstacles?week=${encodeURIComponent(heatmap.week)}`;
      const card = textCard(`跨部门协同堵点热力图 ${heatmap.week}`, describe(heatmap), url, '看热力图');
      if (await enqueueMessage(tx, { dedupeKey: `obstacle-heatmap:${heatmap.from}:${actor.id}`, recipient: actor.wecomUserid, ...card })) sent++;
    });
    stored ??= { week: heatmap.week, sha256, topics: heatmap.topics.length };
  }
  const summary = directors.length === 0
    ? '堵点热力图：没有在职的销售总监，未发送'
    : `堵点热力图 ${stored?.week ?? week}：${stored?.topics ?? 0} 个主题，发给总监 ${sent} 人`;
  return { week, directors: directors.length, sent, png: stored?.sha256 ?? null, summary };
}

/** The card text: volume, top topics, the hottest department × topic. */
export function describe(h: Heatmap): string {
  if (h.withObstacles === 0) return `${h.from} 起的一周共收到日报 ${h.reportCount} 篇，没有写明关键障碍。`;
  const top = h.topics.slice(0, 3).map((t, i) => `${i + 1}. ${t.label}（${t.reports}篇）`).join('\n');
  const hottest = [...h.cells].sort((a, b) => b.count - a.count)[0];
  const dept = hottest && h.departments.find((d) => d.id === hottest.departmentId)?.name;
  const topic = hottest && h.topics.find((t) => t.key === hottest.topicKey)?.label;
  return `日报 ${h.reportCount} 篇，写明障碍 ${h.withObstacles} 篇。\n高频堵点：\n${top}${hottest ? `\n最集中：${dept} · ${topic}（${hottest.count}篇）` : ''}`;
}
