/**
 * 同上次 in the chat: what the rep's last visits of this customer say for a
 * field still empty (core/visit-assist: the role and the contact it was about,
 * a written field both last visits agree on), offered with the question that
 * asks for it and written only on the rep's word ("同上次"), never silently.
 */
import { lastVisitsOf } from '../../core/visit-assist/visit-suggestions.js';
import { suggestVisitFields, type FieldSuggestion } from '../../core/visit-assist/suggest-fields.js';
import { contactsOf } from '../../core/resources/contacts.js';
import type { ContactRef } from '../../core/understanding/decision-chain.js';
import { saveDraft, type Session } from './session.js';
import { say, type Turn } from './turn.js';

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** The last visits' values for the report's fields that are still empty (no memo read: the words are elsewhere in the chat). */
async function lastTimeValues(t: Turn, s: Session): Promise<{ values: FieldSuggestion[]; contacts: ContactRef[] }> {
  const visits = await lastVisitsOf(t.db, t.actor, s.row);
  if (!visits.lastVisit) return { values: [], contacts: [] };
  const contacts = await contactsOf(t.db, s.row.customerId);
  const { suggestions } = suggestVisitFields('', { now: t.now, fields: s.vocab.fields, contacts, matchPainPoints: () => [], ...visits });
  const fields = (s.draft.fields ?? {}) as Record<string, unknown>;
  return { values: suggestions.filter((x) => isEmpty(fields[x.key])), contacts };
}

/** "上次拜访（11月20日）：郭军（设备科主任） · 决策者。回复“同上次”就沿用。" for the field asked, or null. */
export async function sameAsLastHint(t: Turn, s: Session, target: string): Promise<string | null> {
  if (!target.startsWith('fields.')) return null;
  const last = (await lastTimeValues(t, s)).values.find((x) => `fields.${x.key}` === target);
  return last ? `${last.words}：${last.display}。回复“同上次”就沿用。` : null;
}

/** The rep said 同上次: every empty field the last visits answer is written, in one change 撤销 takes back. */
export async function applySameAsLast(t: Turn, s: Session): Promise<boolean> {
  const { values, contacts } = await lastTimeValues(t, s);
  if (values.length === 0) return false;
  const contactId = values.map((x) => x.also.decisionContactId).find((id) => id !== undefined);
  const contact = contacts.find((c) => c.id === Number(contactId));
  const fields = {
    ...(s.draft.fields ?? {}),
    ...Object.fromEntries(values.flatMap((x) => [[x.key, x.value], ...Object.entries(x.also)])),
    ...(contact ? { decisionContactName: contact.name } : {}),
  };
  const label = values.map((x) => `${x.label} ${x.display}`).join('；');
  if (!(await saveDraft(t, s, { ...s.draft, fields }, `同上次：${label}`))) return true;
  say(t, `已记录（同上次）：${label}。`);
  return true;
}
