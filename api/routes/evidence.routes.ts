import { z } from 'zod';
import { VisitDraftSchema } from '../../core/actions/action-schemas.js';
import { checkDraftEvidence, EvidenceCheckSchema } from '../../core/actions/evidence-check.js';
import { createStorage, type Storage } from '../../core/attachments/storage.js';
import { appealFinding, decideEvidenceReview } from '../../core/evidence-reviews/decisions.js';
import {
  AppealBodySchema, DecideEvidenceBodySchema, EvidenceReviewDetailSchema, EvidenceReviewItemSchema, EvidenceReviewSchema,
  ListEvidenceReviewsQuery, SubmissionIdParams,
} from '../../core/evidence-reviews/schemas.js';
import { getEvidenceReview, listEvidenceReviews, reviewFileOrThrow } from '../../core/evidence-reviews/reviews.js';
import { IdParam, IdParams } from '../../core/resources/schemas.js';
import { defineFileRoute } from '../file-route.js';
import { defineRoute, type RouteKit } from '../route-kit.js';
import { pageOf } from './page-schema.js';

/**
 * Evidence verification: the rep's findings at capture time, the supervisors'
 * review queue (suspicious first), one review with its files and the rep's
 * check-ins that day, decisions and appeals. The file route answers bytes.
 */
export function registerEvidenceRoutes(kit: RouteKit, storage: Storage = createStorage(kit.deps.config)): void {
  const tags = ['evidence'];
  defineRoute(kit, {
    method: 'post', path: '/api/actions/{id}/evidence-check', operationId: 'checkDraftEvidence', tags, status: 200,
    summary: '拍照/签到后即时核验：按提交时同样的规则检查草稿中的照片、签到和语音，返回可信度与问题（不保存）',
    params: IdParams, body: VisitDraftSchema, response: EvidenceCheckSchema,
    handler: ({ db, actor, params, body, deps }) => checkDraftEvidence(db, actor, params.id, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/evidence-reviews', operationId: 'listEvidenceReviews', tags,
    summary: '证据复核队列：可信度最低的排在最前（主管看本部门及下级，业务员看自己的）',
    query: ListEvidenceReviewsQuery, response: pageOf(EvidenceReviewItemSchema),
    handler: ({ db, actor, query }) => listEvidenceReviews(db, actor, query),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/evidence-reviews/{submissionId}', operationId: 'getEvidenceReview', tags,
    summary: '一次提交的证据复核：问题、照片（含被重复使用的原照片）、业务员当天的签到轨迹',
    params: SubmissionIdParams, response: EvidenceReviewDetailSchema,
    handler: ({ db, actor, params }) => getEvidenceReview(db, actor, params.submissionId),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/evidence-reviews/{submissionId}/decision', operationId: 'decideEvidenceReview', tags, status: 200,
    summary: '主管复核结论：认可（计为有效跟进）或不认可（须写原因）；可以改判，统计随之更新',
    params: SubmissionIdParams, body: DecideEvidenceBodySchema, response: EvidenceReviewSchema,
    handler: ({ db, actor, params, body, deps }) =>
      decideEvidenceReview(db, actor, params.submissionId, body, { now: deps.now(), publicUrl: deps.config.publicUrl }),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/evidence-reviews/{submissionId}/appeals', operationId: 'appealEvidenceFinding', tags, status: 200,
    summary: '业务员对某条问题提交说明（申诉）；已判不通过的会回到主管的复核队列',
    params: SubmissionIdParams, body: AppealBodySchema, response: EvidenceReviewSchema,
    handler: ({ db, actor, params, body, deps }) => appealFinding(db, actor, params.submissionId, body, deps.now()),
  });
  registerReviewFile(kit, storage);
}

const FileParams = z.object({ submissionId: IdParam, attachmentId: IdParam });

function registerReviewFile(kit: RouteKit, storage: Storage): void {
  defineFileRoute(kit, {
    path: '/api/evidence-reviews/{submissionId}/files/{attachmentId}', operationId: 'getEvidenceReviewFile', tags: ['evidence'],
    summary: '复核页面查看的照片/语音：本次提交的文件，以及问题中指出的被重复使用的原文件',
    params: FileParams, contentType: 'application/octet-stream', errors: { 404: '不在权限范围内或不属于该复核' },
    handler: async (ctx, { actor, params }) => {
      const file = await reviewFileOrThrow(kit.deps.pool, actor, params.submissionId, params.attachmentId);
      const object = await storage.get(file.sha256);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
      ctx.set('Cache-Control', 'private, max-age=3600');
      ctx.type = file.mime;
      ctx.length = object.size;
      ctx.body = object.stream;
    },
  });
}
