/**
 * A text message applied to the report: every slot it fills is written to
 * the draft in one save ("已记录：…"), a correction replaces the last value
 * ("已更正：…"), and a person who could be two contacts is asked about.
 */
import type { VisitDraftInput } from '../../core/actions/action-schemas.js';
import { ATTITUDE_LABELS, BUYING_ROLE_LABELS, type Attitude } from '../../core/flow/buying-centre.js';
import { isSureMatch, type ContactRef, type PersonMention, type RoleMention } from '../../core/understanding/decision-chain.js';
import { createContact } from '../../core/resources/contacts.js';
import { isAppError } from '../../core/errors.js';
import type { ExtractedSlots, FieldValue } from '../../core/understanding/extract-slots.js';
import { retagLastPhoto } from './media.js';
import { askWhoHasRole } from './role-denial.js';
import { askWhichTopic } from './topic-question.js';
import { reportProgress } from './progress.js';
import { saveDraft, type Session } from './session.js';
import type { ContactUpdate } from './state.js';
import { guarded, say, setPending, type Turn } from './turn.js';
import { truncateChars } from '../parse/truncate.js';

/** Voice memos are kept whole, but a draft must stay within the report schema's limit. */
const TRANSCRIPT_MAX = 5000;

interface Change {
  draft: VisitDraftInput;
  labels: string[];
  contactUpdates: ContactUpdate[];
  lastFilled?: string;
}

function withFields(c: Change, values: FieldValue[]): void {
  if (values.length === 0) return;
  c.draft = { ...c.draft, fields: { ...(c.draft.fields ?? {}), ...Object.fromEntries(values.map((v) => [v.key, v.value])) } };
  for (const v of values) {
    c.labels.push(`${v.label} ${v.display}${v.approximate ? '（按这一天记，需要改直接说）' : ''}`);
    c.lastFilled = `fields.${v.key}`;
  }
}

function withContact(c: Change, who: ContactRef, role: RoleMention | undefined, attitude?: Attitude): void {
  c.draft = { ...c.draft, fields: { ...(c.draft.fields ?? {}), decisionContactId: who.id, decisionContactName: who.name } };
  if (role) withRoleOf(c, who, role);
  else if (attitude) {
    // "李明很支持我们": a stance, noted on the contact like a role (and applied on submission)
    c.contactUpdates.push({ contactId: who.id, name: who.name, attitude });
    c.labels.push(`${who.name}${titleOf(who)}的态度：${ATTITUDE_LABELS[attitude]}`);
  } else c.labels.push(`对接人 ${who.name}${titleOf(who)}`);
}

const titleOf = (who: ContactRef) => (who.title ? `·${who.title}` : '');

/** The role noted on a contact, to be written when the report is submitted. */
function withRoleOf(c: Change, who: ContactRef, role: RoleMention): void {
  c.contactUpdates.push({ contactId: who.id, name: who.name, buyingRole: role.role, ...(role.attitude ? { attitude: role.attitude } : {}), ...(role.isCoach ? { isCoach: true } : {}) });
  c.labels.push(`${who.name}${titleOf(who)}是${role.label ?? BUYING_ROLE_LABELS[role.role]}${role.isCoach ? '（内线）' : ''}`);
}

function withTranscript(c: Change, text: string, painPoints: string[], learned = false): void {
  // a repeated sentence adds nothing to the memo (and would only grow what is segmented on every check)
  const already = c.draft.transcript?.split('\n').includes(text);
  const joined = already ? c.draft.transcript! : c.draft.transcript ? `${c.draft.transcript}\n${text}` : text;
  c.draft = { ...c.draft, transcript: truncateChars(joined, TRANSCRIPT_MAX) };
  // a topic read from the meaning, not a word of the library, says so: 撤销 takes it back
  c.labels.push(painPoints.length ? `客户痛点 ${painPoints.join('、')}${learned ? '（按意思归类）' : ''}` : '纪要内容');
}

/**
 * Applies what `slots` found. Returns false when there was nothing to record
 * (the caller then explains what it can do).
 */
export async function applySlots(t: Turn, s: Session, slots: ExtractedSlots, text = ''): Promise<boolean> {
  const st = t.convo.state;
  const c: Change = { draft: s.draft, labels: [], contactUpdates: [] };
  withFields(c, slots.fields);
  let askWho = false;
  let offerNew = false;
  if (slots.person) {
    const { candidates, mention } = slots.person;
    // only an exact name or a single fitting title is written; a sound-alike, a surname alone or
    // a name no contact has (采购经理张伟 while 张杰 is the 采购经理) is asked about
    if (isSureMatch(slots.person)) withContact(c, candidates[0], slots.role, slots.attitude);
    else if (candidates.length > 0 && slots.role) askWho = true;
    else if (candidates.length === 0 && slots.role) offerNew = true;
  }
  // "刘伟管采购，王院长拍板": the roles of the others named surely are noted too
  for (const other of slots.otherRoles ?? []) withRoleOf(c, other.person!.candidates[0], other.role);
  if (slots.transcript) withTranscript(c, slots.transcript, slots.painPoints, slots.painLearned);
  if (slots.photoTag && c.labels.length === 0 && !askWho) {
    if (await retagLastPhoto(t, s, text, slots.photoTag)) return true;
    st.expectPhotoTag = slots.photoTag;
    say(t, `好的，请发${slots.photoTag}。`);
    return true;
  }
  if (c.labels.length > 0) {
    if (!(await saveDraft(t, s, c.draft, c.labels.join('；'), c.contactUpdates))) return true;
    say(t, `${slots.correction ? '已更正' : '已记录'}：${c.labels.join('；')}。`);
    if (c.lastFilled) st.lastFilled = c.lastFilled;
    if (st.pendingSlot === 'voice' && slots.transcript) delete st.pendingSlot;
  }
  if (askWho) {
    askWhichContact(t, s.row.id, slots.person!, slots.role!);
    return true;
  }
  if (slots.deniedRole) {
    await askWhoHasRole(t, s, slots.deniedRole);
    return true;
  }
  if (offerNew) {
    offerNewContact(t, s.row.id, slots.person!, slots.role!);
    return true;
  }
  const vague = slots.vagueDate;
  if (vague && !slots.fields.some((f) => f.key === vague.key)) {
    askForDay(t, vague);
    return true;
  }
  if (slots.topicQuestion && c.labels.length === 0) return askWhichTopic(t, s.row.id, text, slots.topicQuestion);
  if (c.labels.length === 0) return false;
  await reportProgress(t, s);
  return true;
}

/** "过段时间再去": no day to record, so the day is asked (and the next answer fills the field). */
function askForDay(t: Turn, vague: NonNullable<ExtractedSlots['vagueDate']>): void {
  const slot = `fields.${vague.key}`;
  const choices = vague.choices ?? [];
  // 这两天 / 节后: the days it may mean are offered by number, never picked for the rep
  const question = choices.length
    ? `${vague.label}定在哪天？${choices.map((c, i) => `${i + 1}.${c.words}（${c.display.replace(/（(.+?)）/, ' $1')}）`).join(' ')}，或者直接说哪天。`
    : `${vague.label}定在哪天？比如“下周三下午”或“12月20日”。`;
  t.convo.state.pendingSlot = slot;
  t.convo.state.pendingAsk = { slot, question, ...(choices.length ? { choices: choices.map((c) => c.words) } : {}) };
  say(t, `“${vague.words}”还不是具体的日子，没有记录。${question}`);
}

/** 刘总是哪一位？ — a person said with a role who could be several contacts (or only sounds like one). */
export function askWhichContact(t: Turn, actionId: number, person: PersonMention, role: RoleMention): void {
  const { candidates, mention } = person;
  const shown = candidates.slice(0, 5);
  setPending(t, {
    kind: 'which_contact', actionId, candidates: shown, role, mention,
  });
  const describe = (x: ContactRef) => `${x.department ?? ''}的${x.name}${x.title ? `（${x.title}）` : ''}`;
  const { fullName, match } = person;
  if (shown.length === 1) {
    say(t, match === 'none' && fullName
      ? `联系人里没有“${fullName}”。是${describe(shown[0])}吗？（回复“是”或“不是”）`
      : `你说的${mention}是${describe(shown[0])}吗？（回复“是”或“不是”）`);
    return;
  }
  // numbered from two on: 1 / 第二个 / the name answers either way
  say(t, shown.length === 2
    ? `${mention}是1.${describe(shown[0])}还是2.${describe(shown[1])}？（回复序号或名字）`
    : `${mention}是哪一位？${shown.map((x, i) => `${i + 1}.${describe(x)}`).join(' ')}（回复序号或名字）`);
}

/** The answer to 刘总是哪一位 (or 那决策者是哪一位): records the contact, and the role on the form's field for it. */
export async function applyChosenContact(t: Turn, s: Session, who: ContactRef, role: RoleMention): Promise<void> {
  const roleField = s.vocab.fields.find((f) => f.type === 'enum' && role.label && f.options?.includes(role.label));
  const draft = roleField ? { ...s.draft, fields: { ...(s.draft.fields ?? {}), [roleField.key]: role.label! } } : s.draft;
  const c: Change = { draft, labels: [], contactUpdates: [] };
  withContact(c, who, role);
  if (!(await saveDraft(t, s, c.draft, c.labels.join('；'), c.contactUpdates))) return;
  say(t, `已记录：${c.labels.join('；')}。`);
  await reportProgress(t, s);
}

/** 联系人里没有“钟岩”: offers to create them with the role said (the answer is route.ts's create_contact). */
export function offerNewContact(t: Turn, actionId: number, person: PersonMention, role: RoleMention): void {
  const name = person.fullName ?? person.mention;
  const title = person.titleWords[0] ?? null;
  setPending(t, { kind: 'create_contact', actionId, name, title, role });
  say(t, `客户联系人里没有“${name}”。要新建联系人${name}${title ? `（${title}）` : ''}，记为${role.label ?? BUYING_ROLE_LABELS[role.role]}吗？回复“是”新建，“不是”就只记角色。`);
}

/** Yes to 要新建联系人吗: the contact is created for the report's customer and recorded as the one the role is about. */
export async function createChosenContact(t: Turn, s: Session, p: { name: string; title: string | null; role: RoleMention }): Promise<void> {
  const created = await guarded(t, () => createContact(t.db, t.actor, {
    customerId: s.row.customerId, name: p.name, ...(p.title ? { title: p.title } : {}),
  }, { source: 'bot', now: t.now }));
  if (isAppError(created)) {
    say(t, `没能新建联系人：${created.message}`);
    return;
  }
  say(t, `已新建联系人${created.name}。`);
  await applyChosenContact(t, s, { id: created.id, name: created.name, title: created.title, department: created.department, buyingRole: created.buyingRole }, p.role);
}
