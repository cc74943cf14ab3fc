import { z } from 'zod';
import type { Config } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { createAibotAcceptor } from '../../core/inbound/accept-aibot.js';
import type { InboundBus } from '../../core/inbound/inbound-signal.js';
import { toAibotCallback } from '../../core/inbound/aibot-message.js';
import { decryptJsonCallback, encryptJsonReply, verifyAibotUrl, type CallbackCryptoConfig } from '../../core/wecom/callback-crypto.js';
import { ErrorResponse, type RouteKit } from '../route-kit.js';
import { MAX_BODY_BYTES, readRawBody } from './wecom-callback.routes.js';

/**
 * The 智能机器人 (AI bot) URL callback (reference §9 A): JSON bodies with the app callback's
 * signature and encryption, receiveid ''. Refused callbacks (CALLBACK_* codes) store nothing; a
 * message goes into the bot's inbox and is answered with an encrypted stream frame
 * (core/inbound/accept-aibot.ts). Off (422) without WECOM_AIBOT_TOKEN / WECOM_AIBOT_ENCODING_AES_KEY.
 *
 *   registerAibotRoutes(kit, { inboundBus });
 */
const PATH = '/api/wecom/aibot';

const SignedQuery = z.object({ msg_signature: z.string().describe('SHA-1 签名'), timestamp: z.string(), nonce: z.string() });
const EncryptedReply = z.object({ encrypt: z.string(), msgsignature: z.string(), timestamp: z.number(), nonce: z.string() });

function cryptoConfig(config: Config, now: () => Date): CallbackCryptoConfig {
  if (!config.aibot) {
    throw new AppError('WECOM_NOT_CONFIGURED', undefined, '未配置智能机器人（WECOM_AIBOT_TOKEN、WECOM_AIBOT_ENCODING_AES_KEY），无法接收消息');
  }
  return { token: config.aibot.token, encodingAESKey: config.aibot.encodingAESKey, corpId: '', maxBodyBytes: MAX_BODY_BYTES, now };
}

export function registerAibotRoutes(kit: RouteKit, deps: { inboundBus?: InboundBus | null }): void {
  const { config } = kit.deps;
  const accept = config.aibot
    ? createAibotAcceptor(kit.deps, { bus: deps.inboundBus ?? null, name: config.aibot.name, privateChatUrl: `${config.publicUrl}/chat` })
    : null;
  const errors = {
    400: { description: '回调内容格式不正确或无法解密', content: { 'application/json': { schema: ErrorResponse } } },
    403: { description: '签名校验失败或回调已过期', content: { 'application/json': { schema: ErrorResponse } } },
    422: { description: '未配置智能机器人', content: { 'application/json': { schema: ErrorResponse } } },
  };
  kit.registry.registerPath({
    method: 'get', path: PATH, operationId: 'wecomAibotVerify', tags: ['wecom'], security: [],
    summary: '智能机器人回调 URL 验证：校验签名并返回解密后的 echostr',
    request: { query: SignedQuery.extend({ echostr: z.string() }) },
    responses: { 200: { description: '解密后的 echostr 原文', content: { 'text/plain': { schema: z.string() } } }, ...errors },
  });
  kit.registry.registerPath({
    method: 'post', path: PATH, operationId: 'wecomAibotCallback', tags: ['wecom'], security: [],
    summary: '智能机器人消息回调（加密 JSON）：去重保存，以流式消息回答；群聊仅在被 @ 时作一般性回答',
    request: { query: SignedQuery, body: { content: { 'application/json': { schema: z.strictObject({ encrypt: z.string() }) } } } },
    responses: {
      200: { description: '加密的流式回复（无需回答时为空）', content: { 'application/json': { schema: EncryptedReply } } },
      413: { description: '回调内容过大', content: { 'application/json': { schema: ErrorResponse } } },
      ...errors,
    },
  });

  kit.router.get('wecomAibotVerify', PATH, (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = verifyAibotUrl(ctx.query, cryptoConfig(config, kit.deps.now));
  });

  kit.router.post('wecomAibotCallback', PATH, async (ctx) => {
    const cfg = cryptoConfig(config, kit.deps.now);
    const plain = decryptJsonCallback(ctx.query, await readRawBody(ctx.req, MAX_BODY_BYTES), cfg);
    const frame = await accept!(toAibotCallback(plain));
    ctx.status = 200;
    if (!frame) {
      ctx.body = '';
      return;
    }
    ctx.body = encryptJsonReply(frame, String(ctx.query.nonce), cfg);
  });
}
