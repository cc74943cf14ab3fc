import { z } from 'zod';
import { templateCardSchema, describeZodIssues, type TemplateCard } from './template-card.schema.js';
import type { MediaUpload, UploadedMedia } from './media-upload.js';
import { WecomRequestInvalidError } from './wecom-errors.js';

export * from './wecom-errors.js';
export type { MediaType, MediaUpload, UploadedMedia } from './media-upload.js';
export type { TemplateCard, TemplateCardType } from './template-card.schema.js';

/**
 * The one port the rest of ActionFlow uses to talk to WeCom (企业微信).
 * Implementations: HttpWecomClient (real API or the loopback fake). Every
 * method throws a WecomError subclass on failure; read `retryable` /
 * `permanent` rather than errcodes.
 *
 *   const { msgid, invalidUsers } = await wecom.sendMessage({ touser: ['mgr_li'], msgtype: 'text', text: { content: '你好' } });
 */
export interface WecomClient {
  /** False for the logging twin of demo mode (logging-wecom-client.ts): nothing reaches WeCom. */
  readonly connected: boolean;
  /** message/send. Partial failure is a result (invalidUsers), not an error; all-invalid throws 81013. */
  sendMessage(msg: WecomMessage): Promise<SendResult>;
  /** message/update_template_card with a single-use response_code (§2.3). */
  updateTemplateCard(input: UpdateTemplateCardInput): Promise<UpdateTemplateCardResult>;
  /** auth/getuserinfo. Throws WecomApiError 40029 for a bad/used/expired code (see isOAuthCodeInvalid). */
  getUserIdByOAuthCode(code: string): Promise<OAuthIdentity>;
  /** user/get. `null` when the userid does not exist or left (60111). */
  getUser(userid: string): Promise<WecomUser | null>;
  /** department/list: every department in the app's visible range (or under `rootId`). */
  listDepartments(rootId?: number): Promise<WecomDepartment[]>;
  /** user/list for one department, without fetch_child (45029 on big orgs). */
  listUsersInDepartment(departmentId: number): Promise<WecomUser[]>;
  /** Cached jsapi ticket: 'corp' for wx.config, 'agent' for agentConfig (§7). */
  getJsApiTicket(type: JsApiTicketType): Promise<string>;
  /**
   * media/upload (§5): multipart, field `media`. The media_id lives 3 days, so
   * upload right before the message that uses it. Checks size and format first
   * (image ≤10 MB PNG/JPG …) and throws WecomRequestInvalidError instead of sending.
   *
   *   const { mediaId } = await wecom.uploadMedia({ type: 'image', buffer: png, filename: 'heatmap.png' });
   *   await wecom.sendMessage({ touser: ['director.wang'], msgtype: 'image', image: { media_id: mediaId } });
   */
  uploadMedia(media: MediaUpload): Promise<UploadedMedia>;
  /** media/get (or media/get/jssdk for speex voice from JS uploadVoice). */
  downloadMedia(mediaId: string, opts?: { jssdk?: boolean }): Promise<MediaFile>;
  /** OAuth authorize URL for the H5 (§6). Pure; no network. */
  buildOAuthUrl(redirectUri: string, state: string, opts?: { scope?: OAuthScope }): string;
  /**
   * externalcontact/batch/get_by_user (客户联系): one page of the external contacts that up to 100
   * members follow, each with the following member's remark, remark mobiles and remark company.
   * Throws WecomApiError 48002 when the app has no 客户联系 permission.
   *
   *   let cursor = ''; do { const page = await wecom.listExternalContactsOf(['zhao'], cursor); cursor = page.nextCursor; } while (cursor);
   */
  listExternalContactsOf(userids: string[], cursor?: string): Promise<ExternalContactPage>;
}

/**
 * One (external contact, following member) pair of 客户联系. Wire names (batch/get_by_user):
 * external_contact{external_userid, name, type 1 WeChat / 2 WeCom user, corp_name, corp_full_name},
 * follow_info{userid, remark, remark_mobiles[], remark_corp_name}; next_cursor '' on the last page.
 */
export interface ExternalContactOfMember {
  externalUserid: string;
  name: string;
  /** 1 a WeChat user, 2 a WeCom user of another company (corpName is theirs). */
  type: number;
  corpName: string | null;
  corpFullName: string | null;
  followUserid: string;
  remark: string | null;
  remarkMobiles: string[];
  remarkCorpName: string | null;
}

export interface ExternalContactPage {
  items: ExternalContactOfMember[];
  /** '' when there is no next page. */
  nextCursor: string;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');
const boundedText = (max: number) =>
  z.string().min(1, { message: '内容不能为空' }).refine((s) => byteLength(s) <= max, { message: `不能超过 ${max} 字节` });
const ids = (max: number) => z.array(z.union([z.string().min(1), z.number().int()])).max(max);

const messageBase = {
  /** Userids, or '@all' for the app's whole visible range. Joined with '|' on the wire. */
  touser: z.union([z.literal('@all'), z.array(z.string().min(1)).max(1000)]).optional(),
  toparty: ids(100).optional(),
  totag: ids(100).optional(),
  safe: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  /** Identical request JSON within the interval is not delivered again (guards outbox replays). */
  enable_duplicate_check: z.boolean().optional(),
  duplicate_check_interval: z.number().int().min(1).max(4 * 3600).optional(),
};

export const wecomMessageSchema = z
  .discriminatedUnion('msgtype', [
    z.object({ ...messageBase, msgtype: z.literal('text'), text: z.object({ content: boundedText(2048) }) }),
    z.object({ ...messageBase, msgtype: z.literal('markdown'), markdown: z.object({ content: boundedText(2048) }) }),
    z.object({
      ...messageBase,
      msgtype: z.literal('textcard'),
      textcard: z.object({
        title: boundedText(128),
        description: boundedText(512),
        url: z.string().regex(/^https?:\/\//i).refine((s) => byteLength(s) <= 2048),
        btntxt: z.string().max(4).optional(),
      }),
    }),
    z.object({ ...messageBase, msgtype: z.literal('template_card'), template_card: templateCardSchema }),
    // media_id from uploadMedia, valid 3 days
    z.object({ ...messageBase, msgtype: z.literal('image'), image: z.object({ media_id: z.string().min(1).max(512) }) }),
  ])
  // All three empty → 82001; catching it here keeps a bug from looking like a WeCom outage.
  .refine((m) => hasAny(m.touser) || hasAny(m.toparty) || hasAny(m.totag), {
    message: 'touser/toparty/totag 至少需要一个接收者',
    path: ['touser'],
  });

function hasAny(v: unknown): boolean {
  return v === '@all' || (Array.isArray(v) && v.length > 0);
}

export type WecomMessage = z.input<typeof wecomMessageSchema>;
export type WecomMessageType = WecomMessage['msgtype'];

/** Throws WecomRequestInvalidError (permanent) when WeCom would reject the message. */
export function assertValidMessage(msg: WecomMessage): WecomMessage {
  const parsed = wecomMessageSchema.safeParse(msg);
  if (!parsed.success) throw new WecomRequestInvalidError('message', describeZodIssues(parsed.error));
  return msg;
}

export interface SendResult {
  msgid: string;
  /** Lower-cased by WeCom (§2.1). Those members got nothing. */
  invalidUsers: string[];
  invalidParties: string[];
  invalidTags: string[];
  unlicensedUsers: string[];
  /** Only for interactive cards / cards with action_menu: lets us update the card before any click. */
  responseCode?: string;
}

interface CardUpdateTarget {
  /** From the send result or the latest template_card_event; each code works once. */
  responseCode: string;
  userids?: string[];
  partyids?: number[];
  tagids?: number[];
  atall?: boolean;
}

/** Either grey the clicked button (replaceName) or replace the whole card. */
export type UpdateTemplateCardInput = CardUpdateTarget &
  ({ replaceName: string; templateCard?: never } | { templateCard: TemplateCard; replaceName?: never });

export interface UpdateTemplateCardResult {
  invalidUsers: string[];
}

export type OAuthScope = 'snsapi_base' | 'snsapi_privateinfo';

/** Member → userid (+ user_ticket with privateinfo); non-member (WeChat user) → openid. */
export type OAuthIdentity = { userid: string; userTicket?: string } | { openid: string; externalUserid?: string };

export function isMemberIdentity(id: OAuthIdentity): id is { userid: string; userTicket?: string } {
  return 'userid' in id;
}

export interface WecomUser {
  userid: string;
  name: string;
  departmentIds: number[];
  mainDepartment?: number;
  position?: string;
  /** Parallel to departmentIds: 1 = leader of that department. */
  isLeaderInDept: number[];
  directLeader: string[];
  /** 1 active, 2 disabled, 4 not activated, 5 left. */
  status: number;
  /** Not returned to apps created after 2022-06-20 (§6); present only for older apps. */
  mobile?: string;
  email?: string;
  avatar?: string;
}

export interface WecomDepartment {
  id: number;
  name: string;
  parentId: number;
  order: number;
  departmentLeader: string[];
}

export type JsApiTicketType = 'corp' | 'agent';

export interface MediaFile {
  buffer: Buffer;
  contentType: string;
  /** From Content-Disposition; falls back to the media_id. */
  filename: string;
}
