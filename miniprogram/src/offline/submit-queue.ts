/**
 * Visit-report submissions survive a bad network: each tap on 提交 becomes a
 * queue entry with its own Idempotency-Key, persisted in IndexedDB and retried
 * (on reconnect, every few seconds, and at app start) with the SAME key until
 * the server answers — so a report whose answer was lost is filed once (the
 * server replays the first answer). The rep sees the entry's state:
 * 排队中 → 提交中 → 已提交, or 未通过 with the server's failures.
 */
import { get, set } from 'idb-keyval';
import { computed, reactive } from 'vue';
import { ApiError, newIdempotencyKey, request } from '../api/http';
import type { RuleFailure } from '../api/types';
import { deleteLocalDraft } from './drafts';

export type SubmitState = 'queued' | 'sending' | 'accepted' | 'rejected' | 'failed';

export const SUBMIT_STATE_LABELS: Record<SubmitState, string> = {
  queued: '排队中', sending: '提交中', accepted: '已提交', rejected: '未通过', failed: '提交失败',
};

export interface QueuedSubmit {
  key: string;
  userId: number;
  actionId: number;
  title: string;
  body: Record<string, unknown>;
  state: SubmitState;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  failures: RuleFailure[];
  warnings: RuleFailure[];
  createdAt: string;
  updatedAt: string;
}

const STORE = 'af:submit-queue';
const RETRY_EVERY_MS = [2_000, 5_000, 10_000, 20_000, 30_000];

export const queue = reactive({ items: [] as QueuedSubmit[], loaded: false });
export const queueSummary = reactive({
  waiting: computed(() => queue.items.filter((i) => i.state === 'queued' || i.state === 'sending').length),
});

let running = false;
let loadPromise: Promise<void> | null = null;

function persist(): Promise<void> {
  // keep what is pending plus the last outcome per action
  const keep = queue.items.filter((i, idx, all) =>
    i.state === 'queued' || i.state === 'sending' || lastIndexWhere(all, (j) => j.actionId === i.actionId) === idx);
  queue.items = keep;
  return set(STORE, JSON.parse(JSON.stringify(keep)));
}

export function loadQueue(): Promise<void> {
  loadPromise ??= get<QueuedSubmit[]>(STORE).then((items) => {
    // a 'sending' entry interrupted by a closed app is simply sent again, same key
    queue.items = (items ?? []).map((i) => (i.state === 'sending' ? { ...i, state: 'queued' as const } : i));
    queue.loaded = true;
  }).catch(() => { queue.loaded = true; });
  return loadPromise;
}

/** The latest submission of an action on this phone, if any. */
export function latestSubmitFor(actionId: number): QueuedSubmit | undefined {
  const idx = lastIndexWhere(queue.items, (i) => i.actionId === actionId);
  return idx === -1 ? undefined : queue.items[idx];
}

export async function enqueueSubmit(userId: number, actionId: number, title: string, body: Record<string, unknown>): Promise<QueuedSubmit> {
  await loadQueue();
  const now = new Date().toISOString();
  // when the phone took the report: a check-in hours before the server hears of it is then explained by the queue
  queue.items.push({
    key: newIdempotencyKey(`visit-${actionId}`), userId, actionId, title, body: { ...body, queuedAt: now }, state: 'queued', attempts: 0, nextAt: 0,
    lastError: null, failures: [], warnings: [], createdAt: now, updatedAt: now,
  });
  await persist();
  void kick();
  return queue.items[queue.items.length - 1];
}

async function sendOne(item: QueuedSubmit): Promise<void> {
  item.state = 'sending';
  item.attempts++;
  item.updatedAt = new Date().toISOString();
  await persist();
  try {
    const r = await request<{ warnings: RuleFailure[] }>('POST', `/api/actions/${item.actionId}/visit-report`, {
      body: item.body, headers: { 'Idempotency-Key': item.key }, timeoutMs: 20_000,
    });
    item.state = 'accepted';
    item.warnings = r?.warnings ?? [];
    item.lastError = null;
    await deleteLocalDraft(item.userId, item.actionId);
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(0, 'OFFLINE', String(err));
    if (e.code === 'VISIT_REPORT_REJECTED') {
      item.state = 'rejected';
      item.failures = (e.details?.failures ?? []) as RuleFailure[];
      item.lastError = e.message;
    } else if (e.transient) {
      item.state = 'queued';
      item.lastError = e.message;
      item.nextAt = Date.now() + RETRY_EVERY_MS[Math.min(item.attempts - 1, RETRY_EVERY_MS.length - 1)];
    } else {
      item.state = 'failed';
      item.lastError = e.message;
    }
  }
  item.updatedAt = new Date().toISOString();
  await persist();
}

/** Sends every entry that is due, one at a time. */
export async function kick(force = false): Promise<void> {
  await loadQueue();
  if (running) return;
  running = true;
  try {
    for (;;) {
      const due = queue.items.find((i) => i.state === 'queued' && (force || i.nextAt <= Date.now()));
      if (!due) break;
      await sendOne(due);
      if (due.state === 'queued') break; // still no network: wait for the next tick
    }
  } finally {
    running = false;
  }
}

export function startSubmitQueue(): void {
  void loadQueue().then(() => kick());
  window.addEventListener('online', () => void kick(true));
  setInterval(() => void kick(), 3_000);
}

// Array.prototype.findLastIndex needs Chrome 97; some WeCom webviews are older
function lastIndexWhere<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i])) return i;
  return -1;
}
