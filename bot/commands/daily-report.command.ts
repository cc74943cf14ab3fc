/**
 * 写日报: 今日完成 (prefilled from today's visits), 今日关键障碍, 明日计划,
 * 需要的支持 — then a summary and 确认提交吗？. Filing is the daily-report
 * service's (DailyReportPort → core/reports submitDailyReport); without a
 * port the bot says so and leaves the rep the text to paste.
 */
import { keywordLibrary } from '../../core/config-admin/keyword-libraries.js';
import { todayVisitsOf } from '../../core/actions/open-work.js';
import { isAppError } from '../../core/errors.js';
import { describeStatus } from '../../core/flow/action-machine.js';
import { shanghaiDate } from '../../core/flow/time.js';
import type { ActionStatus } from '../../core/flow/types.js';
import { isNo, isYes } from '../parse/intents.js';
import type { DailyDraft } from '../engine/state.js';
import { guarded, say, setPending, type Turn } from '../engine/turn.js';

const NOTHING = /^(没有|无|没了|没|暂无|就这些|不用了?)[。！!]?$/;
const ANSWER_MAX = 1000;

export async function startDailyReport(t: Turn): Promise<void> {
  const day = shanghaiDate(t.now);
  const visits = await todayVisitsOf(t.db, t.actor.id, day);
  const list = visits.map((v) => `${v.customerName}（${describeStatus(v.status as ActionStatus)}）`).join('、');
  t.convo.state.daily = { day, step: 'summary', visits: list ? `拜访了${list}` : '' };
  say(t, `开始写${day.slice(5).replace('-', '月')}日的日报。`);
  say(t, list ? `今日完成：我整理了今天的拜访——${list}。还有其他要补充的吗？（没有就回复“没有”）` : '今日完成：今天做了哪些工作？');
}

function summaryOf(d: DailyDraft): string {
  return [d.visits, d.summary].filter(Boolean).join('；') || '（无）';
}

/** Feeds one answer into the daily report; false when no daily report is being written. */
export async function continueDailyReport(t: Turn, text: string): Promise<boolean> {
  const d = t.convo.state.daily;
  if (!d) return false;
  const answer = NOTHING.test(text.trim()) ? '' : text.trim().slice(0, ANSWER_MAX);
  switch (d.step) {
    case 'summary': {
      if (!answer && !d.visits) {
        say(t, '今日完成不能为空，说说今天做了什么吧。');
        return true;
      }
      d.summary = answer;
      d.step = 'obstacles';
      const examples = (await keywordLibrary(t.db, 'obstacles')).slice(0, 3).join('、');
      say(t, `今日关键障碍是什么？${examples ? `（比如：${examples}；没有就回复“没有”）` : '（没有就回复“没有”）'}`);
      return true;
    }
    case 'obstacles':
      d.obstacles = answer || '无';
      d.step = 'plan';
      say(t, '明天计划做什么？');
      return true;
    case 'plan':
      if (!answer) {
        say(t, '说说明天的安排吧，比如“上午拜访永辉，下午整理报价”。');
        return true;
      }
      d.plan = answer;
      d.step = 'support';
      say(t, '需要公司或其他部门提供什么支持吗？（没有就回复“没有”）');
      return true;
    case 'support':
      d.support = answer;
      d.step = 'confirm';
      say(t, '请确认日报：', `· 今日完成：${summaryOf(d)}`, `· 今日关键障碍：${d.obstacles}`, `· 明日计划：${d.plan}`,
        ...(d.support ? [`· 需要的支持：${d.support}`] : []), '确认提交吗？（回复“确认”提交，“取消”放弃）');
      setPending(t, { kind: 'daily_confirm' });
      return true;
    case 'confirm':
      return answerDailyConfirm(t, text);
  }
}

export async function answerDailyConfirm(t: Turn, text: string): Promise<boolean> {
  const d = t.convo.state.daily;
  if (!d || d.step !== 'confirm') return false;
  if (isNo(text)) {
    setPending(t, null);
    d.step = 'summary';
    say(t, '好的，重新来。今日完成还有要补充的吗？（没有就回复“没有”）');
    return true;
  }
  if (!isYes(text)) {
    say(t, '回复“确认”提交日报，或“取消”放弃。');
    return true;
  }
  setPending(t, null);
  delete t.convo.state.daily;
  const port = t.deps.dailyReports;
  const input = { day: d.day, summary: summaryOf(d), obstacles: d.obstacles ?? '无', plan: d.plan ?? '', support: d.support || null };
  if (!port) {
    say(t, '日报提交功能还没有开通，内容已经整理好，可以复制到应用里：', `今日完成：${input.summary}`, `今日关键障碍：${input.obstacles}`, `明日计划：${input.plan}`);
    return true;
  }
  const r = await guarded(t, () => port.submit(t.db, t.actor, input, t.now));
  say(t, isAppError(r) ? `日报没能提交：${r.message}` : '✅ 日报已提交。');
  return true;
}
