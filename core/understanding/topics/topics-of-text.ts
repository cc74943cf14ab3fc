/**
 * The 客户痛点 topics a written text names — a follow-up's 小结, a daily
 * report's 今日关键障碍 — by the library's words and the topics' phrasings, and
 * clause by clause by the learned topic reader where those are silent (only
 * when it is as sure as 痛点话题的说法 asks; it never asks here: nobody is in a
 * chat to answer).
 *
 *   await topicsOfText(db, '客户嫌太贵；上批货款拖了两个月', now)  // ['价格偏高', '回款慢']
 */
import type { Db } from '../../db/pool.js';
import { libraryTopics, obstacleTopicReading } from './obstacle-topics.setting.js';
import { topicMatcherFor } from '../../flow/topic-phrasings.js';
import { topicGuesserFor } from './read-topics.js';

const CLAUSE = /[。！!？?；;\n]+/;

export async function topicsOfText(db: Db, text: string, now: Date): Promise<string[]> {
  const words = await libraryTopics(db);
  const settings = await obstacleTopicReading(db);
  const match = topicMatcherFor(words, settings.phrasings);
  const guess = topicGuesserFor(words, settings);
  const found = new Set<string>();
  for (const clause of text.split(CLAUSE).map((c) => c.trim()).filter(Boolean)) {
    const named = match(clause);
    if (named.length) { for (const t of named) found.add(t); continue; }
    const g = guess(clause, { now });
    if (g.verdict === 'act') found.add(g.choices[0]);
  }
  return words.filter((w) => found.has(w));
}
