/**
 * A lead's working life beyond its record (core/resources/leads): whoever a
 * lead is given to is told by WeCom message with a link to it, accepts it,
 * and converts it into an opportunity — under a customer found or created
 * from the lead — so 线索→商机 counts what really became a deal.
 *
 *   const lead = await assignLeadAndNotify(tx, actor, id, { method: 'manual', assigneeId }, publicUrl);
 *   const { opportunity } = await convertLead(tx, actor, id, { opportunityName: '华联年度框架' });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import { createCustomer, type Customer } from '../resources/customers.js';
import type { AssignLead } from '../resources/lead-assignment.js';
import { assignLead, createLead, getLeadOrThrow, updateLead, type CreateLeadSchema, type Lead } from '../resources/leads.js';
import { createOpportunity, type Opportunity } from '../resources/opportunities.js';
import { CustomerType, Id, Money, Name, OptionalText } from '../resources/schemas.js';
import { recordEvent } from '../resources/events.js';

export const leadUrl = (publicUrl: string, id: number) => `${publicUrl}/leads/${id}`;

/** A WeCom card to the lead's new assignee, once per assignment (not to someone who gave it to themselves). */
async function notifyAssignee(db: Db, actor: Actor, lead: Lead, publicUrl: string): Promise<void> {
  if (lead.assigneeId === null || lead.assigneeId === actor.id) return;
  const { rows: [to] } = await db.query('SELECT wecom_userid FROM users WHERE id = $1 AND active', [lead.assigneeId]);
  if (!to) return;
  const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM lead_assignments WHERE lead_id = $1', [lead.id]);
  const who = [lead.contactName, lead.phone].filter(Boolean).join(' ');
  await enqueueMessage(db, {
    dedupeKey: `lead:${lead.id}:assigned:${n}`, recipient: to.wecom_userid,
    ...textCard(`新线索：${lead.company}`, `${lead.title}${who ? `\n联系人：${who}` : ''}\n来源：${LEAD_SOURCE_LABELS[lead.source] ?? '其他'}\n分配人：${actor.name}\n请尽快接收并跟进。`,
      leadUrl(publicUrl, lead.id), '去接收'),
  });
}

export const LEAD_SOURCE_LABELS: Record<string, string> = {
  manual: '手工录入', website: '官网', referral: '转介绍', exhibition: '展会', wecom: '企业微信', phone: '电话', other: '其他',
};

export async function createLeadAndNotify(db: Db, actor: Actor, input: z.infer<typeof CreateLeadSchema>, publicUrl: string): Promise<Lead> {
  const lead = await createLead(db, actor, input);
  await notifyAssignee(db, actor, lead, publicUrl);
  return lead;
}

export async function assignLeadAndNotify(db: Db, actor: Actor, id: number, body: AssignLead, publicUrl: string): Promise<Lead> {
  const lead = await assignLead(db, actor, id, body);
  await notifyAssignee(db, actor, lead, publicUrl);
  return lead;
}

/** The assignee takes the lead on (接收): recorded once, with when. */
export async function acceptLead(db: Db, actor: Actor, id: number): Promise<Lead> {
  const lead = await getLeadOrThrow(db, actor, id, 'update', true);
  if (lead.assigneeId !== actor.id) {
    throw new AppError('FORBIDDEN', { leadId: id, reason: 'not the assignee' }, '只有线索的负责人可以接收');
  }
  if (lead.status !== 'assigned') throw new AppError('LEAD_NOT_ACCEPTABLE', { status: lead.status });
  const { rowCount } = await db.query('UPDATE leads SET accepted_at = now(), updated_at = now() WHERE id = $1 AND accepted_at IS NULL', [id]);
  if (rowCount) await recordEvent(db, { actorId: actor.id, entityType: 'lead', entityId: id, type: 'lead.accepted', data: {} });
  return getLeadOrThrow(db, actor, id);
}

export const ConvertLeadSchema = z.object({
  /** An existing customer (in scope); without it one is created from the lead's company. */
  customerId: Id.optional(),
  /** For a new customer: its type, when the lead does not say. */
  customerType: CustomerType.optional(),
  customerAddress: OptionalText(300),
  opportunityName: Name,
  amount: Money.optional(),
}).strict();

/**
 * Turns a lead into an opportunity (and a customer when it has none yet),
 * marks it converted and links the three; refused for a lead already
 * converted or disqualified.
 */
export async function convertLead(
  db: Db, actor: Actor, id: number, input: z.infer<typeof ConvertLeadSchema>,
): Promise<{ lead: Lead; opportunity: Opportunity; customer: Pick<Customer, 'id' | 'name'>; customerCreated: boolean }> {
  const lead = await getLeadOrThrow(db, actor, id, 'update', true);
  if (lead.status === 'converted' || lead.status === 'disqualified') {
    throw new AppError('LEAD_NOT_CONVERTIBLE', { status: lead.status });
  }
  let customer: Pick<Customer, 'id' | 'name'>;
  const customerId = input.customerId ?? lead.customerId ?? undefined;
  let customerCreated = false;
  if (customerId !== undefined) {
    customer = { id: customerId, name: '' };
  } else {
    const type = input.customerType ?? lead.customerType;
    if (!type) throw new AppError('VALIDATION_FAILED', [{ path: 'body.customerType', message: '新建客户需要选择客户类型' }]);
    customer = await createCustomer(db, actor, { name: lead.company, type, address: input.customerAddress ?? null });
    customerCreated = true;
  }
  const opportunity = await createOpportunity(db, actor, {
    name: input.opportunityName, customerId: customer.id, leadId: id, amount: input.amount,
    ...(lead.assigneeId !== null ? { ownerId: lead.assigneeId } : {}),
  });
  const converted = await updateLead(db, actor, id, { status: 'converted', customerId: opportunity.customerId });
  return { lead: converted, opportunity, customer: { id: opportunity.customerId, name: opportunity.customerName }, customerCreated };
}
