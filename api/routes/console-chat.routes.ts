import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Id } from '../../core/resources/schemas.js';
import { receiveInTransaction } from '../../bot/engine/inbox.js';
import type { BotDeps } from '../../bot/engine/types.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/**
 * The H5 chat page: the signed-in member talks to the bot, the replies come
 * back in the response (the console transport). The message, the
 * conversation and the draft changes commit together; sending the same
 * `clientMessageId` again returns the first answer instead of acting twice.
 */
const ClientMessageId = z.string().trim().min(1).max(100).regex(/^[\w\-:.]+$/, '只能包含字母、数字和 -_:.').optional();

export const ConsoleMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('text'), text: z.string().min(1, '不能为空').max(20_000, '消息太长'), clientMessageId: ClientMessageId }),
  /** A photo uploaded first through POST /api/attachments. */
  z.strictObject({ kind: z.literal('image'), attachmentId: Id, clientMessageId: ClientMessageId }),
  z.strictObject({
    kind: z.literal('voice'), attachmentId: Id, recognition: z.string().max(5000).optional(), clientMessageId: ClientMessageId,
  }),
  z.strictObject({
    kind: z.literal('location'), lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180),
    coordSystem: z.enum(['wgs84', 'gcj02']).default('gcj02'), label: z.string().max(200).optional(), clientMessageId: ClientMessageId,
  }),
]).openapi('ConsoleMessage');

export const ConsoleRepliesSchema = z.object({
  replies: z.array(z.object({ kind: z.literal('text'), text: z.string() })),
  /** True when this clientMessageId was answered before and the first answer is returned. */
  replayed: z.boolean(),
}).openapi('ConsoleReplies');

export function registerConsoleChatRoutes(kit: RouteKit, botDeps: BotDeps): void {
  defineRoute(kit, {
    method: 'post', path: '/api/bot/console', operationId: 'consoleChat', tags: ['bot'], status: 200,
    summary: '与机器人对话（H5 聊天页）：发送文字、照片、语音或位置，返回机器人的回复',
    body: ConsoleMessageSchema, response: ConsoleRepliesSchema,
    handler: async ({ db, actor, body }) => {
      const { clientMessageId, ...message } = body;
      return receiveInTransaction(db as never, botDeps, 'console', {
        dedupeKey: `console:${actor.wecomUserid}:${clientMessageId ?? randomUUID()}`, userid: actor.wecomUserid, message,
      });
    },
  });
}
