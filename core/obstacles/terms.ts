/**
 * From a 今日关键障碍 text to the terms clustering works on: jieba
 * segmentation (core/flow/segmenter.ts, with the trade dictionary and the
 * keyword libraries inserted so 耗材编码 / 医保备案 stay whole), minus
 * stopwords, time words, numbers and single characters.
 *
 *   prepareObstacleDictionary([...libraryWords]);
 *   termsOf('设备科要求先有耗材编码，医保备案还没下来'); // ['设备科', '耗材编码', '医保备案']
 */
import { addDictionaryWords, segment } from '../flow/segmenter.js';
import { TRADE_DICTIONARY_DEFAULT } from '../understanding/trade-dictionary.setting.js';

/**
 * Trade terms that must stay one word even before the settings are read (the
 * trade dictionary's defaults; admins add theirs in 行业词典, which callers pass
 * in with the keyword libraries' words).
 */
export const TRADE_DICTIONARY = Object.values(TRADE_DICTIONARY_DEFAULT).flat();

const STOPWORDS = new Set(`
没有 还没 还是 已经 一直 目前 现在 今天 明天 昨天 今日 明日 本周 下周 上周 这周 月底 月初 上午 下午 晚上 中午 早上
我们 他们 她们 对方 客户 公司 这个 那个 这边 那边 一些 一下 一个 什么 怎么 怎么办 因为 所以 但是 而且 如果 然后 还有
需要 希望 可能 应该 进行 继续 推进 跟进 沟通 联系 处理 情况 问题 事情 方面 相关 进度 卡住 导致 影响 造成 还在 正在
准备 下来 出来 起来 过去 之前 之后 以后 以前 时间 时候 工作 障碍 关键 主要 其他 部分 所有 这次 那次 几次 多次 一次
下次 很多 较多 更多 尚未 仍然 依然 不能 不会 不肯 不愿 不够 没能 只能 只有 一定 一起 一样 这样 那样 这么 那么 还要
要求 表示 反馈 告知 确认 说明 暂时 暂无 没什么 就是 不是 可以 能够 必须 得到 拿到 收到 提供 完成 开始 结束 目前为止
这里 那里 哪里 为什么 是否 以及 或者 并且 而是 不过 只是 由于 等等 方面 问了 说了 没人 有人 大家 自己 领导 同事
重新 再次 马上 尽快 随时 终于 依旧 总是 经常 偶尔 稍微 基本 基本上 大概 差不多 估计 据说 听说 好像 似乎 突然 刚刚 刚才
立即 立刻 一再 反复 结果 很大 很多 太多 太长 有点 一点 还是 又要 还得 得到 没法 无法 不了 不到 不行 不好 好的
另外 此外 拜访 电话 一趟 见面 见到 约见 走访 去了 回来 上门 当面 微信 邮件 今天上午 今天下午 客户方 我方 这家 那家
`.split(/\s+/).filter(Boolean));

/** Words that mean "no obstacle today": such reports are counted but not clustered. */
const NOTHING = /^(无|没有|暂无|没|无障碍|没有障碍|一切顺利|顺利|正常|无明显障碍|暂时没有|-|—|\/|\.|。)*$/;

const NOTHING_SAID = /^(今天|今日)?(一切(顺利|正常)|(没有|无|暂无|没什么)(明显|特别|大的)?的?(障碍|问题|困难|阻碍))+$/;

export function isNoObstacle(text: string | null | undefined): boolean {
  if (!text) return true;
  const t = text.replace(/[\s，,。！!；;、]/g, '');
  // "今天一切顺利，没有障碍" says nothing to cluster
  return NOTHING.test(t) || NOTHING_SAID.test(t);
}

const HAS_WORD_CHAR = /[\p{Script=Han}A-Za-z]/u;
const NUMERIC = /^[\d.%０-９零一二三四五六七八九十百千万]+$/;

export function isTerm(t: string): boolean {
  return t.length >= 2 && !STOPWORDS.has(t) && HAS_WORD_CHAR.test(t) && !NUMERIC.test(t);
}

/** Dictionary compound → the shorter dictionary words inside it ('预算冻结' → ['预算']). */
const subWords = new Map<string, string[]>();
const dictionary = new Set<string>();

/** Inserts the trade dictionary and the given library words into jieba's dictionary (idempotent). */
export function prepareObstacleDictionary(libraryWords: Iterable<string> = []): void {
  const words = [...TRADE_DICTIONARY, ...[...libraryWords].map((w) => w.trim()).filter((w) => [...w].length >= 2)];
  addDictionaryWords(words);
  let grew = false;
  for (const w of words) if (!dictionary.has(w)) { dictionary.add(w); grew = true; }
  if (!grew) return;
  subWords.clear();
  yields.clear();
  for (const long of dictionary) {
    const inside = [...dictionary].filter((w) => w !== long && w.length < long.length && long.includes(w) && isTerm(w));
    if (inside.length) subWords.set(long, inside);
  }
}

/** A trade-dictionary or keyword-library word: a known obstacle term, kept even when it forms a topic alone. */
export function isKnownTerm(term: string): boolean {
  return dictionary.has(term);
}

const LATIN = /[A-Za-z]/;

/** token → the terms it yields (none, itself, itself + dictionary words inside); tokens repeat a lot across reports */
const yields = new Map<string, readonly string[]>();
const NONE: readonly string[] = [];

function termsOfToken(token: string): readonly string[] {
  let y = yields.get(token);
  if (y) return y;
  const t = LATIN.test(token) ? token.trim().toLowerCase() : token;
  y = !isTerm(t) ? NONE : subWords.has(t) ? [t, ...subWords.get(t)!] : [t];
  if (yields.size > 200_000) yields.clear();
  yields.set(token, y);
  return y;
}

function collect(tokens: readonly string[], from: number, to: number): string[] {
  const seen = new Set<string>();
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (t.length < 2) continue;
    for (const w of termsOfToken(t)) seen.add(w);
  }
  return [...seen];
}

/**
 * Distinct terms of a text, in order of first appearance (Latin lower-cased).
 * A dictionary compound also yields the dictionary words inside it, so
 * '预算冻结' and '预算' reports meet on '预算'.
 */
export function termsOf(text: string): string[] {
  if (isNoObstacle(text)) return [];
  const tokens = segment(text);
  return collect(tokens, 0, tokens.length);
}

/**
 * termsOf for many texts at once: one segmentation call per batch (texts
 * joined by newlines, which jieba keeps as tokens), ~30% faster than one call
 * per report for the weekly clustering.
 */
export function termsOfMany(texts: readonly string[], batch = 500): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < texts.length; i += batch) {
    // callers pass the texts that state an obstacle (isNoObstacle filtered); an empty one yields no terms
    const part = texts.slice(i, i + batch).map((t) => (t ? t.replace(/[\r\n]+/g, '，') : '。'));
    const tokens = segment(part.join('\n'));
    const bounds: number[] = [];
    tokens.forEach((t, k) => { if (t === '\n') bounds.push(k); });
    if (bounds.length !== part.length - 1) {
      // never expected; stay correct rather than fast
      for (const t of part) {
        const own = segment(t);
        out.push(collect(own, 0, own.length));
      }
      continue;
    }
    let start = 0;
    for (const end of [...bounds, tokens.length]) {
      out.push(collect(tokens, start, end));
      start = end + 1;
    }
  }
  return out;
}
