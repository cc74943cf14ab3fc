import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { logger as rootLogger, type Logger } from '../logger.js';
import { contentTypeOf, mediaUploadIssues, multipartBody, type MediaUpload, type UploadedMedia } from './media-upload.js';
import { InMemoryTokenStore, SecretCache, type FetchedSecret, type TokenStore } from './token-cache.js';
import {
  assertValidMessage,
  type ExternalContactPage,
  type JsApiTicketType,
  type MediaFile,
  type OAuthIdentity,
  type OAuthScope,
  type SendResult,
  type UpdateTemplateCardInput,
  type UpdateTemplateCardResult,
  type WecomClient,
  type WecomDepartment,
  type WecomMessage,
  type WecomUser,
} from './wecom-client.js';
import {
  isTokenExpiredErrcode,
  WecomApiError,
  WecomProtocolError,
  WecomRequestInvalidError,
  WecomTransportError,
} from './wecom-errors.js';
import * as wire from './wecom-wire.js';

export interface HttpWecomClientOptions {
  /** WECOM_API_BASE, e.g. https://qyapi.weixin.qq.com or the fake's baseUrl. */
  apiBase: string;
  /** OAuth host is separate from qyapi (§6). */
  oauthBase?: string;
  corpId: string;
  agentId: number | string;
  secret: string;
  timeoutMs?: number;
  logger?: Logger;
  /** Shared token/ticket storage; defaults to this process's memory. */
  tokenStore?: TokenStore;
  /** Total tries for -1/45009/45033 and transport errors on idempotent calls (default 3). */
  maxAttempts?: number;
  /** First backoff step; doubles per retry with jitter, capped at 2 s (default 250 ms). */
  retryBaseDelayMs?: number;
  /** Largest accepted media download (file media is ≤20 MB, §5). */
  maxMediaBytes?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; errcode: number; errmsg: string };
interface CallSpec {
  path: string;
  /** Only idempotent calls are retried after a network error: a timed-out send may have been delivered. */
  idempotent: boolean;
  useToken: boolean;
}

const OAUTH_STATE = /^[a-zA-Z0-9]{0,128}$/;
const MAX_BACKOFF_MS = 2_000;

/** errcode ≠ 0 is a failure; a missing errcode means success (§0). */
function jsonOutcome(path: string, payload: unknown): Outcome<unknown> {
  if (typeof payload !== 'object' || payload === null) throw new WecomTransportError(path, 'non-JSON body');
  const { errcode, errmsg } = payload as { errcode?: unknown; errmsg?: unknown };
  if (typeof errcode === 'number' && errcode !== 0) return { ok: false, errcode, errmsg: String(errmsg ?? '') };
  return { ok: true, value: payload };
}

/**
 * WecomClient over axios. Holds the access token per (corpid, agentid),
 * refreshes it 5 min early, re-fetches once on 40014/42001, retries only
 * system errors (-1, 45009, 45033) a bounded number of times (§1, §3).
 *
 *   const wecom = new HttpWecomClient({ apiBase, corpId, agentId, secret });
 */
export class HttpWecomClient implements WecomClient {
  readonly connected = true;
  private readonly http: AxiosInstance;
  private readonly cache: SecretCache;
  private readonly log: Logger;
  private readonly agentId: number;
  private readonly oauthBase: string;
  private readonly maxAttempts: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxMediaBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: HttpWecomClientOptions) {
    this.agentId = Number(opts.agentId);
    this.oauthBase = (opts.oauthBase ?? 'https://open.weixin.qq.com').replace(/\/+$/, '');
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.retryBaseDelayMs = opts.retryBaseDelayMs ?? 250;
    this.maxMediaBytes = opts.maxMediaBytes ?? 25 * 1024 * 1024;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = (opts.logger ?? rootLogger).child({ component: 'wecom', corpId: opts.corpId, agentId: this.agentId });
    this.cache = new SecretCache(opts.tokenStore ?? new InMemoryTokenStore(), { now: opts.now });
    this.http = axios.create({
      baseURL: opts.apiBase.replace(/\/+$/, ''),
      timeout: opts.timeoutMs ?? 10_000,
      // WeCom reports errors in the body with HTTP 200; we inspect status ourselves.
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  async sendMessage(msg: WecomMessage): Promise<SendResult> {
    assertValidMessage(msg);
    const body = wire.toWireMessage(msg, this.agentId);
    const res = await this.json('POST', '/cgi-bin/message/send', {}, body, wire.sendResponse, false);
    return wire.toSendResult(res);
  }

  async updateTemplateCard(input: UpdateTemplateCardInput): Promise<UpdateTemplateCardResult> {
    const body = wire.toWireCardUpdate(input, this.agentId);
    const res = await this.json('POST', '/cgi-bin/message/update_template_card', {}, body, wire.updateCardResponse, false);
    return { invalidUsers: wire.splitPipe(res.invaliduser) };
  }

  async getUserIdByOAuthCode(code: string): Promise<OAuthIdentity> {
    if (!code || Buffer.byteLength(code) > 512) throw new WecomRequestInvalidError('OAuth code', ['code 为空或超过512字节']);
    const path = '/cgi-bin/auth/getuserinfo';
    const res = await this.json('GET', path, { code }, undefined, wire.userInfoResponse, true);
    const identity = wire.toOAuthIdentity(res);
    if (!identity) throw new WecomProtocolError(path, 'neither userid nor openid');
    return identity;
  }

  async getUser(userid: string): Promise<WecomUser | null> {
    try {
      const res = await this.json('GET', '/cgi-bin/user/get', { userid }, undefined, wire.singleUserResponse, true);
      return wire.toWecomUser(res);
    } catch (err) {
      if (err instanceof WecomApiError && err.errcode === 60111) return null;
      throw err;
    }
  }

  async listDepartments(rootId?: number): Promise<WecomDepartment[]> {
    const params: Record<string, number> = rootId === undefined ? {} : { id: rootId };
    const res = await this.json('GET', '/cgi-bin/department/list', params, undefined, wire.departmentListResponse, true);
    return wire.toWecomDepartments(res);
  }

  async listUsersInDepartment(departmentId: number): Promise<WecomUser[]> {
    const params = { department_id: departmentId, fetch_child: 0 };
    const res = await this.json('GET', '/cgi-bin/user/list', params, undefined, wire.userListResponse, true);
    return res.userlist.map(wire.toWecomUser);
  }

  async listExternalContactsOf(userids: string[], cursor = ''): Promise<ExternalContactPage> {
    if (userids.length === 0 || userids.length > 100) throw new WecomRequestInvalidError('external contacts', ['userid_list 需要 1–100 个成员']);
    // a read: safe to retry after a network error
    const res = await this.json('POST', '/cgi-bin/externalcontact/batch/get_by_user', {},
      { userid_list: userids, cursor, limit: 100 }, wire.externalContactsByUserResponse, true);
    return { items: wire.toExternalContacts(res), nextCursor: res.next_cursor };
  }

  async getJsApiTicket(type: JsApiTicketType): Promise<string> {
    const [path, params] =
      type === 'corp' ? ['/cgi-bin/get_jsapi_ticket', {}] : ['/cgi-bin/ticket/get', { type: 'agent_config' }];
    return this.cache.get(`ticket:${type}:${this.opts.corpId}:${this.agentId}`, async () => {
      const res = await this.json('GET', path, params, undefined, wire.ticketResponse, true);
      return { value: res.ticket, expiresInSec: res.expires_in };
    });
  }

  async uploadMedia(media: MediaUpload): Promise<UploadedMedia> {
    const issues = mediaUploadIssues(media);
    if (issues.length) throw new WecomRequestInvalidError('media upload', issues);
    const path = '/cgi-bin/media/upload';
    const { body, contentType } = multipartBody('media', media.filename, contentTypeOf(media), media.buffer);
    // A repeated upload only leaves an unused media_id behind, so network errors are retried like reads.
    const data = await this.execute({ path, idempotent: true, useToken: true }, async (token) => {
      const res = await this.request(path, {
        method: 'POST',
        params: { type: media.type, access_token: token },
        data: body,
        headers: { 'Content-Type': contentType, 'Content-Length': String(body.length) },
        maxBodyLength: body.length + 1024,
      });
      return jsonOutcome(path, res.data);
    });
    const parsed = wire.uploadMediaResponse.safeParse(data);
    if (!parsed.success) throw new WecomProtocolError(path, parsed.error.issues.map((i) => i.path.join('.')).join(', '));
    this.log.info({ type: media.type, bytes: media.buffer.length }, 'wecom media uploaded');
    return wire.toUploadedMedia(parsed.data, media.type);
  }

  async downloadMedia(mediaId: string, opts: { jssdk?: boolean } = {}): Promise<MediaFile> {
    const path = opts.jssdk ? '/cgi-bin/media/get/jssdk' : '/cgi-bin/media/get';
    return this.execute({ path, idempotent: true, useToken: true }, async (token) => {
      const res = await this.request(path, {
        method: 'GET',
        params: { media_id: mediaId, access_token: token },
        responseType: 'arraybuffer',
        maxContentLength: this.maxMediaBytes,
      });
      const buffer = Buffer.from(res.data as ArrayBuffer);
      const contentType = String(res.headers['content-type'] ?? 'application/octet-stream');
      // Errors (40007 expired media, 42001...) arrive as JSON with HTTP 200 (§5).
      const error = /json|text\/plain/i.test(contentType) ? wire.errcodeInBody(buffer) : null;
      if (error) return { ok: false, ...error };
      const filename = wire.filenameFromDisposition(res.headers['content-disposition']) ?? mediaId;
      return { ok: true, value: { buffer, contentType, filename } };
    });
  }

  buildOAuthUrl(redirectUri: string, state: string, opts: { scope?: OAuthScope } = {}): string {
    const issues: string[] = [];
    if (!/^https?:\/\//i.test(redirectUri)) issues.push('redirect_uri 必须是 http(s) 地址');
    if (!OAUTH_STATE.test(state)) issues.push('state 只能包含字母数字且不超过128字节');
    if (issues.length) throw new WecomRequestInvalidError('OAuth URL', issues);
    const q = new URLSearchParams({
      appid: this.opts.corpId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: opts.scope ?? 'snsapi_base',
      state,
      agentid: String(this.agentId),
    });
    // Parameter order and the #wechat_redirect suffix follow the documented URL (§6).
    return `${this.oauthBase}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`;
  }

  private accessToken(): Promise<string> {
    return this.cache.get(this.tokenKey(), () => this.fetchToken());
  }

  // One token per app secret (§1): keyed by corp and agent, never shared with the contacts-sync secret.
  private tokenKey(): string {
    return `token:${this.opts.corpId}:${this.agentId}`;
  }

  private async fetchToken(): Promise<FetchedSecret> {
    const params = { corpid: this.opts.corpId, corpsecret: this.opts.secret };
    const res = await this.json('GET', '/cgi-bin/gettoken', params, undefined, wire.tokenResponse, true, false);
    this.log.info({ expiresIn: res.expires_in }, 'wecom access token fetched');
    return { value: res.access_token, expiresInSec: res.expires_in };
  }

  private async json<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | number>,
    body: unknown,
    schema: S,
    idempotent: boolean,
    useToken = true,
  ): Promise<z.infer<S>> {
    const data = await this.execute({ path, idempotent, useToken }, async (token) => {
      const res = await this.request(path, { method, params: token ? { ...params, access_token: token } : params, data: body });
      return jsonOutcome(path, res.data);
    });
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new WecomProtocolError(path, parsed.error.issues.map((i) => i.path.join('.')).join(', '));
    return parsed.data;
  }

  private async execute<T>(spec: CallSpec, send: (token?: string) => Promise<Outcome<T>>): Promise<T> {
    let refreshedToken = false;
    let failures = 0;
    for (;;) {
      const token = spec.useToken ? await this.accessToken() : undefined;
      let outcome: Outcome<T>;
      try {
        outcome = await send(token);
      } catch (err) {
        if (!(err instanceof WecomTransportError) || !spec.idempotent || ++failures >= this.maxAttempts) throw err;
        this.log.warn({ path: spec.path, attempt: failures, detail: err.detail }, 'wecom transport error, retrying');
        await this.sleep(this.backoffMs(failures));
        continue;
      }
      if (outcome.ok) return outcome.value;
      if (token && !refreshedToken && isTokenExpiredErrcode(outcome.errcode)) {
        // Token revoked or expired early: drop exactly this token, fetch once, retry once.
        refreshedToken = true;
        this.log.info({ path: spec.path, errcode: outcome.errcode }, 'wecom token rejected, refreshing');
        await this.cache.invalidate(this.tokenKey(), token);
        continue;
      }
      const err = new WecomApiError(outcome.errcode, outcome.errmsg, spec.path);
      if (err.retryable && ++failures < this.maxAttempts) {
        this.log.warn({ path: spec.path, errcode: err.errcode, attempt: failures }, 'wecom busy, retrying');
        await this.sleep(this.backoffMs(failures));
        continue;
      }
      this.log.warn({ path: spec.path, errcode: err.errcode, errmsg: err.errmsg, kind: err.kind }, 'wecom call failed');
      throw err;
    }
  }

  private backoffMs(failures: number): number {
    const base = this.retryBaseDelayMs * 2 ** (failures - 1);
    return Math.min(MAX_BACKOFF_MS, base + Math.random() * this.retryBaseDelayMs);
  }

  private async request(path: string, config: Parameters<AxiosInstance['request']>[0]): Promise<AxiosResponse> {
    let res: AxiosResponse;
    try {
      res = await this.http.request({ ...config, url: path });
    } catch (err) {
      // Never attach the axios error: its config holds the tokenised URL and the secret.
      const e = err as { code?: string; message?: string };
      throw new WecomTransportError(path, e.code ?? e.message ?? 'network error');
    }
    if (res.status !== 200) throw new WecomTransportError(path, `HTTP ${res.status}`);
    return res;
  }
}
