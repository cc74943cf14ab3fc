/**
 * How many of the signed-in supervisor's to-dos are open, for the badge on the
 * 我的 / 团队 entries: one `limit=1` request whose `total` is the count. The to-do
 * page keeps it current as items are marked done.
 *
 *   void refreshTodoBadge();   // then read todoBadge.open (null until known)
 */
import { reactive } from 'vue';
import { api } from '../api/http';
import type { Page, SupervisorTodoView } from '../api/types';

export const todoBadge = reactive({ open: null as number | null });

let inFlight: Promise<void> | null = null;
export function refreshTodoBadge(): Promise<void> {
  inFlight ??= api.get<Page<SupervisorTodoView>>('/api/supervisor-todos', { query: { status: 'open', limit: 1 } })
    .then((p) => { todoBadge.open = p.total; })
    // a badge is a hint: without it the entry still works
    .catch(() => undefined)
    .finally(() => { inFlight = null; });
  return inFlight;
}
