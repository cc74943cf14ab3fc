import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Config } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { decryptCallback, encryptReply, verifyUrl, type CallbackCryptoConfig } from '../../core/wecom/callback-crypto.js';
import { buildTextReply } from '../../core/wecom/callback-reply.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import { createCallbackAcceptor, type CallbackAcceptor } from '../../core/inbound/accept-callback.js';
import { UNKNOWN_MEMBER_REPLY } from '../../core/inbound/bot-message.js';
import type { ConsoleBot } from '../../core/inbound/console-bridge.js';
import type { InboundBus } from '../../core/inbound/inbound-signal.js';
import { ErrorResponse, type RouteKit } from '../route-kit.js';
import { registerConsoleChatRoutes } from './console-chat.routes.js';

/**
 * The bot's HTTP side: the WeCom 接收消息 callback (reference §4) and the
 * console chat. The callback is public — WeCom signs it instead — and reads
 * its raw body itself (the body parser only handles JSON), with a byte
 * limit, before anything is parsed. A bad signature, AES payload, DTD or an
 * oversized body is refused (4xx), logged, and nothing is stored. A good
 * message is persisted (deduplicated by MsgId) and acknowledged with an
 * empty 200 at once (core/inbound/accept-callback.ts); the bot part, told
 * by the inbound signal, answers later through message/send.
 *
 *   registerBotRoutes(kit, deps); // deps.wecom, and the bot's consoleBot / inboundBus when it runs in this process
 */
export const MAX_BODY_BYTES = 64 * 1024;

const CallbackQuery = z.object({
  msg_signature: z.string().describe('SHA-1 签名'),
  timestamp: z.string(),
  nonce: z.string(),
});

export interface BotRouteDeps {
  wecom: WecomClient;
  /** The bot in this process answers the H5 chat directly; without it, through the inbox. */
  consoleBot?: ConsoleBot | null;
  /** The bot in this process hears of callbacks directly; without it, by NOTIFY. */
  inboundBus?: InboundBus | null;
}

export function registerBotRoutes(kit: RouteKit, deps: BotRouteDeps): void {
  registerCallbackRoutes(kit, createCallbackAcceptor({ ...kit.deps, wecom: deps.wecom }, { bus: deps.inboundBus ?? null }));
  registerConsoleChatRoutes(kit, deps.consoleBot ?? null);
}

function cryptoConfig(config: Config, now: () => Date): CallbackCryptoConfig {
  const w = config.wecom;
  if (!w?.token || !w.encodingAESKey) {
    throw new AppError('WECOM_NOT_CONFIGURED', undefined, '未配置企业微信回调（WECOM_TOKEN、WECOM_ENCODING_AES_KEY），无法接收消息');
  }
  return { token: w.token, encodingAESKey: w.encodingAESKey, corpId: w.corpId, maxBodyBytes: MAX_BODY_BYTES, now };
}

/** The body as bytes, refused past `max` (by Content-Length up front, then while counting). */
export function readRawBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(new AppError('CALLBACK_PAYLOAD_TOO_LARGE', { max }));
  }
  // a stream someone already read would never emit 'end' again: the request would hang
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      total += chunk.length;
      if (total > max) {
        refused = true;
        reject(new AppError('CALLBACK_PAYLOAD_TOO_LARGE', { max }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!refused) resolve(Buffer.concat(chunks, total)); });
    req.on('error', reject);
  });
}

function registerCallbackRoutes(kit: RouteKit, accept: CallbackAcceptor): void {
  const path = '/api/wecom/callback';
  const errors = {
    400: { description: '回调内容格式不正确、无法解密或包含 DTD', content: { 'application/json': { schema: ErrorResponse } } },
    403: { description: '签名校验失败或接收方不是本企业', content: { 'application/json': { schema: ErrorResponse } } },
    422: { description: '未配置企业微信回调', content: { 'application/json': { schema: ErrorResponse } } },
  };
  kit.registry.registerPath({
    method: 'get', path, operationId: 'wecomCallbackVerify', tags: ['wecom'], security: [],
    summary: '企业微信回调 URL 验证：校验签名并返回解密后的 echostr',
    request: { query: CallbackQuery.extend({ echostr: z.string() }) },
    responses: { 200: { description: '解密后的 echostr 原文', content: { 'text/plain': { schema: z.string() } } }, ...errors },
  });
  kit.registry.registerPath({
    method: 'post', path, operationId: 'wecomCallback', tags: ['wecom'], security: [],
    summary: '企业微信消息与事件回调（加密 XML）：校验、解密、去重保存后立即返回空 200，机器人随后通过应用消息回复',
    request: { query: CallbackQuery, body: { content: { 'text/xml': { schema: z.string() } } } },
    responses: {
      200: { description: '已接收（空响应）；未开通的成员收到加密的被动回复', content: { 'application/xml': { schema: z.string() } } },
      413: { description: '回调内容过大', content: { 'application/json': { schema: ErrorResponse } } },
      ...errors,
    },
  });

  // a refused callback (400/403/413: CALLBACK_* codes) leaves through the error handler; nothing is stored
  kit.router.get('wecomCallbackVerify', path, (ctx) => {
    const echostr = verifyUrl(ctx.query, cryptoConfig(kit.deps.config, kit.deps.now));
    ctx.type = 'text/plain';
    ctx.body = echostr;
  });

  kit.router.post('wecomCallback', path, async (ctx) => {
    const cfg = cryptoConfig(kit.deps.config, kit.deps.now);
    const msg = decryptCallback(ctx.query, await readRawBody(ctx.req, MAX_BODY_BYTES), cfg);
    const receipt = await accept(msg);
    ctx.status = 200;
    if (receipt === 'unknown_member') {
      // answered within the request: a passive reply needs no access token and no member record
      ctx.type = 'application/xml';
      ctx.body = encryptReply(buildTextReply({ toUser: msg.fromUserId, corpId: cfg.corpId }, UNKNOWN_MEMBER_REPLY), String(ctx.query.nonce), cfg);
      return;
    }
    ctx.body = '';
  });
}
