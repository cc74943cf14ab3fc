/** The HTTP shapes of editing the catalogue and the stores' shelf positions (core/retail/catalogue.ts). */
import { z } from 'zod';

/** GS1's check digit: a barcode whose last digit does not match was misread or mistyped. */
export function gtinCheckDigitOk(code: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(code)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 年-月-日')
  .refine((d) => { const t = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d); }, '日期不存在，请核对');

const ProductFields = {
  sku: z.string().trim().min(1, '请填写商品编码').max(40, '商品编码不能超过40个字符').regex(/^[A-Za-z0-9._-]+$/, '商品编码只能用字母、数字和 . _ -'),
  barcode: z.string().trim().refine(gtinCheckDigitOk, '条码应为8、12、13或14位数字，且校验位正确（请对照商品包装核对）'),
  name: z.string().trim().min(1, '请填写商品名称').max(60, '商品名称不能超过60个字符'),
  category: z.string().trim().min(1, '请填写品类').max(20, '品类不能超过20个字符'),
  launchDate: Day.nullable(),
};
export const CreateProductSchema = z.strictObject(ProductFields);
export type CreateProductInput = z.output<typeof CreateProductSchema>;
export const UpdateProductSchema = z.strictObject(ProductFields).partial();
export type UpdateProductInput = z.output<typeof UpdateProductSchema>;

const ShelfLabel = z.string().trim().min(1, '请填写货架位名称，如：冷柜第2层').max(30, '货架位名称不能超过30个字符');
export const CreateShelfPositionSchema = z.strictObject({
  label: ShelfLabel,
  /** What its printed label encodes; made from the store when not given. */
  code: z.string().trim().min(3, '货架位码至少3个字符').max(40, '货架位码不能超过40个字符').regex(/^[A-Za-z0-9-]+$/, '货架位码只能用字母、数字和 -').optional(),
});
export type CreateShelfPositionInput = z.output<typeof CreateShelfPositionSchema>;
export const UpdateShelfPositionSchema = z.strictObject({ label: ShelfLabel });
