/**
 * Each week: words last week's daily reports and follow-ups kept writing but
 * the segmenter splits (term-discovery.ts), suggested to the admins on a
 * WeCom card that opens 行业词典, once per week and admin (dedupe key).
 *
 *   await suggestTradeTerms(sys);               // last week
 *   await suggestTradeTerms(sys, { week: '2026-11-30' });
 */
import type { CoreDeps } from '../deps.js';
import { mondayOf } from '../dashboards/period.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant } from '../flow/time.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import { discoverTerms, type TermCandidate } from './term-discovery.js';
import { tradeDictionary, tradeDictionaryWords } from './trade-dictionary.setting.js';

type Deps = Pick<CoreDeps, 'pool' | 'config' | 'logger'> & { now?: () => Date };

export async function suggestTradeTerms(sys: Deps, opts: { week?: string } = {}): Promise<{ week: string; candidates: TermCandidate[]; sent: number; summary: string }> {
  const now = sys.now?.() ?? new Date();
  const week = opts.week ? mondayOf(opts.week) : addCalendarDays(mondayOf(shanghaiDate(now)), -7);
  const next = addCalendarDays(week, 7);
  const { rows } = await sys.pool.query(
    `SELECT concat_ws('，', summary, obstacles, plan, support) AS text FROM daily_reports WHERE day >= $1::date AND day < $2::date
     UNION ALL
     SELECT summary FROM followups WHERE at >= $3 AND at < $4 AND summary <> ''`,
    [week, next, shanghaiInstant(week, 0, 0), shanghaiInstant(next, 0, 0)]);
  const { rows: libs } = await sys.pool.query('SELECT words FROM keyword_libraries');
  const known = new Set([...(await tradeDictionaryWords(sys.pool)), ...libs.flatMap((r) => r.words as string[])]);
  const candidates = discoverTerms(rows.map((r) => r.text as string), { known, max: 10 });
  if (candidates.length === 0) return { week, candidates, sent: 0, summary: `行业词典 ${week} 当周：没有发现新词` };
  const { rows: admins } = await sys.pool.query(`SELECT id, wecom_userid FROM users WHERE active AND role = 'admin' ORDER BY id`);
  const url = `${sys.config.publicUrl.replace(/\/$/, '')}/settings/s/${encodeURIComponent(tradeDictionary.key)}`;
  const lines = candidates.map((c) => `${c.term}（${c.docs}篇，如“${c.example}”）`).join('\n');
  const card = textCard('行业词典：上周的新词建议', `上周日报和跟进里反复出现、但会被拆开的词：\n${lines}\n是产品名或行业词就加进行业词典，分析时不再拆开。`, url, '去添加');
  let sent = 0;
  for (const a of admins) {
    if (await enqueueMessage(sys.pool, { dedupeKey: `trade-terms:${week}:${a.id}`, recipient: a.wecom_userid, ...card })) sent++;
  }
  return { week, candidates, sent, summary: `行业词典 ${week} 当周：${candidates.length} 个新词建议，发给 ${sent} 位管理员` };
}
