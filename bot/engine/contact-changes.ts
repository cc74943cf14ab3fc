/**
 * Personnel changes said in the chat ("刘伟调岗了，新来的王磊接替他") recorded
 * as dated contact events through core/profile's recordContactChange, the
 * newcomer created when named. Whoever cannot be told for sure is asked
 * about, never guessed; 撤销 takes the changes back (undoContactChange).
 */
import { recordContactChange, type ContactChange } from '../../core/profile/contact-events.js';
import { CONTACT_EVENT_LABELS } from '../../core/flow/buying-centre.js';
import { isAppError } from '../../core/errors.js';
import type { ContactChangeMention } from '../../core/understanding/contact-changes.js';
import { isSureMatch, type PersonMention } from '../../core/understanding/decision-chain.js';
import type { Session } from './session.js';
import { UNDO_DEPTH } from './state.js';
import { guarded, say, type Turn } from './turn.js';

const describe = (p: PersonMention) => p.candidates.slice(0, 5).map((c, i) => `${i + 1}.${c.name}${c.title ? `（${c.title}）` : ''}`).join(' ');

/** The contact a mention surely is, or null after saying why it is not recorded. */
function sureContact(t: Turn, p: PersonMention | null, what: string): number | null {
  if (p && isSureMatch(p)) return p.candidates[0].id;
  if (!p) say(t, `没听出是谁${what}，请带上名字再说一遍，比如“刘伟${what}了”。`);
  else if (p.candidates.length > 0) say(t, `“${p.mention}”是哪一位？联系人里有：${describe(p)}。请用全名再说一遍，比如“${p.candidates[0].name}${what}了”。`);
  else say(t, `客户联系人里没有“${p.mention}”，这条${what}没有记录；可以在应用的客户页里先添加联系人。`);
  return null;
}

function inputFor(t: Turn, s: Session, c: ContactChangeMention): ContactChange | null {
  const on = { occurredOn: c.occurredOn };
  switch (c.kind) {
    case 'left': {
      const id = sureContact(t, c.person, '离职');
      return id ? { kind: 'left', contactId: id, ...on } : null;
    }
    case 'transferred': {
      const id = sureContact(t, c.person, '调岗');
      if (!id) return null;
      const was = c.person!.candidates[0];
      // where they went, when said; else they are no longer in the post we knew
      const department = c.department ?? (c.title ? was.department : null);
      const title = c.title ?? null;
      return { kind: 'transferred', contactId: id, ...on, department, title, ...(c.department || c.title ? {} : { note: '调岗（去向未说明）' }) };
    }
    case 'reporting_changed': {
      const id = sureContact(t, c.person, '换了汇报对象');
      const boss = c.reportsTo && isSureMatch(c.reportsTo) ? c.reportsTo.candidates[0].id : null;
      if (!id) return null;
      if (!boss) {
        say(t, `没听出${c.person!.candidates[0].name}现在向谁汇报，请说全名，比如“${c.person!.candidates[0].name}现在向王伟汇报”。`);
        return null;
      }
      return { kind: 'reporting_changed', contactId: id, ...on, reportsToId: boss };
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
  const recorded: Array<{ id: number; summary: string }> = [];
  const said = t.lines.length;
  for (const c of changes) {
    const input = inputFor(t, s, c);
    if (!input) continue;
    const r = await guarded(t, () => recordContactChange(t.db, t.actor, input, t.now, 'bot'));
    if (isAppError(r)) {
      say(t, `没能记录${CONTACT_EVENT_LABELS[c.kind]}：${r.message}`);
      continue;
    }
    recorded.push({ id: r.event.id, summary: r.event.summary });
  }
  if (recorded.length > 0) {
    const st = t.convo.state;
    const label = recorded.map((r) => r.summary).join('；');
    st.undo = [...(st.undo ?? []), { actionId: s.row.id, label, contactEventIds: recorded.map((r) => r.id) }].slice(-UNDO_DEPTH);
    say(t, `已记录联系人变动：${label}。记错了回复“撤销”。`);
  }
  return t.lines.length > said;
}
