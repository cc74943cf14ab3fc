/**
 * 我的任务: the member's open actions, soonest due first, through the action
 * engine's listActions (its scope, its overdue rule).
 */
import { listActions } from '../../core/actions/action-queries.js';
import { ListActionsQuery } from '../../core/actions/action-schemas.js';
import { chineseDay, shanghaiDate } from '../../core/flow/time.js';
import { say, type Turn } from '../engine/turn.js';
import { shortName } from '../engine/pick-action.js';

const SHOWN = 10;

export async function myTasks(t: Turn): Promise<void> {
  const q = ListActionsQuery.parse({
    status: 'dispatched,in_progress,rejected,overdue,escalated', assigneeId: String(t.actor.id), sort: 'dueAt', order: 'asc', limit: String(SHOWN),
  });
  const page = await listActions(t.db, t.actor, q, t.now);
  if (page.items.length === 0) {
    say(t, '你现在没有待办。拜访客户时直接发位置签到，我来帮你写报告。');
    return;
  }
  say(t, `你有${page.total}个待办${page.total > SHOWN ? `，先列最急的${SHOWN}个` : ''}：`);
  page.items.forEach((a, i) => {
    const due = a.dueAt ? `，${chineseDay(shanghaiDate(new Date(a.dueAt)))}截止` : '';
    say(t, `${i + 1}. ${a.title}（${a.statusLabel}${due}${a.overdue ? '，⚠已逾期' : ''}）`);
  });
  say(t, `回复客户名字就能接着填，比如“${shortName(page.items[0].customerName)}”。`);
}
