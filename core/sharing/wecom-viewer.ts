/**
 * Who opened a share page inside WeCom or WeChat, from the page's silent
 * OAuth (snsapi_base): a member of the organisation (their opens never count),
 * or the customer's contact whose WeCom external_userid the code names. Any
 * failure — a used or forged code, WeCom unreachable, an id no contact of the
 * link's customer has — is nobody, and the open is recorded as any other.
 *
 *   const viewer = await viewerFromOAuth(pool, wecom, logger, linkId, code); // { contactId: 12 } | { member: true } | null
 */
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { isMemberIdentity, type WecomClient } from '../wecom/wecom-client.js';
import type { ShareViewer } from './share-token.js';

/** Browsers that can take WeCom's OAuth: WeCom's own and WeChat's (user agent). */
export const IN_WECOM_OR_WECHAT = /wxwork\/|MicroMessenger\//i;

export async function viewerFromOAuth(db: Db, wecom: WecomClient, logger: Logger, linkId: number, code: string): Promise<ShareViewer | null> {
  let identity;
  try {
    identity = await wecom.getUserIdByOAuthCode(code);
  } catch (err) {
    logger.info({ err, linkId }, 'share page: WeCom OAuth gave no identity');
    return null;
  }
  if (isMemberIdentity(identity)) return { member: true };
  if (!identity.externalUserid) return null;
  // a contact of the customer the link was made for: a forwarded link opened elsewhere stays anonymous
  const { rows } = await db.query(
    `SELECT ct.id FROM contacts ct JOIN share_links l ON l.customer_id = ct.customer_id
      WHERE l.id = $1 AND ct.wecom_external_userid = $2`, [linkId, identity.externalUserid]);
  return rows[0] ? { contactId: Number(rows[0].id) } : null;
}
