/**
 * The WeCom client of demo mode (no WECOM_* configured): nothing reaches
 * WeCom. Messages are checked exactly as the HTTP client checks them, logged,
 * and answered as WeCom would answer a delivery to existing members; reads
 * that only WeCom could answer (OAuth, the directory, tickets, media) are
 * refused with WECOM_NOT_CONFIGURED. `connected` is false, so the outbox
 * deliverer marks rows 'demo' (the 发件箱 is the delivery) instead of sending
 * them through here.
 *
 *   const wecom = config.wecom ? new HttpWecomClient({ … }) : new LoggingWecomClient(logger);
 */
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { mediaUploadIssues } from './media-upload.js';
import {
  assertValidMessage, WecomRequestInvalidError,
  type ExternalContactPage, type JsApiTicketType, type MediaFile, type MediaUpload, type OAuthIdentity, type SendResult, type UpdateTemplateCardInput,
  type UpdateTemplateCardResult, type UploadedMedia, type WecomClient, type WecomDepartment, type WecomMessage, type WecomUser,
} from './wecom-client.js';

const OAUTH_STATE = /^[A-Za-z0-9]{1,128}$/;

export class LoggingWecomClient implements WecomClient {
  readonly connected = false;
  private sent = 0;

  constructor(private readonly logger: Pick<Logger, 'info'>) {}

  async sendMessage(msg: WecomMessage): Promise<SendResult> {
    assertValidMessage(msg);
    const n = ++this.sent;
    this.logger.info({ touser: msg.touser, msgtype: msg.msgtype }, 'demo mode: message not sent to WeCom');
    const interactive = msg.msgtype === 'template_card' && msg.template_card.card_type !== 'text_notice';
    return {
      msgid: `demo-${n}`, invalidUsers: [], invalidParties: [], invalidTags: [], unlicensedUsers: [],
      ...(interactive ? { responseCode: `demo-response-${n}` } : {}),
    };
  }

  async updateTemplateCard(input: UpdateTemplateCardInput): Promise<UpdateTemplateCardResult> {
    if (!input.responseCode) throw new WecomRequestInvalidError('template card update', ['response_code 为空']);
    this.logger.info({ userids: input.userids }, 'demo mode: card not updated in WeCom');
    return { invalidUsers: [] };
  }

  async uploadMedia(media: MediaUpload): Promise<UploadedMedia> {
    const issues = mediaUploadIssues(media);
    if (issues.length) throw new WecomRequestInvalidError('media upload', issues);
    this.logger.info({ type: media.type, bytes: media.buffer.length }, 'demo mode: media not uploaded to WeCom');
    return { mediaId: `demo-media-${++this.sent}`, type: media.type, createdAt: null };
  }

  buildOAuthUrl(redirectUri: string, state: string): string {
    // same checks as the real URL; there is no corp to authorize against, so the redirect is the sign-in itself
    const issues: string[] = [];
    if (!/^https?:\/\//i.test(redirectUri)) issues.push('redirect_uri 必须是 http(s) 地址');
    if (!OAUTH_STATE.test(state)) issues.push('state 只能包含字母数字且不超过128字节');
    if (issues.length) throw new WecomRequestInvalidError('OAuth URL', issues);
    throw notConfigured('企业微信网页授权');
  }

  async getUserIdByOAuthCode(_code: string): Promise<OAuthIdentity> {
    throw notConfigured('企业微信网页授权');
  }

  async getUser(_userid: string): Promise<WecomUser | null> {
    throw notConfigured('企业微信通讯录');
  }

  async listDepartments(_rootId?: number): Promise<WecomDepartment[]> {
    throw notConfigured('企业微信通讯录');
  }

  async listUsersInDepartment(_departmentId: number): Promise<WecomUser[]> {
    throw notConfigured('企业微信通讯录');
  }

  async listExternalContactsOf(_userids: string[]): Promise<ExternalContactPage> {
    throw notConfigured('企业微信客户联系');
  }

  async getJsApiTicket(_type: JsApiTicketType): Promise<string> {
    throw notConfigured('企业微信 JS-SDK 签名');
  }

  async downloadMedia(mediaId: string): Promise<MediaFile> {
    throw new AppError('WECOM_NOT_CONFIGURED', { mediaId });
  }
}

function notConfigured(what: string): AppError {
  return new AppError('WECOM_NOT_CONFIGURED', { what }, `未配置企业微信，${what}不可用`);
}
