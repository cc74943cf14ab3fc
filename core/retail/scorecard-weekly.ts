/**
 * Each Monday, every regional manager gets one WeCom card: last week's five
 * weakest stores of their region by 门店健康度 (score, band, the weakest
 * item), the card opening last week's ranking. Through the outbox with a key
 * per week and manager, so a rerun sends nothing twice; a manager with no
 * scored store gets no card.
 *
 *   await sendWeeklyScorecards(sys);                      // last week
 *   await sendWeeklyScorecards(sys, { week: '2026-11-30' });
 */
import { loadActiveActor } from '../auth/actor.js';
import type { CoreDeps } from '../deps.js';
import { mondayOf } from '../dashboards/period.js';
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { enqueueMessage } from '../outbox/enqueue.js';
import { TITLE_MAX_CHARS, type TemplateCard } from '../wecom/template-card.schema.js';
import { truncate, validated } from '../wecom/template-cards.js';
import { rankStores, type RankedStore } from './scorecard.js';

type Deps = Pick<CoreDeps, 'pool' | 'config' | 'logger'> & { now?: () => Date };

/** How many stores the card names: WeCom shows at most six lines of this kind. */
export const WEAKEST_SHOWN = 5;

export function buildWeakestStoresCard(i: { periodLabel: string; regionNames: string[]; stores: RankedStore[]; scored: number; url: string }): TemplateCard {
  const worst = i.stores[0]!;
  return validated({
    card_type: 'text_notice',
    source: { desc: '动作流 · 门店健康度', desc_color: 2 },
    main_title: { title: truncate(`上周最弱的${i.stores.length}家门店`, TITLE_MAX_CHARS), desc: truncate(`${i.periodLabel} · ${i.regionNames.join('、')}（共${i.scored}家有评分）`, 60) },
    emphasis_content: { title: `${worst.score}分`, desc: truncate(`最低：${worst.name}`, 30) },
    horizontal_content_list: i.stores.map((s) => ({
      keyname: truncate(s.name, 12),
      value: truncate(`${s.score}分·${s.bandLabel}${s.weakest[0] ? `·${s.weakest[0].name}${s.weakest[0].value}%` : ''}`, 30),
    })),
    jump_list: [{ type: 1, title: '查看门店排名', url: i.url }],
    card_action: { type: 1, url: i.url },
  });
}

export async function sendWeeklyScorecards(sys: Deps, opts: { week?: string } = {}): Promise<{ week: string; sent: number; summary: string }> {
  const now = sys.now?.() ?? new Date();
  const week = opts.week ? mondayOf(opts.week) : addCalendarDays(mondayOf(shanghaiDate(now)), -7);
  const { rows: managers } = await sys.pool.query(
    `SELECT u.id FROM users u WHERE u.active AND u.role = 'manager' AND u.wecom_userid IS NOT NULL
        AND EXISTS (SELECT 1 FROM retail_stores s JOIN departments d ON d.id = s.region_id JOIN departments m ON m.id = u.department_id
                     WHERE d.path LIKE m.path || '%') ORDER BY u.id`);
  const base = sys.config.publicUrl.replace(/\/$/, '');
  let sent = 0;
  for (const m of managers) {
    const actor = await loadActiveActor(sys.pool, { id: Number(m.id) });
    if (!actor) continue;
    const { period, regions } = await rankStores(sys.pool, actor, { period: 'week', start: week }, now);
    const scored = regions.flatMap((r) => r.stores).filter((s) => s.score !== null).sort((a, b) => a.score! - b.score! || a.name.localeCompare(b.name, 'zh'));
    if (!scored.length) continue;
    const card = buildWeakestStoresCard({
      periodLabel: period.label, regionNames: regions.map((r) => r.name), stores: scored.slice(0, WEAKEST_SHOWN), scored: scored.length,
      url: `${base}/scorecard?period=week&start=${period.from}`,
    });
    if (await enqueueMessage(sys.pool, { dedupeKey: `scorecard:week:${period.from}:${actor.id}`, recipient: actor.wecomUserid, msgtype: 'template_card', payload: { template_card: card } }, { at: now })) sent++;
  }
  return { week, sent, summary: `门店健康度周报 ${week} 当周：发给 ${sent} 位区域主管` };
}
