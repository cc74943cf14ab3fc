/**
 * The visit report's state: loads the action, its customer, contacts, rule
 * set and suggested orders; keeps the draft on the phone at every change and
 * on the server shortly after; uploads captured photos/voice (retrying when
 * the network comes back); and submits through the offline queue.
 */
import { computed, reactive, watch } from 'vue';
import { api, ApiError, net } from '../../api/http';
import { uploadAttachment } from '../../api/upload';
import type { ActionDetail, Attachment, Contact, Customer, DefinitionVersion, EvidenceCheck, Order, Page, RuleConfig, VisitFieldSuggestions } from '../../api/types';
import { deleteLocalDraft, emptyDraft, loadLocalDraft, saveLocalDraft, toReportBody, type LocalAttachment, type LocalDraft } from '../../offline/drafts';
import { enqueueSubmit, latestSubmitFor, loadQueue } from '../../offline/submit-queue';
import { session } from '../../state/session';

type Rule = RuleConfig;
export type ServerDraftState = 'idle' | 'saving' | 'saved' | 'offline' | 'failed';

const SAVE_DELAY_MS = 1200;
const RECHECK_DELAY_MS = 500;

export function useVisit(actionId: number) {
  const userId = session.me!.id;
  const s = reactive({
    loading: true,
    error: null as unknown,
    detail: null as ActionDetail | null,
    customer: null as Customer | null,
    contacts: [] as Contact[],
    orders: [] as Order[],
    rules: [] as Rule[],
    draft: emptyDraft(actionId) as LocalDraft,
    serverDraft: 'idle' as ServerDraftState,
    serverDraftError: '',
    /** What the evidence rules find in the draft so far, refreshed after every upload and check-in. */
    evidence: null as EvidenceCheck | null,
    /** A check of the draft is on its way. */
    checking: false,
    /** What the memo's transcript (and the last visit) already says for the fields. */
    suggested: null as VisitFieldSuggestions | null,
  });

  const rulesOf = <K extends Rule['kind']>(kind: K) => s.rules.filter((r): r is Extract<Rule, { kind: K }> => r.kind === kind);
  const geofenceKm = computed(() => rulesOf('geofence.within_km')[0]?.km ?? null);
  const photoTags = computed(() => {
    const required = rulesOf('attachments.min').filter((r) => r.attachmentKind === 'photo').flatMap((r) => r.requireTags ?? []);
    const fromRequirements = (s.detail?.action.requirements ?? []).filter((q) => q.kind === 'photo' || !q.kind).map((q) => q.tag);
    return { required: [...new Set([...required, ...fromRequirements])], all: [...new Set([...required, ...fromRequirements, '门头照', '合影', '陈列照', '其他'])] };
  });
  /** Documents a process node or a dispatcher asks for, by tag (签字版技术确认书 …), each with how many. */
  const docTags = computed(() => [
    ...rulesOf('attachments.min').filter((r) => r.attachmentKind === 'document' && r.tag).map((r) => ({ tag: r.tag!, min: r.min ?? 1 })),
    ...(s.detail?.action.requirements ?? []).filter((q) => q.kind === 'document').map((q) => ({ tag: q.tag, min: q.min })),
  ]);
  const needs = computed(() => ({
    checkIn: rulesOf('geofence.within_km').length > 0 || rulesOf('photo.captured_within').length > 0,
    photos: rulesOf('attachments.min').some((r) => r.attachmentKind === 'photo' || !r.attachmentKind) || photoTags.value.required.length > 0,
    voice: rulesOf('voice.keywords.min').length > 0 || rulesOf('attachments.min').some((r) => r.attachmentKind === 'voice'),
    documents: rulesOf('attachments.min').some((r) => r.attachmentKind === 'document') || docTags.value.length > 0,
    fields: rulesOf('fields.required').flatMap((r) => r.fields),
    orders: rulesOf('orders.linked')[0]?.latest ?? 0,
    checklist: rulesOf('checklist.complete').flatMap((r) => r.items),
  }));
  const editable = computed(() => !!s.detail && ['dispatched', 'in_progress', 'rejected', 'overdue', 'escalated'].includes(s.detail.action.status));
  const submission = computed(() => latestSubmitFor(actionId));

  async function load(): Promise<void> {
    s.loading = true;
    s.error = null;
    try {
      await loadQueue();
      const detail = await api.get<ActionDetail>(`/api/actions/${actionId}`);
      const a = detail.action;
      // store people (店员, 巡店督导) work actions at a store without reading the brand's customer records
      const readsCustomers = !['clerk', 'inspector'].includes(session.me?.role ?? '');
      const [customer, contacts, def] = await Promise.all([
        readsCustomers ? api.get<Customer>(`/api/customers/${a.customerId}`) : null,
        readsCustomers ? api.get<Page<Contact>>('/api/contacts', { query: { customerId: a.customerId, status: 'active', limit: 100 } }) : { items: [] as Contact[] },
        api.get<{ active: DefinitionVersion | null; versions: DefinitionVersion[] }>(`/api/action-definitions/${a.definitionCode}`),
      ]);
      s.detail = detail;
      s.customer = customer;
      s.contacts = contacts.items;
      s.rules = (def.versions.find((v) => v.version === a.definitionVersion) ?? def.active)?.rules ?? [];
      if (needs.value.orders) {
        s.orders = (await api.get<{ items: Order[] }>(`/api/customers/${a.customerId}/recent-orders`, { query: { limit: needs.value.orders } })).items;
      }
      s.draft = (await loadLocalDraft(userId, actionId)) ?? (await fromServerDraft(detail.draft ?? returnedReport(detail))) ?? freshDraft();
      s.serverDraft = s.draft.serverSavedAt ? 'saved' : 'idle';
      // loading is not editing: an opened page saves nothing (a returned report stays 被退回 until the rep changes it)
      loaded = true;
      void uploadPending();
      void checkEvidence();
      void suggestFields();
    } catch (e) {
      s.error = e;
    } finally {
      s.loading = false;
    }
  }

  /** A report the manager sent back: what was filed is the starting point of the correction. */
  function returnedReport(detail: ActionDetail): Record<string, any> | null {
    const last = detail.lastSubmission as (ActionDetail['lastSubmission'] & { payload?: Record<string, any> }) | null;
    return detail.action.status === 'rejected' && last?.outcome === 'accepted' ? last.payload ?? null : null;
  }

  function freshDraft(): LocalDraft {
    const d = emptyDraft(actionId);
    d.linkedOrderIds = s.orders.map((o) => o.id); // the suggestion; the rep confirms or unticks
    return d;
  }

  async function fromServerDraft(p: Record<string, any> | null): Promise<LocalDraft | null> {
    if (!p) return null;
    const d = emptyDraft(actionId);
    d.fields = { ...(p.fields ?? {}) };
    d.checkIn = p.checkIn ? { ...p.checkIn, accuracy: p.checkIn.accuracy ?? null } : null;
    d.transcript = p.transcript ?? '';
    d.linkedOrderIds = p.linkedOrderIds ?? [];
    d.checklist = p.checklist ?? {};
    const metas = await Promise.all((p.attachmentIds ?? []).map((id: number) => api.get<Attachment>(`/api/attachments/${id}`).catch(() => null)));
    d.attachments = metas.filter((m): m is Attachment => !!m).map((m) => ({
      localKey: `srv-${m.id}`, kind: m.kind, tag: m.tags[0] ?? '其他', attachmentId: m.id, status: 'uploaded' as const,
      durationMs: m.durationMs, playableUrl: m.playableUrl,
    }));
    d.serverSavedAt = new Date().toISOString();
    return d;
  }

  // every change: on the phone at once, on the server after a pause
  let timer: ReturnType<typeof setTimeout> | null = null;
  let persisting = false;
  async function persist(): Promise<void> {
    await saveLocalDraft(userId, s.draft);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void saveServerDraft(), SAVE_DELAY_MS);
  }
  let loaded = false;
  watch(() => s.draft, () => {
    if (loaded) { loaded = false; return; }
    if (!s.loading && !persisting && editable.value) void persist();
  }, { deep: true });

  async function saveServerDraft(): Promise<void> {
    if (!editable.value) return;
    if (!net.online) { s.serverDraft = 'offline'; return; }
    s.serverDraft = 'saving';
    try {
      await api.put(`/api/actions/${actionId}/draft`, toReportBody(s.draft));
      // a changed draft is no longer the one the bot was about to file
      if (s.detail) s.detail.draftSubmitAt = null;
      persisting = true;
      s.draft.serverSavedAt = new Date().toISOString();
      await saveLocalDraft(userId, s.draft);
      s.serverDraft = 'saved';
    } catch (e) {
      s.serverDraft = e instanceof ApiError && e.transient ? 'offline' : 'failed';
      s.serverDraftError = e instanceof Error ? e.message : String(e);
    } finally {
      setTimeout(() => { persisting = false; });
    }
  }

  async function uploadOne(a: LocalAttachment): Promise<void> {
    if (a.status === 'uploading' || a.status === 'uploaded') return;
    a.status = 'uploading';
    a.error = undefined;
    const cid = s.detail!.action.customerId;
    try {
      const res = a.mediaId
        ? await api.post<Attachment>('/api/attachments/from-wecom',
          { mediaId: a.mediaId, kind: a.kind, tags: [a.tag], customerId: cid, actionId, ...(a.kind === 'voice' ? { jssdk: true } : {}) },
          { headers: { 'Idempotency-Key': `att-${a.localKey}` } })
        : await uploadAttachment(a.blob!, { kind: a.kind, tags: a.tag, customerId: cid, actionId }, `att-${a.localKey}`);
      a.attachmentId = res.id;
      a.durationMs = res.durationMs;
      a.playableUrl = res.playableUrl;
      a.status = 'uploaded';
      void checkEvidence();
    } catch (e) {
      const err = e as ApiError;
      a.status = err.transient ? 'pending' : 'failed';
      a.error = err.message;
    }
  }

  async function uploadPending(): Promise<void> {
    for (const a of s.draft.attachments) if (a.status === 'pending' || (a.status === 'uploading' && !a.attachmentId)) {
      a.status = 'pending';
      await uploadOne(a);
    }
  }
  window.addEventListener('online', () => void uploadPending());

  function addAttachment(a: Omit<LocalAttachment, 'localKey' | 'attachmentId' | 'status'>): LocalAttachment {
    s.draft.attachments.push({ ...a, localKey: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, attachmentId: null, status: 'pending' });
    const added = s.draft.attachments[s.draft.attachments.length - 1];
    void uploadOne(added);
    return added;
  }

  /** Pictures already on the server (sent to the bot before the visit) taken into this report with their tags. */
  function addSentPhotos(photos: Array<{ attachmentId: number; tag: string | null }>): void {
    for (const p of photos) {
      if (s.draft.attachments.some((a) => a.attachmentId === p.attachmentId)) continue;
      s.draft.attachments.push({ localKey: `srv-${p.attachmentId}`, kind: 'photo', tag: p.tag ?? '其他', attachmentId: p.attachmentId, status: 'uploaded' });
    }
    void checkEvidence();
  }

  function removeAttachment(localKey: string): void {
    s.draft.attachments = s.draft.attachments.filter((a) => a.localKey !== localKey);
    void checkEvidence();
  }

  /**
   * One tap on a re-guessed tag (the server's retags: 门头照 twice, 合影 none):
   * the file's tag on the server and in the draft, then the checklist again.
   */
  async function retag(attachmentId: number, to: string): Promise<void> {
    const a = s.draft.attachments.find((x) => x.attachmentId === attachmentId);
    if (!a) return;
    await api.patch(`/api/attachments/${attachmentId}`, { tags: [to] });
    a.tag = to;
    await checkEvidence();
  }

  const waitingUploads = computed(() => s.draft.attachments.filter((a) => a.status !== 'uploaded').length);

  /**
   * The rep sees at capture time what the server will find (a reused or
   * edited photo, a stale capture time, an implausible check-in), not only
   * at submit: the same rules, run on the draft, nothing saved.
   */
  let checking = 0;
  async function checkEvidence(): Promise<void> {
    if (!editable.value || !net.online) return;
    const mine = ++checking;
    s.checking = true;
    try {
      const r = await api.post<EvidenceCheck>(`/api/actions/${actionId}/evidence-check`, toReportBody(s.draft));
      if (mine === checking) s.evidence = r;
    } catch {
      // a preview only: the submission itself reports everything
    } finally {
      if (mine === checking) s.checking = false;
    }
  }
  watch(() => s.draft.checkIn?.at, (at, before) => { if (at && at !== before && !s.loading) void checkEvidence(); });
  // the live checklist follows every other change too (fields, memo text, orders), once typing pauses; uploads and check-ins ask at once
  let recheck: ReturnType<typeof setTimeout> | null = null;
  watch(() => JSON.stringify({ ...toReportBody(s.draft), checkIn: null, attachmentIds: null }), (now, before) => {
    if (s.loading || now === before) return;
    if (recheck) clearTimeout(recheck);
    recheck = setTimeout(() => void checkEvidence(), RECHECK_DELAY_MS);
  });

  /**
   * The memo fills the form: the transcript read by the server (the bot's own
   * understanding), each field offered with the words it came from. Offline
   * there is nothing to offer; the fields are there to fill by hand.
   */
  let asking = 0;
  async function suggestFields(): Promise<void> {
    if (!editable.value || !net.online || !needs.value.fields.length) return;
    const mine = ++asking;
    try {
      const r = await api.post<VisitFieldSuggestions>(`/api/actions/${actionId}/field-suggestions`, { transcript: s.draft.transcript });
      if (mine === asking) s.suggested = r;
    } catch {
      // a convenience only: the fields stay open to fill
    }
  }
  let resuggest: ReturnType<typeof setTimeout> | null = null;
  watch(() => s.draft.transcript, (now, before) => {
    if (s.loading || now === before) return;
    if (resuggest) clearTimeout(resuggest);
    resuggest = setTimeout(() => void suggestFields(), RECHECK_DELAY_MS);
  });

  /** Takes suggested values into the draft (the rep's tap). */
  function acceptSuggestions(list: VisitFieldSuggestions['suggestions']): void {
    for (const x of list) s.draft.fields = { ...s.draft.fields, [x.key]: x.value, ...x.also };
  }

  async function submit(): Promise<void> {
    if (timer) clearTimeout(timer);
    await saveLocalDraft(userId, s.draft);
    await enqueueSubmit(userId, actionId, s.detail!.action.title, toReportBody(s.draft));
  }

  // the server's view of the action (status, checklist) after a submission was answered
  watch(() => submission.value?.state, async (st, before) => {
    if (st === before || (st !== 'accepted' && st !== 'rejected')) return;
    s.detail = await api.get<ActionDetail>(`/api/actions/${actionId}`).catch(() => s.detail);
  });

  async function discardLocal(): Promise<void> {
    await deleteLocalDraft(userId, actionId);
  }

  return { s, load, checkEvidence, acceptSuggestions, needs, docTags, geofenceKm, photoTags, editable, submission, addAttachment, addSentPhotos, removeAttachment, retag, uploadOne, waitingUploads, submit, discardLocal, persist };
}
