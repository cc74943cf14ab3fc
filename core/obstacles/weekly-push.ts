/**
 * Each week: last week's 跨部门协同堵点热力图 to the people the
 * 'notifications.obstacle-heatmap' setting names (default: every director,
 * Mondays 08:30), through the outbox (demo mode: it stays there as the 发件箱 shows it).
 *
 * Each recipient gets two messages, in this order, once per week (dedupe keys):
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
import type { CoreDeps } from '../deps.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../flow/time.js';
import { mondayOf } from '../dashboards/period.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import { imageMessage, storeOutboxImage, type OutboxImageRef } from '../outbox/media.js';
import { readSetting } from '../settings/read.js';
import { heatmapPush, WEEKDAY_LABELS } from './heatmap-push.setting.js';
import { obstacleHeatmap, type Heatmap } from './heatmap.js';
import { heatmapTitle, renderHeatmapSvg, renderPng } from './render.js';

type Deps = Pick<CoreDeps, 'pool' | 'config' | 'logger'> & { now?: () => Date };

/** Last week's Monday, as of `now` (the push is about the week that ended). */
const lastWeekOf = (now: Date) => addCalendarDays(mondayOf(shanghaiDate(now)), -7);

export async function pushWeeklyObstacleHeatmap(sys: Deps, opts: { week?: string } = {}): Promise<Record<string, unknown>> {
  const now = sys.now?.() ?? new Date();
  const week = opts.week ?? lastWeekOf(now);
  const push = await readSetting(sys.pool, heatmapPush);
  // the whole company's heatmap first (directors, admins): it is the one kept in obstacle_heatmaps
  const { rows: recipients } = await sys.pool.query(
    `SELECT id FROM users WHERE active AND (role = ANY($1) OR wecom_userid = ANY($2))
      ORDER BY (role IN ('director', 'admin')) DESC, id`, [push.roles, push.users]);
  const storage = createStorage(sys.config);
  let sent = 0;
  let images = 0;
  let stored: { week: string; sha256: string; topics: number } | null = null;
  // directors all see the whole company, so this renders once; a manager's scoped heatmap renders again
  const rendered = new Map<string, OutboxImageRef>();
  for (const d of recipients) {
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
      const card = textCard(heatmapTitle(heatmap), describe(heatmap), url, '看热力图');
      if (await enqueueMessage(tx, { dedupeKey: `obstacle-heatmap:${heatmap.from}:${actor.id}`, recipient: actor.wecomUserid, ...card })) sent++;
    });
    stored ??= { week: heatmap.week, sha256: image.sha256, topics: heatmap.topics.length };
  }
  const summary = recipients.length === 0
    ? '堵点热力图：设置的接收人中没有在职成员，未发送'
    : `堵点热力图 ${stored?.week ?? week}：${stored?.topics ?? 0} 个主题，发给 ${sent} 人（热力图图片 ${images} 张，文本卡片 ${sent} 张）`;
  return { week, recipients: recipients.length, sent, images, png: stored?.sha256 ?? null, summary };
}

/**
 * The scheduled push: once a week, after the weekday and time the
 * 'notifications.obstacle-heatmap' setting names (the job looks every quarter
 * of an hour); a week already pushed is not pushed again.
 */
export async function runScheduledHeatmapPush(sys: Deps): Promise<Record<string, unknown>> {
  const now = sys.now?.() ?? new Date();
  const push = await readSetting(sys.pool, heatmapPush);
  if (!push.enabled) return { summary: '堵点热力图推送已在设置中关闭' };
  const [h, m] = push.time.split(':').map(Number);
  const due = shanghaiInstant(addCalendarDays(mondayOf(shanghaiDate(now)), Number(push.weekday) - 1), h, m);
  const when = `${WEEKDAY_LABELS[push.weekday]} ${push.time}`;
  if (now < due) return { summary: `堵点热力图：未到本周推送时间（${when}）` };
  const week = lastWeekOf(now);
  const { rows } = await sys.pool.query('SELECT 1 FROM obstacle_heatmaps WHERE week = $1::date', [week]);
  if (rows.length > 0) return { week, summary: `堵点热力图 ${week} 当周已推送` };
  return pushWeeklyObstacleHeatmap(sys, { week });
}

/** The heatmap PNG, stored by its sha256 for the outbox to upload when it sends. */
function renderAndStore(storage: Storage, h: Heatmap): Promise<OutboxImageRef> {
  const { png } = renderPng(renderHeatmapSvg(h));
  return storeOutboxImage(storage, png, { filename: `obstacle-heatmap-${h.week}.png`, title: heatmapTitle(h) });
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
