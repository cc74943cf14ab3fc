/**
 * Monday morning: last week's 跨部门协同堵点热力图 to every director, through
 * the outbox (demo mode: it stays there as the 发件箱 shows it).
 *
 * Each director gets two messages, in this order, once per week (dedupe keys):
 *  1. the heatmap as a picture: rendered here (ECharts SVG → resvg PNG with
 *     the CJK font we ship), stored in attachment storage, and uploaded to
 *     WeCom (media/upload) only when the deliverer sends it — an `image`
 *     message. In demo mode it is seen at GET /api/outbox/{id}/image;
 *  2. a text card — the week's top topics and hottest cell — linking to the
 *     interactive heatmap of the H5 app (/obstacles?week=…).
 * The week's JSON and PNG hash are kept in obstacle_heatmaps.
 *
 *   const r = await pushWeeklyObstacleHeatmap(sys, { week: '2026-03-16' });
 */
import { loadActiveActor } from '../auth/actor.js';
import { createStorage, type Storage } from '../attachments/storage.js';
import { withTransaction } from '../db/pool.js';
import type { System } from '../system.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { mondayOf } from '../dashboards/period.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import { imageMessage, storeOutboxImage, type OutboxImageRef } from '../outbox/media.js';
import { obstacleHeatmap, type Heatmap } from './heatmap.js';
import { renderHeatmapSvg, renderPng } from './render.js';

type Deps = Pick<System, 'pool' | 'config' | 'logger'> & { now?: () => Date };

export async function pushWeeklyObstacleHeatmap(sys: Deps, opts: { week?: string } = {}): Promise<Record<string, unknown>> {
  const now = sys.now?.() ?? new Date();
  // the job runs on Monday for the week that just ended
  const week = opts.week ?? addCalendarDays(mondayOf(shanghaiDate(now)), -7);
  const { rows: directors } = await sys.pool.query(
    `SELECT id FROM users WHERE role = 'director' AND active ORDER BY id`);
  const storage = createStorage(sys.config);
  let sent = 0;
  let images = 0;
  let stored: { week: string; sha256: string; topics: number } | null = null;
  // directors all see the whole company, so this renders once; a scoped heatmap would render again
  const rendered = new Map<string, OutboxImageRef>();
  for (const d of directors) {
    const actor = await loadActiveActor(sys.pool, { id: d.id });
    if (!actor) continue;
    const heatmap = await obstacleHeatmap(sys.pool, actor, { week }, now);
    const json = JSON.stringify(heatmap);
    const image = rendered.get(json) ?? await renderAndStore(storage, heatmap);
    rendered.set(json, image);
    await withTransaction(sys.pool, async (tx) => {
      if (!stored) {
        await tx.query(
          `INSERT INTO obstacle_heatmaps (week, result, png_sha256) VALUES ($1::date, $2, $3)
           ON CONFLICT (week) DO UPDATE SET result = EXCLUDED.result, png_sha256 = EXCLUDED.png_sha256, created_at = now()`,
          [heatmap.from, json, image.sha256]);
      }
      // the picture first: the card's link is the way on to the interactive heatmap
      const picture = { dedupeKey: `obstacle-heatmap-image:${heatmap.from}:${actor.id}`, recipient: actor.wecomUserid, ...imageMessage(image) };
      if (await enqueueMessage(tx, picture)) images++;
      const url = `${sys.config.publicUrl.replace(/\/$/, '')}/obstacles?week=${encodeURIComponent(heatmap.week)}`;
      const card = textCard(`跨部门协同堵点热力图 ${heatmap.week}`, describe(heatmap), url, '看热力图');
      if (await enqueueMessage(tx, { dedupeKey: `obstacle-heatmap:${heatmap.from}:${actor.id}`, recipient: actor.wecomUserid, ...card })) sent++;
    });
    stored ??= { week: heatmap.week, sha256: image.sha256, topics: heatmap.topics.length };
  }
  const summary = directors.length === 0
    ? '堵点热力图：没有在职的销售总监，未发送'
    : `堵点热力图 ${stored?.week ?? week}：${stored?.topics ?? 0} 个主题，发给总监 ${sent} 人（热力图图片 ${images} 张，文本卡片 ${sent} 张）`;
  return { week, directors: directors.length, sent, images, png: stored?.sha256 ?? null, summary };
}

/** The heatmap PNG, stored by its sha256 for the outbox to upload when it sends. */
function renderAndStore(storage: Storage, h: Heatmap): Promise<OutboxImageRef> {
  const { png } = renderPng(renderHeatmapSvg(h));
  return storeOutboxImage(storage, png, { filename: `obstacle-heatmap-${h.week}.png`, title: `跨部门协同堵点热力图 ${h.week}` });
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
