/**
 * A rep asking for a talk track in their own words — "质保怎么谈", "价格异议
 * 怎么回", "客户说太贵怎么办", "有没有质保的话术" — registered as an intent of
 * the bot's router (core/understanding/intent-router.ts), and the pack and
 * answer that fit the question best. Pure functions over text.
 *
 *   askedTopic('价格异议怎么回？') // '价格异议'
 *   bestAnswer('质保', packs)      // { pack, objection: { objection: '别家给三年质保', answer: '…' }, score: 5 }
 */
import { registerIntent, type IntentDetector } from '../understanding/intent-router.js';

export const TALK_TRACK_INTENT = 'talk_track';

const FILLER_END = /[\s，。！!？?、~～…]+$|(呢|啊|呀|吧|嘛|哈)+$/g;
/** The question, at the end of the message: how to talk / answer / handle it. */
const HOW = /(应该|该|要)?(怎么|如何|咋|怎样|怎么样)(去)?(谈|回|回复|回答|答复|说|应对|处理|讲|聊|办|化解|接|破)(比较好|才好|好|合适)?$/;
const ASKS_FOR_SCRIPT = /话术|说辞|应答/;
const LEAD_IN = /^(请问|请|麻烦|帮我|帮忙|问一下|问下|想问下?|我想问|那个|老师|客户说|客户问|客户嫌|客户觉得)+/;
const ASK_WORDS = /^(有没有|有什么|有啥|给我|发我|来个|来一份|查查|查一下|看看)+|(的)?(话术包?|说辞|应答)(吗|么)?$|的$/g;

/** What the rep asks a talk track about ('' when they only ask for one), or null when the message is not such a question. */
export function askedTopic(text: string): string | null {
  const t = text.trim().replace(FILLER_END, '').replace(FILLER_END, '');
  if (!t || t.length > 30) return null;
  const how = HOW.exec(t);
  if (!how && !ASKS_FOR_SCRIPT.test(t)) return null;
  const topic = (how ? t.slice(0, how.index) : t).replace(LEAD_IN, '').replace(ASK_WORDS, '').replace(/[，,\s]+/g, '');
  return topic;
}

/** The router's reading: a short question about handling something beats report content, and is asked about only against a command. */
export const talkTrackIntent: IntentDetector = (text) => {
  const topic = askedTopic(text);
  return topic === null ? null : { kind: TALK_TRACK_INTENT, score: 0.8, describe: `查“${topic || '话术'}”的话术包` };
};
registerIntent(talkTrackIntent);

export interface AskablePack {
  id: number;
  title: string;
  keywords: readonly string[];
  objections: ReadonlyArray<{ objection: string; answer: string }>;
  sections: ReadonlyArray<{ heading: string; body: string }>;
}

const chars = (s: string) => [...s.replace(/[\s\p{P}]/gu, '')];
const bigrams = (s: string): Set<string> => {
  const c = chars(s);
  return new Set(c.slice(0, -1).map((x, i) => x + c[i + 1]));
};
const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((x) => b.has(x)).length;
/** Shared words weigh double; shared characters still count (太贵 and 比别家贵 share 贵). */
const closeness = (q: string, text: string) => 2 * overlap(bigrams(q), bigrams(text)) + overlap(new Set(chars(q)), new Set(chars(text)));

export interface Answer<P extends AskablePack> {
  pack: P;
  /** The objection whose words share most with the question (null: none shares any). */
  objection: { objection: string; answer: string } | null;
  score: number;
}

/**
 * The pack that answers `topic` best: its keywords (and title) named in the question weigh most,
 * then the words an objection shares with it; null when nothing matches.
 */
export function bestAnswer<P extends AskablePack>(topic: string, packs: readonly P[]): Answer<P> | null {
  let best: Answer<P> | null = null;
  for (const pack of packs) {
    const words = [...pack.keywords, pack.title.replace(/话术包?$/, '')].filter(Boolean);
    const named = words.filter((k) => topic.includes(k) || (k.length >= 2 && topic.length >= 2 && k.includes(topic)));
    const scored = pack.objections.map((o) => ({ o, n: closeness(topic, `${o.objection}${o.answer}`) })).sort((a, b) => b.n - a.n)[0];
    // a shared character alone (物流 and 物料) is no match: a keyword or a shared word must be there
    const matches = named.length > 0 || pack.objections.some((o) => overlap(bigrams(topic), bigrams(`${o.objection}${o.answer}`)) > 0);
    const score = named.reduce((s, k) => s + 2 * Math.min(k.length, topic.length), 0) + (scored?.n ?? 0);
    if (matches && (!best || score > best.score)) best = { pack, objection: scored && scored.n > 0 ? scored.o : null, score };
  }
  return best;
}
