/**
 * The customer's side of a document link: resolving a token to its document
 * (404 for a forged or unknown one, 410 once revoked or expired — never the
 * document) and counting the visit. What counts:
 * - only visitors outside the organisation: a signed-in member's fetch is served, never counted;
 * - once per device or network within the setting's seconds: a repeat extends
 *   that row's `repeats` and its window, so hundreds of fetches in a burst are one;
 * - the first counted visit sends the rep a WeCom message (through the outbox, once per link);
 * - a counted visit re-scores the deal (core/scoring), which may push a talk-track pack to the rep.
 *
 *   const { doc, counted } = await visitShareLink(pool, deps, { token, kind: 'open', visitor, member: false });
 */
import type pg from 'pg';
import { withTransaction, type Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import { recordEvent } from '../resources/events.js';
import { scoreOpportunities } from '../scoring/scores.js';
import { readSetting } from '../settings/read.js';
import { pushTalkTracks } from '../talk-tracks/push.js';
import { shareLinkLimits } from './share-links.setting.js';
import { verifyShareToken } from './share-token.js';
import type { LinkDeps } from './share-links.js';
import type { Visitor } from './visitor.js';

export interface ShareVisit {
  token: string;
  kind: 'open' | 'download';
  visitor: Visitor;
  /** A signed-in member of the organisation (the rep checking their own link): served, not counted. */
  member: boolean;
  /** The customer's contact WeCom's OAuth recognised (wecom-viewer.ts); else the contact the link was sent to. */
  contactId?: number;
}

/** What the page shows and the download serves. */
export interface SharedDocument {
  linkId: number;
  attachmentId: number;
  sha256: string;
  mime: string;
  size: number;
  filename: string;
  sharerName: string;
  customerName: string;
  expiresAt: Date;
}

export async function visitShareLink(pool: pg.Pool, deps: LinkDeps, v: ShareVisit): Promise<{ doc: SharedDocument; counted: boolean }> {
  const id = verifyShareToken(deps.secret, v.token);
  if (id === null) throw new AppError('SHARE_LINK_NOT_FOUND');
  return withTransaction(pool, async (tx) => {
    // the row lock serialises one link's visits, so two fetches of a burst cannot both count
    const { rows } = await tx.query(
      `SELECT l.*, a.sha256, a.mime, a.size, a.filename, u.name AS sharer_name, u.wecom_userid, c.name AS customer_name,
              o.name AS opportunity_name, ct.name AS contact_name
         FROM share_links l JOIN attachments a ON a.id = l.attachment_id JOIN users u ON u.id = l.created_by
         JOIN customers c ON c.id = l.customer_id JOIN opportunities o ON o.id = l.opportunity_id
         LEFT JOIN contacts ct ON ct.id = l.contact_id
        WHERE l.id = $1 FOR UPDATE OF l`, [id]);
    const row = rows[0];
    if (!row) throw new AppError('SHARE_LINK_NOT_FOUND');
    if (row.revoked_at || row.expires_at <= deps.now) throw new AppError('SHARE_LINK_GONE', { reason: row.revoked_at ? 'revoked' : 'expired' });
    const doc: SharedDocument = {
      linkId: id, attachmentId: row.attachment_id, sha256: row.sha256, mime: row.mime, size: Number(row.size),
      filename: row.filename ?? `文档${row.attachment_id}`, sharerName: row.sharer_name, customerName: row.customer_name, expiresAt: row.expires_at,
    };
    const counted = !v.member && await countVisit(tx, deps, row, v);
    return { doc, counted };
  });
}

async function countVisit(tx: Db, deps: LinkDeps, link: any, v: ShareVisit): Promise<boolean> {
  const { repeatSeconds } = await readSetting(tx, shareLinkLimits);
  const repeat = await tx.query(
    `UPDATE share_opens SET repeats = repeats + 1, last_at = $5
      WHERE id = (SELECT id FROM share_opens WHERE link_id = $1 AND kind = $2 AND (fingerprint = $3 OR ip_prefix = $4)
                     AND last_at > $5::timestamptz - make_interval(secs => $6) ORDER BY id DESC LIMIT 1)`,
    [link.id, v.kind, v.visitor.fingerprint, v.visitor.ipPrefix, deps.now, repeatSeconds]);
  if (repeat.rowCount) return false;
  const contactId: number | null = v.contactId ?? link.contact_id;
  const identifiedBy = v.contactId ? 'wecom' : link.contact_id ? 'link' : null;
  await tx.query(
    `INSERT INTO share_opens (link_id, kind, at, last_at, contact_id, identified_by, fingerprint, ip_prefix) VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`,
    [link.id, v.kind, deps.now, contactId, identifiedBy, v.visitor.fingerprint, v.visitor.ipPrefix]);
  await recordEvent(tx, {
    actorId: null, entityType: 'opportunity', entityId: link.opportunity_id, type: `share_link.${v.kind === 'open' ? 'opened' : 'downloaded'}`,
    at: deps.now, data: { linkId: link.id, attachmentId: link.attachment_id, contactId, identifiedBy, tags: link.tags, stageCode: link.stage_code },
  });
  // the customer's reading moves the deal's win score now, not at night
  await scoreOpportunities(tx, [link.opportunity_id], deps.now, { onSignals: pushTalkTracks(deps.publicUrl) });
  if (!link.first_opened_at) {
    await tx.query('UPDATE share_links SET first_opened_at = $2 WHERE id = $1', [link.id, deps.now]);
    const who = (v.contactId ? await contactName(tx, v.contactId) : null) ?? link.contact_name ?? link.customer_name;
    const what = link.filename ?? `文档${link.attachment_id}`;
    await enqueueMessage(tx, {
      dedupeKey: `share-link:${link.id}:first-open`, recipient: link.wecom_userid,
      ...textCard('客户打开了你分享的文档', `${who}（${link.customer_name}）第一次打开了《${what}》\n商机：${link.opportunity_name}`,
        `${deps.publicUrl.replace(/\/$/, '')}/deals/${link.opportunity_id}`, '查看商机'),
    }, { at: deps.now });
  }
  return true;
}

const contactName = async (db: Db, id: number): Promise<string | null> =>
  (await db.query('SELECT name FROM contacts WHERE id = $1', [id])).rows[0]?.name ?? null;
