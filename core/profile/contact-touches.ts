/**
 * 对接频次, measured instead of declared: a contact is touched whenever a
 * follow-up names them (picked as 对接人, in a decision-chain note, or by full
 * name in the summary), an accepted visit report names them (the contact the
 * role was recorded for, or by name in the memo), or the customer's owner
 * names them in a message to the bot or the app chat. Counted in Shanghai
 * days, so three notes on one afternoon are one day of contact.
 *
 *   const m = await measureContacts(db, [customerId], { now, windowDays: 90 });
 *   m.get(contactId) // { lastContactAt, touchDays, byUser: [{ userId, name, touchDays }] }
 */
import type { Db } from '../db/pool.js';
import { DAY_MS } from '../flow/time.js';

export interface ContactMeasure {
  lastContactAt: Date | null;
  /** Days with contact in the window. */
  touchDays: number;
  /** Who on our side covers them, most contact first. */
  byUser: Array<{ userId: number; name: string; touchDays: number }>;
}

/** Last contact is looked for this far back; older contact reads as 从未接触 in the window's terms anyway. */
const LOOKBACK_DAYS = 365;

// a name shorter than two characters would match half the summaries
const NAMED = (text: string) => `(length(k.name) >= 2 AND strpos(${text}, k.name) > 0)`;

const TOUCHES = `
  SELECT k.id AS contact_id, f.at, f.user_id FROM k JOIN followups f ON f.customer_id = k.customer_id
   WHERE f.at >= $2 AND (f.payload->'contactIds' @> to_jsonb(k.id)
                         OR f.payload->'contactUpdates' @> jsonb_build_array(jsonb_build_object('contactId', k.id))
                         OR ${NAMED('f.summary')})
  UNION ALL
  SELECT k.id, s.created_at, s.submitted_by FROM k JOIN actions a ON a.customer_id = k.customer_id JOIN submissions s ON s.action_id = a.id
   WHERE s.outcome = 'accepted' AND s.created_at >= $2
     AND (s.payload->'fields'->>'decisionContactId' = k.id::text
          OR ${NAMED(`coalesce(s.payload->'fields'->>'decisionRoleContact', '') || ' ' || coalesce(s.payload->>'transcript', '')`)})
  UNION ALL
  SELECT k.id, m.received_at, u.id FROM k JOIN customers c ON c.id = k.customer_id JOIN users u ON u.id = c.owner_id
    JOIN bot_inbound m ON m.userid = u.wecom_userid
   WHERE m.received_at >= $2 AND ${NAMED(`coalesce(m.message->>'text', m.message->>'recognition', '')`)}`;

/** Measures every contact of the given customers; contacts never touched are absent from the map. */
export async function measureContacts(
  db: Db, customerIds: readonly number[], o: { now: Date; windowDays: number },
): Promise<Map<number, ContactMeasure>> {
  const since = new Date(o.now.getTime() - LOOKBACK_DAYS * DAY_MS);
  const windowStart = new Date(o.now.getTime() - o.windowDays * DAY_MS);
  // per person on our side, and per contact overall: a day on which two of us met them is one day for them
  const { rows } = await db.query(
    `WITH k AS (SELECT id, customer_id, name FROM contacts WHERE customer_id = ANY($1::bigint[])),
          t AS (${TOUCHES})
     SELECT t.contact_id, t.user_id, u.name AS user_name, GROUPING(t.user_id) = 1 AS overall, max(t.at) AS last_at,
            count(DISTINCT (t.at AT TIME ZONE 'Asia/Shanghai')::date) FILTER (WHERE t.at >= $3) AS days
       FROM t JOIN users u ON u.id = t.user_id
      WHERE t.at <= $4
      GROUP BY GROUPING SETS ((t.contact_id, t.user_id, u.name), (t.contact_id))`,
    [customerIds, since, windowStart, o.now]);
  const out = new Map<number, ContactMeasure>();
  const of = (id: number) => out.get(id) ?? out.set(id, { lastContactAt: null, touchDays: 0, byUser: [] }).get(id)!;
  for (const r of rows) {
    const m = of(r.contact_id);
    if (r.overall) Object.assign(m, { lastContactAt: r.last_at, touchDays: r.days });
    else if (r.days > 0) m.byUser.push({ userId: r.user_id, name: r.user_name, touchDays: r.days });
  }
  for (const m of out.values()) m.byUser.sort((a, b) => b.touchDays - a.touchDays || a.userId - b.userId);
  return out;
}
