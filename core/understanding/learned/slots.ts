/**
 * The slots a learned family needs, filled by the same extractors the rules
 * use: the person by contact resolution (detectPeople — a sound-alike or a
 * surname alone stays a question), the change's day by the change's own date
 * reading. Only called when the rules found no role, stance or change.
 *
 *   fillLearned('stance:反对', '孙丽对我们有点意见', ctx, slots)
 *   // { slots: { …slots, person: 孙丽, attitude: 'oppose' }, changes: [] }
 */
import { ATTITUDE_LABELS, BUYING_ROLE_LABELS, buyingRoleFromLabel, type Attitude } from '../../flow/buying-centre.js';
import { occurredOn, type ContactChangeKind, type ContactChangeMention } from '../contact-changes.js';
import { detectPeople, type ContactRef } from '../decision-chain.js';
import type { ExtractedSlots, FieldSpec } from '../extract-slots.js';

export interface LearnedSlotContext {
  now: Date;
  contacts: readonly ContactRef[];
  fields: readonly FieldSpec[];
}

const CHANGE_KINDS: readonly ContactChangeKind[] = ['left', 'transferred', 'joined', 'reporting_changed'];

function attitudeFromLabel(label: string): Attitude | null {
  return (Object.keys(ATTITUDE_LABELS) as Attitude[]).find((a) => ATTITUDE_LABELS[a] === label) ?? null;
}

export function fillLearned(
  label: string, text: string, ctx: LearnedSlotContext, slots: ExtractedSlots,
): { slots: ExtractedSlots; changes: ContactChangeMention[] } {
  const [family, detail = ''] = label.split(':');
  const people = detectPeople(text, ctx.contacts);
  const person = people[0];
  if (family === 'role') {
    const role = buyingRoleFromLabel(detail);
    if (!role) return { slots, changes: [] };
    const field = ctx.fields.find((f) => f.type === 'enum' && f.options?.includes(BUYING_ROLE_LABELS[role]));
    const fields = field ? [...slots.fields.filter((f) => f.key !== field.key), { key: field.key, label: field.label, value: detail, display: detail }] : slots.fields;
    return { slots: { ...slots, fields, role: { label: field ? detail : null, role, phrase: text }, ...(person ? { person } : {}) }, changes: [] };
  }
  if (family === 'stance') {
    const attitude = attitudeFromLabel(detail);
    // a stance of nobody named records nothing
    return { slots: attitude && person ? { ...slots, person, attitude } : slots, changes: [] };
  }
  const kind = CHANGE_KINDS.find((k) => k === detail);
  if (family !== 'change' || !kind) return { slots, changes: [] };
  const when = occurredOn(text, ctx.now);
  if (kind === 'joined') {
    // the newcomer is a name no contact has; a contact named beside it is the one replaced
    const newcomer = people.find((p) => p.match === 'none' && p.fullName) ?? null;
    const replaces = people.find((p) => p !== newcomer && p.match !== 'none') ?? null;
    return {
      slots, changes: [{ kind, person: newcomer, ...(newcomer?.fullName ? { newName: newcomer.fullName } : {}), replaces, phrase: text, ...when }],
    };
  }
  if (kind === 'reporting_changed') return { slots, changes: [{ kind, person: person ?? null, reportsTo: people[1] ?? null, phrase: text, ...when }] };
  return { slots, changes: [{ kind, person: person ?? null, phrase: text, ...when }] };
}
