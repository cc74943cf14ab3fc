/**
 * Everything one message says about a draft, read at once: "采购经理刘总是拍板
 * 的人，下周三下午再约，他嫌价格偏高" fills the decision role, the person, the
 * next contact and two pain points. The fields come from the action
 * definition's `fields.required` config, so a new field needs no bot change;
 * whether the result is enough is the rule engine's call, never this file's.
 *
 *   const slots = extractSlots(text, { now, fields, contacts, photoTags, matchPainPoints });
 */
import { buyingRoleFromLabel, type Attitude } from '../flow/buying-centre.js';
import { chainStatements, detectPerson, detectRole, isSureMatch, needsPerson, ordinalIn, roleDenial, type ContactRef, type PersonMention, type RoleDenial, type RoleMention, type RoleStatement } from './decision-chain.js';
import { detectPhotoTag, parseCorrection } from './intents.js';
import { shanghaiDate } from '../flow/time.js';
import { describeZhDateTime, describeZhDay, parseZhDateTime, toShanghaiIso, type ParsedDateTime } from './zh-datetime.js';

export interface FieldSpec {
  key: string;
  label: string;
  type?: 'text' | 'datetime_future' | 'date' | 'enum';
  options?: string[];
}

export interface SlotContext {
  now: Date;
  fields: readonly FieldSpec[];
  contacts: readonly ContactRef[];
  photoTags: readonly string[];
  /** The pain-point library's words found in a text (core/flow/segmenter's matcher). */
  matchPainPoints: (text: string) => string[];
  /**
   * The learned topic reader (core/understanding/topics), asked when no library word or phrasing occurs and the
   * message fills nothing else: it names a topic when sure, or the one or two it leans to.
   */
  guessTopic?: (text: string) => TopicGuess;
  /** What the bot asked last: 'fields.nextContactAt', 'voice', 'attachments:合影' … */
  pendingSlot?: string;
  /** The slot filled last, which a correction replaces. */
  lastFilled?: string;
}

/** A learned topic reading: 'act' names the topic, 'ask' the one or two to ask about, most likely first. */
export interface TopicGuess {
  verdict: 'act' | 'ask' | 'none';
  choices: string[];
  p: number;
}

/** A day a vague time may mean, offered as a numbered choice: 这两天 → 明天 / 后天. */
export interface DayChoice {
  /** The words that say it (answered by number, read as if said). */
  words: string;
  /** '12月10日（周四）' */
  display: string;
}

export interface FieldValue {
  key: string;
  label: string;
  /** What goes into draft.fields[key]. */
  value: string;
  /** How the bot reads it back. */
  display: string;
  approximate?: boolean;
}

export interface ExtractedSlots {
  fields: FieldValue[];
  person?: PersonMention;
  role?: RoleMention;
  /** How the person stands toward us, when that is what was said of them ("李明很支持我们"). */
  attitude?: Attitude;
  /** Roles said in the same message of other contacts, each surely identified ("刘伟管采购，王院长拍板"). */
  otherRoles?: RoleStatement[];
  /** A date field answered with no day in it ("过段时间再去"): the day is to be asked, nothing recorded. */
  vagueDate?: { key: string; label: string; words: string; choices?: DayChoice[] };
  /** A role said not to be someone's, nobody named instead ("拍板的不是刘伟"): who has it is to be asked. */
  deniedRole?: RoleDenial;
  photoTag?: string;
  /** Text for the voice-memo transcript (typed follow-up or a message naming pain points). */
  transcript?: string;
  painPoints: string[];
  /** The pain point was read by the learned topic reader (no library word or phrasing in the words). */
  painLearned?: boolean;
  /** The learned topic reader leans to these topics but is not sure: the bot may ask which. */
  topicQuestion?: string[];
  correction: boolean;
}

const DATE_TYPES = new Set(['datetime_future', 'date']);
// words that put a date in the future tense: the next contact, not the visit being reported
const FUTURE_CUE = /再[打去来约见谈聊发送拜跑过]|下次|下回|再约|再去|再来|再见|再谈|再联系|回访|复访|约了|约在|约好|跟进|联系|碰头|见面|过来|过去|安排|计划|打算|预计|准备|到时|之前|前给|提交|报价/;
const PAST_MARK = /了|过$/;
/** A time to come with no day in it: asked, never taken as today. 过两天 / 下个月中旬 are days (zh-datetime). */
const VAGUE_FUTURE = /(过完|过了)?(春节|国庆|五一|中秋|端午)?(?<![\d几两多一二三四五六七八九十去今明前])(节|年)(后|前|以后|之后|过后)|过完(节|年)|过了(节|年)|过(一)?段时间|过(一)?阵(子)?|过些(日子|天|时候)|改天|改日|回头|近期|最近|这几天|这两天|近几天|有空|晚些时候|晚点|以后|之后|下次|下回/;

export function isFieldSlot(slot: string | undefined, key: string): boolean {
  return slot === `fields.${key}`;
}

function dateFieldFor(ctx: SlotContext, text: string, correction: boolean): FieldSpec | undefined {
  const dateFields = ctx.fields.filter((f) => DATE_TYPES.has(f.type ?? ''));
  const pending = dateFields.find((f) => isFieldSlot(ctx.pendingSlot, f.key));
  if (pending) return pending;
  if (correction) {
    const last = dateFields.find((f) => isFieldSlot(ctx.lastFilled, f.key));
    if (last) return last;
  }
  return dateFields.find((f) => text.includes(f.label) || text.includes(f.label.replace(/时间|日期$/, ''))) ?? dateFields[0];
}

function acceptsDate(field: FieldSpec, d: ParsedDateTime, text: string, ctx: SlotContext, correction: boolean): boolean {
  // a day already gone (上周五离职了) is never the next contact
  if (field.type === 'datetime_future' && d.hasDate && shanghaiDate(d.at) < shanghaiDate(ctx.now)) return false;
  if (correction || isFieldSlot(ctx.pendingSlot, field.key) || text.includes(field.label)) return true;
  if (FUTURE_CUE.test(text)) return true;
  // "下周三" alone is a plan; "今天上午拜访了华联" is the visit itself
  const laterDay = d.at.getTime() - ctx.now.getTime() > 12 * 3_600_000 || (d.hasDate && !/今/.test(d.text));
  return laterDay && !(PAST_MARK.test(text) && !d.hasDate);
}

function dateValue(field: FieldSpec, d: ParsedDateTime): FieldValue {
  const display = field.type === 'date' ? describeZhDay(d.at) : describeZhDateTime(d.at);
  const value = field.type === 'date' ? toShanghaiIso(d.at).slice(0, 10) : toShanghaiIso(d.at);
  return { key: field.key, label: field.label, value, display, ...(d.approximate ? { approximate: true } : {}) };
}

function enumValues(ctx: SlotContext, text: string, role: RoleMention | null): FieldValue[] {
  const out: FieldValue[] = [];
  for (const f of ctx.fields.filter((x) => x.type === 'enum' && x.options)) {
    const options = f.options!;
    let value: string | null = null;
    if (role?.label && options.includes(role.label)) value = role.label;
    // a buying role is detectRole's to read (it knows "刘伟不是决策者" denies it); other options are taken as said
    else value = options.find((o) => text.includes(o) && !buyingRoleFromLabel(o)) ?? null;
    if (!value && isFieldSlot(ctx.pendingSlot, f.key)) {
      const i = ordinalIn(text);
      if (i !== null && i <= options.length) value = options[i - 1];
    }
    if (value) out.push({ key: f.key, label: f.label, value, display: value });
  }
  return out;
}

const LABELLED = (label: string) => new RegExp(`${label}\\s*[:：是为]\\s*(.+)$`);

function textValues(ctx: SlotContext, text: string, taken: boolean): FieldValue[] {
  const out: FieldValue[] = [];
  for (const f of ctx.fields.filter((x) => (x.type ?? 'text') === 'text')) {
    const labelled = LABELLED(f.label).exec(text)?.[1]?.trim();
    const value = labelled ?? (isFieldSlot(ctx.pendingSlot, f.key) && !taken ? text.trim() : null);
    if (value) out.push({ key: f.key, label: f.label, value: value.slice(0, 500), display: value.slice(0, 40) });
  }
  return out;
}

export function extractSlots(raw: string, ctx: SlotContext): ExtractedSlots {
  const { isCorrection, rest, focus } = parseCorrection(raw);
  const text = rest;
  const fields: FieldValue[] = [];

  const d = (isCorrection ? parseZhDateTime(focus, ctx.now) : null) ?? parseZhDateTime(text, ctx.now);
  if (d) {
    const f = dateFieldFor(ctx, text, isCorrection);
    if (f && acceptsDate(f, d, text, ctx, isCorrection)) fields.push(dateValue(f, d));
  }
  const vagueDate = d ? undefined : vagueDateOf(ctx, text);

  const options = ctx.fields.flatMap((f) => f.options ?? []);
  // the role said of someone (刘伟调岗了，王磊是拍板的 → 王磊), else the first role the text states
  const said = chainStatements(text, ctx.contacts, options);
  const statements = said.filter((s): s is RoleStatement => s.role !== null);
  const statement = statements.find((r) => r.person) ?? null;
  // a role said of nobody counts when asked for, or unless it is an obstruction (卡在药事会 is an obstacle)
  const loose = detectRole(text, options);
  const role = statement?.role ?? statements[0]?.role ?? (loose && (isDecisionSlot(ctx) || !needsPerson(loose)) ? loose : null);
  fields.push(...enumValues(ctx, text, role));

  // "不是刘伟拍板" is read as a correction that says nothing new (rest ''): the denial is in the raw words
  const denial = role ? null : roleDenial(raw.trim(), ctx.contacts, options);
  // the one a role is denied of is not the report's contact for it: nothing of them is recorded
  const person = denial ? null : (isCorrection ? detectPerson(focus, ctx.contacts) : null) ?? statement?.person ?? detectPerson(text, ctx.contacts);
  const attitude = role ? undefined : said.find((s) => !s.role && s.attitude && s.person?.mention === person?.mention)?.attitude ?? undefined;
  const otherRoles = otherSureRoles(statements, statement);
  const photoTag = detectPhotoTag(text, ctx.photoTags) ?? undefined;
  let painPoints = ctx.matchPainPoints(text);
  // no word or phrasing of the library: the learned reader, for a message that says nothing else
  const guess = painPoints.length === 0 && ctx.guessTopic && fields.length === 0 && !role && !denial && !photoTag
    ? ctx.guessTopic(text) : null;
  if (guess?.verdict === 'act') painPoints = guess.choices.slice(0, 1);
  // "刘敏对价格很有意见" states her stance; a topic the reader only leans to is not asked over it
  const topicQuestion = guess?.verdict === 'ask' && !attitude ? guess.choices : undefined;
  const wantsTranscript = ctx.pendingSlot === 'voice';
  const transcript = wantsTranscript || painPoints.length > 0 ? text : undefined;

  const taken = fields.length > 0 || !!person || !!transcript;
  fields.push(...textValues(ctx, text, taken));

  return {
    fields,
    ...(person && (role || person.candidates.length > 0 || isDecisionSlot(ctx)) ? { person } : {}),
    ...(role ? { role } : {}),
    ...(attitude ? { attitude } : {}),
    ...(otherRoles.length > 0 ? { otherRoles } : {}),
    ...(denial ? { deniedRole: denial } : {}),
    ...(vagueDate ? { vagueDate } : {}),
    ...(photoTag ? { photoTag } : {}),
    ...(transcript ? { transcript } : {}),
    painPoints,
    ...(guess?.verdict === 'act' ? { painLearned: true } : {}),
    ...(topicQuestion ? { topicQuestion } : {}),
    correction: isCorrection,
  };
}

/**
 * The loose words of a time to come with no day in it (过段时间, 这两天, 节后), when they answer a date asked or
 * are said as a plan; null otherwise. The loose words are no plan by themselves: 下次招标要等明年 is about the
 * tender, 节后再去 is a visit.
 */
export function looseTimeIn(text: string, dateAsked: boolean): string | null {
  const words = VAGUE_FUTURE.exec(text)?.[0];
  return words && (dateAsked || FUTURE_CUE.test(text.replace(words, ''))) ? words : null;
}

/** "过段时间再去" while a date is asked, or said as a plan: the field and the words, for the caller to ask the day. */
function vagueDateOf(ctx: SlotContext, text: string): ExtractedSlots['vagueDate'] {
  const field = dateFieldFor(ctx, text, false);
  const words = field ? looseTimeIn(text, isFieldSlot(ctx.pendingSlot, field.key)) : null;
  if (!words || !field) return undefined;
  const choices = dayChoices(words, ctx.now);
  return { key: field.key, label: field.label, words, ...(choices.length ? { choices } : {}) };
}

/** The days a span said loosely may mean (这两天, 节后): offered to choose from, never picked. */
const SPAN_CHOICES: Array<[RegExp, string[]]> = [
  [/这两天|近两天|这一两天/, ['明天', '后天']],
  [/这几天|近几天/, ['明天', '后天', '大后天']],
  [/^(过完|过了)?节(后|以后|之后|过后)$|^过(完|了)节$/, ['元旦后']],
];

function dayChoices(words: string, now: Date): DayChoice[] {
  const said = SPAN_CHOICES.find(([re]) => re.test(words))?.[1] ?? [];
  return said.flatMap((w) => {
    const d = parseZhDateTime(w, now);
    return d ? [{ words: w, display: describeZhDay(d.at) }] : [];
  });
}

/** Roles said of other contacts than the statement's, each surely identified, one per contact. */
function otherSureRoles(statements: RoleStatement[], statement: RoleStatement | null): RoleStatement[] {
  const seen = new Set<number>();
  if (statement?.person && isSureMatch(statement.person)) seen.add(statement.person.candidates[0].id);
  return statements.filter((s) => {
    if (s === statement || !s.person || !isSureMatch(s.person) || seen.has(s.person.candidates[0].id)) return false;
    seen.add(s.person.candidates[0].id);
    return true;
  });
}

function isDecisionSlot(ctx: SlotContext): boolean {
  return ctx.fields.some((f) => f.type === 'enum' && isFieldSlot(ctx.pendingSlot, f.key));
}

/** True when the extraction found anything at all to record. */
export function hasSlots(s: ExtractedSlots): boolean {
  return s.fields.length > 0 || !!s.person || !!s.role || !!s.deniedRole || !!s.vagueDate || !!s.photoTag || !!s.transcript;
}
