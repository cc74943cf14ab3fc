/** The HTTP shapes of sales import and data-entry accuracy (core/retail), shared by the API and the H5 app. */
import { z } from 'zod';
import { Id } from '../resources/schemas.js';

export const ImportMode = z.enum(['all', 'valid'], { message: '导入方式只能是 all（有错误行则整个不导入）或 valid（只导入正确的行）' });

export const SalesRowErrorSchema = z.object({
  /** The row number as the spreadsheet shows it (the header is row 1); an API batch's rows count from 1. */
  line: z.number(), column: z.string(), value: z.string(), message: z.string(),
});
export type SalesRowError = z.infer<typeof SalesRowErrorSchema>;

export const SalesImportQuery = z.strictObject({
  fileName: z.string().trim().max(200, '文件名不能超过200个字符').optional(),
  mode: ImportMode.default('all'),
});

const Cell = z.string().trim().max(100, '不能超过100个字符');
export const SalesBatchSchema = z.strictObject({
  /** The sender's id for this batch: the same id again imports nothing twice. */
  batchId: z.string().trim().min(1, '请提供批次号').max(100, '批次号不能超过100个字符'),
  mode: ImportMode.default('all'),
  rows: z.array(z.strictObject({
    storeCode: Cell.optional(), storeName: Cell.optional(), sku: Cell.optional(), barcode: Cell.optional(),
    day: Cell, units: z.number(), amount: z.number().nullish(),
  })).min(1, '没有数据行').max(5000, '一批最多5000行，更多请分批或上传文件'),
});
export type SalesBatchInput = z.output<typeof SalesBatchSchema>;

export const SalesBatchViewSchema = z.object({
  batchId: z.string(), source: z.enum(['file', 'api']), fileName: z.string().nullable(),
  rowsTotal: z.number(), rowsImported: z.number(), rowsSkipped: z.number(),
  /** The rows left out at the importer's choice, each with why (the first 200). */
  skipped: z.array(SalesRowErrorSchema), importedAt: z.string(),
});
export const SalesImportResultSchema = SalesBatchViewSchema.extend({
  /** This file or batch id was imported before: nothing was written now. */
  alreadyImported: z.boolean(),
  inserted: z.number(), replaced: z.number(), unchanged: z.number(),
});
export type SalesImportResult = z.infer<typeof SalesImportResultSchema>;

export const ClerkSalesEntrySchema = z.strictObject({
  productId: Id,
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日'),
  units: z.number({ message: '请填写销量（件）' }).int('销量应为整数件').min(0, '销量不能为负数'),
});
export type ClerkSalesEntry = z.output<typeof ClerkSalesEntrySchema>;
