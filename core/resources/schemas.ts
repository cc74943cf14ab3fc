import { z } from 'zod';

/** Small zod pieces every resource schema shares, with Chinese messages. */
/** An id in a JSON body: a real number, never a coerced string or boolean. */
export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** An id in a path or query string. */
export const IdParam = z.string().regex(/^\d{1,15}$/, '必须是正整数').transform(Number).pipe(Id);
export const IdParams = z.object({ id: IdParam });
export const Name = z.string().trim().min(1, '不能为空').max(200, '不能超过200个字符');
export const OptionalText = (max = 500) => z.string().trim().max(max, `不能超过${max}个字符`).nullish();
export const CustomerType = z.enum(['ka', 'hospital', 'store', 'dealer']);
export const CUSTOMER_TYPE_LABELS = { ka: 'KA连锁', hospital: '医院', store: '门店', dealer: '经销商' } as const;
export const CoordSystem = z.enum(['wgs84', 'gcj02']);
export const Money = z.number().min(0, '金额不能为负').max(1e12, '金额过大')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, '金额最多两位小数');
export const IsoDateTime = z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，如 2026-03-15T10:00:00+08:00' });
export const IsoDate = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });
export const Coordinates = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    system: CoordSystem,
  })
  .strict();

/** Query-string booleans ('true'/'false') as booleans. */
export const QueryBool = z.enum(['true', 'false']).transform((v) => v === 'true');
