/**
 * Decision-chain facts in plain words: "采购经理刘总是拍板的人" → the role
 * 决策者 (core/flow/buying-centre.ts: decider) and a person (surname 刘, title 采购经理),
 * matched against the customer's contacts. Ambiguity is returned, not guessed:
 * the caller asks back.
 *
 *   const role = detectRole(text, BUYING_ROLE_OPTIONS);
 *   const who = detectPerson(text, contacts); // { mention: '刘总', candidates: [...] }
 */

import { BUYING_ROLE_LABELS, buyingRoleFromLabel, type Attitude, type BuyingRole } from '../../core/flow/buying-centre.js';

export interface ContactRef {
  id: number;
  name: string;
  title: string | null;
  department: string | null;
  buyingRole: BuyingRole | null;
}

export interface RoleMention {
  /** One of the field's options (e.g. 决策者), or null when the options have no such label. */
  label: string | null;
  role: BuyingRole;
  /** Set when the words also say how they stand (内线 → 支持). */
  attitude?: Attitude;
  /** 内线（教练）. */
  isCoach?: boolean;
  /** The words that said it. */
  phrase: string;
}

/** Phrases per buying-centre role; an inside champion is an influencer who supports us (内线). */
const ROLE_PHRASES: Array<{ role: BuyingRole; attitude?: Attitude; isCoach?: boolean; phrases: RegExp }> = [
  { role: 'decider', phrases: /决策者|决策人|拍板|说了算|最终决定|最后定|一把手|签字的|有决定权|决定权|做决定|最终拍|大老板|老板说了|关键决策/ },
  { role: 'buyer', phrases: /采购者|采购负责人|负责采购|管采购|采购的负责人|采购这块的负责人|采购口/ },
  { role: 'user', phrases: /使用部门|用的人|使用者|具体使用|一线使用|用户部门|使用科室/ },
  { role: 'influencer', phrases: /影响者|技术把关|把技术关|技术评估|技术上把关|技术负责人|管技术/ },
  { role: 'gatekeeper', phrases: /把关者|财务把关|管钱|财务审批|付款审批|管财务|财务负责人|把财务关/ },
  { role: 'initiator', phrases: /发起者|发起人|提出需求|提的需求|牵头立项|立项的/ },
  { role: 'influencer', attitude: 'support', isCoach: true, phrases: /内部支持者|内线|支持我们|帮我们说话|向着我们|站我们这边|挺我们|是我们的教练/ },
];

/** The first role the text states, mapped onto the field's options. */
export function detectRole(text: string, options: readonly string[]): RoleMention | null {
  let best: (RoleMention & { index: number }) | null = null;
  for (const r of ROLE_PHRASES) {
    const m = r.phrases.exec(text);
    if (!m || (best && best.index <= m.index)) continue;
    const label = BUYING_ROLE_LABELS[r.role];
    best = {
      label: options.includes(label) ? label : null, role: r.role, phrase: m[0], index: m.index,
      ...(r.attitude ? { attitude: r.attitude } : {}), ...(r.isCoach ? { isCoach: true } : {}),
    };
  }
  // an option named outright ("他是决策者"), or a label the form used before (技术把关)
  for (const o of options) {
    const i = text.indexOf(o);
    const role = buyingRoleFromLabel(o);
    if (i >= 0 && role && (!best || i < best.index)) best = { label: o, role, phrase: o, index: i };
  }
  if (!best) return null;
  const { index: _index, ...mention } = best;
  return mention;
}

// Common surnames; characters that are mostly function words (和, 时, 向, 对 …) are left out so "和经理说"
// is not read as a Mr 和. A surname outside the set is still matched by the contact's full name.
const SURNAMES = new Set([...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农卓古吉缪简项芦麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝']);
const HONORIFIC = '总|经理|主任|科长|处长|部长|主管|院长|老师|老板|董|局|工|姐|哥|医生|大夫|护士长|店长|助理|专员';
const SURNAME_HONORIFIC = new RegExp(`([\\u4e00-\\u9fa5])(${HONORIFIC})`, 'g');
const TITLE_WORDS = /(采购|运营|财务|品类|设备科|采购中心|药剂科|骨科|门店运营|销售|市场|技术|行政)(经理|主管|总监|专员|主任|副主任|负责人|科长|护士长)?/g;

export interface PersonMention {
  /** How the rep referred to them: '刘总', '刘伟', '采购经理'. */
  mention: string;
  surname?: string;
  fullName?: string;
  titleWords: string[];
  candidates: ContactRef[];
}

function titleWordsIn(text: string): string[] {
  return [...text.matchAll(TITLE_WORDS)].map((m) => m[0]);
}

function matchesTitle(c: ContactRef, words: readonly string[]): boolean {
  const hay = `${c.department ?? ''}${c.title ?? ''}`;
  return words.some((w) => hay.includes(w) || (c.title !== null && w.includes(c.title)));
}

/**
 * Who the text talks about, among the customer's contacts: by full name, else
 * by surname (+ honorific) narrowed by title words, else by title alone.
 * Null when the text names nobody.
 */
export function detectPerson(text: string, contacts: readonly ContactRef[]): PersonMention | null {
  const byName = contacts.filter((c) => c.name.length >= 2 && text.includes(c.name));
  const titleWords = titleWordsIn(text);
  if (byName.length > 0) return { mention: byName[0].name, fullName: byName[0].name, titleWords, candidates: byName };
  const sh = [...text.matchAll(SURNAME_HONORIFIC)].find((m) => SURNAMES.has(m[1]));
  if (sh) {
    const surname = sh[1];
    let candidates = contacts.filter((c) => c.name.startsWith(surname));
    if (candidates.length > 1 && titleWords.length > 0) {
      const narrowed = candidates.filter((c) => matchesTitle(c, titleWords));
      if (narrowed.length > 0) candidates = narrowed;
    }
    return { mention: sh[0], surname, titleWords, candidates };
  }
  if (titleWords.length > 0) {
    return { mention: titleWords[0], titleWords, candidates: contacts.filter((c) => matchesTitle(c, titleWords)) };
  }
  return null;
}

/** Picks one of several candidates from an answer: a name, a department/title word, or 1/2/第一个. */
export function pickContact(answer: string, candidates: readonly ContactRef[]): ContactRef | null {
  const byName = candidates.filter((c) => answer.includes(c.name));
  if (byName.length === 1) return byName[0];
  const byTitle = candidates.filter((c) => (c.title && answer.includes(c.title)) || (c.department && answer.includes(c.department)));
  if (byTitle.length === 1) return byTitle[0];
  const idx = ordinalIn(answer);
  return idx !== null && idx >= 1 && idx <= candidates.length ? candidates[idx - 1] : null;
}

/** 1 for '1', '第一个', '一', '前者'; 2 for '后者' when there are two. */
export function ordinalIn(answer: string): number | null {
  const t = answer.trim();
  const m = /^第?([1-9一二三四五六七八九])(个|位|家|张|项)?[。.!！]?$/.exec(t);
  if (m) return '一二三四五六七八九'.includes(m[1]) ? '一二三四五六七八九'.indexOf(m[1]) + 1 : Number(m[1]);
  if (/前者|前面那个|第一个/.test(t)) return 1;
  if (/后者|后面那个/.test(t)) return 2;
  return null;
}
