/**
 * The voice memo fills the form (issue #25): a visit's transcript — WeCom's
 * translateVoice inside WeCom, typed or dictated elsewhere — becomes
 * suggested values for the report's fields, each with how sure it is and the
 * words it came from. The reading is the bot's own (core/understanding:
 * dates, decision-chain statements, pain points), never a second parser.
 * Nothing here writes a field: the rep takes a suggestion with one tap; one
 * below the bar (setting visit.memo-suggestions) is offered as a guess to check and is never taken by
 * 全部采用. What could not be used — a contact who is not on file, a name
 * two contacts share, two dates for one field, nothing at all — is said in
 * Chinese (`notes`) and the field is left to the rep. For the fields that
 * rarely change, the rep's last accepted visits of the customer are offered
 * ("同上次") when the memo does not say.
 *
 *   const s = suggestVisitFields('郭主任拍板，价格偏高账期长，下周三下午再来', { now, fields, contacts, matchPainPoints });
 *   s.suggestions // [{ key: 'decisionRole', value: '决策者', words: '郭主任拍板', confidence: 0.9, also: { decisionRoleContact: '郭军（设备科主任）', decisionContactId: 7 } },
 *                 //  { key: 'nextContactAt', value: '2026-12-16T15:00', display: '12月16日（周三）15:00', words: '下周三下午再来', … }]
 */
import type { ContactRef, PersonMention } from '../understanding/decision-chain.js';
import { isSureMatch } from '../understanding/decision-chain.js';
import type { FieldSpec } from '../understanding/extract-slots.js';
import { suggestFromTranscript, type SuggestedDate, type TranscriptSuggestions } from '../understanding/understand.js';

/** A suggestion at or above the bar is one the rep may take in bulk (全部采用); below it, one at a time after reading it. */
export const DEFAULT_CONFIDENCE_BAR = 0.7;

/** How sure each way of knowing is: a contact named outright, by surname and title, by a sound-alike, a date said plainly or roughly. */
const CONFIDENCE = { name: 0.95, surnameTitle: 0.9, guessPerson: 0.55, noPerson: 0.5, date: 0.9, roughDate: 0.8, lastVisit: 0.8 } as const;

export interface FieldSuggestion {
  key: string;
  label: string;
  /** What goes into the form's field, in the form's own format ('2026-12-16T15:00' for a date and time). */
  value: string;
  display: string;
  confidence: number;
  source: 'memo' | 'last_visit';
  /** The words it came from: the memo's, or '上次拜访（11月20日）'. */
  words: string;
  /** Other fields set with it: the contact a role is about ({ decisionRoleContact, decisionContactId }). */
  also: Record<string, string | number>;
}

export interface VisitFieldSuggestions {
  suggestions: FieldSuggestion[];
  /** What the memo said that could not be used, and why, for the rep. */
  notes: string[];
  /** Pain-point words of the keyword library heard in the memo. */
  painPoints: string[];
  confidenceBar: number;
}

export interface LastVisit {
  at: Date;
  fields: Record<string, unknown>;
}

export interface SuggestContext {
  now: Date;
  /** The action's required fields (its fields.required rules). */
  fields: readonly FieldSpec[];
  contacts: readonly ContactRef[];
  matchPainPoints: (text: string) => string[];
  /** The rep's last accepted visit report for this customer. */
  lastVisit?: LastVisit | null;
  /** The one before it: a written field is repeated only when both agree. */
  earlierVisit?: LastVisit | null;
  /** For the notes: '上海市第六人民医院'. */
  customerName?: string;
  /** The setting visit.memo-suggestions. */
  confidenceBar?: number;
}

const isDateField = (f: FieldSpec) => f.type === 'datetime_future' || f.type === 'date';
const shortDay = (d: Date) => `${Number(d.toLocaleString('en-CA', { timeZone: 'Asia/Shanghai', month: 'numeric' }))}月${Number(d.toLocaleString('en-CA', { timeZone: 'Asia/Shanghai', day: 'numeric' }))}日`;
const contactLabel = (c: ContactRef) => `${c.name}${c.title ? `（${c.title}）` : ''}`;

/** The clause of a sentence that holds `needle`, else the sentence (what the rep sees as "the words it came from"). */
function clauseOf(sentence: string, needle: string): string {
  return sentence.split(/[，,]/).map((c) => c.trim()).find((c) => needle && c.includes(needle)) ?? sentence;
}

function roleSuggestion(ctx: SuggestContext, u: TranscriptSuggestions, notes: string[]): FieldSuggestion | null {
  for (const st of u.decisionChain) {
    if (!st.role) continue;
    const field = ctx.fields.find((f) => f.type === 'enum' && st.role!.label && f.options?.includes(st.role!.label));
    if (!field) continue;
    const words = clauseOf(st.sentence, st.role.phrase);
    const base = { key: field.key, label: field.label, value: st.role.label!, source: 'memo' as const, words };
    const p: PersonMention | null = st.person;
    if (!p) return { ...base, display: st.role.label!, confidence: CONFIDENCE.noPerson, also: {} };
    if (p.candidates.length === 0) {
      notes.push(`语音里提到的「${p.mention}」不在${ctx.customerName ?? '这家客户'}的联系人里，${field.label}请自己选择（新联系人可以在客户页添加）。`);
      return null;
    }
    if (p.candidates.length > 1) {
      notes.push(`语音里的「${p.mention}」可能是${p.candidates.map((c) => c.name).join('或')}，请在下面选择见到的是谁。`);
      return null;
    }
    const c = p.candidates[0];
    const confidence = !isSureMatch(p) ? CONFIDENCE.guessPerson : p.match === 'name' ? CONFIDENCE.name : CONFIDENCE.surnameTitle;
    return {
      ...base, display: `${contactLabel(c)} · ${st.role.label}`, confidence,
      also: { [`${field.key}Contact`]: contactLabel(c), decisionContactId: c.id },
    };
  }
  return null;
}

function dateSuggestion(ctx: SuggestContext, u: TranscriptSuggestions, notes: string[]): FieldSuggestion | null {
  const field = ctx.fields.find(isDateField);
  if (!field) return null;
  if (!u.nextContact) return null;
  // two different times said for what happens next: the rep says which, we do not pick
  const planned = new Map<string, SuggestedDate>();
  for (const d of u.dates) if (new Date(d.value) > ctx.now && u.nextSteps.includes(d.sentence)) planned.set(d.value, d);
  if (planned.size > 1) {
    notes.push(`语音里说了${planned.size}个时间（${[...planned.values()].map((d) => d.display).join('、')}），${field.label}请自己选择。`);
    return null;
  }
  const d = u.nextContact;
  const value = field.type === 'date' ? d.value.slice(0, 10) : d.value.slice(0, 16);
  const display = field.type === 'date' ? d.display.replace(/\s?\d{2}:\d{2}$/, '') : d.display;
  return {
    key: field.key, label: field.label, value, display: `${display}${d.approximate ? '（大约）' : ''}`,
    confidence: d.approximate ? CONFIDENCE.roughDate : CONFIDENCE.date, source: 'memo',
    words: d.sentence.split(/[，,]/).map((c) => c.trim()).find((c) => /[周天日号月点时午晚早]/.test(c) && /再|下|约|来|去|联系|访/.test(c)) ?? d.sentence,
    also: {},
  };
}

/**
 * "同上次": what rarely changes between one visit of a customer and the next.
 * A choice (the decision-chain role, with the contact it was about while that
 * person is still on file) is offered from the last accepted visit; a written
 * field (同行人员, 拜访目的 …) once the last two visits wrote the same — that
 * it did not change is the evidence it rarely does. A date is never repeated.
 */
function lastVisitSuggestion(ctx: SuggestContext, taken: Set<string>): FieldSuggestion[] {
  const last = ctx.lastVisit;
  if (!last) return [];
  const out: FieldSuggestion[] = [];
  const words = `上次拜访（${shortDay(last.at)}）`;
  for (const f of ctx.fields.filter((x) => !taken.has(x.key) && !isDateField(x))) {
    const value = last.fields[f.key];
    if (f.type === 'enum') {
      if (typeof value !== 'string' || !f.options?.includes(value)) continue;
      const contact = ctx.contacts.find((c) => c.id === Number(last.fields.decisionContactId));
      if (last.fields.decisionContactId !== undefined && !contact) continue; // that person has left or moved: nothing to repeat
      out.push({
        key: f.key, label: f.label, value, display: contact ? `${contactLabel(contact)} · ${value}` : value,
        confidence: CONFIDENCE.lastVisit, source: 'last_visit', words,
        also: contact ? { [`${f.key}Contact`]: contactLabel(contact), decisionContactId: contact.id } : {},
      });
      continue;
    }
    const before = ctx.earlierVisit;
    const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
    if (!text || !before || String(before.fields[f.key] ?? '').trim() !== text) continue;
    out.push({
      key: f.key, label: f.label, value: text, display: text, confidence: CONFIDENCE.lastVisit, source: 'last_visit',
      words: `前两次拜访都一样（${shortDay(before.at)}、${shortDay(last.at)}）`, also: {},
    });
  }
  return out;
}

export function suggestVisitFields(transcript: string, ctx: SuggestContext): VisitFieldSuggestions {
  const text = transcript.trim();
  const notes: string[] = [];
  const u = text ? suggestFromTranscript(text, ctx) : null;
  const fromMemo: FieldSuggestion[] = [];
  // a field the memo spoke about but could not fill is the rep's: not even "同上次" for it
  const spokenOf = new Set<string>();
  for (const [suggest, key] of [[roleSuggestion, ctx.fields.find((f) => f.type === 'enum')?.key], [dateSuggestion, ctx.fields.find(isDateField)?.key]] as const) {
    if (!u || !key) continue;
    const before = notes.length;
    const s = suggest(ctx, u, notes);
    if (s) fromMemo.push(s);
    if (s || notes.length > before) spokenOf.add(s?.key ?? key);
  }
  if (u && fromMemo.length === 0 && notes.length === 0) {
    notes.push(`没有从语音纪要里听出可以填的内容（${ctx.fields.filter((f) => f.type === 'enum' || isDateField(f)).map((f) => f.label).join('、')}），请直接填写下面的字段。`);
  }
  return {
    suggestions: [...fromMemo, ...lastVisitSuggestion(ctx, spokenOf)],
    notes, painPoints: u?.painPoints ?? [], confidenceBar: ctx.confidenceBar ?? DEFAULT_CONFIDENCE_BAR,
  };
}
