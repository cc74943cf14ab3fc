import { z } from 'zod';
import {
  AccuracySchema, confirmLicenceScan, ConfirmScanSchema, CustomerLicenceSchema, getLicenceScan, licenceAccuracy,
  LicenceScanSchema, listCustomerLicences, pendingScans, requestLicenceScan, RequestScanSchema,
} from '../../core/profile/licence/licence-scans.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

/** The base layer of the customer profile: licence photos read by OCR and confirmed by the rep. */
export function registerLicenceRoutes(kit: RouteKit): void {
  const tags = ['licences'];
  defineRoute(kit, {
    method: 'post', path: '/api/customers/{id}/licence-scans', operationId: 'requestLicenceScan', tags, status: 202,
    summary: '识别证照：上传的执照/许可证照片或 PDF（先上传为附件）排队识别，立即返回；识别结果稍后在 GET /api/licence-scans/{id}',
    params: IdParams, body: RequestScanSchema, response: LicenceScanSchema, idempotent: true,
    // OCR is queued, not run here, but each scan costs seconds of a CPU: it counts against the member's fair use
    heavy: true,
    handler: ({ db, actor, params, body }) => requestLicenceScan(db, actor, params.id, body.attachmentId),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/licence-scans/{id}', operationId: 'getLicenceScan', tags,
    summary: '证照识别结果：逐项字段、统一社会信用代码校验、与客户档案的名称/地址比对、同一信用代码的其他客户',
    params: IdParams, response: LicenceScanSchema,
    handler: ({ db, actor, params }) => getLicenceScan(db, actor, params.id),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/licence-scans/{id}/confirm', operationId: 'confirmLicenceScan', tags, status: 200,
    summary: '业务员逐项确认或更正识别结果，保存为客户证照（更正会保留，用于统计识别准确率）',
    params: IdParams, body: ConfirmScanSchema, response: CustomerLicenceSchema,
    handler: ({ db, actor, params, body }) => confirmLicenceScan(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/customers/{id}/licences', operationId: 'listCustomerLicences', tags,
    summary: '客户当前的证照（含到期日）和待确认的识别',
    params: IdParams, response: z.object({ licences: z.array(CustomerLicenceSchema), pending: z.array(LicenceScanSchema) }),
    handler: async ({ db, actor, params, deps }) => ({
      licences: await listCustomerLicences(db, actor, params.id, deps.now()), pending: await pendingScans(db, actor, params.id),
    }),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/licences/accuracy', operationId: 'licenceOcrAccuracy', tags,
    summary: '证照识别准确率：每个字段被业务员原样确认的比例', response: AccuracySchema,
    handler: ({ db, actor }) => licenceAccuracy(db, actor),
  });
}
