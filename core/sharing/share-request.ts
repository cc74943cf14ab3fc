/**
 * A rep asking the bot to send a customer a document — "把质保条款发给王院长",
 * "分享报价单给刘伟", "给刘伟发一下技术方案" — registered as an intent of the
 * bot's router (core/understanding/intent-router.ts), and the documents whose
 * name or tags fit the words said. Pure functions over text: who "王院长" is
 * is the decision-chain resolution's (it asks rather than guesses), the link
 * is createShareLink's.
 *
 *   askedShare('把质保条款发给王院长') // { document: '质保条款', person: '王院长' }
 *   documentsNamed('质保条款', docs)   // [{ id: 7, filename: '延长质保条款.pdf', tags: ['延长质保条款'] }]
 */
import { registerIntent, type IntentDetector } from '../understanding/intent-router.js';

export const SHARE_DOCUMENT_INTENT = 'share_document';

export interface ShareRequest {
  /** The document as said (质保条款, 报价单). */
  document: string;
  /** Who it goes to as said (王院长, 刘伟); '' when only 客户 was said. */
  person: string;
}

const SEND = '(?:发送|发|分享|转发|转|传|推送|推)(?:一下|一份|一个|个|下|过去)?';
const PATTERNS: RegExp[] = [
  new RegExp(`^把(?<doc>.+?)${SEND}(?:给|到)(?<who>.+)$`),
  new RegExp(`^${SEND}(?<doc>.+?)(?:给|到)(?<who>.+)$`),
  new RegExp(`^给(?<who>.{1,10}?)${SEND}(?<doc>.+)$`),
];
const LEAD_IN = /^(请|麻烦|帮我|帮忙|你|能不能|可以|能|再|我要|我想|想)+/;
const FILLER_END = /[\s，。！!？?、~～…]+$|(吧|呢|啊|呀|好吗|好不好|行吗|可以吗|谢谢)+$/g;
/** Saying it was sent is a report, not a request: 把报价单发给刘伟了. */
const DONE = /(了|过|完)$|已经|刚才|刚刚|昨天|前天|上周|之前/;
const DOC_WORDS = /^(那份|这份|一份|那个|这个|我们的|我们|咱们的|咱们|新版的?|最新的?|上次的?)+|(的)?(文档|文件|资料|材料)$/g;
const WHO_END = /(看看|看一下|看下|过目|确认一下|确认|一份|那里|那边|手机上)+$/;
/** Not people a rep sends a customer's document to by name. */
const NOBODY = /^(你|我|我们|他|她|他们|她们|大家|群里|群)$/;
const CUSTOMER_ONLY = /^(客户|对方|他们客户)$/;

/** The document and the person a request to send one names, or null when the text is no such request. */
export function askedShare(text: string): ShareRequest | null {
  const t = text.trim().replace(FILLER_END, '').replace(FILLER_END, '').replace(LEAD_IN, '');
  if (!t || t.length > 40 || DONE.test(t)) return null;
  for (const re of PATTERNS) {
    const m = re.exec(t);
    if (!m?.groups) continue;
    const document = m.groups.doc.replace(/[《》“”"']/g, '').replace(DOC_WORDS, '').trim();
    const who = m.groups.who.replace(WHO_END, '').trim();
    if (!document || document.length > 20 || !who || who.length > 10 || NOBODY.test(who)) return null;
    return { document, person: CUSTOMER_ONLY.test(who) ? '' : who };
  }
  return null;
}

/** The router's reading: a request to send something to someone beats report content. */
export const shareDocumentIntent: IntentDetector = (text) => {
  const r = askedShare(text);
  return r ? { kind: SHARE_DOCUMENT_INTENT, score: 0.85, describe: `把“${r.document}”分享给${r.person || '客户'}` } : null;
};
registerIntent(shareDocumentIntent);

export interface NamedDocument {
  id: number;
  filename: string;
  tags: readonly string[];
}

const plain = (s: string) => s.toLowerCase().replace(/\.[a-z0-9]{2,5}$/, '').replace(/[\s\p{P}《》]/gu, '');
const bigrams = (s: string): Set<string> => {
  const c = [...s];
  return new Set(c.slice(0, -1).map((x, i) => x + c[i + 1]));
};

/** How well `said` names `doc`: its name or a tag holding the words (or the words a tag) beats sharing a few of them. */
function fit(said: string, doc: NamedDocument): number {
  const names = [doc.filename, ...doc.tags].map(plain).filter(Boolean);
  if (names.some((n) => n === said)) return 100;
  if (names.some((n) => n.includes(said) || (n.length >= 2 && said.includes(n)))) return 50;
  const asked = bigrams(said);
  return Math.max(0, ...names.map((n) => [...bigrams(n)].filter((b) => asked.has(b)).length));
}

/** The documents the words fit best (several when they fit equally: the caller asks), none when nothing shares a word. */
export function documentsNamed<D extends NamedDocument>(said: string, docs: readonly D[]): D[] {
  const q = plain(said);
  if (!q) return [];
  const scored = docs.map((d) => ({ d, s: fit(q, d) })).filter((x) => x.s > 0);
  const best = Math.max(0, ...scored.map((x) => x.s));
  return scored.filter((x) => x.s === best).map((x) => x.d);
}
