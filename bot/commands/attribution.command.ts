/**
 * 哪些动作最影响赢单: the 结果归因 report's headline in the chat for the people
 * who read the report (managers for their team, the director for everyone) —
 * the significant actions with their win rates with and without and the
 * difference in points — and the link to /attribution for the rest. Reps are
 * told who reads it.
 */
import { can } from '../../core/auth/permissions.js';
import { dragging, headline } from '../../core/attribution/ask.js';
import { getAttributionReport } from '../../core/attribution/report.js';
import { AttributionQuery, type ActionRow } from '../../core/attribution/schemas.js';
import { say, type Turn } from '../engine/turn.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))}`;

function line(a: ActionRow, n: number): string {
  const d = a.difference!;
  return `${n}. ${a.label}：有的赢率 ${pct(a.with.winRate?.rate)}（${a.with.deals}个），没有的 ${pct(a.without.winRate?.rate)}（${a.without.deals}个），`
    + `${points(d.diff)} 个百分点（95%区间 ${points(d.low)}～${points(d.high)}）${a.smallSample ? '，样本少' : ''}`;
}

export async function answerWhatWins(t: Turn): Promise<void> {
  const url = `${t.deps.config.publicUrl.replace(/\/$/, '')}/attribution`;
  if (!can(t.actor, 'attribution', 'read')) {
    say(t, '结果归因报告给主管（本团队）和销售总监看。想知道怎么做更容易赢单，可以问主管，或问我“质保怎么谈”看话术。');
    return;
  }
  const r = await getAttributionReport(t.db, t.actor, AttributionQuery.parse({}), t.now);
  const top = headline(r.actions);
  const down = dragging(r.actions);
  say(t, `${r.scope.label}，${r.period.label}：已结商机 ${r.totals.deals} 个（赢 ${r.totals.won}、输 ${r.totals.lost}）。`);
  if (top.length) say(t, '和赢单关系最大的动作（差异显著）：', ...top.map((a, i) => line(a, i + 1)));
  else say(t, '还没有和赢单差异显著的动作：已结商机多一些后再看。');
  if (down.length) say(t, `和输单相关的：${down.map((a) => `${a.label}（${points(a.difference!.diff)} 个百分点）`).join('、')}。`);
  say(t, `这是相关而非因果。分阶段、分业务员的明细和导出：${url}`);
}
