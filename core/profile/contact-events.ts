/**
 * Changes that reshape a customer's buying centre, reported by a rep as dated
 * events: 调岗 (a contact moves to another department or title), 离职 (leaves),
 * 新任 (someone new takes a post, perhaps replacing another) and 汇报关系变化
 * (a new reporting line). Each applies the change to the contact and is kept
 * as history; the next follow-up by the same rep on the customer claims it as
 * a decision-chain update (claimContactEvents).
 *
 *   await recordContactChange(db, actor, { kind: 'transferred', contactId, occurredOn: '2026-12-01', title: '院长助理' }, now);
 *   await recordContactChange(db, actor, { kind: 'joined', customerId, occurredOn, replacesContactId,
 *     contact: { name: '王磊', title: '采购经理', preferences: '偏好国产设备' } }, now);
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import {
  ATTITUDE_LABELS, BUYING_ROLE_LABELS, CONTACT_EVENT_KINDS, CONTACT_EVENT_LABELS,
  type Attitude, type BuyingRole, type ContactEventKind,
} from '../flow/buying-centre.js';
import { shanghaiDate } from '../flow/time.js';
import {
  assertReportsTo, BuyingRoleSchema, chainFacts, ContactFields, ContactSchema, getContactOrThrow, insertContact,
  insertContactEvent, requireCustomerRef, type Contact,
} from '../resources/contacts.js';
import { recordEvent } from '../resources/events.js';
import { Id, IdParam, OperationalDate, OptionalText } from '../resources/schemas.js';

/** When it happened: not in the future, and not before the customer could plausibly have existed in our books. */
const Note = OptionalText(500);
/** 约11月: the date is an estimate of something said only roughly (上个月). */
const OccurredLabel = z.string().trim().min(1).max(20).optional();

export const ContactChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('transferred'), contactId: Id, occurredOn: OperationalDate, occurredLabel: OccurredLabel, note: Note,
    department: ContactFields.department, title: ContactFields.title, buyingRole: BuyingRoleSchema.nullish(),
  }),
  z.strictObject({ kind: z.literal('left'), contactId: Id, occurredOn: OperationalDate, occurredLabel: OccurredLabel, note: Note }),
  z.strictObject({
    kind: z.literal('joined'), customerId: Id, occurredOn: OperationalDate, occurredLabel: OccurredLabel, note: Note,
    /** The contact whose post the newcomer takes; their role passes on unless another is given. */
    replacesContactId: Id.nullish(),
    contact: z.strictObject(ContactFields),
  }),
  z.strictObject({ kind: z.literal('reporting_changed'), contactId: Id, occurredOn: OperationalDate, occurredLabel: OccurredLabel, note: Note, reportsToId: Id.nullable() }),
], { error: () => `变化类型只能是：${['transferred', 'left', 'joined', 'reporting_changed'].map((k) => CONTACT_EVENT_LABELS[k as ContactEventKind]).join('、')}` });
export type ContactChange = z.infer<typeof ContactChangeSchema>;

export const ContactEventSchema = z.object({
  id: z.number(),
  customerId: z.number(),
  contactId: z.number(),
  contactName: z.string(),
  kind: z.enum(CONTACT_EVENT_KINDS),
  kindLabel: z.string(),
  occurredOn: z.string(),
  /** Set when the date is an estimate: how it reads (约11月, 约2026年初). */
  occurredLabel: z.string().nullable(),
  /** One Chinese line: 刘伟 调岗：采购部·采购经理 → 设备科·科长 */
  summary: z.string(),
  note: z.string().nullable(),
  source: z.enum(['app', 'bot', 'import']),
  recordedBy: z.number().nullable(),
  recordedByName: z.string().nullable(),
  recordedAt: z.string(),
  /** The follow-up that counted it as a decision-chain update, once one has. */
  followupId: z.number().nullable(),
});
export type ContactEvent = z.infer<typeof ContactEventSchema>;

export const ContactChangeResultSchema = z.object({ event: ContactEventSchema, contact: ContactSchema });

export const ListContactEventsQuery = z.strictObject({
  contactId: IdParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const place = (f: Record<string, unknown>) => [f.department, f.title].filter(Boolean).join('·') || '未填写部门职务';
const roleText = (f: Record<string, unknown>) => [
  f.buyingRole ? BUYING_ROLE_LABELS[f.buyingRole as BuyingRole] : '未标注角色',
  f.attitude ? ATTITUDE_LABELS[f.attitude as Attitude] : null,
  f.isCoach ? '内线' : null,
].filter(Boolean).join('·');

/** The event in one line a rep reads in the history. */
export function describeContactEvent(kind: ContactEventKind, name: string, before: Record<string, unknown>, after: Record<string, unknown>): string {
  switch (kind) {
    case 'added': return `新增联系人 ${name}（${place(after)}，${roleText(after)}）`;
    case 'first_known': return `${name} 最初记录为${place(after)}，${roleText(after)}`;
    case 'role_changed': return `${name} 角色/态度：${roleText(before)} → ${roleText(after)}`;
    case 'transferred': return `${name} 调岗：${place(before)} → ${place(after)}`;
    case 'left': return `${name} 离职（原${place(before)}）`;
    case 'joined': return `${name} 新任${place(after)}${after.replacesName ? `，接替${String(after.replacesName)}` : ''}`;
    case 'reporting_changed':
      return `${name} 汇报关系：${before.reportsToName ? String(before.reportsToName) : '无'} → ${after.reportsToName ? String(after.reportsToName) : '无'}`;
  }
}

function toContactEvent(r: any): ContactEvent {
  return {
    id: r.id, customerId: r.customer_id, contactId: r.contact_id, contactName: r.contact_name, kind: r.kind,
    kindLabel: CONTACT_EVENT_LABELS[r.kind as ContactEventKind], occurredOn: r.occurred_on, occurredLabel: r.occurred_label ?? null,
    summary: describeContactEvent(r.kind, r.contact_name, r.before, r.after), note: r.note, source: r.source,
    recordedBy: r.recorded_by, recordedByName: r.recorded_by_name ?? null, recordedAt: r.recorded_at.toISOString(),
    followupId: r.followup_id,
  };
}

const EVENT_SELECT = `SELECT e.*, k.name AS contact_name, u.name AS recorded_by_name
  FROM contact_events e JOIN contacts k ON k.id = e.contact_id LEFT JOIN users u ON u.id = e.recorded_by`;

async function eventById(db: Db, id: number): Promise<ContactEvent> {
  const { rows: [r] } = await db.query(`${EVENT_SELECT} WHERE e.id = $1`, [id]);
  return toContactEvent(r);
}

async function activeContactOrThrow(db: Db, actor: Actor, id: number): Promise<Contact> {
  const c = await getContactOrThrow(db, actor, id, 'update');
  if (c.status === 'left') throw new AppError('CONTACT_LEFT', { contactId: id }, `${c.name}已离职，不能再记录调岗或汇报关系变化`);
  return c;
}

/** Applies one reported change to the buying centre and keeps it as history, in the caller's transaction. */
export async function recordContactChange(
  db: Db, actor: Actor, input: ContactChange, now: Date, source: 'app' | 'bot' | 'import' = 'app',
): Promise<{ event: ContactEvent; contact: Contact }> {
  assertCan(actor, 'contacts', 'update');
  if (input.occurredOn > shanghaiDate(now)) {
    throw new AppError('VALIDATION_FAILED', [{ path: 'body.occurredOn', message: '发生日期不能晚于今天' }]);
  }
  let before: Contact | null = null;
  let contactId: number;
  let customerId: number;
  if (input.kind === 'joined') {
    ({ contactId, before } = await applyJoined(db, actor, input));
    customerId = input.customerId;
  } else {
    before = await activeContactOrThrow(db, actor, input.contactId);
    await applyChange(db, before, input);
    ({ id: contactId, customerId } = before);
  }
  const contact = await getContactOrThrow(db, actor, contactId);
  const replaces = input.kind === 'joined' && before ? { replacesContactId: before.id, replacesName: before.name } : {};
  const id = await insertContactEvent(db, actor, {
    customerId, contactId, kind: input.kind, occurredOn: input.occurredOn, occurredLabel: input.occurredLabel, source, note: input.note ?? null,
    before: before ? chainFacts(before) : {}, after: { ...chainFacts(contact), ...replaces },
  });
  await recordEvent(db, { actorId: actor.id, entityType: 'contact', entityId: contactId, type: `contact.${input.kind}`, data: { occurredOn: input.occurredOn } });
  return { event: await eventById(db, id), contact };
}

async function applyChange(db: Db, before: Contact, input: Exclude<ContactChange, { kind: 'joined' }>): Promise<void> {
  switch (input.kind) {
    case 'transferred':
      if ((input.department ?? null) === before.department && (input.title ?? null) === before.title) {
        throw new AppError('VALIDATION_FAILED', [{ path: 'body.title', message: '调岗后的部门或职务与现在相同' }]);
      }
      await db.query(
        `UPDATE contacts SET department = $2, title = $3, buying_role = CASE WHEN $5 THEN $4 ELSE buying_role END, updated_at = now()
          WHERE id = $1`,
        [before.id, input.department ?? null, input.title ?? null, input.buyingRole ?? null, input.buyingRole !== undefined]);
      return;
    case 'left':
      await db.query(`UPDATE contacts SET status = 'left', left_on = $2, updated_at = now() WHERE id = $1`, [before.id, input.occurredOn]);
      return;
    case 'reporting_changed':
      if (input.reportsToId === before.reportsToId) {
        throw new AppError('VALIDATION_FAILED', [{ path: 'body.reportsToId', message: '汇报对象与现在相同' }]);
      }
      if (input.reportsToId) await assertReportsTo(db, before.customerId, before.id, input.reportsToId);
      await db.query('UPDATE contacts SET reports_to_id = $2, updated_at = now() WHERE id = $1', [before.id, input.reportsToId]);
  }
}

/** The newcomer's row; `before` is the contact whose post they take, whose role passes on unless another is given. */
async function applyJoined(
  db: Db, actor: Actor, input: Extract<ContactChange, { kind: 'joined' }>,
): Promise<{ contactId: number; before: Contact | null }> {
  await requireCustomerRef(db, actor, input.customerId);
  let replaced: Contact | null = null;
  if (input.replacesContactId) {
    replaced = await getContactOrThrow(db, actor, input.replacesContactId).catch(() => null);
    if (!replaced || replaced.customerId !== input.customerId) {
      throw new AppError('REFERENCE_INVALID', { replacesContactId: input.replacesContactId }, '被接替的人必须是同一客户的联系人');
    }
  }
  const inherited = replaced && input.contact.buyingRole === undefined ? { buyingRole: replaced.buyingRole } : {};
  const contact = await insertContact(db, actor, { customerId: input.customerId, ...input.contact, ...inherited });
  return { contactId: contact.id, before: replaced };
}

/** A customer's buying-centre history, newest first (by when it happened, then when it was recorded). */
export async function listContactEvents(
  db: Db, actor: Actor, customerId: number, q: z.infer<typeof ListContactEventsQuery>,
): Promise<{ items: ContactEvent[] }> {
  assertCan(actor, 'contacts', 'read');
  await requireCustomerRef(db, actor, customerId);
  const { rows } = await db.query(
    `${EVENT_SELECT} WHERE e.customer_id = $1 AND ($2::bigint IS NULL OR e.contact_id = $2)
      ORDER BY e.occurred_on DESC, e.id DESC LIMIT $3`,
    [customerId, q.contactId ?? null, q.limit]);
  return { items: rows.map(toContactEvent) };
}

/**
 * The chain updates a rep recorded for a customer that no follow-up has
 * counted yet, locked for the follow-up being written (which then claims them).
 */
export async function unclaimedContactEvents(db: Db, customerId: number, userId: number): Promise<ContactEvent[]> {
  const { rows } = await db.query(
    `${EVENT_SELECT} WHERE e.customer_id = $1 AND e.recorded_by = $2 AND e.followup_id IS NULL ORDER BY e.id FOR UPDATE OF e`,
    [customerId, userId]);
  return rows.map(toContactEvent);
}

export async function claimContactEvents(db: Db, eventIds: readonly number[], followupId: number): Promise<void> {
  if (eventIds.length === 0) return;
  await db.query('UPDATE contact_events SET followup_id = $2 WHERE id = ANY($1) AND followup_id IS NULL', [eventIds, followupId]);
}

/**
 * Takes back a change its recorder just reported (the bot's 撤销): the
 * contact gets its facts from before, a newcomer who was created for it is
 * removed, and the event goes. Only the latest event of that contact, only
 * by whoever recorded it, and only while no follow-up has counted it.
 */
export async function undoContactChange(db: Db, actor: Actor, eventId: number): Promise<{ summary: string }> {
  assertCan(actor, 'contacts', 'update');
  const { rows: [e] } = await db.query(`${EVENT_SELECT} WHERE e.id = $1 FOR UPDATE OF e`, [eventId]);
  if (!e || e.recorded_by !== actor.id) throw new AppError('NOT_FOUND', { eventId });
  const { rows: [later] } = await db.query('SELECT 1 FROM contact_events WHERE contact_id = $1 AND id > $2 LIMIT 1', [e.contact_id, e.id]);
  if (e.followup_id !== null || later) throw new AppError('CONTACT_EVENT_FINAL', { eventId });
  const summary = describeContactEvent(e.kind, e.contact_name, e.before, e.after);
  const b = e.before as Record<string, unknown>;
  switch (e.kind as ContactEventKind) {
    case 'joined': {
      // the newcomer exists only because of this event: nobody reports to them yet unless edited since (then refuse)
      const { rows: [ref] } = await db.query('SELECT 1 FROM contacts WHERE reports_to_id = $1 LIMIT 1', [e.contact_id]);
      if (ref) throw new AppError('CONTACT_EVENT_FINAL', { eventId });
      await db.query('DELETE FROM contact_events WHERE contact_id = $1', [e.contact_id]);
      await db.query('DELETE FROM contacts WHERE id = $1', [e.contact_id]);
      break;
    }
    case 'transferred':
      await db.query('UPDATE contacts SET department = $2, title = $3, buying_role = $4, updated_at = now() WHERE id = $1',
        [e.contact_id, b.department ?? null, b.title ?? null, b.buyingRole ?? null]);
      break;
    case 'left':
      await db.query(`UPDATE contacts SET status = 'active', left_on = NULL, updated_at = now() WHERE id = $1`, [e.contact_id]);
      break;
    case 'reporting_changed':
      await db.query('UPDATE contacts SET reports_to_id = $2, updated_at = now() WHERE id = $1', [e.contact_id, b.reportsToId ?? null]);
      break;
    default:
      throw new AppError('CONTACT_EVENT_FINAL', { eventId });
  }
  if (e.kind !== 'joined') await db.query('DELETE FROM contact_events WHERE id = $1', [e.id]);
  await recordEvent(db, { actorId: actor.id, entityType: 'contact', entityId: Number(e.contact_id), type: 'contact.change_undone', data: { kind: e.kind, occurredOn: e.occurred_on } });
  return { summary };
}
