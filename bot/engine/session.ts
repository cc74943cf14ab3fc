/**
 * The report a member is working on: the action, its saved draft (in
 * action_drafts, shared with the H5 app) and the words its definition uses
 * (field labels, photo tags, the pain-point library). Changes are saved
 * through the action engine's saveVisitDraft, with an undo entry first.
 *
 *   const s = await openSession(t, actionId);
 *   await saveDraft(t, s, { ...s.draft, checkIn }, '签到');
 */
import { lockActionOrThrow, type ActionRow } from '../../core/actions/action-repo.js';
import { OPEN_STATUSES } from '../../core/flow/action-machine.js';
import type { VisitDraftInput } from '../../core/actions/action-schemas.js';
import { loadDefinitionForAction, rulesForAction } from '../../core/actions/definitions.js';
import { saveVisitDraft } from '../../core/actions/visit-report.js';
import { contactsOf } from '../../core/resources/contacts.js';
import { suggestLinkedOrders } from '../../core/resources/orders.js';
import { draftOf } from '../../core/actions/open-work.js';
import { keywordLibrary } from '../../core/config-admin/keyword-libraries.js';
import { tradeDictionary, tradeDictionaryWords } from '../../core/understanding/trade-dictionary.setting.js';
import { draftGaps, type DraftGap } from '../../core/actions/draft-gaps.js';
import { isAppError } from '../../core/errors.js';
import { obstacleTopicReading, obstacleTopics, topicReadersFor, type TopicReaders } from '../../core/understanding/topics/obstacle-topics.setting.js';
import { keywordLibrary as keywordLibrarySetting } from '../../core/config-admin/keyword-library.setting.js';
import { topicMatcherFor, type TopicMatcher } from '../../core/flow/topic-phrasings.js';
import { settingsStamp } from '../../core/settings/stamp.js';
import { learnedReaderThresholds } from '../../core/understanding/learned/thresholds.setting.js';
import type { TopicReadingSettings } from '../../core/understanding/topics/read-topics.js';
import type { ContactRef } from '../../core/understanding/decision-chain.js';
import type { FieldSpec, SlotContext } from '../../core/understanding/extract-slots.js';
import { UNDO_DEPTH, undoEntryFor, type ContactUpdate } from './state.js';
import { guarded, lifecycle, say, takePrefetched, type Turn } from './turn.js';

/** Tags reps use for visit photos, offered when the definition names none of its own. */
export const DEFAULT_PHOTO_TAGS = ['门头照', '合影', '陈列照'];

export interface Vocabulary {
  fields: FieldSpec[];
  photoTags: string[];
  painWords: string[];
  /** The pain points a text names, by word, phrasing (痛点话题的说法) or the learned topic reader. */
  topics: TopicReaders;
  /** How close a check-in must be (geofence.within_km), or null when the action does not ask. */
  geofenceKm: number | null;
  /** How many of the customer's latest orders the report must link (orders.linked), or null. */
  ordersLatest: number | null;
}

export interface Session {
  row: ActionRow;
  draft: VisitDraftInput;
  vocab: Vocabulary;
  /** Chosen because the message named its customer. */
  named?: boolean;
}

/**
 * The settings messages are understood with — the vocabulary's, and 机器人理解的把握 (the learned reader's,
 * org-reader.ts): a new version of any of them is read on the next message.
 */
export const UNDERSTANDING_SETTINGS: readonly string[] = [keywordLibrarySetting.key, obstacleTopics.key, tradeDictionary.key, learnedReaderThresholds.key];

// What is built from those settings (library words, compiled phrasings, the vocabulary) is kept until one
// of them has a new version; definitions are kept by id (an edited definition is a new id). Whether a draft
// passes is always evaluated fresh by the action engine. Loads run on the turn's own connection: a turn
// holding one and waiting for another could exhaust the pool.
const cache = new Map<string, { stamp: string; value: Promise<unknown> }>();

/** The stamp of the vocabulary's settings for this turn: read with the claim of the message (inbox.ts), else here. */
async function vocabularyStamp(t: Turn): Promise<string> {
  t.settingsStamp ??= await settingsStamp(t.db, UNDERSTANDING_SETTINGS);
  return t.settingsStamp;
}

async function cached<T>(t: Turn, key: string, load: () => Promise<T>): Promise<T> {
  const stamp = await vocabularyStamp(t);
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
  if (cache.size > 1000) cache.clear();
  const entry = { stamp, value: load() };
  cache.set(key, entry);
  entry.value.catch(() => { if (cache.get(key) === entry) cache.delete(key); });
  return entry.value;
}

/** A keyword library's words (e.g. pain_points), from the configuration. */
export function libraryWords(t: Turn, code: string): Promise<string[]> {
  return cached(t, `library:${code}`, () => keywordLibrary(t.db, code));
}

/** How reps say the pain points (痛点话题的说法), from the settings. */
function topicReading(t: Turn): Promise<TopicReadingSettings> {
  return cached(t, 'topics', () => obstacleTopicReading(t.db));
}

/** The pain points a text names by the library's words or their phrasings, before knowing which report it is for. */
export function painPointMatcher(t: Turn): Promise<TopicMatcher> {
  return cached(t, 'pain-point-matcher', async () => topicMatcherFor(await libraryWords(t, 'pain_points'), (await topicReading(t)).phrasings));
}

/** The action's words, read from its definition's configuration (the rules themselves stay in core/flow). */
function vocabularyOf(t: Turn, row: ActionRow): Promise<Vocabulary> {
  const key = `vocab:${row.definitionCode}:${row.definitionId}:${JSON.stringify(row.requirements)}`;
  return cached(t, key, async () => {
    const rules = rulesForAction(await loadDefinitionForAction(t.db, row), row.requirements);
    const fields = rules.flatMap((r) => (r.kind === 'fields.required' ? r.fields.map((f) => ({ ...f })) : []));
    const tags = rules.flatMap((r) => (r.kind === 'attachments.min' && r.attachmentKind !== 'voice' && r.attachmentKind !== 'document'
      ? [...(r.requireTags ?? []), ...(r.tag ? [r.tag] : [])] : []));
    const library = rules.find((r) => r.kind === 'voice.keywords.min');
    const painWords = await libraryWords(t, library?.kind === 'voice.keywords.min' ? library.library : 'pain_points');
    // the trade dictionary's words are kept whole when the pain points are matched ("没入库" → 入库)
    await tradeDictionaryWords(t.db);
    const fence = rules.find((r) => r.kind === 'geofence.within_km');
    const geofenceKm = fence?.kind === 'geofence.within_km' ? fence.km : null;
    const orders = rules.find((r) => r.kind === 'orders.linked');
    const ordersLatest = orders?.kind === 'orders.linked' ? orders.latest : null;
    const topics = topicReadersFor(painWords, await topicReading(t));
    return { fields, photoTags: [...new Set([...tags, ...DEFAULT_PHOTO_TAGS])], painWords, topics, geofenceKm, ordersLatest };
  });
}

/** The session for an open action of this member; null when it is gone, filed or not theirs. */
export async function openSession(t: Turn, actionId: number): Promise<Session | null> {
  let row: ActionRow;
  try {
    // locked for the turn: a draft saved later in it writes on this row without reading it again
    row = await lockActionOrThrow(t.db, t.actor, actionId);
  } catch (err) {
    if (isAppError(err) && err.code === 'ACTION_NOT_FOUND') return null;
    throw err;
  }
  if (row.assigneeId !== t.actor.id || !OPEN_STATUSES.includes(row.status)) return null;
  const prefetched = takePrefetched(t, 'draft', (d) => d.actionId === actionId);
  const draft = ((prefetched ? prefetched.payload : await draftOf(t.db, actionId)) ?? {}) as VisitDraftInput;
  return { row, draft, vocab: await vocabularyOf(t, row) };
}

/** The customer's contacts, from the prefetch when it read them for this customer. */
async function contactsFor(t: Turn, customerId: number): Promise<ContactRef[]> {
  return takePrefetched(t, 'contacts', (c) => c.customerId === customerId)?.rows ?? contactsOf(t.db, customerId);
}

export async function slotContext(t: Turn, s: Session): Promise<SlotContext> {
  const contacts: ContactRef[] = await contactsFor(t, s.row.customerId);
  const st = t.convo.state;
  return {
    now: t.now, fields: s.vocab.fields, contacts, photoTags: s.vocab.photoTags,
    matchPainPoints: s.vocab.topics.matchPainPoints,
    guessTopic: (text) => s.vocab.topics.guessTopic(text, { now: t.now, contacts }),
    ...(st.pendingSlot ? { pendingSlot: st.pendingSlot } : {}),
    ...(st.lastFilled ? { lastFilled: st.lastFilled } : {}),
  };
}

/**
 * Saves the whole draft through the action engine, remembering the previous
 * one for 撤销. False (and the engine's reason said) when it refused.
 */
export async function saveDraft(t: Turn, s: Session, next: VisitDraftInput, label: string, contactUpdates: ContactUpdate[] = []): Promise<boolean> {
  next = await withSuggestedOrders(t, s, next);
  // saveVisitDraft checks (lock, assignee, transition) before its one upsert: no savepoint needed
  const saved = await guarded(t, () => saveVisitDraft(t.db, t.actor, s.row, next, lifecycle(t)), { savepoint: false });
  if (isAppError(saved)) {
    say(t, `没能保存：${saved.message}`);
    return false;
  }
  s.row = saved.action;
  const st = t.convo.state;
  const entry = undoEntryFor(s.row.id, label, s.draft, next);
  const key = String(s.row.id);
  const noted = st.contactUpdates?.[key] ?? [];
  const before = noted.filter((u) => contactUpdates.some((c) => c.contactId === u.contactId));
  st.undo = [...(st.undo ?? []), {
    ...entry, ...(contactUpdates.length ? { contactUpdates } : {}), ...(before.length ? { contactUpdatesBefore: before } : {}),
  }].slice(-UNDO_DEPTH);
  if (contactUpdates.length) {
    // what is said now adds to what was noted of the contact: a stance after the role keeps the role
    const merged = contactUpdates.map((c) => ({ ...before.find((u) => u.contactId === c.contactId), ...c }));
    st.contactUpdates = { ...st.contactUpdates, [key]: [...noted.filter((u) => !before.includes(u)), ...merged] };
  }
  s.draft = next;
  return true;
}

/**
 * A draft that never had its orders chosen gets the customer's latest ones the
 * report must link, as the H5 page preselects them; the summary names them and
 * the rep can take them out ("不关联订单"), never asked to confirm them.
 */
async function withSuggestedOrders(t: Turn, s: Session, next: VisitDraftInput): Promise<VisitDraftInput> {
  if (next.linkedOrderIds !== undefined || !s.vocab.ordersLatest) return next;
  // a customer outside the rep's own (a visit dispatched to them) shows them no orders: nothing to preselect, as in the app
  const orders = await guarded(t, () => suggestLinkedOrders(t.db, t.actor, s.row.customerId, s.vocab.ordersLatest!), { savepoint: false });
  return !isAppError(orders) && orders.items.length ? { ...next, linkedOrderIds: orders.items.map((o) => o.id) } : next;
}

/** What the action engine says the draft still lacks, minus warnings the member skipped. */
export async function gapsOf(t: Turn, s: Session): Promise<DraftGap[]> {
  const skipped = new Set(t.convo.state.skipped?.[String(s.row.id)] ?? []);
  const gaps = await draftGaps(t.db, s.row, s.draft, t.now);
  return gaps.filter((g) => g.severity === 'error' || !skipped.has(`${g.target}|${g.code}`));
}

/** Forgets per-action memory once the action is filed or abandoned. */
export function closeSession(t: Turn, actionId: number): void {
  const st = t.convo.state;
  st.undo = (st.undo ?? []).filter((u) => u.actionId !== actionId);
  if (st.skipped) delete st.skipped[String(actionId)];
  if (st.postponed) delete st.postponed[String(actionId)];
  if (st.contactUpdates) delete st.contactUpdates[String(actionId)];
  delete st.pendingSlot;
  delete st.lastFilled;
  delete st.expectPhotoTag;
  if (t.convo.activeActionId === actionId) t.convo.activeActionId = null;
  const p = t.convo.pendingQuestion;
  if (p && 'actionId' in p && p.actionId === actionId) t.convo.pendingQuestion = null;
}
