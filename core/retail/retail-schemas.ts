/** The HTTP shapes of core/retail (zod), shared by the API and the H5 app's types. */
import { z } from 'zod';
import { Id, IdParam } from '../resources/schemas.js';
import { LAUNCH_STEP_KEYS } from '../flow/launch-steps.js';

export const StoreSchema = z.object({
  id: z.number(),
  name: z.string(),
  /** What the chain's POS export names the store by (sales import). */
  code: z.string().nullable(),
  chain: z.string(),
  format: z.string(),
  regionName: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  ownerName: z.string().nullable(),
  clerks: z.array(z.object({ id: z.number(), name: z.string(), wechatBound: z.boolean() })),
  shelfPositions: z.array(z.object({ id: z.number(), code: z.string(), label: z.string() })),
  openLaunches: z.number(),
});
export type StoreView = z.infer<typeof StoreSchema>;

export const ProductSchema = z.object({
  id: z.number(), sku: z.string(), barcode: z.string(), name: z.string(), category: z.string(), launchDate: z.string().nullable(),
});

export const LaunchStepSchema = z.object({
  key: z.enum(LAUNCH_STEP_KEYS),
  no: z.number(),
  title: z.string(),
  actionId: z.number(),
  status: z.string(),
  statusLabel: z.string(),
  dueAt: z.string().nullable(),
  /** Whole days past the deadline, not done yet. */
  lateDays: z.number().nullable(),
  done: z.boolean(),
  doneAt: z.string().nullable(),
  /** The step before it is not complete yet: its title (the app shows the step locked). */
  lockedBy: z.string().nullable(),
  /** What the step recorded once done: 货架位, 条码, 首日销量, 咨询记录, photo ids. */
  record: z.object({
    shelfCode: z.string().optional(),
    barcode: z.string().optional(),
    firstDaySales: z.number().optional(),
    enquiries: z.array(z.object({ question: z.string(), count: z.number() })).optional(),
    photoIds: z.array(z.number()).optional(),
  }),
});

export const LaunchSchema = z.object({
  id: z.number(),
  store: z.object({ id: z.number(), name: z.string(), chain: z.string() }),
  product: ProductSchema,
  launchDate: z.string(),
  processInstanceId: z.number(),
  shelfPosition: z.object({ code: z.string(), label: z.string() }).nullable(),
  assignee: z.object({ id: z.number(), name: z.string() }),
  /** The signed-in user does the steps. */
  mine: z.boolean(),
  done: z.number(),
  total: z.number(),
  late: z.number(),
  /** The step to do next; null once all four are done. */
  current: z.enum(LAUNCH_STEP_KEYS).nullable(),
  steps: z.array(LaunchStepSchema),
});
export type LaunchView = z.infer<typeof LaunchSchema>;

const LaunchDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '上架日期格式应为 年-月-日')
  .refine((d) => { const t = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d); }, '上架日期不存在，请核对');

export const CreateLaunchSchema = z.strictObject({
  storeId: Id,
  productId: Id,
  /** The launch date (Shanghai); the steps' deadlines count working days from it. */
  launchDate: LaunchDate,
  /** The store's clerk who does the steps; the store's first clerk when left out. */
  clerkId: Id.optional(),
});
export type CreateLaunchInput = z.output<typeof CreateLaunchSchema>;

/** The same product at several stores, all started or none. */
export const CreateLaunchesSchema = z.strictObject({
  storeIds: z.array(Id).min(1, '请至少选择一家门店').max(200, '一次最多选择200家门店'),
  productId: Id,
  launchDate: LaunchDate,
});
export type CreateLaunchesInput = z.output<typeof CreateLaunchesSchema>;

export const LaunchPlanQuery = z.strictObject({ productId: IdParam, launchDate: LaunchDate });
export const LaunchPlanSchema = z.object({
  product: z.object({ id: z.number(), name: z.string() }),
  launchDate: z.string(),
  /** Each step's deadline if the launch starts on launchDate. */
  steps: z.array(z.object({ no: z.number(), title: z.string(), dueAt: z.string() })),
  /** The actor's stores; refusal says why one cannot take this launch (no clerk, launched already). */
  stores: z.array(z.object({
    id: z.number(), name: z.string(), chain: z.string(), format: z.string(), regionName: z.string().nullable(),
    clerkName: z.string().nullable(), launchId: z.number().nullable(), refusal: z.string().nullable(),
  })),
});
export type LaunchPlanView = z.infer<typeof LaunchPlanSchema>;

export const ListLaunchesQuery = z.strictObject({ storeId: IdParam.optional() });

const Barcode = z.string().trim().regex(/^\d{8,14}$/, '商品条码应为8–14位数字，请重新扫描');
const ShelfCode = z.string().trim().min(1, '请扫描货架位码').max(64, '货架位码过长，请重新扫描');
const Enquiry = z.strictObject({
  question: z.string().trim().min(1, '请填写消费者问了什么').max(200, '每条咨询不超过200字'),
  count: z.number().int('次数应为整数').min(1, '次数至少为1').max(1000, '次数超过1000，请核对'),
});

/** What each step files; the step is the path's, the body one of these. */
export const LaunchStepBodySchemas = {
  bind: z.strictObject({ shelfCode: ShelfCode, barcode: Barcode }),
  display: z.strictObject({ attachmentIds: z.array(Id).min(1, '请先拍摄陈列全景照片').max(9, '最多9张照片') }),
  first_day_sales: z.strictObject({
    // the upper bound is the setting 销量数据 (a typing slip, not a sale), checked by submitLaunchStep
    firstDaySales: z.number({ message: '请填写首日销量（件）' }).int('首日销量应为整数件').min(0, '首日销量不能为负数'),
  }),
  enquiries: z.strictObject({ enquiries: z.array(Enquiry).min(1, '请至少记录一条消费者咨询').max(50, '最多记录50条') }),
} as const;

export const PatrolSchema = z.object({
  id: z.number(),
  store: z.object({ id: z.number(), name: z.string() }),
  inspector: z.object({ id: z.number(), name: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  items: z.array(z.object({ key: z.string(), label: z.string(), passed: z.boolean().nullable(), note: z.string().nullable(), attachmentId: z.number().nullable() })),
  score: z.number().nullable(),
  /** Ticked implausibly fast, or photos failing the evidence checks: the reasons say which. */
  perfunctory: z.boolean().nullable(),
  perfunctoryReasons: z.array(z.object({ code: z.string(), message: z.string() })),
  fixActionIds: z.array(z.number()),
});

const RouteStopSchema = z.object({
  store: z.object({ id: z.number(), name: z.string(), address: z.string().nullable(), lat: z.number().nullable(), lng: z.number().nullable() }),
  everyDays: z.number(),
  lastPatrolAt: z.string().nullable(),
  legKm: z.number().nullable(),
  openPatrolId: z.number().nullable(),
});
export const PatrolRouteSchema = z.object({ route: z.array(RouteStopSchema), later: z.array(RouteStopSchema) });
export type PatrolRouteView = z.infer<typeof PatrolRouteSchema>;

export const PatrolRouteQuery = z.strictObject({
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
});
export const StartPatrolSchema = z.strictObject({ storeId: Id });
export const TickPatrolItemSchema = z.strictObject({
  passed: z.boolean({ message: '请选择合格或不合格' }),
  note: z.string().trim().max(200, '说明不超过200字').optional(),
  attachmentId: Id,
}).refine((t) => t.passed || !!t.note, { message: '不合格的项请写明问题', path: ['note'] });
export const PatrolItemParams = z.object({ id: IdParam, key: z.string().regex(/^[a-z][a-z0-9_]*$/, '检查项编码无效') });
export const ListPatrolsQuery = z.strictObject({ storeId: IdParam.optional() });

export const ReportStockoutSchema = z.strictObject({ productId: Id });
export const StockoutSchema = z.object({
  id: z.number(), productName: z.string(), reportedAt: z.string(), actionId: z.number(), assigneeName: z.string(),
  /** The same product was reported already and is being handled: this tap changed nothing. */
  repeated: z.boolean(),
});
