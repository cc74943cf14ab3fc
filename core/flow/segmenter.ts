/**
 * Chinese word segmentation over nodejieba. Keywords are matched as whole
 * segmented words, not substrings, so "账期" does not fire on "报账期间".
 *
 *   const match = createKeywordMatcher(['价格偏高', '账期', '耗材编码']);
 *   match('客户说价格偏高，账期太长'); // ['价格偏高', '账期']
 *
 * nodejieba keeps one dictionary per process. Every library's words are
 * inserted into it (insertWord, once each), so multi-character trade terms stay
 * whole. Because one library's long word could swallow another library's short
 * word, matching follows cutForSearch, which also emits the dictionary
 * sub-words of long words ("价格偏高" → "价格", "偏高", "价格偏高").
 */
import nodejieba from 'nodejieba';

export type KeywordMatcher = (text: string | null | undefined) => string[];

export interface WeightedKeyword {
  word: string;
  weight: number;
}

const insertedWords = new Set<string>();

/**
 * Loads jieba's dictionaries now (~3 s) rather than on the first report.
 * Goes through cut(): calling nodejieba.load() again would reload the
 * dictionary and silently drop every inserted keyword.
 */
export function warmUpSegmenter(): void {
  nodejieba.cut('预热');
}

/** Adds words to jieba's in-memory dictionary; cheap and idempotent. */
export function addDictionaryWords(words: Iterable<string>): void {
  for (const word of words) {
    if (insertedWords.has(word)) continue;
    nodejieba.insertWord(word);
    insertedWords.add(word);
    negationGuard = null;
  }
}

/**
 * jieba's own dictionary glues a negation or aspect particle to the first
 * character of a trade term when that makes a common word: 没入库 → 没入 + 库,
 * 未入院 → 未入 + 院, so the term is lost. A space after the particle keeps the
 * term whole (jieba cuts on spaces); a term inside an ordinary word
 * (报账期间 holds 账期) is left to jieba, since no particle precedes it.
 */
const PARTICLES = '没未不已还再先刚尚别';
let negationGuard: RegExp | null = null;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function guardTerms(text: string): string {
  if (insertedWords.size === 0 || !/[没未不已还再先刚尚别]/.test(text)) return text;
  if (!negationGuard) {
    const words = [...insertedWords].filter((w) => /^[\u4e00-\u9fa5]{2,}$/.test(w) && !PARTICLES.includes(w[0])).sort((a, b) => b.length - a.length);
    negationGuard = words.length ? new RegExp(`([${PARTICLES}])(?=${words.map(escapeRegExp).join('|')})`, 'g') : /$^/;
  }
  return text.replace(negationGuard, '$1 ');
}

/** True when jieba's dictionary holds the word as one word (人物, 报告), not a run of characters it cannot join (任物). */
export function isDictionaryWord(word: string): boolean {
  const cut = nodejieba.cut(word, false);
  return cut.length === 1 && cut[0] === word;
}

/** Precise-mode segmentation with HMM for unknown words (clustering, search). */
export function segment(text: string): string[] {
  return text ? nodejieba.cut(guardTerms(text), true).filter((t) => t !== ' ') : [];
}

/** TF-IDF keywords of a text, strongest first. */
export function extractKeywords(text: string, topN: number): WeightedKeyword[] {
  return text && topN > 0 ? nodejieba.extract(text, topN) : [];
}

// jieba splits sentences on exactly these before segmenting, so cutting only
// the clauses that contain a candidate yields the same words as cutting all.
const JIEBA_SEPARATORS = /[ \t\n，。]+/;

function normalizeWords(words: readonly string[]): Map<string, string> {
  const byLower = new Map<string, string>();
  for (const raw of words) {
    const w = raw.trim();
    if (w && !byLower.has(w.toLowerCase())) byLower.set(w.toLowerCase(), w);
  }
  return byLower;
}

/**
 * What cutForSearch would emit, computed from cut()'s tokens: the token itself,
 * and dictionary 2-grams of tokens longer than 2 and 3-grams of tokens longer
 * than 3. Every library word is in the dictionary, so only their presence matters.
 */
function isSearchHit(token: string, word: string): boolean {
  if (token === word) return true;
  const n = word.length;
  return (n === 2 || n === 3) && token.length > n && token.includes(word);
}

/**
 * Returns a function giving the DISTINCT library words found in a text, in
 * order of first appearance. Matching is case-insensitive for Latin terms.
 */
export function createKeywordMatcher(words: readonly string[]): KeywordMatcher {
  const byLower = normalizeWords(words);
  const keys = [...byLower.keys()];
  // clauses are segmented lower-cased; without HMM jieba splits unknown Latin runs into letters
  addDictionaryWords(byLower.values());
  addDictionaryWords(keys);
  return (text) => {
    if (!text || keys.length === 0) return [];
    const lower = text.toLowerCase();
    // substring pre-filter: a word that is not a substring cannot be a token
    const candidates = keys.filter((k) => lower.includes(k));
    if (candidates.length === 0) return [];
    const clauses = lower.split(JIEBA_SEPARATORS).filter((c) => candidates.some((k) => c.includes(k)));
    // one native call for all clauses: the separator keeps them independent
    const tokens = nodejieba.cut(guardTerms(clauses.join('，')));
    const found: string[] = [];
    for (const token of tokens) {
      for (const k of candidates) {
        if (isSearchHit(token, k) && !found.includes(k)) found.push(k);
      }
    }
    return found.map((k) => byLower.get(k)!);
  };
}

const matcherCache = new WeakMap<readonly string[], KeywordMatcher>();
const matcherByContent = new Map<string, KeywordMatcher>();
const CONTENT_CACHE_LIMIT = 256;

/**
 * A matcher for a library array, reused across evaluations: by identity when
 * facts share the array, else by content (bounded, for per-request copies).
 */
export function keywordMatcherFor(words: readonly string[]): KeywordMatcher {
  const byIdentity = matcherCache.get(words);
  if (byIdentity) return byIdentity;
  const key = words.join('\u0001');
  let matcher = matcherByContent.get(key);
  if (!matcher) {
    if (matcherByContent.size >= CONTENT_CACHE_LIMIT) matcherByContent.clear();
    matcher = createKeywordMatcher(words);
    matcherByContent.set(key, matcher);
  }
  matcherCache.set(words, matcher);
  return matcher;
}
