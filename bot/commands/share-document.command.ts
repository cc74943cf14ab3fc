/**
 * "把质保条款发给王院长" / "分享报价单给刘伟": a customer's document sent as a
 * tracked link (core/sharing's createShareLink, the app's own rules). Who the
 * person is comes from the contacts of the customers the rep has open deals
 * with, by the decision-chain resolution: a sure match is taken, anything
 * else is a numbered choice. The document is matched by name or tag, the deal
 * is the customer's open one; several of either are asked, then the whole
 * share is read back for 是 before the link is made.
 */
import { isAppError } from '../../core/errors.js';
import { listOpportunities } from '../../core/resources/opportunities.js';
import { toContactRow } from '../../core/resources/contacts.js';
import { createShareLink } from '../../core/sharing/share-links.js';
import { askedShare, documentsNamed } from '../../core/sharing/share-request.js';
import { chineseDay, shanghaiDate } from '../../core/flow/time.js';
import { detectPerson, isSureMatch, ordinalIn } from '../../core/understanding/decision-chain.js';
import { isNo, isYes, type Command } from '../../core/understanding/intents.js';
import { guarded, say, setPending, type Turn } from '../engine/turn.js';
import type { PendingQuestion, SharePlan } from '../engine/state.js';

type ShareQuestion = Extract<PendingQuestion, { kind: 'share_document' }>;
type Option = ShareQuestion['options'][number];

/** A numbered list stays readable (and fits WeCom's buttons) up to here. */
const MAX_OPTIONS = 6;

export async function askToShare(t: Turn, text: string): Promise<void> {
  const r = askedShare(text);
  if (!r) return;
  if (!r.person) {
    say(t, `发给哪位联系人？说名字或称呼就行，比如“把${r.document}发给王院长”。`);
    return;
  }
  await advance(t, { documentText: r.document, personText: r.person });
}

/** The answer to a share question; false when the message is something else (the question is dropped). */
export async function answerShare(t: Turn, text: string, p: ShareQuestion, cmd: Command | null): Promise<boolean> {
  if (p.step === 'confirm') {
    setPending(t, null);
    if (isYes(text)) await makeLink(t, p.plan);
    else if (isNo(text) || cmd === 'cancel' || /算了|不发了|不用了/.test(text)) say(t, '好的，不分享了。');
    else return false;
    return true;
  }
  const i = ordinalIn(text);
  const chosen = (i !== null ? p.options[i - 1] : undefined) ?? onlyOne(p.options.filter((o) => text.trim().length >= 2 && o.label.includes(text.trim())));
  if (!chosen) {
    if (cmd || askedShare(text) || isNo(text) || /都不是|算了|不发了/.test(text)) {
      setPending(t, null);
      // a command, or another share asked for instead: that message is answered as itself
      if (cmd || askedShare(text)) return false;
      say(t, '好的，不分享了。');
      return true;
    }
    say(t, `回复序号选择：${p.options.map((o, n) => `${n + 1}.${o.label}`).join(' ')}（都不是就回复“算了”）`);
    return true;
  }
  setPending(t, null);
  const plan = { ...p.plan };
  if (p.step === 'contact') plan.contact = { id: chosen.id, name: chosen.name, customerId: chosen.customerId!, customerName: chosen.customerName! };
  if (p.step === 'document') plan.document = { id: chosen.id, name: chosen.name };
  if (p.step === 'deal') plan.deal = { id: chosen.id, name: chosen.name };
  await advance(t, plan);
  return true;
}

const onlyOne = <T>(xs: T[]): T | undefined => (xs.length === 1 ? xs[0] : undefined);

/** Fills in the next part the plan lacks (asking when it cannot tell), or reads the whole share back. */
async function advance(t: Turn, plan: SharePlan): Promise<void> {
  if (!plan.contact) {
    const people = await contactsOfOpenDeals(t);
    const who = detectPerson(plan.personText, people);
    // the same rows, with their customers
    const byId = new Map(people.map((c) => [c.id, c]));
    const candidates = (who?.candidates ?? []).map((c) => byId.get(c.id)!);
    if (candidates.length === 0) {
      say(t, `在你有进行中商机的客户里，没找到“${plan.personText}”。说联系人的全名试试，或先在应用的客户页添加这位联系人。`);
      return;
    }
    if (who && isSureMatch(who)) {
      const c = candidates[0];
      plan.contact = { id: c.id, name: c.name, customerId: c.customerId, customerName: c.customerName };
    } else {
      return ask(t, 'contact', plan, `“${plan.personText}”是哪一位？`, candidates.map((c) => ({
        id: c.id, name: c.name, customerId: c.customerId, customerName: c.customerName,
        label: `${c.name}${c.title ? `（${c.title}）` : ''}·${c.customerName}`,
      })));
    }
  }
  const contact = plan.contact;
  if (!plan.document) {
    const docs = await documentsOf(t, contact.customerId);
    const named = documentsNamed(plan.documentText, docs);
    if (named.length === 0) {
      say(t, `${contact.customerName}没有叫“${plan.documentText}”的文档。`,
        docs.length ? `现有的：${docs.slice(0, MAX_OPTIONS).map((d) => `《${d.filename}》`).join('、')}。` : '这个客户还没有文档。',
        '新文档可以在应用的商机页“分享文档给客户”里上传。');
      return;
    }
    if (named.length > 1) {
      return ask(t, 'document', plan, `“${plan.documentText}”有${named.length}份，发哪一份？`,
        // two of the same name are told apart by when they were added
        named.map((d) => ({ id: d.id, name: d.filename, label: `《${d.filename}》（${chineseDay(shanghaiDate(d.createdAt))}上传）` })));
    }
    plan.document = { id: named[0].id, name: named[0].filename };
  }
  if (!plan.deal) {
    const open = (await listOpportunities(t.db, t.actor, { status: 'open', customerId: contact.customerId, limit: 20, order: 'desc', sort: 'id' })).items;
    if (open.length === 0) {
      say(t, `${contact.customerName}没有进行中的商机，文档链接要挂在商机上（客户打开会计入赢率）。`);
      return;
    }
    if (open.length > 1) {
      return ask(t, 'deal', plan, `${contact.customerName}有${open.length}个进行中的商机，从哪一个分享？`,
        open.map((o) => ({ id: o.id, name: o.name, label: `${o.name}（${o.subStage?.name ?? o.stage.name}）` })));
    }
    plan.deal = { id: open[0].id, name: open[0].name };
  }
  setPending(t, { kind: 'share_document', step: 'confirm', options: [], plan });
  say(t, `把《${plan.document.name}》分享给${contact.name}（${contact.customerName}）？商机：${plan.deal.name}。`,
    '回复“是”生成链接，客户打开、下载会记在商机上。');
}

function ask(t: Turn, step: ShareQuestion['step'], plan: SharePlan, question: string, options: Option[]): void {
  const shown = options.slice(0, MAX_OPTIONS);
  setPending(t, { kind: 'share_document', step, options: shown, plan });
  say(t, question, ...shown.map((o, i) => `${i + 1}. ${o.label}`),
    options.length > shown.length ? `（只列出前${shown.length}个，说得具体些可以缩小范围）` : null);
}

async function makeLink(t: Turn, plan: SharePlan): Promise<void> {
  const deps = { secret: t.deps.config.sessionSecret, publicUrl: t.deps.config.publicUrl, now: t.now };
  const link = await guarded(t, () => createShareLink(t.db, t.actor, deps, plan.deal!.id, { attachmentId: plan.document!.id, contactId: plan.contact!.id }));
  if (isAppError(link)) {
    say(t, `没有生成链接：${link.message}`);
    return;
  }
  say(t, `《${link.attachment.filename}》的链接（有效期至${chineseDay(shanghaiDate(new Date(link.expiresAt)), true)}）：`, link.url,
    `复制发给${plan.contact!.name}就行；对方第一次打开时你会收到消息，打开和下载次数在商机页的“文档打开”里。`);
}

/** Contacts of the customers the rep has an open deal with (the ones a link can hang on), each with its customer. */
async function contactsOfOpenDeals(t: Turn) {
  const open = (await listOpportunities(t.db, t.actor, { status: 'open', limit: 200, order: 'desc', sort: 'id' })).items;
  const customerIds = [...new Set(open.map((o) => o.customerId))];
  const { rows } = await t.db.query(
    `SELECT ct.id, ct.name, ct.title, ct.department, ct.buying_role, ct.customer_id, c.name AS customer_name
       FROM contacts ct JOIN customers c ON c.id = ct.customer_id
      WHERE ct.customer_id = ANY($1::bigint[]) AND ct.status = 'active' ORDER BY ct.id LIMIT 2000`, [customerIds]);
  return rows.map((r) => ({ ...toContactRow(r), customerId: Number(r.customer_id), customerName: r.customer_name as string }));
}

/** The customer's documents and the rep's own ones not tied to a customer: what createShareLink accepts. */
async function documentsOf(t: Turn, customerId: number): Promise<Array<{ id: number; filename: string; tags: string[]; createdAt: Date }>> {
  const { rows } = await t.db.query(
    `SELECT id, coalesce(filename, '文档' || id) AS filename, tags, created_at FROM attachments
      WHERE kind = 'document' AND (customer_id = $1 OR (customer_id IS NULL AND uploaded_by = $2)) ORDER BY id DESC LIMIT 100`,
    [customerId, t.actor.id]);
  return rows.map((r) => ({ id: Number(r.id), filename: r.filename, tags: r.tags ?? [], createdAt: r.created_at }));
}
