/**
 * Personnel changes in a customer's buying centre, as reps report them:
 * "刘伟调岗了，新来的王磊接替他" is a 调岗 for 刘伟 and a 新任 王磊 taking his
 * place; "张主任上周退休了" is a 离职 dated last week. The kinds are
 * core/profile/contact-events' (transferred, left, joined, reporting_changed);
 * who each is stays a PersonMention, so the caller asks when unsure.
 *
 *   detectContactChanges('刘伟调岗了，新来的王磊接替他', contacts, now)
 *   // [{ kind: 'transferred', person: 刘伟 … }, { kind: 'joined', newName: '王磊', replaces: 刘伟 … }]
 */
import { addCalendarDays, shanghaiDate } from '../flow/time.js';
import { detectPeople, type ContactRef, type PersonMention } from './decision-chain.js';
import { approximatePastDay, vaguePastWords } from './past-dates.js';
import { parseZhDateTime } from './zh-datetime.js';

export type ContactChangeKind = 'transferred' | 'left' | 'joined' | 'reporting_changed';

export interface ContactChangeMention {
  kind: ContactChangeKind;
  /** Who changed; for 新任 the newcomer as said (often a name no contact has yet). */
  person: PersonMention | null;
  /** The newcomer's name, when said (新任). */
  newName?: string;
  /** Where a transfer went, or the post a newcomer took: 设备科 / 副院长. */
  department?: string;
  title?: string;
  /** The contact a newcomer replaces (接替, 换成). */
  replaces?: PersonMention | null;
  /** The new manager (汇报关系变化). */
  reportsTo?: PersonMention | null;
  /** Shanghai date it happened: the date said (or estimated from 上个月, 年初…), else today; never after today. */
  occurredOn: string;
  dateSaid: boolean;
  /** Set when occurredOn is an estimate: how it reads (约11月). */
  occurredLabel?: string;
  /** Set when when was said with no estimate to make (前段时间, 最近): occurredOn is only today, to be asked. */
  vagueWhen?: string;
  /** The words that said it. */
  phrase: string;
}

const LEFT = /不在(我们|咱们)?(这个|这家|本|那家)?(医院|公司|单位|院里|这儿|这里|这边|这家)(工作|干活?|上班|待|做)?了|去了?(别的|其他|另一家|另外一家|另外的)(医院|公司|单位|地方)|去了?(竞品|竞争对手|对手|友商)(那边|那里|那儿|公司|那家)?|(被)?[^，,。]{0,4}挖(走|过去)了|离职|辞职|辞了|不干了|退休|退了休|离开(了)?(医院|公司|单位|这家)|跳槽|被辞退|被开除|被(开|炒|裁|辞)(掉)?了|(已经|早就|人|要|快)走了|调离(了)?(医院|公司|单位)/;
const TRANSFER = /现在(是|当)(副)?(主任|院长|科长|处长|经理|总监|主管|部长|护士长)(了)?$|不在(.{1,6})(了|干了)|调岗|调走|调到|调去|调任|调往|转岗|换岗|轮岗|升任|升为|升职|升了|提拔|(升|当上|当)(成|到|做|了)?(副)?(主任|院长|科长|处长|经理|总监|主管|部长|护士长|店长)|调动|被调|(换|转|调整)到(别的|其他)?[^，,。]{0,6}(科室|科|部门|部|院区|分院|门店|岗位)|去了(别的|其他)?(科室|部门|院区|分院|门店)|改管/;
/**
 * Taking someone's place, said every way reps say it: 接替/接手/接任/继任/顶替/代替/取代, 接(了)他的班,
 * 顶(了)她的缺/位置, 替了他的岗位, 补了他的缺. The one replaced is named inside or said before.
 */
const REPLACING = /(工作|活|岗位|位置|事情?)(都)?(交给|交接给|移交给)(了)?|接替|接手|接任|继任|顶替|代替|取代|接(了)?.{0,4}?的?(班|活|工作|摊子|位置|位子|岗位?)|(顶|替)(了|上)?.{0,4}?的?(缺|位置|位子|岗位?|班)|补(了)?.{0,4}?的?(缺|位置|空)/;
const JOINED = new RegExp(`现在(.{0,6})(是|由|换成)[\\u4e00-\\u9fa5]{2,4}(管|负责|在管|在做|接手)|现在(.{1,6})归[\\u4e00-\\u9fa5]{2,4}(管|负责)|(.{1,6})现在(是|换成)(?!.*(主任|经理|院长|科长|处长|部长|主管|总监|长)了?$)[\\u4e00-\\u9fa5]{2,3}$|新来的?|刚来的|新任|新上任|刚上任|新调来|刚调来|新到任|新换的|刚换的|${REPLACING.source}|换成|换了个|换人了|来了(一)?个新|新的(采购|主任|科长|院长|经理|负责人)|新(采购|主任|科长|院长|经理)`);
const REPORTING = /汇报(给|对象|关系)|向(.{1,6})汇报|归(.{1,6})管|划(到|归)(.{1,6})(下面|名下|管)|改由(.{1,6})管|由(.{1,6})直管|上级(变|换)成/;
/** "张杰走了" / "他也走人了": 走 alone leaves the post only when it is all the clause says of its subject (刚走了 is out of the room). */
const LEFT_BARE = /^(也|都|人)?(上个?月|上周|上礼拜|上星期|前几天|前段时间|去年|年初|最近)?(也|都)?(已经|早就)?(走(人)?|退(下来)?|离开)了$/;
const PRONOUN = /^(他|她|TA|ta)/;
/** A clause that goes on about the last person without naming them: "张杰不在设备科了，调到后勤了". */
const GOES_ON = /^(又|也|已经|后来|然后|现在|刚)?(调|升|退|辞|离|被|转|去了)/;
/** "药剂科来了个新主任，姓郑": the newcomer's surname, said on its own. */
const SURNAME_ONLY = /^(他|她)?姓([\u4e00-\u9fa5])$/;
/** REPORTING's groups that are its own words, not a name. */
const REPORTING_WORDS = /^(给|对象|关系|到|归|下面|名下|管)$/;

const CLAUSE = /[，,。；;！!？?\n]+/;

/** Where a transfer went: 调到设备科 → department 设备科; 升任副院长 → title 副院长. */
function destination(clause: string): { department?: string; title?: string } {
  const m = /(?:调到|调去|调任|调往|转到|去了|升任|升为|升职为|升职当|当上了?|改任|现在是)([\u4e00-\u9fa5]{2,10}?)(?:了|去了|当|做|工作|上班|任职|那边|$)/.exec(clause);
  if (!m) return {};
  const place = m[1].replace(/^(别的|其他)/, '');
  const dept = /^(.{1,8}?(?:科|部|处|室|中心|办|院区|分院|门店|事业部))(.*)$/.exec(place);
  if (dept) return { department: dept[1], ...(dept[2] ? { title: dept[2] } : {}) };
  return { title: place };
}

/** The post a newcomer took: 新来的采购经理 → 采购经理. */
function postOf(clause: string): string | undefined {
  const m = /(?:新来的?|刚来的|新任|新上任的?|刚上任的?|新调来的?|刚调来的?|新到任的?|新换的|刚换的|新的|个新)([\u4e00-\u9fa5]{0,6}?(?:经理|主任|科长|院长|处长|部长|主管|总监|负责人|店长|护士长|专员|采购))/.exec(clause);
  return m?.[1];
}

export interface ChangeDay { occurredOn: string; dateSaid: boolean; occurredLabel?: string; vagueWhen?: string }

/** When a change happened, from the words of its clause (or of an answer to 大概什么时候). */
export function occurredOn(clause: string, now: Date): ChangeDay {
  const today = shanghaiDate(now);
  const d = parseZhDateTime(clause, now);
  if (!d || !d.hasDate || d.approximate) {
    // 上个月 / 年初: the estimate, labelled as one — not today
    const rough = approximatePastDay(clause, today);
    if (rough) return { occurredOn: rough.day, dateSaid: true, occurredLabel: rough.label };
    // 前段时间 / 最近: no estimate to make — the caller asks
    const vague = vaguePastWords(clause);
    return { occurredOn: today, dateSaid: false, ...(vague ? { vagueWhen: vague } : {}) };
  }
  let day = shanghaiDate(d.at);
  // dates are read forward; a change has happened: "周一离职的" said on a Wednesday is this Monday, "12月1号" this year's
  if (day > today && /月/.test(d.text) && !/下个?月/.test(d.text)) day = `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
  else if (day > today && !/下周|下个|明天|后天/.test(d.text)) day = addCalendarDays(day, -7);
  return day > today ? { occurredOn: today, dateSaid: false } : { occurredOn: day, dateSaid: true };
}

function firstPerson(clause: string, contacts: readonly ContactRef[]): PersonMention | null {
  return detectPeople(clause, contacts)[0] ?? null;
}

/** Every personnel change the text reports, in the order said. */
export function detectContactChanges(text: string, contacts: readonly ContactRef[], now: Date): ContactChangeMention[] {
  const clauses = text.split(CLAUSE).map((c) => c.trim()).filter(Boolean);
  const out: ContactChangeMention[] = [];
  let lastPerson: PersonMention | null = null;
  let pendingNameless: ContactChangeMention | null = null;
  for (const clause of clauses) {
    // the day said in the clause ("黄主任昨天退休了，接替他的是蒋涛": the 退休 is dated, the 接替 is not)
    const when = occurredOn(clause, now);
    const people = detectPeople(clause, contacts);
    const subject = people[0] ?? (PRONOUN.test(clause) || GOES_ON.test(clause) ? lastPerson : null);
    const said = people[0]?.index === 0 ? clause.slice(people[0].mention.length) : PRONOUN.test(clause) ? clause.replace(PRONOUN, '') : null;
    const left = LEFT.exec(clause) ?? (subject && said !== null ? LEFT_BARE.exec(said) : null);
    const moved = TRANSFER.exec(clause);
    const joined = JOINED.exec(clause);
    const reporting = REPORTING.exec(clause);
    if (joined) {
      const departed = [...out].reverse().find((c) => c.kind === 'left' || c.kind === 'transferred')?.person ?? null;
      const change = joinedChange(clause, joined[0], people, lastPerson, departed, contacts, when);
      const previous = out[out.length - 1];
      if (change.person && change.person.match !== 'name') out.push(change);
      // "新来的叫韩雪，接替周芳": the second clause names whom the newcomer replaces
      else if (previous?.kind === 'joined' && !previous.replaces) previous.replaces = change.replaces ?? change.person;
      // an existing contact taking over ("骨科现在是李娜负责") is not a newcomer; a nameless one waits for a name
      else if (!change.person && !out.some((c) => c.kind === 'joined')) pendingNameless = change;
    } else if (left) {
      out.push({ kind: 'left', person: subject, phrase: left[0], ...when });
    } else if (moved) {
      const previous = out[out.length - 1];
      // "不在设备科了，调到后勤了" is one transfer, told twice
      if (previous?.kind === 'transferred' && previous.person?.mention === subject?.mention) Object.assign(previous, destination(clause));
      else out.push({ kind: 'transferred', person: subject, ...destination(clause), phrase: moved[0], ...when });
    } else if (reporting) {
      // the name the pattern holds (向杨滔汇报: 杨滔) first — a sound-alike is not found with 汇报 glued to it
      const held = reporting.slice(1).find((g) => g && /^[\u4e00-\u9fa5]{2,4}$/.test(g) && !REPORTING_WORDS.test(g));
      const boss = (held ? firstPerson(held, contacts) : null) ?? firstPerson(clause.slice(reporting.index), contacts);
      const who = people.find((p) => p !== boss && p.index < reporting.index) ?? (PRONOUN.test(clause) ? lastPerson : null);
      // "钱的事情归刘敏管" says who is in charge of something (a role), not whom someone reports to
      const aboutAThing = !who && clause.slice(0, reporting.index).replace(/^(现在|目前|以后|已经|今后)+/, '').length > 0;
      if (!aboutAThing) out.push({ kind: 'reporting_changed', person: who, reportsTo: boss, phrase: reporting[0], ...when });
    } else if (pendingNameless && SURNAME_ONLY.test(clause)) {
      const name = `${SURNAME_ONLY.exec(clause)![2]}${pendingNameless.title ?? ''}`;
      pendingNameless.person = { mention: name, fullName: name, surname: name[0], titleWords: [], candidates: [], match: 'none', index: 0 };
      pendingNameless.newName = name;
    }
    if (people.length > 0) lastPerson = people[people.length - 1];
  }
  // "来了个新采购" with no name: still a change to record (the caller asks the name)
  if (pendingNameless && !out.some((c) => c.kind === 'joined')) out.push(pendingNameless);
  return out;
}

function joinedChange(
  clause: string, phrase: string, people: PersonMention[], lastPerson: PersonMention | null,
  departed: PersonMention | null, contacts: readonly ContactRef[], when: { occurredOn: string; dateSaid: boolean },
): ContactChangeMention {
  const at = clause.indexOf(phrase);
  // 王磊接替了刘伟: the newcomer before the verb, the one replaced after; 新来的王磊 / 换成了王磊: the newcomer after
  const before = people.filter((p) => p.index < at);
  const after = people.filter((p) => p.index > at);
  const replacing = REPLACING.test(phrase);
  let newcomer: PersonMention | null;
  let replaces: PersonMention | null = null;
  if (replacing && before.length > 0 && before[0].match === 'none') {
    newcomer = before[0];
    replaces = after[0] ?? (/(?<!其)[他她](?!们)/.test(clause) ? lastPerson : departed);
  } else if (/换成/.test(phrase)) {
    // 采购经理换成了王磊: whoever holds the post said before the verb
    replaces = before[0] ?? detectPeople(clause.slice(0, at), contacts)[0] ?? null;
    newcomer = after[0] ?? null;
  } else {
    // 接刘伟班的是何平: a name no contact has is the newcomer, before a contact's name said beside it
    newcomer = after.find((p) => p.match === 'none') ?? after.find((p) => p.fullName) ?? before.find((p) => p.match === 'none') ?? null;
    const pronoun = (REPLACING.test(clause) || /位置|岗位/.test(clause)) && /[他她]/.test(clause.slice(at));
    replaces = people.find((p) => p !== newcomer && p.match !== 'none' && (REPLACING.test(clause) || /换/.test(clause)))
      ?? (pronoun ? lastPerson : departed);
  }
  if (replaces && newcomer && replaces.mention === newcomer.mention) replaces = null;
  const post = postOf(clause) ?? (newcomer?.titleWords[0]);
  return {
    kind: 'joined', person: newcomer, ...(newcomer?.fullName ? { newName: newcomer.fullName } : {}),
    ...(post ? { title: post } : {}), replaces, phrase, ...when,
  };
}

