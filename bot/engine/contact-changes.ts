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
import type { ContactChangeMention } from '../../core/understanding/contact-changes.js';
import { isSureMatch, type ContactRef, type PersonMention } from '../../core/understanding/decision-chain.js';
import type { Session } from './session.js';
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
  switch (c.kind) {
    case 'left': {
      const id = sureContact(t, s, c.person, '离职', { kind: 'left', ...on });
      return id ? { kind: 'left', contactId: id, ...on } : null;
    }
    case 'transferred': {
      // where they went, when said; else they are no longer in the post we knew
      const move = (was: ContactRef | undefined): PendingChange => ({
        kind: 'transferred', ...on, department: c.department ?? (c.title ? was?.department ?? null : null), title: c.title ?? null,
        ...(c.department || c.title ? {} : { note: '调岗（去向未说明）' }),
      });
      const id = sureContact(t, s, c.person, '调岗', move(c.person?.candidates.length === 1 ? c.person.candidates[0] : undefined));
      return id ? { ...move(c.person!.candidates[0]), contactId: id } as ContactChange : null;
    }
    case 'reporting_changed': {
      const sureBoss = c.reportsTo && isSureMatch(c.reportsTo) ? c.reportsTo.candidates[0].id : undefined;
      const boss = !sureBoss && c.reportsTo?.candidates.length ? { mention: c.reportsTo.mention, candidates: c.reportsTo.candidates.slice(0, 5) } : undefined;
      const pending: ReportingChange = { kind: 'reporting_changed', ...on, ...(sureBoss ? { reportsToId: sureBoss } : {}), ...(boss ? { boss } : {}) };
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

/** Records every change the message reports for the session's customer; true when something was said. */
export async function applyContactChanges(t: Turn, s: Session, changes: readonly ContactChangeMention[]): Promise<boolean> {
  const said = t.lines.length;
  const inputs = changes.map((c) => inputFor(t, s, c)).filter((x): x is ContactChange => x !== null);
  await recordChanges(t, s, inputs);
  return t.lines.length > said;
}

/**
 * The answer to 离职的“刘总”是哪一位: the change recorded for the contact picked. A reporting change
 * takes the pick as whose it is, then (asked next, when not yet known) as the new manager.
 */
export async function recordPendingChange(t: Turn, s: Session, change: PendingChange, contactId: number): Promise<void> {
  if (change.kind !== 'reporting_changed') {
    await recordChanges(t, s, [{ ...change, contactId } as ContactChange]);
    return;
  }
  const filled = change.contactId === undefined ? { ...change, contactId } : { ...change, contactId: change.contactId, reportsToId: contactId };
  if (filled.reportsToId === undefined) {
    const name = (await contactsOf(t.db, s.row.customerId)).find((c) => c.id === filled.contactId)?.name ?? '这位联系人';
    if (filled.boss) askBoss(t, s, filled, name);
    else noBoss(t, name);
    return;
  }
  const { occurredOn, occurredLabel } = filled;
  await recordChanges(t, s, [{ kind: 'reporting_changed', contactId: filled.contactId, occurredOn, ...(occurredLabel ? { occurredLabel } : {}), reportsToId: filled.reportsToId }]);
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
