/**
 * New trade terms, found where the segmenter splits them: runs of short
 * tokens ("康复|宝", "挂网|价") that recur across many reports are probably one
 * word jieba does not know — a product name, a trade term. They are
 * suggested to admins for the trade dictionary (行业词典), never added by
 * themselves.
 *
 *   discoverTerms(['康复宝还没挂网价', '康复宝断货', …], { known: new Set(dictionary) })
 *   // [{ term: '康复宝', docs: 12, count: 14, example: '康复宝还没挂网价' }, …]
 */
import { segment } from '../flow/segmenter.js';

export interface TermCandidate {
  term: string;
  /** Texts it appears in (each counts once). */
  docs: number;
  count: number;
  /** One text it appears in, for the admin to judge. */
  example: string;
}

export interface DiscoverOptions {
  /** Words already in a dictionary or library: never suggested. */
  known: ReadonlySet<string>;
  /** A split run must recur in this many texts (default 3). */
  minDocs?: number;
  /** At most this many, most widespread first (default 20). */
  max?: number;
}

const HAN = /^[\u4e00-\u9fa5]+$/;
// characters that make a run a phrase, not a word: particles, negations, pronouns, measure words
const PHRASE_CHARS = /[的了是在和也都就不没还要会能很太把被给让跟与及或而又再才这那个我你他她它们吗呢吧啊呀哦]/;

export function discoverTerms(texts: readonly string[], opts: DiscoverOptions): TermCandidate[] {
  const minDocs = opts.minDocs ?? 3;
  const found = new Map<string, { docs: number; count: number; example: string }>();
  for (const text of texts) {
    const tokens = segment(text);
    const seen = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      for (const n of [2, 3]) {
        const run = tokens.slice(i, i + n);
        if (run.length < n || !run.every((t) => HAN.test(t) && t.length <= 2)) continue;
        // a split leaves a single character behind (康复|宝); two whole words side by side are a phrase
        if (!run.some((t) => t.length === 1)) continue;
        const term = run.join('');
        if (term.length < 3 || term.length > 5 || PHRASE_CHARS.test(term) || opts.known.has(term)) continue;
        const f = found.get(term) ?? { docs: 0, count: 0, example: text };
        f.count++;
        if (!seen.has(term)) { f.docs++; seen.add(term); }
        found.set(term, f);
      }
    }
  }
  const ranked = [...found.entries()]
    .filter(([, f]) => f.docs >= minDocs)
    .map(([term, f]) => ({ term, ...f, example: f.example.slice(0, 60) }))
    .sort((a, b) => b.docs - a.docs || b.count - a.count);
  // a run inside a longer one found as often is the same word, cut short
  return ranked.filter((c) => !ranked.some((o) => o.term !== c.term && o.term.includes(c.term) && o.docs >= c.docs))
    .slice(0, opts.max ?? 20);
}
