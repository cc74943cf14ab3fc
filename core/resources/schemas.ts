import { z } from 'zod';

/** Small zod pieces every resource schema shares, with Chinese messages. */
/** An id in a JSON body: a real number, never a coerced string or boolean. */
export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** An id in a path or query string. */
export const IdParam = z.string().regex(/^\d{1,15}$/, '必须是正整数').transform(Number).pipe(Id);
export const IdParams = z.object({ id: IdParam });
/**
 * Bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C)
 * change how text is displayed, not what it says: 「‮gpj.exe」 shows as
 * 「exe.jpg」. No name or filename needs them; they are removed on the way in.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const stripBidi = (s: string): string => s.replace(BIDI_CONTROLS, '');

export const Name = z.string().overwrite(stripBidi).trim().min(1, '不能为空').max(200, '不能超过200个字符');
export const OptionalText = (max = 500) => z.string().trim().max(max, `不能超过${max}个字符`).nullish();
export const CustomerType = z.enum(['ka', 'hospital', 'store', 'dealer']);
export const CUSTOMER_TYPE_LABELS = { ka: 'KA连锁', hospital: '医院', store: '门店', dealer: '经销商' } as const;
export const CoordSystem = z.enum(['wgs84', 'gcj02']);
export const Money = z.number().min(0, '金额不能为负').max(1e12, '金额过大')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, '金额最多两位小数');

/**
 * Every date says which years it may fall in: outside them it is a typo or an
 * attack (year 0 is not even a PostgreSQL date, and answered 500). Operational
 * dates — orders, visits, due dates, reports, holidays — lie in 2000–2200;
 * history (a company's founding, a contact's past) goes back to 1900; a
 * validity that may never end is a date or 长期. The years are in
 * /openapi.json as `x-years`, where the hostile-input sweep reads them.
 */
export interface Years { min: number; max: number }
export const OPERATIONAL_YEARS: Years = { min: 2000, max: 2200 };
export const HISTORY_YEARS: Years = { min: 1900, max: 2200 };

const inYears = (y: Years) => (s: string) => Number(s.slice(0, 4)) >= y.min && Number(s.slice(0, 4)) <= y.max;

export const dateIn = (y: Years) => z.iso.date({ message: '日期格式应为 YYYY-MM-DD' })
  .refine(inYears(y), `日期应在${y.min}年至${y.max}年之间`).meta({ 'x-years': [y.min, y.max] });
export const dateTimeIn = (y: Years) => z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，如 2026-03-15T10:00:00+08:00' })
  .refine(inYears(y), `时间应在${y.min}年至${y.max}年之间`).meta({ 'x-years': [y.min, y.max] });

export const OperationalDate = dateIn(OPERATIONAL_YEARS);
export const OperationalDateTime = dateTimeIn(OPERATIONAL_YEARS);
export const HistoricalDate = dateIn(HISTORY_YEARS);
/** A validity's end (a licence's 有效期至): a date, or 长期 when it does not end. */
export const ValidUntil = z.union([OperationalDate, z.literal('长期')]);
export const Coordinates = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    system: CoordSystem,
  })
  .strict();

/** Query-string booleans ('true'/'false') as booleans. */
export const QueryBool = z.enum(['true', 'false']).transform((v) => v === 'true');
