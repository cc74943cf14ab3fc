/**
 * Personnel changes said in the chat ("刘伟调岗了，新来的王磊接替他") recorded
 * as dated contact events through core/profile's recordContactChange, the
 * newcomer created when named. Whoever cannot be told for sure is asked
 * about, never guessed; 撤销 takes the changes back (undoContactChange).
 */
import { recordContactChange, type ContactChange } from '../../core/profile/contact-events.js';
import { CONTACT_EVENT_LABELS } from '../../core/flow/buying-centre.js';
import { isAppError } from '../../core/errors.js';
import { contactsOf } from '../../core/resources/contacts.js';
import { occurredOn, type ContactChangeMention } from '../../core/understanding/contact-changes.js';
import { ROUGH_PERIODS, roughPeriodDay } from '../../core/understanding/past-dates.js';
import { ordinalIn } from '../../core/understanding/decision-chain.js';
import { shanghaiDate } from '../../core/flow/time.js';
import { isSureMatch, type ContactRef, type PersonMention } from '../../core/understanding/decision-chain.js';
import type { PendingQuestion } from './state.js';
import { openSession, type Session } from './session.js';
import { UNDO_DEPTH, type PendingChange } from './state.js';
import { guarded, say, setPending, type Turn } from './turn.js';

const listed = (candidates: readonly ContactRef[]) => candidates.slice(0, 5).map((c, i) => `${i + 1}.${c.name}${c.title ? `（${c.title}）` : ''}`).join(' ');
const describe = (p: PersonMention) => listed(p.candidates);
type ReportingChange = Extract<PendingChange, { kind: 'reporting_changed' }>;

/** The new manager asked as a numbered choice; recorded on the answer. */
function askBoss(t: Turn, s: Session, change: ReportingChange & { contactId: number }, name: string): void {
  const { boss, ...rest } = change;
  setPending(t, { kind: 'which_change_contact', actionId: s.row.id, mention: boss!.mention, candidates: boss!.candidates, change: rest });
  say(t, `${name}现在向哪一位汇报？“${boss!.mention}”是：${listed(boss!.candidates)}（回复序号或名字）`);
}

const noBoss = (t: Turn, name: string) => say(t, `没听出${name}现在向谁汇报，请说全名，比如“${name}现在向王伟汇报”。`);

/**
 * The contact a mention surely is, or null after saying why it is not recorded. When it may be one of
 * several (or sounds like one), `pending` is asked as a numbered choice and recorded on the answer.
 */
function sureContact(t: Turn, s: Session, p: PersonMention | null, what: string, pending?: PendingChange): number | null {
  if (p && isSureMatch(p)) return p.candidates[0].id;
  if (!p) say(t, `没听出是谁${what}，请带上名字再说一遍，比如“刘伟${what}了”。`);
  else if (p.candidates.length > 0 && pending && !t.convo.pendingQuestion) {
    const candidates = p.candidates.slice(0, 5);
    setPending(t, { kind: 'which_change_contact', actionId: s.row.id, mention: p.mention, candidates, change: pending });
    say(t, `${what}的“${p.mention}”是哪一位？${describe(p)}（回复序号或名字）`);
  } else if (p.candidates.length > 0) say(t, `“${p.mention}”是哪一位？联系人里有：${describe(p)}。请用全名再说一遍，比如“${p.candidates[0].name}${what}了”。`);
  else say(t, `客户联系人里没有“${p.mention}”，这条${what}没有记录；可以在应用的客户页里先添加联系人。`);
  return null;
}

function inputFor(t: Turn, s: Session, c: ContactChangeMention): ContactChange | null {
  const on = { occurredOn: c.occurredOn, ...(c.occurredLabel ? { occurredLabel: c.occurredLabel } : {}) };
  // a change said with 前段时间 is asked when, once the contact is known
  const vague = c.vagueWhen ? { vagueWhen: c.vagueWhen } : {};
  switch (c.kind) {
    case 'left': {
      const id = sureContact(t, s, c.person, '离职', { kind: 'left', ...on, ...vague });
      return id ? { kind: 'left', contactId: id, ...on } : null;
    }
    case 'transferred': {
      // where they went, when said; else they are no longer in the post we knew
      const move = (was: ContactRef | undefined): PendingChange => ({
        kind: 'transferred', ...on, department: c.department ?? (c.title ? was?.department ?? null : null), title: c.title ?? null,
        ...(c.department || c.title ? {} : { note: '调岗（去向未说明）' }),
      });
      const id = sureContact(t, s, c.person, '调岗', { ...move(c.person?.candidates.length === 1 ? c.person.candidates[0] : undefined), ...vague });
      return id ? { ...move(c.person!.candidates[0]), contactId: id } as ContactChange : null;
    }
    case 'reporting_changed': {
      const sureBoss = c.reportsTo && isSureMatch(c.reportsTo) ? c.reportsTo.candidates[0].id : undefined;
      const boss = !sureBoss && c.reportsTo?.candidates.length ? { mention: c.reportsTo.mention, candidates: c.reportsTo.candidates.slice(0, 5) } : undefined;
      const pending: ReportingChange = { kind: 'reporting_changed', ...on, ...vague, ...(sureBoss ? { reportsToId: sureBoss } : {}), ...(boss ? { boss } : {}) };
      const id = sureContact(t, s, c.person, '换了汇报对象', pending);
      if (!id) return null;
      if (sureBoss) return { kind: 'reporting_changed', contactId: id, ...on, reportsToId: sureBoss };
      const name = c.person!.candidates[0].name;
      if (boss && !t.convo.pendingQuestion) askBoss(t, s, { ...pending, contactId: id }, name);
      else noBoss(t, name);
      return null;
    }
    case 'joined': {
      if (!c.newName) {
        say(t, '新来的这位叫什么名字？告诉我全名，比如“新来的采购经理叫王磊”。');
        return null;
      }
      const replaces = c.replaces && isSureMatch(c.replaces) ? c.replaces.candidates[0] : null;
      const title = c.title ?? replaces?.title ?? null;
      return {
        kind: 'joined', customerId: s.row.customerId, ...on, ...(replaces ? { replacesContactId: replaces.id } : {}),
        contact: { name: c.newName, ...(title ? { title } : {}), ...(replaces?.department ? { department: replaces.department } : {}) },
      };
    }
  }
}

/**
 * Records every change the message reports for the session's customer; true when something was said.
 * One said only vaguely (前段时间离职了) is asked when first, never dated today.
 */
export async function applyContactChanges(t: Turn, s: Session, changes: readonly ContactChangeMention[]): Promise<boolean> {
  const said = t.lines.length;
  const now: ContactChange[] = [];
  const later: Array<{ input: ContactChange; subject: string; words: string }> = [];
  for (const c of changes) {
    const input = inputFor(t, s, c);
    if (!input) continue;
    const name = input.kind === 'joined' ? input.contact.name : c.person?.candidates[0]?.name ?? '';
    if (c.vagueWhen) later.push({ input, subject: `${name}${CONTACT_EVENT_LABELS[input.kind]}`, words: c.vagueWhen });
    else now.push(input);
  }
  await recordChanges(t, s, now);
  if (later.length > 0) await askWhen(t, s, later.map((l) => l.input), later.map((l) => l.subject).join('、'), later[0].words);
  return t.lines.length > said;
}

const DONT_KNOW = '不知道';

/** 黄敏离职大概是什么时候？ — as choices; when a question is already waiting, recorded as said ("前段时间"). */
async function askWhen(t: Turn, s: Session, changes: ContactChange[], subject: string, words: string): Promise<void> {
  if (t.convo.pendingQuestion) {
    await recordChanges(t, s, changes.map((c) => ({ ...c, occurredLabel: unknownWhen(t, words) })));
    return;
  }
  setPending(t, { kind: 'change_when', actionId: s.row.id, changes, subject, words });
  say(t, whenQuestion(subject, words));
}

function whenQuestion(subject: string, words: string): string {
  return `${subject}大概是什么时候？（你说的是“${words}”）${[...ROUGH_PERIODS, DONT_KNOW].map((p, i) => `${i + 1}.${p}`).join(' ')}（回复序号，或直接说日子）`;
}

/** The label of a change whose time nobody knows: the words said and the day it was learned, never a bare today. */
function unknownWhen(t: Turn, words: string): string {
  const today = shanghaiDate(t.now);
  return `${words}（${Number(today.slice(5, 7))}月${Number(today.slice(8))}日得知）`;
}

type ChangeWhen = Extract<PendingQuestion, { kind: 'change_when' }>;

/** The answer to 大概是什么时候: a period offered, a day said, or 不知道 (then labelled as such). */
export async function answerChangeWhen(t: Turn, p: ChangeWhen, text: string, isCommand: boolean): Promise<boolean> {
  const n = ordinalIn(text);
  const today = shanghaiDate(t.now);
  const period = n !== null && n >= 1 && n <= ROUGH_PERIODS.length ? roughPeriodDay(ROUGH_PERIODS[n - 1], today) : roughPeriodDay(text, today);
  const day = period ? null : occurredOn(text, t.now);
  const when = period ? { occurredOn: period.day, occurredLabel: period.label }
    : day?.dateSaid ? { occurredOn: day.occurredOn, ...(day.occurredLabel ? { occurredLabel: day.occurredLabel } : {}) }
      : isCommand || n === ROUGH_PERIODS.length + 1 || /不知道|不清楚|不确定|记不清|忘了/.test(text) ? { occurredOn: today, occurredLabel: unknownWhen(t, p.words) }
        : null;
  if (!when) {
    say(t, `没听明白。${whenQuestion(p.subject, p.words)}`);
    return true;
  }
  setPending(t, null);
  const s = await openSession(t, p.actionId);
  if (!s) {
    say(t, '这份报告已经提交或关闭了，变动没有记录。');
    return true;
  }
  await recordChanges(t, s, p.changes.map((c) => {
    const { occurredLabel: _was, ...rest } = c;
    return { ...rest, ...when } as ContactChange;
  }));
  // a command said instead of an answer still runs, after the change is kept
  return !isCommand;
}

/**
 * The answer to 离职的“刘总”是哪一位: the change recorded for the contact picked. A reporting change
 * takes the pick as whose it is, then (asked next, when not yet known) as the new manager.
 */
export async function recordPendingChange(t: Turn, s: Session, pending: PendingChange, contactId: number): Promise<void> {
  const { vagueWhen, ...change } = pending;
  const record = async (input: ContactChange) => {
    if (!vagueWhen) return recordChanges(t, s, [input]);
    const name = input.kind === 'joined' ? input.contact.name : (await contactsOf(t.db, s.row.customerId)).find((c) => c.id === input.contactId)?.name ?? '';
    await askWhen(t, s, [input], `${name}${CONTACT_EVENT_LABELS[input.kind]}`, vagueWhen);
  };
  if (change.kind !== 'reporting_changed') {
    await record({ ...change, contactId } as ContactChange);
    return;
  }
  const filled = change.contactId === undefined ? { ...change, contactId } : { ...change, contactId: change.contactId, reportsToId: contactId };
  if (filled.reportsToId === undefined) {
    const name = (await contactsOf(t.db, s.row.customerId)).find((c) => c.id === filled.contactId)?.name ?? '这位联系人';
    if (filled.boss) askBoss(t, s, { ...filled, ...(vagueWhen ? { vagueWhen } : {}) }, name);
    else noBoss(t, name);
    return;
  }
  const { occurredOn: on, occurredLabel } = filled;
  await record({ kind: 'reporting_changed', contactId: filled.contactId, occurredOn: on, ...(occurredLabel ? { occurredLabel } : {}), reportsToId: filled.reportsToId });
}

async function recordChanges(t: Turn, s: Session, inputs: readonly ContactChange[]): Promise<void> {
  const recorded: Array<{ id: number; summary: string }> = [];
  for (const input of inputs) {
    const r = await guarded(t, () => recordContactChange(t.db, t.actor, input, t.now, 'bot'));
    if (isAppError(r)) {
      say(t, `没能记录${CONTACT_EVENT_LABELS[input.kind]}：${r.message}`);
      continue;
    }
    // a date said only roughly is said back as such (约11月), not as a day
    recorded.push({ id: r.event.id, summary: input.occurredLabel ? `${r.event.summary}（${input.occurredLabel}）` : r.event.summary });
  }
  if (recorded.length > 0) {
    const st = t.convo.state;
    const label = recorded.map((r) => r.summary).join('；');
    st.undo = [...(st.undo ?? []), { actionId: s.row.id, label, contactEventIds: recorded.map((r) => r.id) }].slice(-UNDO_DEPTH);
    say(t, `已记录联系人变动：${label}。记错了回复“撤销”。`);
  }
}
