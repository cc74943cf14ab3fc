/**
 * Obstacle topics said in other words: a topic (a word of the pain-point
 * library, 价格偏高) is found in a message when the word itself or one of the
 * topic's phrasings (太贵, 嫌贵, 报价…低) occurs in it. A problem said after a
 * negation (不贵, 不缺货, 不是卖不动) is not that problem; a missing state
 * (没入库, 还没挂网) is the problem itself and stays.
 *
 *   const match = topicMatcherFor(['价格偏高', '入库'], { 价格偏高: ['太贵', '嫌贵'] });
 *   match('客户嫌我们太贵了')  // ['价格偏高']
 *   match('价格倒不贵')        // []
 */
import { keywordMatcherFor } from './segmenter.js';

export type TopicPhrasings = Readonly<Record<string, readonly string[]>>;

/** "…" (or "..."): a few characters in between, within one clause. */
const GAP = /…+|\.{3,}/;
const GAP_RE = '[^，,。.！!？?；;\\n]{0,6}';
const NEGATION = /(不|没|没有|并不|并没有|倒不|倒不是|不是|也不|也没)$/;
/** A negation inside a phrasing's gap: 价格…高 in 价格没那么高. */
const NEGATED_GAP = /不|没|未/;
/** Library words that name a problem (so "不缺货" is not one); the others name a state whose absence is the problem. */
const PROBLEM_WORD = /慢|低|高|缺|断|不足|积压|压货|窜货|破损|问题|倒挂|临期|过期|贵/;

interface Compiled { topic: string; plain?: string; first?: string; re?: RegExp }

function compile(topic: string, phrasing: string): Compiled | null {
  const p = phrasing.trim().toLowerCase();
  if (!p) return null;
  const parts = p.split(GAP).filter(Boolean);
  if (parts.length <= 1) return { topic, plain: parts[0] ?? p };
  const escaped = parts.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { topic, first: parts[0], re: new RegExp(escaped.join(`(${GAP_RE})`), 'g') };
}

function negatedAt(text: string, at: number): boolean {
  return NEGATION.test(text.slice(Math.max(0, at - 3), at));
}

/** The topics a text names, in library order, and those it names only after a negation (不缺货, 货不够卖). */
export interface PhrasingReading { topics: string[]; negated: string[] }
export type TopicReader = (text: string) => PhrasingReading;
export type TopicMatcher = (text: string) => string[];

const NO_PHRASINGS: TopicPhrasings = Object.freeze({});
const byContent = new Map<string, TopicReader>();
/** By the phrasings object, then the words: the bot keeps one reading of the settings per version, a report's facts read the words afresh. */
const byPhrasings = new WeakMap<TopicPhrasings, Map<string, TopicReader>>();

/**
 * Reads a text for the library's words and the topics' phrasings. Cached by the phrasings object and the
 * words, else by their content (phrasings parsed again from the database each time).
 */
export function topicReaderFor(words: readonly string[], phrasings: TopicPhrasings = NO_PHRASINGS): TopicReader {
  const wordsKey = words.join('\u0001');
  let forPhrasings = byPhrasings.get(phrasings);
  const known = forPhrasings?.get(wordsKey);
  if (known) return known;
  const key = `${wordsKey}\u0002${JSON.stringify(phrasings)}`;
  let reader = byContent.get(key);
  if (!reader) {
    reader = lastTextKept(compileReader(words, phrasings));
    if (byContent.size > 64) byContent.clear();
    byContent.set(key, reader);
  }
  if (!forPhrasings) byPhrasings.set(phrasings, forPhrasings = new Map());
  if (forPhrasings.size > 64) forPhrasings.clear();
  forPhrasings.set(wordsKey, reader);
  return reader;
}

function compileReader(words: readonly string[], phrasings: TopicPhrasings): TopicReader {
  const inLibrary = new Set(words);
  const compiled = Object.entries(phrasings).filter(([topic]) => inLibrary.has(topic))
    .flatMap(([topic, ps]) => ps.map((p) => compile(topic, p)).filter((c): c is Compiled => c !== null));
  const byWord = keywordMatcherFor(words);
  return (text) => {
    const lower = text.toLowerCase();
    const found = new Set<string>();
    const negated = new Set<string>();
    const saw = (topic: string, at: number, problem = true) => {
      if (problem && negatedAt(lower, at)) negated.add(topic);
      else found.add(topic);
    };
    for (const w of byWord(text)) saw(w, lower.indexOf(w.toLowerCase()), PROBLEM_WORD.test(w));
    for (const c of compiled) {
      if (found.has(c.topic)) continue;
      if (c.plain !== undefined) {
        for (let at = lower.indexOf(c.plain); at >= 0; at = lower.indexOf(c.plain, at + 1)) saw(c.topic, at);
      } else if (lower.includes(c.first!)) {
        for (const m of lower.matchAll(c.re!)) {
          if (m.slice(1).some((gap) => NEGATED_GAP.test(gap))) negated.add(c.topic);
          else saw(c.topic, m.index);
        }
      }
    }
    return { topics: words.filter((w) => found.has(w)), negated: words.filter((w) => negated.has(w) && !found.has(w)) };
  };
}

/** One message is read several times over (its slots, its intent, the learned reader's negations): read once. */
function lastTextKept(read: TopicReader): TopicReader {
  let last: { text: string; reading: PhrasingReading } | null = null;
  return (text) => {
    if (last?.text !== text) last = { text, reading: read(text) };
    return { topics: [...last.reading.topics], negated: [...last.reading.negated] };
  };
}

/** The topics a text names by word or phrasing (not after a negation), in library order. */
export function topicMatcherFor(words: readonly string[], phrasings: TopicPhrasings = {}): TopicMatcher {
  const read = topicReaderFor(words, phrasings);
  return (text) => read(text).topics;
}
