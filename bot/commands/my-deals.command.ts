/**
 * 我的商机 / 看看我的单子: the rep's open deals, the most recently moved
 * first, each with where it stands, through core/resources' listOpportunities
 * (its scope: a rep sees their own).
 */
import { ListOpportunitiesQuery, listOpportunities } from '../../core/resources/opportunities.js';
import { shortName } from '../engine/pick-action.js';
import { say, type Turn } from '../engine/turn.js';

const SHOWN = 8;

export async function myDeals(t: Turn): Promise<void> {
  const q = ListOpportunitiesQuery.parse({ status: 'open', ownerId: String(t.actor.id), sort: 'stageEnteredAt', order: 'desc', limit: String(SHOWN) });
  const page = await listOpportunities(t.db, t.actor, q);
  if (page.items.length === 0) {
    say(t, '你名下现在没有进行中的商机。');
    return;
  }
  say(t, `你有${page.total}个进行中的商机${page.total > SHOWN ? `，先列最近推进的${SHOWN}个` : ''}：`);
  page.items.forEach((o, i) => {
    const at = o.subStage ? `${o.stage.name}·${o.subStage.name}` : o.stage.name;
    const amount = o.amount > 0 ? `，${(o.amount / 10000).toFixed(o.amount % 10000 === 0 ? 0 : 1)}万元` : '';
    // deals are usually named after their customer already (上海嘉禾超市·陈列位续约)
    const name = o.name.includes(o.customerName) ? o.name : `${o.customerName}·${o.name}`;
    say(t, `${i + 1}. ${name}（${at}${amount}）`);
  });
  say(t, `推进阶段直接说，比如“${shortName(page.items[0].customerName)}的单子进入${page.items[0].stage.name}了”。`);
}
