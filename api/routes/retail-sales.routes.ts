import type { Context } from 'koa';
import { z } from 'zod';
import { withTransaction } from '../../core/db/pool.js';
import { AppError } from '../../core/errors.js';
import { entryAccuracy, recordClerkSales } from '../../core/retail/entry-accuracy.js';
import { importSalesBatch, importSalesFile, listSalesBatches } from '../../core/retail/sales-import.js';
import {
  ClerkSalesEntrySchema, SalesBatchSchema, SalesBatchViewSchema, SalesImportQuery, SalesImportResultSchema,
} from '../../core/retail/sales-schemas.js';
import { requireActor } from '../middleware/authenticate.js';
import { defineRoute, errorResponses, parse, type RouteKit } from '../route-kit.js';

/** A million sales rows as CSV is about 40 MB; more is not a day's export. */
const SALES_FILE_LIMIT = 64 * 1024 * 1024;

const AccuracyQuery = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日').optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日').optional(),
});
const Counts = { reported: z.number(), matched: z.number(), accurate: z.number(), rate: z.number().nullable() };
const AccuracySchema = z.object({
  from: z.string(), to: z.string(), tolerance: z.object({ percent: z.number(), units: z.number() }), method: z.string(),
  overall: z.object(Counts),
  stores: z.array(z.object({ id: z.number(), name: z.string(), chain: z.string(), ...Counts })),
  clerks: z.array(z.object({ id: z.number(), name: z.string(), storeName: z.string(), ...Counts })),
  misses: z.array(z.object({
    storeName: z.string(), clerkName: z.string(), productName: z.string(), day: z.string(), reported: z.number(), imported: z.number(),
    source: z.enum(['launch', 'entry']),
  })),
});

/** Sales data (#21 item 4): POS/ERP imports by file or API, clerks' own figures, and how accurate those are. */
export function registerRetailSalesRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  registerFileImport(kit);
  defineRoute(kit, {
    method: 'post', path: '/api/retail/sales', operationId: 'importSalesBatch', tags, status: 200,
    summary: 'ERP/POS 推送销量（门店×商品×天）：同一批次号重复推送不重复导入；有错误行时默认整批不导入，mode=valid 只导入正确的行',
    body: SalesBatchSchema, response: SalesImportResultSchema,
    handler: ({ db, actor, body, deps }) => importSalesBatch(db, actor, body, deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/sales/batches', operationId: 'listSalesBatches', tags, summary: '最近的销售数据导入批次',
    response: z.object({ items: z.array(SalesBatchViewSchema) }),
    handler: ({ db, actor }) => listSalesBatches(db, actor),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/clerk-sales', operationId: 'recordClerkSales', tags, status: 200, idempotent: true,
    summary: '店员录入本店某商品某天的销量（可补录的天数见设置“销量数据”；同一天再录入以最后一次为准）',
    body: ClerkSalesEntrySchema, response: z.object({ day: z.string(), units: z.number(), productName: z.string() }),
    handler: ({ db, actor, body, deps }) => recordClerkSales(db, actor, body, 'entry', deps.now()),
  });
  defineRoute(kit, {
    method: 'get', path: '/api/retail/entry-accuracy', operationId: 'getEntryAccuracy', tags,
    summary: '数据填报准确率：店员填报与 POS 导入销量比对，按门店、按店员，附偏差记录（默认最近30天）',
    query: AccuracyQuery, response: AccuracySchema,
    handler: ({ db, actor, query, deps }) => entryAccuracy(db, actor, query, deps.now()),
  });
}

function registerFileImport(kit: RouteKit): void {
  kit.registry.registerPath({
    method: 'post', path: '/api/retail/sales/import', operationId: 'importSalesFile', tags: ['retail'],
    summary: '上传 POS/ERP 导出的销量文件（CSV 或 .xlsx；请求体为文件原始内容）',
    description: '表头：门店编码（或门店名称）、商品编码（或商品条码）、日期、销量，可选 销售额。同一个文件再次上传不会重复导入。'
      + '有错误行时默认整个文件不导入（422 SALES_FILE_REFUSED，逐行列出行号、列和原因）；mode=valid 只导入正确的行并记录跳过的行。',
    security: [{ session: [] }],
    request: {
      query: SalesImportQuery as any,
      body: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: { description: '成功', content: { 'application/json': { schema: SalesImportResultSchema } } },
      ...errorResponses({ 413: '文件超过64MB' }),
    },
  });
  kit.router.post('importSalesFile', '/api/retail/sales/import', async (ctx) => {
    const actor = requireActor(ctx);
    const query = parse(SalesImportQuery, ctx.query, 'query');
    if (ctx.is('multipart', 'json', 'urlencoded')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: ctx.get('Content-Type') }, '请直接上传文件的原始内容（application/octet-stream），不支持表单或 JSON');
    }
    const buffer = await readLimited(ctx, SALES_FILE_LIMIT);
    ctx.body = await withTransaction(kit.deps.pool, (tx) =>
      importSalesFile(tx, actor, buffer, { fileName: query.fileName ?? null, mode: query.mode }, kit.deps.now()));
  });
}

async function readLimited(ctx: Context, limit: number): Promise<Buffer> {
  if (ctx.request.length !== undefined && ctx.request.length > limit) throw new AppError('BODY_TOO_LARGE', { limit }, '文件超过64MB，请按日期分成几个文件导入');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError('BODY_TOO_LARGE', { limit }, '文件超过64MB，请按日期分成几个文件导入');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
