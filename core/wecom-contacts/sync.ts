/**
 * 客户联系 sync: asks WeCom which external contacts our members have
 * (externalcontact/batch/get_by_user, 100 members a call, every page), then
 * binds each one to our contact when the match is sure (core/wecom-contacts/
 * match.ts) and asks the rep about the rest (wecom_contact_matches). Nothing
 * is written until every page has been read: a WeCom error (48002 no 客户联系
 * permission…) is an AppError in Chinese and leaves the database as it was.
 * Calls go one at a time with a pause between them, far under WeCom's
 * per-API limit (§3: 10,000 a minute per company).
 *
 *   const r = await syncWecomContacts(pool, wecom, { now, logger });   // { members: 6, externalContacts: 9, bound: 4, asked: 3, … }
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { recordEvent } from '../resources/events.js';
import { WecomApiError, WecomError, type ExternalContactOfMember, type WecomClient } from '../wecom/wecom-client.js';
import { decideMatch, mergeByContact, type CandidateContact, type ExternalContact } from './match.js';

export interface WecomContactSyncResult {
  /** Members asked about. */
  members: number;
  externalContacts: number;
  /** Bound now, by a sure match. */
  bound: number;
  /** New questions for the reps (a 不是 of before is not asked again). */
  asked: number;
  alreadyBound: number;
  /** No contact of ours and no customer their company names. */
  unmatched: number;
}

const SYNC_LOCK = 7_100_020;
/** WeCom takes up to 100 userids per call. */
const USERIDS_PER_CALL = 100;
const PAUSE_MS = 100;

/** What a WeCom refusal means to an admin, in Chinese; the errcode kept in brackets. */
export function wecomSyncErrorText(err: unknown): string {
  if (err instanceof WecomApiError) {
    const known: Record<number, string> = {
      48002: '本应用没有“客户联系”接口权限，请管理员在企业微信管理后台「客户联系 → API」里把本应用加入可调用应用',
      60020: '服务器地址不在企业微信应用的可信IP里，请管理员在应用设置中添加',
      45009: '调用企业微信接口太频繁，请稍后再试',
      40001: '企业微信应用密钥不正确，请管理员检查配置',
      84061: '这些成员没有外部联系人',
    };
    return `${known[err.errcode] ?? `企业微信返回错误：${err.message.replace(/^WeCom \S+ failed: /, '')}`}（错误码 ${err.errcode}）`;
  }
  if (err instanceof WecomError) return '暂时连不上企业微信，请稍后再试';
  return err instanceof Error ? err.message : String(err);
}

/** Every (external contact, member) pair of the given members, all pages. */
export async function fetchExternalContacts(
  wecom: WecomClient, userids: readonly string[], sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<ExternalContactOfMember[]> {
  const out: ExternalContactOfMember[] = [];
  for (let i = 0; i < userids.length; i += USERIDS_PER_CALL) {
    let cursor = '';
    do {
      if (out.length || i || cursor) await sleep(PAUSE_MS);
      const page = await wecom.listExternalContactsOf(userids.slice(i, i + USERIDS_PER_CALL), cursor);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return out;
}

export async function syncWecomContacts(
  pool: pg.Pool, wecom: WecomClient, opts: { now: Date; logger: Logger; actorId?: number | null },
): Promise<WecomContactSyncResult> {
  const { rows: members } = await pool.query(`SELECT id, wecom_userid FROM users WHERE active AND wecom_userid IS NOT NULL ORDER BY id`);
  let rows: ExternalContactOfMember[];
  try {
    // read everything before writing anything: WeCom round-trips must not hold row locks, and a failure leaves no half
    rows = await fetchExternalContacts(wecom, members.map((m) => m.wecom_userid as string));
  } catch (err) {
    const message = wecomSyncErrorText(err);
    opts.logger.warn({ err, errcode: err instanceof WecomApiError ? err.errcode : undefined }, 'wecom external contact sync failed');
    await recordEvent(pool, { actorId: opts.actorId ?? null, entityType: 'wecom_contacts', entityId: 0, type: 'wecom_contacts.sync_failed', at: opts.now,
      data: { message, errcode: err instanceof WecomApiError ? err.errcode : null } });
    throw new AppError('WECOM_CONTACT_SYNC_FAILED', { errcode: err instanceof WecomApiError ? err.errcode : null }, `企业微信客户同步失败：${message}`);
  }
  const userIds = new Map(members.map((m) => [m.wecom_userid as string, Number(m.id)]));
  const result = await withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK]);
    return applyExternalContacts(tx, mergeByContact(rows), userIds);
  });
  const summary = { members: members.length, ...result };
  await recordEvent(pool, { actorId: opts.actorId ?? null, entityType: 'wecom_contacts', entityId: 0, type: 'wecom_contacts.synced', at: opts.now, data: { ...summary } });
  opts.logger.info(summary, 'wecom external contacts synced');
  return summary;
}

/**
 * Binds or asks about each external contact, in the caller's transaction. Also how the demo's
 * made-up 客户联系 list reaches the product's matching (there is no WeCom to ask in demo mode).
 */
export async function applyExternalContacts(
  db: Db, contacts: readonly ExternalContact[], userIds: ReadonlyMap<string, number>,
): Promise<Omit<WecomContactSyncResult, 'members'>> {
  const out = { externalContacts: contacts.length, bound: 0, asked: 0, alreadyBound: 0, unmatched: 0 };
  const { rows: boundRows } = await db.query(`SELECT wecom_external_userid AS id FROM contacts WHERE wecom_external_userid IS NOT NULL`);
  const bound = new Set(boundRows.map((r) => r.id as string));
  const { rows: cand } = await db.query(`
    SELECT k.id, k.name, k.phone, k.customer_id, c.name AS customer_name FROM contacts k JOIN customers c ON c.id = k.customer_id
     WHERE k.status = 'active' AND k.wecom_external_userid IS NULL`);
  const candidates: CandidateContact[] = cand.map((r) => ({ id: Number(r.id), name: r.name, phone: r.phone, customerId: Number(r.customer_id), customerName: r.customer_name }));
  const { rows: cust } = await db.query(`SELECT id, name FROM customers`);
  const customers = cust.map((r) => ({ id: Number(r.id), name: r.name as string }));
  for (const ext of contacts) {
    if (bound.has(ext.externalUserid)) { out.alreadyBound++; continue; }
    const decision = decideMatch(ext, candidates, customers);
    const followerIds = ext.followers.map((u) => userIds.get(u)).filter((x): x is number => x !== undefined);
    if (decision.kind === 'bind') {
      const { rowCount } = await db.query(
        `UPDATE contacts SET wecom_external_userid = $2, updated_at = now() WHERE id = $1 AND wecom_external_userid IS NULL`, [decision.contactId, ext.externalUserid]);
      if (rowCount) {
        await recordEvent(db, { actorId: null, entityType: 'contact', entityId: decision.contactId, type: 'contact.wecom_bound', data: { by: decision.by } });
        const i = candidates.findIndex((c) => c.id === decision.contactId);
        if (i >= 0) candidates.splice(i, 1);
        bound.add(ext.externalUserid);
        out.bound++;
      }
    } else if (decision.kind === 'ask') {
      for (const o of decision.options) {
        const { rowCount } = await db.query(
          `INSERT INTO wecom_contact_matches (external_userid, external_name, corp_name, mobiles, follower_ids, contact_id, customer_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [ext.externalUserid, ext.name, ext.corpNames[0] ?? null, ext.mobiles, followerIds, o.contactId, o.customerId]);
        out.asked += rowCount ?? 0;
      }
    } else {
      out.unmatched++;
    }
  }
  return out;
}

export const LastWecomContactSyncSchema = z.object({
  /** False in demo mode: there is no WeCom to ask. */
  connected: z.boolean(),
  last: z.object({ at: z.string(), ok: z.boolean(), summary: z.string() }).nullable(),
  /** Questions the reps have not answered yet, company-wide. */
  pending: z.number(),
});

/** The admin's card: the last run (a failure with its Chinese reason) and what is still waiting for the reps. */
export async function lastWecomContactSync(db: Db, connected: boolean): Promise<z.infer<typeof LastWecomContactSyncSchema>> {
  const { rows: [e] } = await db.query(`SELECT type, data, at FROM events WHERE entity_type = 'wecom_contacts' ORDER BY at DESC, id DESC LIMIT 1`);
  const { rows: [p] } = await db.query(`SELECT count(*)::int AS n FROM wecom_contact_matches WHERE status = 'pending'`);
  const ok = e?.type === 'wecom_contacts.synced';
  return {
    connected, pending: p.n,
    last: e ? {
      at: e.at.toISOString(), ok,
      summary: ok ? `企业微信客户 ${e.data.externalContacts} 位：新对应 ${e.data.bound} 位，已对应 ${e.data.alreadyBound} 位，交给业务员确认 ${e.data.asked} 条，未找到对应 ${e.data.unmatched} 位`
        : `同步失败：${e.data.message}`,
    } : null,
  };
}
