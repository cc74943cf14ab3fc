/**
 * A rep's work as the bot reads it to understand a message: their open
 * actions (to know which report "华联" means), with — in the same round trip —
 * their customers and the active action's draft and contacts; today's visits;
 * an action's saved draft. Read-only; every write goes through the action
 * services.
 */
import { prepared, type Db } from '../db/pool.js';
import { OPEN_STATUSES } from '../flow/action-machine.js';
import type { CoordSystem } from '../flow/types.js';
import { toContactRow, type ContactRow } from '../resources/contacts.js';
import { storedDraft } from './drafts.js';
import { toCustomerPlace, type CustomerPlace } from '../resources/customers.js';

export interface OpenAction {
  id: number;
  title: string;
  definitionCode: string;
  definitionName: string;
  status: string;
  customerId: number;
  customerName: string;
  lat: number | null;
  lng: number | null;
  coordSystem: CoordSystem;
  hasDraft: boolean;
  dueAt: Date | null;
}

const OPEN = `('${OPEN_STATUSES.join("','")}')`;

const OPEN_ORDER = '(dr.action_id IS NOT NULL) DESC, GREATEST(a.updated_at, COALESCE(dr.updated_at, a.updated_at)) DESC, a.id DESC';
const OPEN_ACTIONS_SQL = `
  SELECT a.id, a.title, a.definition_code, d.name AS definition_name, a.status, a.customer_id, c.name AS customer_name,
         c.lat, c.lng, c.coord_system, (dr.action_id IS NOT NULL) AS has_draft, a.due_at, row_number() OVER (ORDER BY ${OPEN_ORDER}) AS ord
    FROM actions a JOIN customers c ON c.id = a.customer_id JOIN action_definitions d ON d.id = a.definition_id
    LEFT JOIN action_drafts dr ON dr.action_id = a.id
   WHERE a.assignee_id = $1 AND a.status IN ${OPEN}
   ORDER BY ${OPEN_ORDER}
   LIMIT 50`;

function toOpenAction(r: any): OpenAction {
  return {
    id: Number(r.id), title: r.title, definitionCode: r.definition_code, definitionName: r.definition_name, status: r.status,
    customerId: Number(r.customer_id), customerName: r.customer_name, lat: r.lat === null ? null : Number(r.lat),
    lng: r.lng === null ? null : Number(r.lng), coordSystem: r.coord_system, hasDraft: r.has_draft,
    dueAt: r.due_at === null ? null : new Date(r.due_at),
  };
}

/** The rep's own open actions: drafts being worked on first, then the most recently touched. */
export async function openActionsOf(db: Db, userId: number): Promise<OpenAction[]> {
  const { rows } = await db.query(OPEN_ACTIONS_SQL, [userId]);
  return rows.map(toOpenAction);
}

/** What working out which report a message is about reads, fetched together. */
export interface OpenWork {
  open: OpenAction[];
  /** The rep's customers (only when asked for). */
  customers: CustomerPlace[] | null;
  /** The active action's saved draft (null: none) and its customer's contacts; absent without an active action. */
  active: { actionId: number; draft: Record<string, unknown> | null; customerId: number | null; contacts: ContactRow[] } | null;
}

/**
 * openActionsOf, plus — in the same round trip — the rep's customers (to
 * recognise one named in the text) and the draft and contacts of the action
 * the conversation is on, which the message most likely continues.
 */
export async function openWorkOf(db: Db, userId: number, opts: { activeActionId: number | null; customers: boolean }): Promise<OpenWork> {
  // two statement shapes, not a CASE on a parameter: a generic plan keeps the CASE's
  // subquery in its cost, so PostgreSQL would go on planning the statement every time
  const customers = opts.customers
    ? `(SELECT coalesce(jsonb_agg(x ORDER BY x.id), '[]') FROM (
         SELECT id, name, lat, lng, coord_system FROM customers WHERE owner_id = $1 AND status = 'active' ORDER BY id LIMIT 500) x)`
    : 'NULL::jsonb';
  const { rows: [r] } = await db.query(prepared(
    `SELECT (SELECT coalesce(jsonb_agg(o ORDER BY o.ord), '[]') FROM (${OPEN_ACTIONS_SQL}) o) AS open,
            ${customers} AS customers,
            (SELECT payload FROM action_drafts WHERE action_id = $2) AS active_draft,
            ac.customer_id AS active_customer_id,
            (SELECT coalesce(jsonb_agg(k ORDER BY k.id), '[]') FROM (
              SELECT id, name, title, department, buying_role FROM contacts WHERE customer_id = ac.customer_id AND status = 'active' ORDER BY id LIMIT 200) k)
              AS active_contacts
       FROM (SELECT 1) one LEFT JOIN actions ac ON ac.id = $2`,
    [userId, opts.activeActionId],
  ));
  return {
    open: (r.open as any[]).map(toOpenAction),
    customers: r.customers === null ? null : (r.customers as any[]).map(toCustomerPlace),
    active: opts.activeActionId === null ? null : {
      actionId: opts.activeActionId, draft: storedDraft(r.active_draft), customerId: r.active_customer_id ?? null,
      contacts: (r.active_contacts as any[]).map(toContactRow),
    },
  };
}

export interface TodayVisit {
  actionId: number;
  title: string;
  customerName: string;
  status: string;
  draft: Record<string, unknown> | null;
  submittedAt: Date | null;
}

/** Visits the rep touched today (Shanghai day): drafts saved, reports filed, actions created. */
export async function todayVisitsOf(db: Db, userId: number, day: string): Promise<TodayVisit[]> {
  const { rows } = await db.query(
    `SELECT a.id, a.title, c.name AS customer_name, a.status, dr.payload, a.submitted_at
       FROM actions a JOIN customers c ON c.id = a.customer_id LEFT JOIN action_drafts dr ON dr.action_id = a.id
      WHERE a.assignee_id = $1 AND a.definition_code = 'visit'
        AND $2::date IN (shanghai_day(a.submitted_at), shanghai_day(dr.updated_at), shanghai_day(a.created_at))
      ORDER BY a.id`,
    [userId, day],
  );
  return rows.map((r) => ({ actionId: r.id, title: r.title, customerName: r.customer_name, status: r.status, draft: storedDraft(r.payload), submittedAt: r.submitted_at }));
}

/** The saved draft of an action (written by core/actions saveVisitDraft), or null. */
export async function draftOf(db: Db, actionId: number): Promise<Record<string, unknown> | null> {
  const { rows: [r] } = await db.query('SELECT payload FROM action_drafts WHERE action_id = $1', [actionId]);
  return storedDraft(r?.payload);
}
