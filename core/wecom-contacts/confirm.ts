/**
 * The 客户联系 matches a sync could not decide, answered by the rep: 是 binds
 * the WeCom external contact to the contact asked about, 不是 is remembered
 * (never asked again), 新建联系人 adds them to the customer with their WeCom
 * id. Scope is the customer's, like the contacts'.
 *
 *   await answerWecomMatch(db, actor, 7, { answer: 'yes' });  // 王建国 now recognised on share pages opened in WeCom
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { createContact, ContactSchema, getContactOrThrow, updateContact, viaCustomerScope, type Contact } from '../resources/contacts.js';
import { IdParam } from '../resources/schemas.js';

export const WecomMatchSchema = z.object({
  id: z.number(),
  externalName: z.string(),
  corpName: z.string().nullable(),
  customerId: z.number(),
  customerName: z.string(),
  /** The contact asked about; null when nobody fits and only 新建联系人 is offered. */
  contactId: z.number().nullable(),
  contactName: z.string().nullable(),
  contactTitle: z.string().nullable(),
  /** 企业微信客户 王建国（某某医院）是这位联系人吗？ */
  question: z.string(),
});
export type WecomMatch = z.infer<typeof WecomMatchSchema>;

export const ListWecomMatchesQuery = z.strictObject({ customerId: IdParam.optional() });
export const AnswerWecomMatchSchema = z.strictObject({
  answer: z.enum(['yes', 'no', 'create'], { error: () => '回答只能是：是、不是、新建联系人' }),
});
export const AnswerWecomMatchResultSchema = z.object({ status: z.enum(['confirmed', 'rejected', 'created']), contact: ContactSchema.nullable(), message: z.string() });

function toMatch(r: any): WecomMatch {
  const who = `企业微信客户 ${r.external_name}（${r.corp_name ?? r.customer_name}）`;
  return {
    id: Number(r.id), externalName: r.external_name, corpName: r.corp_name, customerId: Number(r.customer_id), customerName: r.customer_name,
    contactId: r.contact_id === null ? null : Number(r.contact_id), contactName: r.contact_name ?? null, contactTitle: r.contact_title ?? null,
    question: r.contact_id === null ? `${who}还不在${r.customer_name}的联系人里，要新建联系人吗？` : `${who}是这位联系人吗？`,
  };
}

const SELECT = `SELECT m.*, c.name AS customer_name, k.name AS contact_name, k.title AS contact_title
  FROM wecom_contact_matches m JOIN customers c ON c.id = m.customer_id LEFT JOIN contacts k ON k.id = m.contact_id`;

/** The questions waiting for an answer, within the actor's customers. */
export async function listWecomMatches(db: Db, actor: Actor, q: z.infer<typeof ListWecomMatchesQuery>): Promise<{ items: WecomMatch[] }> {
  assertCan(actor, 'contacts', 'read');
  const sql = new Sql();
  const where = [`m.status = 'pending'`, viaCustomerScope(actor, sql)];
  if (q.customerId) where.push(`m.customer_id = ${sql.param(q.customerId)}`);
  const { rows } = await db.query(sql.unprepared(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY m.customer_id, m.external_name, m.id LIMIT 200`));
  return { items: rows.map(toMatch) };
}

export async function answerWecomMatch(
  db: Db, actor: Actor, id: number, body: z.infer<typeof AnswerWecomMatchSchema>,
): Promise<z.infer<typeof AnswerWecomMatchResultSchema>> {
  assertCan(actor, 'contacts', 'update');
  const sql = new Sql();
  const { rows: [r] } = await db.query(sql.unprepared(`${SELECT} WHERE m.id = ${sql.param(id)} AND ${viaCustomerScope(actor, sql)} FOR UPDATE OF m`));
  if (!r) throw new AppError('NOT_FOUND', { id });
  if (r.status !== 'pending') throw new AppError('WECOM_MATCH_DECIDED', { id, status: r.status });
  const m = toMatch(r);
  const decide = (status: string) => db.query('UPDATE wecom_contact_matches SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1', [id, status, actor.id]);
  if (body.answer === 'no') {
    await decide('rejected');
    return { status: 'rejected', contact: null, message: m.contactName ? `好的，${m.externalName}不是${m.contactName}，不会再问` : `好的，不新建联系人，不会再问` };
  }
  const { rows: [taken] } = await db.query('SELECT id FROM contacts WHERE wecom_external_userid = $1', [r.external_userid]);
  if (taken) throw new AppError('WECOM_ID_TAKEN', { contactId: Number(taken.id) });
  let contact: Contact;
  if (body.answer === 'yes') {
    if (m.contactId === null) throw new AppError('VALIDATION_FAILED', [{ path: 'body.answer', message: '没有可对应的联系人，请选“新建联系人”或“不是”' }]);
    const current = await getContactOrThrow(db, actor, m.contactId, 'update');
    if (current.wecomExternalUserid) throw new AppError('WECOM_ID_TAKEN', { contactId: current.id }, `${current.name}已对应另一个企业微信客户`);
    contact = await updateContact(db, actor, m.contactId, { wecomExternalUserid: r.external_userid });
    await decide('confirmed');
  } else {
    contact = await createContact(db, actor, {
      customerId: m.customerId, name: m.externalName, wecomExternalUserid: r.external_userid, ...(r.mobiles[0] ? { phone: r.mobiles[0] } : {}),
    });
    await decide('created');
  }
  // the other questions about the same external contact, or about the contact now bound, are answered by this one
  await db.query(`UPDATE wecom_contact_matches SET status = 'superseded', decided_by = $3, decided_at = now()
    WHERE status = 'pending' AND id <> $1 AND (external_userid = $2 OR contact_id = $4)`, [id, r.external_userid, actor.id, contact.id]);
  return {
    status: body.answer === 'yes' ? 'confirmed' : 'created', contact,
    message: body.answer === 'yes' ? `已确认：${contact.name}就是企业微信客户${m.externalName}` : `已新建联系人${contact.name}（企业微信客户）`,
  };
}
