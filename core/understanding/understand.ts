/**
 * The one entry point to what a rep's words say, for the bot (a chat message)
 * and the app (a visit's transcript → suggested fields). Pure: no database,
 * no clock of its own.
 *
 *   const u = understand('刘伟调岗了，新来的王磊接替他', { now, contacts });
 *   u.intent.best.kind  // 'contact_change'
 *   u.changes           // [transferred 刘伟, joined 王磊 replacing 刘伟]
 *
 *   const s = suggestFromTranscript('王主任说下周三再来看样机，价格偏高，采购经理刘伟是拍板的', { now, contacts, matchPainPoints });
 *   s.nextContact?.value  // '2026-12-16T10:00:00+08:00'
 *   s.decisionChain[0]    // { person: 刘伟 (name), role: decider … }
 *   s.painPoints          // ['价格偏高']
 */
import { BUYING_ROLE_OPTIONS } from '../flow/buying-centre.js';
import { detectContactChanges, type ContactChangeMention } from './contact-changes.js';
import { chainStatements, detectPeople, type ContactRef, type PersonMention, type RoleMention } from './decision-chain.js';
import { extractSlots, type ExtractedSlots, type FieldSpec, type TopicGuess } from './extract-slots.js';
import { fillLearned } from './learned/slots.js';
import { routeIntent, type IntentContext, type RoutedIntent } from './intent-router.js';
import type { NamedPosition } from './intents.js';
import { describeZhDateTime, parseZhDateTime, toShanghaiIso } from './zh-datetime.js';
import type { Attitude } from '../flow/buying-centre.js';

/** The visit report's own decision fields, used when the caller has no action definition at hand. */
export const DEFAULT_UNDERSTANDING_FIELDS: FieldSpec[] = [
  { key: 'decisionRole', label: '决策链角色', type: 'enum', options: BUYING_ROLE_OPTIONS },
  { key: 'nextContactAt', label: '下次接触时间', type: 'datetime_future' },
];

export interface UnderstandContext {
  now: Date;
  contacts?: readonly ContactRef[];
  fields?: readonly FieldSpec[];
  photoTags?: readonly string[];
  /** The pain-point library's words found in a text (core/flow/segmenter's keywordMatcherFor). */
  matchPainPoints?: (text: string) => string[];
  /** The learned topic reader, for messages no library word or phrasing names (core/understanding/topics). */
  guessTopic?: (text: string) => TopicGuess;
  positions?: readonly NamedPosition[];
  pendingSlot?: string;
  lastFilled?: string;
  awaitingYesNo?: boolean;
  /** A learned family to fill when no rule reads the message: the one the rep chose when asked ('stance:反对'). */
  reading?: string;
}

export interface Understanding {
  intent: RoutedIntent;
  /** The report fields, person and role one message fills (extractSlots). */
  slots: ExtractedSlots;
  people: PersonMention[];
  changes: ContactChangeMention[];
}

export function understand(text: string, ctx: UnderstandContext): Understanding {
  const contacts = ctx.contacts ?? [];
  const intentCtx: IntentContext = {
    now: ctx.now, contacts, ...(ctx.positions ? { positions: ctx.positions } : {}),
    ...(ctx.pendingSlot ? { pendingSlot: ctx.pendingSlot } : {}), ...(ctx.awaitingYesNo ? { awaitingYesNo: true } : {}),
    ...(ctx.matchPainPoints ? { matchPainPoints: ctx.matchPainPoints } : {}), ...(ctx.photoTags ? { photoTags: ctx.photoTags } : {}),
  };
  const slots = extractSlots(text, {
    now: ctx.now, contacts, fields: ctx.fields ?? DEFAULT_UNDERSTANDING_FIELDS, photoTags: ctx.photoTags ?? [],
    matchPainPoints: ctx.matchPainPoints ?? (() => []), ...(ctx.guessTopic ? { guessTopic: ctx.guessTopic } : {}),
    ...(ctx.pendingSlot ? { pendingSlot: ctx.pendingSlot } : {}), ...(ctx.lastFilled ? { lastFilled: ctx.lastFilled } : {}),
  });
  const said = detectContactChanges(text, contacts, ctx.now);
  const intent = routeIntent(text, intentCtx);
  // no rule found a role, stance or change, and the learned reader is sure of one (or the rep chose it): the extractors fill its slots
  const reading = ctx.reading ?? (intent.clarify ? undefined : intent.best?.learned);
  const learned = reading && !slots.role && !slots.attitude && said.length === 0
    ? fillLearned(reading, text, { now: ctx.now, contacts, fields: ctx.fields ?? DEFAULT_UNDERSTANDING_FIELDS }, slots)
    : { slots, changes: said };
  const changes = learned.changes;
  // "刘伟周一离职的": the day is when the change happened, not the next contact
  const dated = changes.length > 0 && !PLAN.test(text) && !ctx.pendingSlot?.startsWith('fields.');
  const kept = dated ? { ...learned.slots, fields: learned.slots.fields.filter((f) => !isDateField(ctx.fields ?? DEFAULT_UNDERSTANDING_FIELDS, f.key)) } : learned.slots;
  return { intent, slots: kept, people: detectPeople(text, contacts), changes };
}

function isDateField(fields: readonly FieldSpec[], key: string): boolean {
  const t = fields.find((f) => f.key === key)?.type;
  return t === 'datetime_future' || t === 'date';
}

// Transcript → suggested fields ------------------------------------------------------------------

export interface SuggestedDate {
  /** '2026-12-16T10:00:00+08:00' */
  value: string;
  /** '12月16日（周三）10:00' */
  display: string;
  approximate: boolean;
  sentence: string;
}

export interface DecisionChainStatement {
  sentence: string;
  person: PersonMention | null;
  role: RoleMention | null;
  attitude: Attitude | null;
}

export interface TranscriptSuggestions {
  /** The first future date said with a plan (下周三再来): the next contact. */
  nextContact: SuggestedDate | null;
  /** Every date said, in order. */
  dates: SuggestedDate[];
  decisionChain: DecisionChainStatement[];
  contactChanges: ContactChangeMention[];
  /** Library words found (pain points), without repeats. */
  painPoints: string[];
  /** Sentences that say what happens next (报价, 寄样, 再约 …). */
  nextSteps: string[];
}

const SENTENCE = /[。！!？?；;\n]+/;
const NEXT_STEP = /下次|下周|下个月|回头|再约|再来|再去|再联系|回访|复访|准备|计划|打算|安排|跟进|寄(样|过去)|发(资料|方案|报价)|报价|提交|约了|约好|到时候|之后|要(做|准备|补|提供|出)|需要(我们|提供|准备)/;
const PLAN = /下次|再约|再来|再去|再联系|回访|复访|约了|约好|约在|见面|过去|过来|跟进|安排|演示|看样/;

/** What a visit transcript (voice memo or typed notes) says, sentence by sentence, for the form to offer. */
export function suggestFromTranscript(transcript: string, ctx: Pick<UnderstandContext, 'now' | 'contacts' | 'matchPainPoints'>): TranscriptSuggestions {
  const contacts = ctx.contacts ?? [];
  const sentences = transcript.split(SENTENCE).map((s) => s.trim()).filter(Boolean);
  const dates: SuggestedDate[] = [];
  let nextContact: SuggestedDate | null = null;
  const decisionChain: DecisionChainStatement[] = [];
  const nextSteps: string[] = [];
  const pains = new Set<string>();
  for (const sentence of sentences) {
    for (const clause of sentence.split(/[，,]/)) {
      const d = parseZhDateTime(clause, ctx.now);
      if (!d) continue;
      const date = { value: toShanghaiIso(d.at), display: describeZhDateTime(d.at), approximate: d.approximate, sentence };
      dates.push(date);
      if (!nextContact && d.at > ctx.now && PLAN.test(sentence)) nextContact = date;
    }
    for (const c of chainStatements(sentence, contacts, BUYING_ROLE_OPTIONS)) decisionChain.push({ sentence, ...c });
    if (NEXT_STEP.test(sentence)) nextSteps.push(sentence);
    for (const p of ctx.matchPainPoints?.(sentence) ?? []) pains.add(p);
  }
  return {
    nextContact, dates, decisionChain, contactChanges: detectContactChanges(transcript, contacts, ctx.now),
    painPoints: [...pains], nextSteps,
  };
}
