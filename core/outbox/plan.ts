/**
 * What to do with one recipient's due messages, given their budget (WeCom
 * drops anything past 30/min or 1000/h to one member, silently). Pure: the
 * deliverer loads the budget, asks, and applies the answer.
 *
 * - Everything fits: send it all.
 * - Nothing fits: defer everything to when the window frees up.
 * - Some fits and several alerts are waiting: send the oldest individually
 *   and fold the remaining alerts into ONE digest card (the last slot), so a
 *   manager hit by fifty warnings gets 30 messages, all of them, not 30 of 50.
 *   Messages that are not alerts cannot be folded and wait for the next window.
 *
 *   const plan = planRecipient(rows, throttle, 'mgr.li', Date.now());
 */
import type { RecipientThrottle } from '../wecom/recipient-throttle.js';

export interface DueMessage {
  id: number;
  /** Set for alert cards: only those may be folded into a digest. */
  alertId: number | null;
}

export interface RecipientPlan {
  send: number[];
  /** Alert messages to fold into one digest (which takes one send slot). Empty or ≥ 2. */
  merge: number[];
  defer: number[];
  /** When the deferred messages may be tried again (epoch ms); null when nothing is deferred. */
  deferUntil: number | null;
}

/** Records the planned sends in `throttle`, so deferUntil accounts for them. */
export function planRecipient(rows: readonly DueMessage[], throttle: RecipientThrottle, recipient: string, now: number): RecipientPlan {
  const ordered = [...rows].sort((a, b) => a.id - b.id);
  const budget = throttle.remaining(recipient, now);
  let send: DueMessage[];
  let merge: DueMessage[] = [];
  let defer: DueMessage[] = [];
  if (ordered.length <= budget) {
    send = ordered;
  } else if (budget === 0) {
    send = [];
    defer = ordered;
  } else {
    // the last slot is the digest's when at least two alerts would otherwise wait
    const head = ordered.slice(0, budget - 1);
    const rest = ordered.slice(budget - 1);
    const restAlerts = rest.filter((r) => r.alertId !== null);
    if (restAlerts.length >= 2) {
      send = head;
      merge = restAlerts;
      defer = rest.filter((r) => r.alertId === null);
    } else {
      send = ordered.slice(0, budget);
      defer = ordered.slice(budget);
    }
  }
  const slots = send.length + (merge.length ? 1 : 0);
  for (let i = 0; i < slots; i++) throttle.record(recipient, now);
  return {
    send: send.map((r) => r.id),
    merge: merge.map((r) => r.id),
    defer: defer.map((r) => r.id),
    deferUntil: defer.length ? throttle.nextAllowedAt(recipient, now) : null,
  };
}
