/**
 * 痛点话题的说法: how reps say each pain point of the 客户痛点 library in their
 * own words (太贵、嫌贵 → 价格偏高), and how sure the learned topic reader must be
 * to file a message under a topic by itself. Admins extend the phrasings; the
 * preview says which of the last 30 days' obstacles and follow-ups would be
 * filed differently, and under which topic each new phrasing goes.
 *
 *   const s = await obstacleTopicReading(db);  // { phrasings: { 价格偏高: ['太贵', …] }, confidence: 0.6, margin: 0.2 }
 */
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { DEFAULT_PAIN_POINT_KEYWORDS } from '../../flow/defaults.js';
import { numberBetween } from '../../settings/fields.js';
import { defineSetting, type Issue, type PreviewResult, type SettingContext } from '../../settings/define.js';
import { readSetting } from '../../settings/read.js';
import { DEFAULT_TOPIC_PHRASINGS } from './default-phrasings.js';
import { topicMatcherFor, type TopicPhrasings } from '../../flow/topic-phrasings.js';
import { topicGuesserFor, type TopicGuesser, type TopicReadingSettings } from './read-topics.js';

/** The library whose words are the topics. */
export const TOPIC_LIBRARY = 'pain_points';

const Phrasing = z.string().trim()
  .refine((w) => w.length > 0, '说法不能为空')
  .refine((w) => [...w].length <= 20, '每个说法不能超过20个字');

export const ObstacleTopicsSchema = z.strictObject({
  topics: z.array(z.strictObject({
    topic: z.string().trim().min(1, '请填写话题').max(20, '话题不能超过20个字').meta({ title: '话题（客户痛点关键词）' }),
    phrasings: z.array(Phrasing).max(200, '每个话题的说法不能超过200个').transform((ws) => [...new Set(ws)])
      .meta({ title: '说法', description: '销售常这样说这个问题；“…”代表中间隔几个字，如“报价…低”' }),
  })).max(500, '话题不能超过500个').meta({ title: '话题的说法', description: '出现这些说法的消息、日报障碍和跟进，会归到对应的话题' }),
  confidence: numberBetween(0.4, 0.95, { title: '自动归类的把握', unit: '', description: '没有关键词和说法时，学习模型至少有这么大把握才自动归到话题；不够就当作普通文字，接近时机器人会问一句', decimals: 2 }),
  margin: numberBetween(0, 0.5, { title: '与第二个话题至少相差', unit: '', description: '两个话题的把握相差不到这么多时，机器人先问“这是不是『…』的问题？”', decimals: 2 }),
});
export type ObstacleTopics = z.output<typeof ObstacleTopicsSchema>;

export const DEFAULT_OBSTACLE_TOPICS: ObstacleTopics = {
  topics: DEFAULT_PAIN_POINT_KEYWORDS.filter((w) => DEFAULT_TOPIC_PHRASINGS[w])
    .map((topic) => ({ topic, phrasings: [...DEFAULT_TOPIC_PHRASINGS[topic]] })),
  confidence: 0.6,
  margin: 0.2,
};

export function phrasingsOf(v: ObstacleTopics): TopicPhrasings {
  const out: Record<string, string[]> = {};
  for (const t of v.topics) out[t.topic] = [...(out[t.topic] ?? []), ...t.phrasings];
  return out;
}

export const obstacleTopics = defineSetting({
  key: 'keywords.topic-phrasings',
  topic: 'keywords',
  label: '痛点话题的说法',
  help: '销售常常不说关键词本身（“价格偏高”），而说“太贵了”“嫌贵”。在这里给客户痛点关键词库的每个话题补充说法：机器人、拜访纪要、跟进小结和日报障碍里出现这些说法，就归到对应的话题。都没出现时，由学习模型按下面的把握判断，不够把握就不归类。',
  schema: ObstacleTopicsSchema,
  default: DEFAULT_OBSTACLE_TOPICS,
  check: checkTopics,
  preview: previewTopics,
  // the visit report's rule (voice.keywords.min) reads them beside the library's words, in the same single read
  apply: async (db, value) => {
    await db.query('UPDATE keyword_libraries SET phrasings = $2, updated_at = now() WHERE code = $1', [TOPIC_LIBRARY, JSON.stringify(phrasingsOf(value))]);
  },
});

async function checkTopics(db: Db, value: ObstacleTopics): Promise<Issue[]> {
  const words = new Set(await libraryTopics(db));
  const seen = new Set<string>();
  return value.topics.flatMap((t, i) => {
    if (!words.has(t.topic)) return [{ path: `topics.${i}.topic`, message: `「${t.topic}」不在客户痛点关键词库里，请先在关键词库里加上它` }];
    if (seen.has(t.topic)) return [{ path: `topics.${i}.topic`, message: `「${t.topic}」重复了，请把说法合并到一处` }];
    seen.add(t.topic);
    return [];
  });
}

/** The organisation's topic reading, for the bot, the visit page and the obstacle clustering. */
export async function obstacleTopicReading(db: Db): Promise<TopicReadingSettings> {
  const v = await readSetting(db, obstacleTopics);
  return { phrasings: phrasingsOf(v), confidence: v.confidence, margin: v.margin };
}

/** What the understanding needs to read topics (UnderstandContext's matchPainPoints, and guessTopic given the message's context). */
export interface TopicReaders {
  matchPainPoints: (text: string) => string[];
  guessTopic: TopicGuesser;
}

/** The words and phrasings matcher, and the learned reader for the rest: built once per reading of the settings. */
export function topicReadersFor(words: readonly string[], s: TopicReadingSettings): TopicReaders {
  return { matchPainPoints: topicMatcherFor(words, s.phrasings), guessTopic: topicGuesserFor(words, s) };
}

const SHOWN = 20;

/** The topics: the library's words (read here, not through core/config-admin, which imports core/understanding). */
export async function libraryTopics(db: Db): Promise<string[]> {
  const { rows: [r] } = await db.query('SELECT words FROM keyword_libraries WHERE code = $1', [TOPIC_LIBRARY]);
  return r?.words ?? [];
}

async function previewTopics(db: Db, c: SettingContext & { before: ObstacleTopics; after: ObstacleTopics }): Promise<PreviewResult> {
  const words = await libraryTopics(db);
  const before = topicMatcherFor(words, phrasingsOf(c.before));
  const after = topicMatcherFor(words, phrasingsOf(c.after));
  const lines: string[] = [];
  // each phrasing added: the topic it goes to
  const old = phrasingsOf(c.before);
  for (const t of c.after.topics) {
    const added = t.phrasings.filter((p) => !(old[t.topic] ?? []).includes(p));
    if (added.length) lines.push(`新说法 ${added.map((p) => `“${p}”`).join('')} 会归到『${t.topic}』`);
  }
  const { rows } = await db.query(
    `SELECT obstacles AS text FROM daily_reports WHERE created_at >= $1::timestamptz - interval '30 days'
     UNION ALL SELECT summary FROM followups WHERE at >= $1::timestamptz - interval '30 days'`, [c.now]);
  let moved = 0;
  for (const { text } of rows as Array<{ text: string | null }>) {
    if (!text) continue;
    const a = before(text).join('、');
    const b = after(text).join('、');
    if (a === b) continue;
    moved++;
    if (lines.length < SHOWN) lines.push(`“${text.length > 30 ? `${text.slice(0, 30)}…` : text}”：${a || '未归类'} → ${b || '未归类'}`);
  }
  const sure = c.before.confidence !== c.after.confidence || c.before.margin !== c.after.margin
    ? `；自动归类的把握由${c.before.confidence}改为${c.after.confidence}，相差由${c.before.margin}改为${c.after.margin}` : '';
  return { summary: `近30天${rows.length}条日报障碍和跟进小结中，${moved}条归到的话题会变${sure}。`, lines };
}
