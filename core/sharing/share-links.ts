/**
 * Customer-facing document links, as the rep manages them from a deal: share
 * one of the customer's documents (optionally naming the contact it goes to),
 * see who opened what, how often and when last, and revoke a link. The public
 * side — the page a customer opens — is share-visits.ts.
 *
 *   const link = await createShareLink(tx, actor, links, opportunityId, { attachmentId, contactId });
 *   link.url // 'https://…/s/42.Xq…', valid for the setting's days
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { recordEvent } from '../resources/events.js';
import { opportunityRowOrThrow } from '../resources/opportunities.js';
import { Id } from '../resources/schemas.js';
import { readSetting } from '../settings/read.js';
import { shareLinkLimits } from './share-links.setting.js';
import { shareUrl } from './share-token.js';

/** What link addresses are built from: the server's secret and public address, and the clock. */
export interface LinkDeps {
  secret: string;
  publicUrl: string;
  now: Date;
}

export const CreateShareLinkSchema = z.strictObject({
  attachmentId: Id,
  /** The customer's contact it is sent to: opens are attributed to them. */
  contactId: Id.optional(),
  /** Days until it expires; the setting 客户文档链接's when not given. */
  validDays: z.number().int().min(1, '有效期应在1–365天之间').max(365, '有效期应在1–365天之间').optional(),
});

export const ShareLinkState = z.enum(['active', 'expired', 'revoked']);

export const ShareLinkSchema = z.object({
  id: z.number(),
  url: z.string(),
  state: ShareLinkState,
  attachment: z.object({ id: z.number(), filename: z.string(), tags: z.array(z.string()) }),
  contact: z.object({ id: z.number(), name: z.string() }).nullable(),
  stageCode: z.string(),
  createdBy: z.object({ id: z.number(), name: z.string() }),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  /** Counted by the customer's side only (members' own opens never count), repeats within seconds once. */
  opens: z.number(),
  downloads: z.number(),
  firstOpenAt: z.string().nullable(),
  lastOpenAt: z.string().nullable(),
  /** The customer's contacts known to have opened it: named by WeCom's OAuth on the page (viaWecom), or the contact it was sent to. */
  openedBy: z.array(z.object({ id: z.number(), name: z.string(), viaWecom: z.boolean() })),
});
export type ShareLink = z.infer<typeof ShareLinkSchema>;

export const ShareableDocumentSchema = z.object({
  id: z.number(), filename: z.string(), tags: z.array(z.string()), size: z.number(), createdAt: z.string(),
});

export const ShareLinksPageSchema = z.object({
  items: z.array(ShareLinkSchema),
  /** The customer's documents the caller may share from this deal, newest first. */
  documents: z.array(ShareableDocumentSchema),
});

const documentName = (r: { filename: string | null; attachment_id: number }) => r.filename ?? `文档${r.attachment_id}`;

export async function createShareLink(
  db: Db, actor: Actor, deps: LinkDeps, opportunityId: number, input: z.infer<typeof CreateShareLinkSchema>,
): Promise<ShareLink> {
  assertCan(actor, 'opportunities', 'update');
  const opp = await opportunityRowOrThrow(db, actor, opportunityId);
  const doc = await db.query(
    `SELECT id, tags FROM attachments WHERE id = $1 AND kind = 'document' AND (customer_id = $2 OR (customer_id IS NULL AND uploaded_by = $3))`,
    [input.attachmentId, opp.customer_id, actor.id]);
  if (!doc.rows[0]) throw new AppError('SHARE_DOCUMENT_INVALID', { attachmentId: input.attachmentId });
  if (input.contactId !== undefined) {
    const c = await db.query('SELECT 1 FROM contacts WHERE id = $1 AND customer_id = $2', [input.contactId, opp.customer_id]);
    if (!c.rows[0]) throw new AppError('REFERENCE_INVALID', { contactId: input.contactId }, '联系人不属于这个客户');
  }
  const validDays = input.validDays ?? (await readSetting(db, shareLinkLimits)).validDays;
  const { rows } = await db.query(
    `INSERT INTO share_links (attachment_id, opportunity_id, customer_id, contact_id, stage_code, tags, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8::timestamptz + make_interval(days => $9)) RETURNING id`,
    [input.attachmentId, opportunityId, opp.customer_id, input.contactId ?? null, opp.stage_code, doc.rows[0].tags, actor.id, deps.now, validDays]);
  const id: number = rows[0].id;
  await recordEvent(db, {
    actorId: actor.id, entityType: 'opportunity', entityId: opportunityId, type: 'share_link.created', at: deps.now,
    data: { linkId: id, attachmentId: input.attachmentId, contactId: input.contactId ?? null, stageCode: opp.stage_code, validDays },
  });
  return (await loadLinks(db, deps, 'l.id = $1', [id]))[0];
}

export async function listShareLinks(db: Db, actor: Actor, deps: LinkDeps, opportunityId: number): Promise<z.infer<typeof ShareLinksPageSchema>> {
  assertCan(actor, 'opportunities', 'read');
  const opp = await opportunityRowOrThrow(db, actor, opportunityId);
  const items = await loadLinks(db, deps, 'l.opportunity_id = $1', [opportunityId]);
  const docs = await db.query(
    `SELECT id, filename, tags, size, created_at FROM attachments
      WHERE kind = 'document' AND customer_id = $1 ORDER BY id DESC LIMIT 50`, [opp.customer_id]);
  return {
    items,
    documents: docs.rows.map((r) => ({
      id: r.id, filename: documentName({ filename: r.filename, attachment_id: r.id }), tags: r.tags, size: Number(r.size), createdAt: r.created_at.toISOString(),
    })),
  };
}

export async function revokeShareLink(db: Db, actor: Actor, deps: LinkDeps, linkId: number): Promise<ShareLink> {
  assertCan(actor, 'opportunities', 'update');
  const { rows } = await db.query('SELECT opportunity_id FROM share_links WHERE id = $1 FOR UPDATE', [linkId]);
  if (!rows[0]) throw new AppError('SHARE_LINK_NOT_FOUND', { id: linkId });
  // out of the caller's scope reads as absent, as every other record does
  await opportunityRowOrThrow(db, actor, rows[0].opportunity_id).catch(() => { throw new AppError('SHARE_LINK_NOT_FOUND', { id: linkId }); });
  const r = await db.query('UPDATE share_links SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL', [linkId, deps.now, actor.id]);
  if (r.rowCount) {
    await recordEvent(db, {
      actorId: actor.id, entityType: 'opportunity', entityId: rows[0].opportunity_id, type: 'share_link.revoked', at: deps.now, data: { linkId },
    });
  }
  return (await loadLinks(db, deps, 'l.id = $1', [linkId]))[0];
}

async function loadLinks(db: Db, deps: LinkDeps, where: string, values: unknown[]): Promise<ShareLink[]> {
  const { rows } = await db.query(
    `SELECT l.*, a.filename, c.name AS contact_name, u.name AS creator_name,
            coalesce(o.opens, 0)::int AS opens, coalesce(o.downloads, 0)::int AS downloads, o.last_open_at,
            coalesce(w.opened_by, '[]') AS opened_by
       FROM share_links l
       JOIN attachments a ON a.id = l.attachment_id
       JOIN users u ON u.id = l.created_by
       LEFT JOIN contacts c ON c.id = l.contact_id
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE kind = 'open') AS opens, count(*) FILTER (WHERE kind = 'download') AS downloads, max(at) AS last_open_at
           FROM share_opens WHERE link_id = l.id) o ON true
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object('id', p.contact_id, 'name', p.name, 'viaWecom', p.via_wecom) ORDER BY p.first_at) AS opened_by
           FROM (SELECT so.contact_id, k.name, bool_or(so.identified_by = 'wecom') AS via_wecom, min(so.at) AS first_at
                   FROM share_opens so JOIN contacts k ON k.id = so.contact_id WHERE so.link_id = l.id GROUP BY so.contact_id, k.name) p) w ON true
      WHERE ${where} ORDER BY l.id DESC`, values);
  return rows.map((r) => ({
    id: r.id,
    url: shareUrl(deps.publicUrl, deps.secret, r.id),
    state: r.revoked_at ? 'revoked' : r.expires_at <= deps.now ? 'expired' : 'active',
    attachment: { id: r.attachment_id, filename: documentName(r), tags: r.tags },
    contact: r.contact_id ? { id: r.contact_id, name: r.contact_name } : null,
    stageCode: r.stage_code,
    createdBy: { id: r.created_by, name: r.creator_name },
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    opens: r.opens,
    downloads: r.downloads,
    firstOpenAt: r.first_opened_at?.toISOString() ?? null,
    lastOpenAt: r.last_open_at?.toISOString() ?? null,
    openedBy: r.opened_by.map((p: { id: number; name: string; viaWecom: boolean }) => ({ id: Number(p.id), name: p.name, viaWecom: p.viaWecom })),
  }));
}
