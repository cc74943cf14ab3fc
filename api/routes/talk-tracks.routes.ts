import type { Context } from 'koa';
import { z } from 'zod';
import { Filename, storeFile } from '../../core/attachments/attachments.js';
import { receiveFile } from '../../core/attachments/receive.js';
import { createStorage } from '../../core/attachments/storage.js';
import { IdParam, IdParams } from '../../core/resources/schemas.js';
import { DealPacksSchema, packsForDeal } from '../../core/talk-tracks/for-deal.js';
import { attachFileToPack, detachFileFromPack, packFile } from '../../core/talk-tracks/pack-files.js';
import {
  assertMayAuthor, canAuthor, createPack, getPack, listPacks, PackInputSchema, PackSchema, PackUpdateSchema, targetOptions,
  TargetOptionsSchema, updatePack,
} from '../../core/talk-tracks/packs.js';
import {
  HelpedInputSchema, markHelped, packUsage, PackUsageSchema, readPack, ReadInputSchema, ReaderViewSchema,
} from '../../core/talk-tracks/reads.js';
import { requireActor } from '../middleware/authenticate.js';
import { defineFileRoute } from '../file-route.js';
import { defineRoute, errorResponses, parse, type RouteKit } from '../route-kit.js';
import { idempotencyKeyOf, respondWrite, setStoredFileHeaders } from './attachments.routes.js';

const FileParams = z.object({ id: IdParam, attachmentId: IdParam });
const UploadQuery = z.strictObject({ filename: Filename.optional() });

/** Talk-track packs: admins write them (with files), everyone reads them; a read and 用上了 are recorded. */
export function registerTalkTrackRoutes(kit: RouteKit): void {
  const tags = ['talk-tracks'];
  const now = () => kit.deps.now();
  defineRoute(kit, {
    method: 'get', path: '/api/talk-tracks', operationId: 'listTalkTracks', tags,
    summary: '话术包列表（管理员另见草稿和每个包的打开、用上了、推送次数），以及可选的投放对象',
    response: z.object({ items: z.array(PackSchema), usage: PackUsageSchema.shape.items.nullable(), options: TargetOptionsSchema, canAuthor: z.boolean() }),
    handler: async ({ db, actor }) => ({
      items: await listPacks(db, actor), usage: canAuthor(actor) ? (await packUsage(db, actor)).items : null,
      options: await targetOptions(db), canAuthor: canAuthor(actor),
    }),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/talk-tracks', operationId: 'createTalkTrack', tags, idempotent: true,
    summary: '新建话术包（管理员）：小节、异议与应答、关键词、面向的客户类型/阶段/赢率信号',
    body: PackInputSchema, response: PackSchema,
    handler: ({ db, actor, body }) => createPack(db, actor, body, now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/talk-tracks/{id}', operationId: 'getTalkTrack', tags,
    summary: '一个话术包（不记为打开；阅读页用 POST …/reads）', params: IdParams, response: PackSchema,
    handler: ({ db, actor, params }) => getPack(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'put', path: '/api/talk-tracks/{id}', operationId: 'updateTalkTrack', tags,
    summary: '修改话术包（管理员）；version 与当前不符时拒绝，不覆盖他人的修改', params: IdParams, body: PackUpdateSchema, response: PackSchema,
    handler: ({ db, actor, params, body }) => updatePack(db, actor, params.id, body, now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/talk-tracks/{id}/reads', operationId: 'readTalkTrack', tags, status: 200,
    summary: '打开话术包阅读：记录一次打开（几分钟内重复打开算一次），返回内容、对应商机和推送原因',
    params: IdParams, body: ReadInputSchema, response: ReaderViewSchema,
    handler: ({ db, actor, params, body }) => readPack(db, actor, params.id, body, now()),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/talk-tracks/{id}/helped', operationId: 'markTalkTrackHelped', tags, status: 200,
    summary: '“用上了”：这个话术包帮上了忙（每人每个商机记一次）',
    params: IdParams, body: HelpedInputSchema, response: z.object({ helped: z.literal(true), helpedCount: z.number() }),
    handler: ({ db, actor, params, body }) => markHelped(db, actor, params.id, body, now()),
  });
  defineRoute(kit, {
    method: 'delete', path: '/api/talk-tracks/{id}/attachments/{attachmentId}', operationId: 'removeTalkTrackFile', tags,
    summary: '从话术包移除一个附件（管理员）', params: FileParams, response: PackSchema,
    handler: ({ db, actor, params }) => detachFileFromPack(db, actor, params.id, params.attachmentId, now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/opportunities/{id}/talk-tracks', operationId: 'listDealTalkTracks', tags,
    summary: '商机可用的话术包：为它推送过的（及原因），以及面向其客户类型或阶段的', params: IdParams, response: DealPacksSchema,
    handler: ({ db, actor, params }) => packsForDeal(db, actor, params.id),
  });
  registerFiles(kit, tags);
}

function registerFiles(kit: RouteKit, tags: string[]): void {
  const storage = createStorage(kit.deps.config);
  kit.registry.registerPath({
    method: 'post', path: '/api/talk-tracks/{id}/attachments', operationId: 'addTalkTrackFile', tags,
    summary: '给话术包上传一个文档（管理员）：请求体为文件原始内容（PDF、Word、Excel 等）',
    security: [{ session: [] }],
    request: {
      params: IdParams as any, query: UploadQuery as any,
      headers: z.object({ 'Idempotency-Key': z.string().min(8).max(200).optional() }),
      body: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      201: { description: '成功', content: { 'application/json': { schema: PackSchema } } },
      ...errorResponses({ 404: '话术包不存在', 413: '文件过大', 415: '不是文档' }),
    },
  });
  kit.router.post('addTalkTrackFile', '/api/talk-tracks/:id/attachments', async (ctx: Context) => {
    const actor = requireActor(ctx);
    assertMayAuthor(actor);
    const { id } = parse(IdParams, ctx.params, 'params');
    const query = parse(UploadQuery, ctx.query, 'query');
    const key = idempotencyKeyOf(ctx);
    await getPack(kit.deps.pool, actor, id);
    const stored = await storeFile(storage, await receiveFile(ctx.req, { declaredKind: 'document', contentLength: ctx.request.length }));
    await respondWrite(kit, ctx, actor, key, { operation: 'addTalkTrackFile', hashOf: { id, query, sha256: stored.sha256 } },
      (tx) => attachFileToPack(tx, actor, id, stored, query.filename ?? undefined, kit.deps.now()));
  });
  defineFileRoute(kit, {
    path: '/api/talk-tracks/{id}/attachments/{attachmentId}/content', operationId: 'getTalkTrackFile', tags,
    summary: '下载话术包的附件', params: FileParams, contentType: 'application/octet-stream', errors: { 404: '话术包或附件不存在' },
    handler: async (ctx, { actor, params }) => {
      const f = await packFile(kit.deps.pool, actor, params.id, params.attachmentId);
      const object = await storage.get(f.sha256);
      setStoredFileHeaders(ctx, f.filename, 'attachment');
      ctx.type = f.mime;
      ctx.length = object.size;
      ctx.body = object.stream;
    },
  });
}
