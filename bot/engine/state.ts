/**
 * The shape of a conversation as stored in bot_conversations (state and
 * pending_question are jsonb). Everything a later message needs — an hour
 * later, after a restart, on another process — is here or in action_drafts.
 */
import type { NamedPosition } from '../../core/understanding/intents.js';
import type { FiledDailyReport } from './daily-report-port.js';
import type { VisitDraftInput } from '../../core/actions/action-schemas.js';
import { storedDraft } from '../../core/actions/drafts.js';
import type { ContactRef, RoleMention } from '../../core/understanding/decision-chain.js';
import type { AskedContext } from '../../core/understanding/learned/features.js';
import type { BotMessage } from './types.js';
import type { ContactUpdate } from '../../core/profile/decision-chain-notes.js';
import type { ContactChange } from '../../core/profile/contact-events.js';
import type { OfferedPhoto } from '../../core/actions/unfiled-photos.js';

export interface UndoEntry {
  actionId: number;
  /** What was changed, as the rep would say it: '下次接触时间 12月2日（周三）15:00'. */
  label: string;
  /**
   * Only what the change replaced, not the whole draft: the state is written on every
   * message, and ten copies of a draft made it 4 KB (compressed by PostgreSQL each time).
   * Undo also leaves alone what the app changed since.
   */
  previous?: Partial<VisitDraftInput>;
  /** Draft entries the change added. */
  added?: Array<keyof VisitDraftInput>;
  /** Entries saved before `previous`: the whole draft before the change (null: none). */
  before?: VisitDraftInput | null;
  /** Personnel changes recorded at once (core/profile/contact-events), taken back by undoContactChange. */
  contactEventIds?: number[];
  /** Decision-chain notes added with the change, removed by the undo. */
  contactUpdates?: ContactUpdate[];
  /** The notes on the same contacts the change added to ("刘伟拍板" before "刘伟很支持我们"), put back by the undo. */
  contactUpdatesBefore?: ContactUpdate[];
  /** Set when the change was the learned reader's reading of `text`: undoing it teaches that the words were misread. */
  learned?: { text: string; label: string; asked: AskedContext };
}

export type { ContactUpdate };

export interface DailyDraft {
  day: string;
  step: 'summary' | 'obstacles' | 'plan' | 'support' | 'confirm';
  visits: string;
  summary?: string;
  obstacles?: string;
  plan?: string;
  support?: string;
  /** The report as already filed today (app or an earlier chat), when there was one. */
  filed?: FiledDailyReport;
}

export interface ConversationState {
  /** The slot the bot asked about last: a failure target such as 'fields.nextContactAt', 'voice', 'attachments:合影'. */
  pendingSlot?: string;
  /** The question asked for pendingSlot, asked again after a command answered in between ("今天有啥任务"). */
  pendingAsk?: { slot: string; question: string; choices?: string[] };
  /** The slot filled last, which a correction ("不对，是下周四") replaces. */
  lastFilled?: string;
  /** Newest last; at most UNDO_DEPTH. */
  undo?: UndoEntry[];
  /** Warning targets the rep chose to skip, per action id. */
  skipped?: Record<string, string[]>;
  /** Required targets the rep would not answer yet (跳过, 不想说), per action id: asked after the others. */
  postponed?: Record<string, string[]>;
  /** Decision-chain facts applied to the customer's contacts once the report is filed, per action id. */
  contactUpdates?: Record<string, ContactUpdate[]>;
  /** The customer whose licence photo the rep said comes next ("华联的营业执照"). */
  expectLicence?: { customerId: number; customerName: string };
  /** A tag the rep announced for the photo that follows ("下面发门头照"). */
  expectPhotoTag?: string;
  /** The photo received last, which "刚才那张是陈列照" re-tags. */
  lastPhoto?: { actionId: number; attachmentId: number; tag: string | null };
  daily?: DailyDraft;
  /** A picture was kept with no report open: the next report opened is offered it (bot/engine/unfiled-photos.ts). */
  unfiledPhotos?: boolean;
  /** Shanghai day of the last welcome, so entering the app greets once a day. */
  greetedDay?: string;
}

/** The days offered for the question still pending (下次接触时间定在哪天？1.明天 2.后天), answered by number or a tap. */
export function offeredDays(st: ConversationState | undefined): string[] {
  return st?.pendingAsk && st.pendingAsk.slot === st.pendingSlot ? st.pendingAsk.choices ?? [] : [];
}

export interface ActionChoice {
  actionId: number;
  customerName: string;
  /** What the rep is likely to call it: 华联 for 华联超市总部. */
  short: string;
}

export type PendingQuestion =
  /** 你说的是华联还是永辉？ — the message is replayed once the rep answers. */
  | { kind: 'which_action'; options: ActionChoice[]; deferred: BotMessage }
  /** 刘总是采购部的刘伟还是财务部的刘敏？ */
  | { kind: 'which_contact'; actionId: number; candidates: ContactRef[]; role: RoleMention; mention: string }
  /** 这张照片是门头照、合影还是陈列照？ — the untagged photos, oldest first. */
  | { kind: 'photo_tag'; actionId: number; attachmentIds: number[]; tags: string[] }
  /** “刘总”是哪一位？ for a personnel change: the answer picks the contact, then the change is recorded. */
  | { kind: 'which_change_contact'; actionId: number; mention: string; candidates: ContactRef[]; change: PendingChange }
  /** 拍板的不是刘伟 → 那决策者是哪一位？ the contacts offered, then 新建联系人 and 不知道; awaitingName after 新建联系人. */
  | { kind: 'who_has_role'; actionId: number; role: RoleMention; candidates: ContactRef[]; awaitingName?: boolean }
  /** 黄敏离职大概是什么时候？ for changes said only as 前段时间: recorded with the period (本周…更早) answered. */
  | { kind: 'change_when'; actionId: number; changes: ContactChange[]; subject: string; words: string }
  /** 刚才发的照片要用在这次拜访吗？ — pictures sent before the report was open, with their likely tags. */
  | { kind: 'unfiled_photos'; actionId: number; photos: OfferedPhoto[] }
  /** 联系人里没有“钟岩”，要新建吗？ — yes creates the contact with the role said. */
  | { kind: 'create_contact'; actionId: number; name: string; title: string | null; role: RoleMention }
  /** Summary shown, 确认提交吗？ */
  | { kind: 'confirm_submit'; actionId: number }
  /** A customer without an open report: 要开始拜访华联超市总部吗？ */
  | { kind: 'start_visit'; customerId: number; customerName: string; deferred: BotMessage | null }
  | { kind: 'daily_confirm' }
  /** 「华联」有两个商机，是哪一个？ — then moved to `target`. */
  | { kind: 'which_deal'; options: Array<{ id: number; name: string }>; target: NamedPosition }
  /** 这是不是『价格偏高』的问题？ — the learned topic reader's leaning on `text`; the answer files it under one or none. */
  | { kind: 'which_topic'; actionId: number; text: string; topics: string[] }
  /** 跳过「法务审核」需要原因 — the next answer is the reason. */
  | { kind: 'deal_skip_reason'; opportunityId: number; name: string; target: NamedPosition }
  /** 把质保条款发给王院长: which contact / document / deal (numbered options), then 是 makes the link. */
  | {
    kind: 'share_document'; step: 'contact' | 'document' | 'deal' | 'confirm'; plan: SharePlan;
    options: Array<{ id: number; name: string; label: string; customerId?: number; customerName?: string }>;
  }
  /** 你是想1.记下联系人变动（离职），还是2.…？ — the learned reader's readings of `text`; the answer picks one. */
  | { kind: 'which_reading'; text: string; readings: Array<{ label: string; describe: string }>; asked?: AskedContext };

/** A document being shared from the chat: the words said, and each part once it is known. */
export interface SharePlan {
  documentText: string;
  personText: string;
  contact?: { id: number; name: string; customerId: number; customerName: string };
  document?: { id: number; name: string };
  deal?: { id: number; name: string };
}

/**
 * A 离职, 调岗 or 汇报关系变化 waiting for a contact (the answer's contactId). A reporting change
 * may wait for two: whose it is (contactId), then the new manager (reportsToId), asked from `boss`.
 */
export type PendingChange = (
  | { kind: 'left'; occurredOn: string; occurredLabel?: string }
  | { kind: 'transferred'; occurredOn: string; occurredLabel?: string; department: string | null; title: string | null; note?: string }
  | {
    kind: 'reporting_changed'; occurredOn: string; occurredLabel?: string; contactId?: number; reportsToId?: number;
    boss?: { mention: string; candidates: ContactRef[] };
  }
) & {
  /** When said only as 前段时间: asked (change_when) once the contact is known. */
  vagueWhen?: string;
};

export const UNDO_DEPTH = 10;

/** The entry that undoes `prev` → `next`: what changed, as it was. */
export function undoEntryFor(actionId: number, label: string, prev: VisitDraftInput, next: VisitDraftInput): UndoEntry {
  const previous: Record<string, unknown> = {};
  const added: string[] = [];
  for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    const was = (prev as Record<string, unknown>)[key];
    const now = (next as Record<string, unknown>)[key];
    if (was === now || JSON.stringify(was) === JSON.stringify(now)) continue;
    if (was === undefined) added.push(key);
    else previous[key] = was;
  }
  return { actionId, label, previous, ...(added.length ? { added: added as UndoEntry['added'] } : {}) };
}

/** The draft `current` with `entry` undone. */
export function undoneDraft(current: VisitDraftInput, entry: UndoEntry): VisitDraftInput {
  if (entry.previous === undefined) return entry.before ?? {};
  const draft: Record<string, unknown> = { ...current, ...entry.previous };
  for (const key of entry.added ?? []) delete draft[key];
  return draft as VisitDraftInput;
}

export function emptyState(): ConversationState {
  return {};
}

// Conversations written before ids were numbers end to end may hold them as strings ("12").
const num = <T>(v: T): T => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v) as T;
const contactUpdates = (list: ContactUpdate[] | undefined) => list?.map((c) => ({ ...c, contactId: num(c.contactId) }));

/** The stored state with its ids as numbers, whichever version wrote it. */
export function storedState(raw: unknown): ConversationState {
  const s = { ...((raw ?? {}) as ConversationState) };
  if (s.undo) {
    s.undo = s.undo.map((u) => ({
      ...u, actionId: num(u.actionId),
      ...(u.contactEventIds ? { contactEventIds: u.contactEventIds.map(num) } : {}),
      ...(u.previous ? { previous: storedDraft(u.previous) ?? {} } : {}),
      ...(u.before ? { before: storedDraft(u.before) } : {}),
      ...(u.contactUpdates ? { contactUpdates: contactUpdates(u.contactUpdates) } : {}),
      ...(u.contactUpdatesBefore ? { contactUpdatesBefore: contactUpdates(u.contactUpdatesBefore) } : {}),
    }));
  }
  if (s.contactUpdates) {
    s.contactUpdates = Object.fromEntries(Object.entries(s.contactUpdates).map(([k, v]) => [k, contactUpdates(v)!]));
  }
  if (s.lastPhoto) s.lastPhoto = { ...s.lastPhoto, actionId: num(s.lastPhoto.actionId), attachmentId: num(s.lastPhoto.attachmentId) };
  return s;
}

/** The stored pending question with its ids as numbers, whichever version wrote it. */
export function storedPending(raw: unknown): PendingQuestion | null {
  if (!raw) return null;
  const q = raw as PendingQuestion;
  switch (q.kind) {
    case 'which_action': return { ...q, options: q.options.map((o) => ({ ...o, actionId: num(o.actionId) })) };
    case 'which_contact': return { ...q, actionId: num(q.actionId), candidates: q.candidates.map((c) => ({ ...c, id: num(c.id) })) };
    case 'photo_tag': return { ...q, actionId: num(q.actionId), attachmentIds: q.attachmentIds.map(num) };
    case 'confirm_submit': return { ...q, actionId: num(q.actionId) };
    case 'create_contact': return { ...q, actionId: num(q.actionId) };
    case 'unfiled_photos': return { ...q, actionId: num(q.actionId), photos: q.photos.map((x) => ({ ...x, attachmentId: num(x.attachmentId) })) };
    case 'change_when': return { ...q, actionId: num(q.actionId) };
    case 'who_has_role': return { ...q, actionId: num(q.actionId), candidates: q.candidates.map((c) => ({ ...c, id: num(c.id) })) };
    case 'which_change_contact': return { ...q, actionId: num(q.actionId), candidates: q.candidates.map((c) => ({ ...c, id: num(c.id) })) };
    case 'start_visit': return { ...q, customerId: num(q.customerId) };
    case 'daily_confirm': return q;
    case 'which_deal': return { ...q, options: q.options.map((o) => ({ ...o, id: num(o.id) })) };
    case 'which_topic': return { ...q, actionId: num(q.actionId) };
    case 'deal_skip_reason': return { ...q, opportunityId: num(q.opportunityId) };
    case 'share_document': return q;
    case 'which_reading': return q;
  }
}
