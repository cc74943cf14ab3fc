import { createStorage, type Storage } from '../../core/attachments/storage.js';
import { findOutboxImage } from '../../core/outbox/list-outbox.js';
import { AppError } from '../../core/errors.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineFileRoute } from '../file-route.js';
import type { RouteKit } from '../route-kit.js';

/**
 * The pictures the outbox pushes, first of all the weekly 跨部门协同堵点热力图:
 * GET /api/outbox/{id}/image answers the stored PNG of an image message to its
 * recipient (admins: any), whether it was sent, waits, or — in demo mode —
 * stayed in the 发件箱. The outbox list links it as `imageUrl`.
 */
export function registerHeatmapImageRoutes(kit: RouteKit, storage: Storage = createStorage(kit.deps.config)): void {
  defineFileRoute(kit, {
    path: '/api/outbox/{id}/image', operationId: 'getOutboxImage', tags: ['alerts'],
    summary: '发件箱中图片消息的图片（如每周推送给总监的堵点热力图 PNG；演示模式下即“本应推送”的图片）',
    params: IdParams, contentType: 'image/png', errors: { 404: '消息不存在、不是图片消息或不是发给你的' },
    handler: async (ctx, { actor, params }) => {
      const image = await findOutboxImage(kit.deps.pool, actor, params.id);
      if (!image || !(await storage.exists(image.sha256))) throw new AppError('NOT_FOUND', { resource: 'outbox', id: params.id });
      const object = await storage.get(image.sha256);
      const ascii = image.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
      ctx.set('Content-Disposition', `inline; filename="${ascii}"`);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
      // content-addressed: the bytes behind this id never change
      ctx.set('Cache-Control', 'private, max-age=86400');
      ctx.type = image.contentType;
      ctx.length = object.size;
      ctx.body = object.stream;
    },
  });
}
