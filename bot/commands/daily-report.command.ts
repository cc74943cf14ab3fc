/**
 * 写日报: 今日完成 (prefilled from today's visits), 今日关键障碍, 明日计划,
 * 需要的支持 — then a summary and 确认提交吗？. The report is the same one
 * the app edits: what is already written today is shown first, an answer
 * replaces that field only, and 「没有」 keeps it. Filing is the
 * daily-report service's (DailyReportPort → core/reports); without a port
 * the bot says so and leaves the rep the text to paste.
 *
 * 今日关键障碍 must name a blocker: 「没问题」「无」 are asked again, and a
 * bare date ("明天下午三点再去") is recognised as the answer to another
 * question, never stored as the obstacle.
 */
import { todayVisitsOf } from '../../core/actions/open-work.js';
import { keywordLibrary } from '../../core/config-admin/keyword-libraries.js';
import { isAppError } from '../../core/errors.js';
import { describeStatus } from '../../core/flow/action-machine.js';
import { shanghaiDate } from '../../core/flow/time.js';
import type { ActionStatus } from '../../core/flow/types.js';
import { isContentFreeObstacle, OBSTACLE_PROMPT } from '../../core/reports/obstacle-answer.js';
import { dateOnlyAnswer } from '../../core/understanding/date-answer.js';
import { isNo, isYes } from '../../core/understanding/intents.js';
import { describeZhDateTime } from '../../core/understanding/zh-datetime.js';
import type { FiledDailyReport } from '../engine/daily-report-port.js';
import type { DailyDraft } from '../engine/state.js';
import { guarded, say, setPending, type Turn } from '../engine/turn.js';

const NOTHING = /^(没有|无|没了|没|暂无|就这些|不用了?|不变|不改|保持不变|一样)[。！!]?$/;
const ANSWER_MAX = 1000;
const SOURCE = { app: '应用', bot: '机器人' } as const;

async function filedToday(t: Turn, day: string): Promise<FiledDailyReport | null> {
  return t.deps.dailyReports ? t.deps.dailyReports.today(t.db, t.actor, day) : null;
}

export async function startDailyReport(t: Turn): Promise<void> {
  const day = shanghaiDate(t.now);
  const visits = await todayVisitsOf(t.db, t.actor.id, day);
  const list = visits.map((v) => `${v.customerName}（${describeStatus(v.status as ActionStatus)}）`).join('、');
  const filed = await filedToday(t, day);
  t.convo.state.daily = { day, step: 'summary', visits: list ? `拜访了${list}` : '', ...(filed ? { filed } : {}) };
  say(t, `开始写${day.slice(5).replace('-', '月')}日的日报。`);
  if (filed) {
    const via = (f: string) => (filed.sources[f] ? `（${SOURCE[filed.sources[f].via]}）` : '');
    say(t, '今天的日报已经写过，下面的回答只更新你回答的那一项，回复“没有”保持原样：',
      `· 今日完成${via('summary')}：${filed.summary || '（未填）'}`, `· 今日关键障碍${via('obstacles')}：${filed.obstacles || '（未填）'}`,
      `· 明日计划${via('plan')}：${filed.plan || '（未填）'}`, ...(filed.support ? [`· 需要的支持${via('support')}：${filed.support}`] : []));
  }
  say(t, list ? `今日完成：我整理了今天的拜访——${list}。还有其他要补充的吗？（没有就回复“没有”）` : '今日完成：今天做了哪些工作？');
}

/** The report as it will be after filing: answers over what was filed today. */
function merged(d: DailyDraft): { summary: string; obstacles: string; plan: string; support: string | null } {
  const f = d.filed;
  const summary = d.summary !== undefined || !f?.summary ? [d.visits, d.summary].filter(Boolean).join('；') : f.summary;
  return {
    summary: summary || f?.summary || '（无）',
    obstacles: d.obstacles ?? f?.obstacles ?? '',
    plan: d.plan ?? f?.plan ?? '',
    support: d.support || f?.support || null,
  };
}

/** Feeds one answer into the daily report; false when no daily report is being written. */
export async function continueDailyReport(t: Turn, text: string): Promise<boolean> {
  const d = t.convo.state.daily;
  if (!d) return false;
  const answer = NOTHING.test(text.trim()) ? '' : text.trim().slice(0, ANSWER_MAX);
  switch (d.step) {
    case 'summary': {
      if (!answer && !d.visits && !d.filed?.summary) {
        say(t, '今日完成不能为空，说说今天做了什么吧。');
        return true;
      }
      if (answer) d.summary = answer;
      d.step = 'obstacles';
      const examples = (await keywordLibrary(t.db, 'obstacles')).slice(0, 3).join('、');
      say(t, `今日关键障碍是什么？请说具体卡在哪里${examples ? `（比如：${examples}）` : ''}。${d.filed?.obstacles ? '（不变就回复“没有”）' : ''}`);
      return true;
    }
    case 'obstacles':
      return answerObstacle(t, d, text, answer);
    case 'plan':
      if (!answer && !d.filed?.plan) {
        say(t, '说说明天的安排吧，比如“上午拜访永辉，下午整理报价”。');
        return true;
      }
      if (answer) d.plan = answer;
      d.step = 'support';
      say(t, '需要公司或其他部门提供什么支持吗？（没有就回复“没有”）');
      return true;
    case 'support': {
      if (answer) d.support = answer;
      d.step = 'confirm';
      const m = merged(d);
      say(t, '请确认日报：', `· 今日完成：${m.summary}`, `· 今日关键障碍：${m.obstacles}`, `· 明日计划：${m.plan}`,
        ...(m.support ? [`· 需要的支持：${m.support}`] : []), '确认提交吗？（回复“确认”提交，“取消”放弃）');
      setPending(t, { kind: 'daily_confirm' });
      return true;
    }
    case 'confirm':
      return answerDailyConfirm(t, text);
  }
}

function answerObstacle(t: Turn, d: DailyDraft, text: string, answer: string): boolean {
  if (!answer && d.filed?.obstacles) {
    d.step = 'plan';
    say(t, '好的，今日关键障碍保持不变。明天计划做什么？');
    return true;
  }
  const date = answer ? dateOnlyAnswer(answer, t.now) : null;
  if (date) {
    say(t, `“${text.trim()}”说的是时间（${describeZhDateTime(date.at)}），不是障碍，我没有记下。`, OBSTACLE_PROMPT);
    return true;
  }
  if (!answer || isContentFreeObstacle(answer)) {
    say(t, OBSTACLE_PROMPT);
    return true;
  }
  d.obstacles = answer;
  d.step = 'plan';
  say(t, '明天计划做什么？');
  return true;
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
  const m = merged(d);
  // only what the rep answered here: fields the app wrote and the rep kept stay the app's
  const input = {
    day: d.day,
    ...(d.summary !== undefined || !d.filed?.summary ? { summary: m.summary } : {}),
    ...(d.obstacles !== undefined ? { obstacles: d.obstacles } : {}),
    ...(d.plan !== undefined ? { plan: d.plan } : {}),
    ...(d.support ? { support: d.support } : {}),
  };
  if (!port) {
    say(t, '日报提交功能还没有开通，内容已经整理好，可以复制到应用里：', `今日完成：${m.summary}`, `今日关键障碍：${m.obstacles}`, `明日计划：${m.plan}`);
    return true;
  }
  const r = await guarded(t, () => port.submit(t.db, t.actor, input, t.now, 'bot'));
  say(t, isAppError(r) ? `日报没能提交：${r.message}` : '✅ 日报已提交，在应用的日报页也能看到和修改。');
  return true;
}
