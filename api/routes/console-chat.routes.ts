import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { askBotThroughInbox, consoleHistory, type ConsoleBot } from '../../core/inbound/console-bridge.js';
import { AppError } from '../../core/errors.js';
import { Id } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/**
 * The H5 chat page: the signed-in member talks to the bot, the replies come
 * back in the response (the console transport). With the bot in this process
 * (`consoleBot`, wired by main.ts) the message, the conversation and the
 * draft changes commit together in the request's transaction; without it the
 * message is recorded for the bot part and its answer awaited. Sending the
 * same `clientMessageId` again returns the first answer instead of acting twice.
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

/** A reply; `choices` when it ends in a question with set answers (the chat shows them as buttons). */
const ConsoleReply = z.object({
  kind: z.literal('text'), text: z.string(),
  choices: z.array(z.object({ label: z.string(), answer: z.string() })).optional(),
});

export const ConsoleRepliesSchema = z.object({
  replies: z.array(ConsoleReply),
  /** True when this clientMessageId was answered before and the first answer is returned. */
  replayed: z.boolean(),
}).openapi('ConsoleReplies');

export const ConsoleHistorySchema = z.object({
  items: z.array(z.object({
    at: z.string(),
    /** What the member sent (text, image, voice or location). */
    message: z.record(z.string(), z.unknown()),
    /** The bot's answer; null while it is still being handled. */
    replies: z.array(ConsoleReply).nullable(),
  })),
}).openapi('ConsoleHistory');

export function registerConsoleChatRoutes(kit: RouteKit, consoleBot: ConsoleBot | null): void {
  defineRoute(kit, {
    method: 'get', path: '/api/bot/console/history', operationId: 'consoleChatHistory', tags: ['bot'],
    summary: '聊天记录（H5 聊天页刷新后接着显示）：本人最近50条消息和机器人的回复',
    response: ConsoleHistorySchema,
    handler: async ({ db, actor }) => ({ items: await consoleHistory(db, actor.wecomUserid) as any }),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/bot/console', operationId: 'consoleChat', tags: ['bot'], status: 200,
    summary: '与机器人对话（H5 聊天页）：发送文字、照片、语音或位置，返回机器人的回复',
    body: ConsoleMessageSchema, response: ConsoleRepliesSchema,
    handler: async ({ db, deps, actor, body }) => {
      const { clientMessageId, ...message } = body;
      const env = { dedupeKey: `console:${actor.wecomUserid}:${clientMessageId ?? randomUUID()}`, userid: actor.wecomUserid, message };
      // a write route's db is the request's transaction
      if (consoleBot) return consoleBot.talk(db as pg.PoolClient, env);
      const answer = await askBotThroughInbox(deps.pool, env, deps.now());
      if (answer) return answer;
      // recorded, and answered once the bot part gets to it: the same clientMessageId then returns that answer
      throw new AppError('IDEMPOTENCY_IN_PROGRESS', { clientMessageId: clientMessageId ?? null }, '机器人还在处理这条消息，请稍后用同一条消息重试');
    },
  });
}
