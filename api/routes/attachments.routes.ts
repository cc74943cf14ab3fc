import type { Context } from 'koa';
import { z, type ZodType } from 'zod';
import type { Actor } from '../../core/auth/actor.js';
import {
  assertMayUpload, AttachmentSchema, FromWecomBodySchema, getAttachmentOrThrow, insertAttachment, recordDownload,
  resolveUploadRefs, storeFile, UpdateAttachmentSchema, updateAttachmentTags, UploadQuerySchema,
} from '../../core/attachments/attachments.js';
import { fetchWecomMedia } from '../../core/attachments/from-wecom.js';
import { ATTACHMENT_LIMITS, formatBytes, KIND_LABELS } from '../../core/attachments/limits.js';
import { receiveFile } from '../../core/attachments/receive.js';
import { ACCEPTED_FORMATS } from '../../core/attachments/sniff.js';
import { createStorage, type ByteRange, type Storage } from '../../core/attachments/storage.js';
import { withTransaction, type Db } from '../../core/db/pool.js';
import { AppError } from '../../core/errors.js';
import { requestHash, runIdempotent } from '../../core/resources/idempotency.js';
import { IdParams } from '../../core/resources/schemas.js';
import type { WecomClient } from '../../core/wecom/wecom-client.js';
import { requireActor } from '../middleware/authenticate.js';
import { defineRoute, errorResponses, readJsonBody, type RouteKit } from '../route-kit.js';

/**
 * Attachments. Metadata and tags go through defineRoute. Three operations are
 * documented exceptions, registered here by hand with the same OpenAPI
 * conventions: the upload reads the raw body itself (a streaming byte limit,
 * before any transaction is opened), the WeCom fetch downloads before its
 * transaction, and the content route answers bytes, not JSON.
 */
export function registerAttachmentRoutes(kit: RouteKit, wecom: WecomClient, storage: Storage = createStorage(kit.deps.config)): void {
  const tags = ['attachments'];
  registerUpload(kit, storage);
  registerFromWecom(kit, wecom, storage);
  registerContent(kit, storage);
  defineRoute(kit, {
    method: 'get', path: '/api/attachments/{id}', operationId: 'getAttachment', tags,
    summary: '附件信息（含下载次数及下载人）',
    params: IdParams, response: AttachmentSchema,
    handler: ({ db, actor, params }) => getAttachmentOrThrow(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/attachments/{id}', operationId: 'updateAttachment', tags, summary: '修改附件标签',
    params: IdParams, body: UpdateAttachmentSchema, response: AttachmentSchema,
    handler: ({ db, actor, params, body }) => updateAttachmentTags(db, actor, params.id, body.tags),
  });
}

const limitsText = (Object.keys(ATTACHMENT_LIMITS) as Array<keyof typeof ATTACHMENT_LIMITS>)
  .map((k) => `${KIND_LABELS[k]}（${ACCEPTED_FORMATS[k]}）不超过${formatBytes(ATTACHMENT_LIMITS[k])}`).join('；');

function registerUpload(kit: RouteKit, storage: Storage): void {
  kit.registry.registerPath({
    method: 'post', path: '/api/attachments', operationId: 'uploadAttachment', tags: ['attachments'],
    summary: '上传附件：请求体为文件原始内容（非 multipart），按文件内容识别类型',
    description: `Content-Type 为 application/octet-stream 或文件本身的类型。${limitsText}。`,
    security: [{ session: [] }],
    request: {
      query: UploadQuerySchema as any,
      headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
      body: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      201: { description: '成功', content: { 'application/json': { schema: AttachmentSchema } } },
      ...errorResponses({ 413: '文件超过该类附件的大小上限', 415: '文件内容不是允许的类型，或与声明的类型不符' }),
    },
  });
  kit.router.post('uploadAttachment', '/api/attachments', async (ctx) => {
    const actor = requireActor(ctx);
    assertMayUpload(actor);
    const query = parseInput(UploadQuerySchema, ctx.query, 'query');
    const key = idempotencyKeyOf(ctx);
    if (ctx.is('multipart', 'json', 'urlencoded', 'text')) {
      throw new AppError('ATTACHMENT_TYPE_UNSUPPORTED', { contentType: ctx.get('Content-Type') },
        '请直接上传文件的原始内容（Content-Type 为 application/octet-stream 或文件本身的类型），不支持表单或 JSON。');
    }
    // refused references fail before a byte is read; the insert checks them again in its transaction
    await resolveUploadRefs(kit.deps.pool, actor, query);
    const received = await receiveFile(ctx.req, { declaredKind: query.kind, contentLength: ctx.request.length });
    const stored = await storeFile(storage, received);
    await respondWrite(kit, ctx, actor, key, { operation: 'uploadAttachment', hashOf: { query, sha256: stored.sha256 } },
      (tx) => insertAttachment(tx, actor, stored, {
        tags: query.tags, customerId: query.customerId, actionId: query.actionId, filename: query.filename, source: 'upload',
      }));
  });
}

function registerFromWecom(kit: RouteKit, wecom: WecomClient, storage: Storage): void {
  kit.registry.registerPath({
    method: 'post', path: '/api/attachments/from-wecom', operationId: 'uploadAttachmentFromWecom', tags: ['attachments'],
    summary: '从企业微信素材（media_id）保存附件：服务器下载后按上传同样的规则检查',
    security: [{ session: [] }],
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
      body: { required: true, content: { 'application/json': { schema: FromWecomBodySchema } } },
    },
    responses: {
      201: { description: '成功', content: { 'application/json': { schema: AttachmentSchema } } },
      ...errorResponses({ 413: '素材超过该类附件的大小上限', 415: '素材内容不是允许的类型', 502: '企业微信接口不可用' }),
    },
  });
  kit.router.post('uploadAttachmentFromWecom', '/api/attachments/from-wecom', async (ctx) => {
    const actor = requireActor(ctx);
    assertMayUpload(actor);
    const body = parseInput(FromWecomBodySchema, await readJsonBody(ctx), 'body');
    const key = idempotencyKeyOf(ctx);
    await resolveUploadRefs(kit.deps.pool, actor, body);
    const { file, filename } = await fetchWecomMedia(wecom, body);
    const stored = await storeFile(storage, file);
    await respondWrite(kit, ctx, actor, key, { operation: 'uploadAttachmentFromWecom', hashOf: { body, sha256: stored.sha256 } },
      (tx) => insertAttachment(tx, actor, stored, {
        tags: body.tags, customerId: body.customerId, actionId: body.actionId, filename: body.filename ?? filename,
        source: 'wecom_media', wecomMediaId: body.mediaId,
      }));
  });
}

const ContentQuery = z.strictObject({
  /** Voice: the MP3 copy a webview can play (the original when none was needed). */
  playable: z.enum(['1', 'true']).optional(),
});

function registerContent(kit: RouteKit, storage: Storage): void {
  kit.registry.registerPath({
    method: 'get', path: '/api/attachments/{id}/content', operationId: 'getAttachmentContent', tags: ['attachments'],
    summary: '下载附件内容（记录下载人和时间）；语音可取可播放的 MP3 副本（playable=1），支持 Range',
    security: [{ session: [] }],
    request: { params: IdParams as any, query: ContentQuery as any },
    responses: {
      200: { description: '文件内容', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      ...errorResponses({ 404: '附件不存在或不在权限范围内', 416: 'Range 超出文件大小' }),
    },
  });
  kit.router.get('getAttachmentContent', '/api/attachments/:id/content', async (ctx) => {
    const actor = requireActor(ctx);
    const { id } = parseInput(IdParams, ctx.params, 'params');
    const query = parseInput(ContentQuery, ctx.query, 'query');
    const wanted = parseRange(ctx.get('Range'));
    let served: ByteRange | null = null;
    // iOS's player only plays media answered with 206 to its Range requests
    const open = async (sha256: string) => {
      const whole = await storage.get(sha256);
      if (!wanted) return whole;
      whole.stream.destroy();
      served = resolveRange(wanted, whole.size);
      if (!served) return whole;
      return storage.get(sha256, served);
    };
    const { content, object } = await recordDownload(kit.deps.pool, actor, id, open,
      { playable: query.playable !== undefined, countsAsDownload: !wanted || wanted.start === 0 });
    const { kind, mime } = content.attachment;
    setStoredFileHeaders(ctx, content.filename, kind === 'document' ? 'attachment' : 'inline');
    ctx.set('Accept-Ranges', 'bytes');
    ctx.type = mime;
    const range = served as ByteRange | null;
    if (wanted && !range) {
      object.stream.destroy();
      ctx.status = 416;
      ctx.set('Content-Range', `bytes */${object.size}`);
      return;
    }
    if (range) {
      ctx.status = 206;
      ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${object.size}`);
    }
    ctx.length = range ? range.end - range.start + 1 : object.size;
    ctx.body = object.stream;
  });
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` (one range; several are answered whole, which HTTP allows). */
function parseRange(header: string): { start: number; end: number | null; suffix: boolean } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') return { start: -1, end: Number(m[2]), suffix: true };
  return { start: Number(m[1]), end: m[2] === '' ? null : Number(m[2]), suffix: false };
}

function resolveRange(r: NonNullable<ReturnType<typeof parseRange>>, size: number): ByteRange | null {
  if (r.suffix) return r.end! > 0 && size > 0 ? { start: Math.max(0, size - r.end!), end: size - 1 } : null;
  if (r.start >= size || (r.end !== null && r.end < r.start)) return null;
  return { start: r.start, end: Math.min(r.end ?? size - 1, size - 1) };
}

// helpers --------------------------------------------------------------------------------

/** How a stored file is served: named (ASCII and UTF-8), never sniffed, never a page of ours, never cached shared. */
export function setStoredFileHeaders(ctx: Context, filename: string, disposition: 'attachment' | 'inline'): void {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
  ctx.set('Content-Disposition', `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  ctx.set('X-Content-Type-Options', 'nosniff');
  // an uploaded file is never a page of ours: no scripts even if a browser renders it
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Cache-Control', 'private, no-cache');
}

const IdempotencyKey = z.string().min(8).max(200).regex(/^[\w\-:.]+$/, '幂等键只能包含字母、数字和 -_:.');

/** The same validation error shape as defineRoute's. */
function parseInput<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new AppError('VALIDATION_FAILED', r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })));
}

export function idempotencyKeyOf(ctx: Context): string | undefined {
  const header = ctx.get('Idempotency-Key');
  return header ? parseInput(IdempotencyKey, header, 'headers.Idempotency-Key') : undefined;
}

/** 201 with what an upload made, once per Idempotency-Key when one is sent (a retry replays the first answer). */
export async function respondWrite(
  kit: RouteKit, ctx: Context, actor: Actor, key: string | undefined,
  req: { operation: string; hashOf: unknown }, work: (tx: Db) => Promise<unknown>,
): Promise<void> {
  if (!key) {
    ctx.body = await withTransaction(kit.deps.pool, work);
    ctx.status = 201;
    return;
  }
  const result = await runIdempotent(kit.deps.pool, {
    userId: actor.id, key, operation: req.operation, requestHash: requestHash(req.hashOf),
  }, async (tx) => ({ status: 201, body: await work(tx) }));
  ctx.status = result.status;
  ctx.body = result.body;
  if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
}
