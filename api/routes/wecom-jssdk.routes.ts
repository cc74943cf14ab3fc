import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { createJsApiSignature, stripFragment } from '../../core/wecom/jssdk-signature.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const JsConfigSchema = z.object({
  /** false in demo mode: the app uses the browser's own location, camera and microphone. */
  enabled: z.boolean(),
  corpId: z.string().nullable(),
  agentId: z.string().nullable(),
}).openapi('WecomJsConfig');

const JsSignQuery = z.object({
  url: z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, '必须是以 http:// 或 https:// 开头的页面地址'),
  type: z.enum(['corp', 'agent']).default('corp'),
}).strict();

const JsSignatureSchema = z.object({
  timestamp: z.number(),
  nonceStr: z.string(),
  signature: z.string(),
  /** The URL actually signed (without `#…`), for debugging 40093. */
  url: z.string(),
}).openapi('WecomJsSignature');

/**
 * The H5 app's JS-SDK hand-shake (wecom-reference §7): `ww.register` asks for
 * a config signature (corp jsapi_ticket) and an agent-config signature (agent
 * ticket) of the page URL without its hash. Tickets are cached by the WeCom
 * client (400/h per corp, 100/h per app). Demo mode has no tickets: 404 with
 * a message saying the browser fallbacks are in use.
 */
export function registerWecomJssdkRoutes(kit: RouteKit, wecom: WecomClient): void {
  const tags = ['wecom'];
  const { config } = kit.deps;
  defineRoute(kit, {
    method: 'get', path: '/api/wecom/js-config', operationId: 'getWecomJsConfig', tags,
    summary: 'H5 调用企业微信 JS-SDK 所需的企业 ID 与应用 ID（演示模式下 enabled=false）',
    response: JsConfigSchema,
    handler: async () => ({
      enabled: !config.demoMode,
      corpId: config.wecom?.corpId ?? null,
      agentId: config.wecom?.agentId ?? null,
    }),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/wecom/js-sign', operationId: 'signWecomJsApi', tags,
    summary: 'JS-SDK 签名：type=corp 用于 config，type=agent 用于 agentConfig；url 为当前页面地址（不含 # 之后部分）',
    query: JsSignQuery, response: JsSignatureSchema,
    handler: async ({ query, deps }) => {
      if (config.demoMode) {
        throw new AppError('NOT_FOUND', { reason: 'demo_mode' },
          '演示模式未配置企业微信，JS-SDK 签名不可用；应用会改用浏览器自带的定位、拍照和录音。');
      }
      const url = stripFragment(query.url);
      let ticket: string;
      try {
        ticket = await wecom.getJsApiTicket(query.type);
      } catch (err) {
        throw new AppError('WECOM_API_ERROR', { errcode: (err as { errcode?: number }).errcode, ticket: query.type });
      }
      return { ...createJsApiSignature(ticket, url, deps.now().getTime()), url };
    },
  });
}
