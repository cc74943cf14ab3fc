/**
 * "拍板的不是刘伟" with nobody named instead: the bot takes the role back from 刘伟 when this chat
 * had noted it (undoable like any answer), then asks who has it — the customer's contacts as numbered
 * choices, 新建联系人 and 不知道 — and records nothing until the rep answers.
 */
import { BUYING_ROLE_LABELS } from '../../core/flow/buying-centre.js';
import { detectPerson, isSureMatch, ordinalIn, pickContact, type ContactRef, type RoleDenial, type RoleMention } from '../../core/understanding/decision-chain.js';
import { contactsOf } from '../../core/resources/contacts.js';
import { applyChosenContact, askWhichContact, createChosenContact, offerNewContact } from './apply-text.js';
import { openSession, saveDraft, type Session } from './session.js';
import type { PendingQuestion } from './state.js';
import { say, setPending, type Turn } from './turn.js';

/** Contacts offered: WeCom's button card takes six buttons, two are 新建联系人 and 不知道. */
const OFFERED = 4;
const NEW_CONTACT = '新建联系人';
const DONT_KNOW = '不知道';

type WhoHasRole = Extract<PendingQuestion, { kind: 'who_has_role' }>;

const roleName = (role: RoleMention) => role.label ?? BUYING_ROLE_LABELS[role.role];

/** Takes the role back from the contact it is denied of when this report had noted it; true when it did. */
async function withdraw(t: Turn, s: Session, denial: RoleDenial): Promise<boolean> {
  const who = denial.person && isSureMatch(denial.person) ? denial.person.candidates[0] : null;
  if (!who) return false;
  const noted = (t.convo.state.contactUpdates?.[String(s.row.id)] ?? []).find((u) => u.contactId === who.id);
  const fields = s.draft.fields ?? {};
  const inDraft = fields.decisionContactId === who.id && fields.decisionRole === roleName(denial.role);
  if (noted?.buyingRole !== denial.role.role && !inDraft) {
    // the customer's record is edited on its page, on purpose: a chat message does not overwrite it unasked
    if (who.buyingRole === denial.role.role) say(t, `客户资料里${who.name}仍记为${roleName(denial.role)}，如有变化请在客户页的决策链里修改。`);
    return false;
  }
  const { decisionRole: _dropped, ...kept } = fields;
  const next = inDraft ? { ...s.draft, fields: kept } : s.draft;
  // undefined overwrites the noted role when saveDraft merges the notes; the stance said stays
  const update = { contactId: who.id, name: who.name, buyingRole: undefined, isCoach: undefined };
  const label = `${who.name}不是${roleName(denial.role)}`;
  if (!(await saveDraft(t, s, next, label, noted?.buyingRole === denial.role.role ? [update] : []))) return true;
  say(t, `已撤下：${who.name}是${roleName(denial.role)}（回复“撤销”可恢复）。`);
  return true;
}

/** The denied role taken back where it was noted, then the question who has it. */
export async function askWhoHasRole(t: Turn, s: Session, denial: RoleDenial): Promise<void> {
  await withdraw(t, s, denial);
  const deniedId = denial.person && isSureMatch(denial.person) ? denial.person.candidates[0].id : null;
  const others = (await contactsOf(t.db, s.row.customerId)).filter((c) => c.id !== deniedId);
  // those the customer's record already gives the role come first
  const candidates = [...others.filter((c) => c.buyingRole === denial.role.role), ...others.filter((c) => c.buyingRole !== denial.role.role)]
    .slice(0, OFFERED)
    .map((c) => ({ id: c.id, name: c.name, title: c.title, department: c.department, buyingRole: c.buyingRole }));
  setPending(t, { kind: 'who_has_role', actionId: s.row.id, role: denial.role, candidates });
  say(t, whoQuestion(denial.role, candidates));
}

function whoQuestion(role: RoleMention, candidates: readonly ContactRef[]): string {
  const options = [...candidates.map((c) => `${c.name}${c.title ? `（${c.title}）` : ''}`), NEW_CONTACT, DONT_KNOW];
  return `那${roleName(role)}是哪一位？${options.map((o, i) => `${i + 1}.${o}`).join(' ')}（回复序号或名字）`;
}

/** The answer to 那决策者是哪一位: a contact, a name to create, 新建联系人 (then the name), or 不知道. */
export async function answerWhoHasRole(t: Turn, p: WhoHasRole, text: string, isCommand: boolean): Promise<boolean> {
  const n = ordinalIn(text);
  if (/不知道|不清楚|不确定|还没(搞清|弄清|问)|先空着/.test(text) || n === p.candidates.length + 2) {
    setPending(t, null);
    say(t, `好的，${roleName(p.role)}先空着，知道了随时告诉我。`);
    return true;
  }
  if (isCommand) { setPending(t, null); return false; }
  const s = await openSession(t, p.actionId);
  if (!s) {
    setPending(t, null);
    say(t, '这份报告已经提交或关闭了。');
    return true;
  }
  if (!p.awaitingName && (/新建|新增|新的联系人|加一个/.test(text) || n === p.candidates.length + 1)) {
    setPending(t, { ...p, awaitingName: true });
    say(t, `新联系人叫什么？可以带上职务，比如“王建国，设备科主任”。`);
    return true;
  }
  const chosen = p.awaitingName ? null : pickContact(text, p.candidates);
  if (chosen) {
    setPending(t, null);
    await applyChosenContact(t, s, chosen, p.role);
    return true;
  }
  // a name: a contact not among the offered, or someone to create
  const said = detectPerson(text, await contactsOf(t.db, s.row.customerId));
  if (said && isSureMatch(said)) {
    setPending(t, null);
    await applyChosenContact(t, s, said.candidates[0], p.role);
    return true;
  }
  if (said && said.candidates.length > 0 && !p.awaitingName) {
    setPending(t, null);
    askWhichContact(t, s.row.id, said, p.role);
    return true;
  }
  const name = said?.fullName ?? (p.awaitingName ? /^[\u4e00-\u9fa5]{2,4}/.exec(text.trim())?.[0] : undefined);
  if (name && (said?.match ?? 'none') === 'none') {
    setPending(t, null);
    if (p.awaitingName) await createChosenContact(t, s, { name, title: said?.titleWords[0] ?? null, role: p.role });
    else offerNewContact(t, s.row.id, { mention: name, fullName: name, titleWords: said?.titleWords ?? [], candidates: [], match: 'none', index: 0 }, p.role);
    return true;
  }
  say(t, p.awaitingName ? '请告诉我新联系人的名字，比如“王建国，设备科主任”。' : `没听明白。${whoQuestion(p.role, p.candidates)}`);
  return true;
}
