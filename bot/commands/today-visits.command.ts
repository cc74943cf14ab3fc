/**
 * 今日拜访: today's visits (Shanghai day) and, for those still being written,
 * what each lacks — the action engine's evaluation, by name.
 */
import { loadActionRow } from '../../core/actions/action-repo.js';
import { OPEN_STATUSES } from '../../core/flow/action-machine.js';
import type { VisitDraftInput } from '../../core/actions/action-schemas.js';
import { todayVisitsOf } from '../../core/actions/open-work.js';
import { draftGaps, gapNames, isBlocking } from '../../core/actions/draft-gaps.js';
import { describeStatus } from '../../core/flow/action-machine.js';
import { shanghaiDate } from '../../core/flow/time.js';
import type { ActionStatus } from '../../core/flow/types.js';
import { say, type Turn } from '../engine/turn.js';

export async function todayVisits(t: Turn): Promise<void> {
  const visits = await todayVisitsOf(t.db, t.actor.id, shanghaiDate(t.now));
  if (visits.length === 0) {
    say(t, '今天还没有拜访记录。到了客户那里发个位置，我帮你签到。');
    return;
  }
  say(t, `今天的拜访（${visits.length}个）：`);
  for (const [i, v] of visits.entries()) {
    let line = `${i + 1}. ${v.customerName}：${describeStatus(v.status as ActionStatus)}`;
    if (OPEN_STATUSES.includes(v.status as ActionStatus)) {
      const gaps = (await draftGaps(t.db, await loadActionRow(t.db, v.actionId), (v.draft ?? {}) as VisitDraftInput, t.now)).filter(isBlocking);
      line += gaps.length ? `，还差：${gapNames(gaps)}` : '，都齐了，回复“提交”即可';
    }
    say(t, line);
  }
}
