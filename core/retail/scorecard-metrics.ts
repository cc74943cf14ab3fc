/**
 * The 门店健康度评分卡's twelve metrics as data: what each measures, in
 * Chinese, and which records it is counted from. Every metric is a share
 * (达标 of 应计), so each reads 0–100 %; how much it weighs and where 优 and
 * 良 begin are the setting `retail.scorecard` (scorecard.setting.ts). The SQL
 * that counts them is scorecard-counts.ts; the scoring, pure, is
 * scorecard-score.ts.
 */
export const METRIC_CODES = [
  'stockout_response', 'member_referral', 'expiry_handling', 'launch_on_time', 'first_week_sales', 'display_compliance',
  'price_compliance', 'promotion_execution', 'patrol_coverage', 'entry_timeliness', 'entry_accuracy', 'fix_on_time',
] as const;
export type MetricCode = (typeof METRIC_CODES)[number];

export interface MetricInfo {
  name: string;
  /** What counts, written for the manager reading the card. */
  definition: string;
  /** Where the figures come from. */
  source: string;
  /** The figure is the clerk's own count, not checked against another record. */
  declared?: boolean;
}

/** The patrol checklist items (retail.patrol-checklist) three metrics read. */
export const PATROL_ITEM_OF: Partial<Record<MetricCode, string>> = {
  expiry_handling: 'expiry', display_compliance: 'display', price_compliance: 'price_tags', promotion_execution: 'promotion',
};

export const METRICS: Record<MetricCode, MetricInfo> = {
  stockout_response: {
    name: '缺货预警响应速度',
    definition: '店员报缺货后，业务员在规定小时数内提交“缺货处理”（回复补货时间）的比例。还没到时限又未处理的缺货暂不计入。',
    source: '店员一键报缺货及其缺货处理事项',
  },
  member_referral: {
    name: '会员推荐转化率',
    definition: '店员向顾客推荐入会后，顾客当场入会的人数 ÷ 推荐人数。',
    source: '店员每日填报的会员推荐人数与入会人数（店员自报）',
    declared: true,
  },
  expiry_handling: {
    name: '临期商品处理及时率',
    definition: '巡店检查“临期商品”一项时，临期商品已按规定下架或促销处理的比例。走过场的巡店不计入。',
    source: '巡店检查表的“临期商品”项（带照片）',
  },
  launch_on_time: {
    name: '新品上架及时率',
    definition: '上架日在统计期内的新品上架中，四个步骤都在各自期限内完成的比例。尚未完成且都未到期的上架暂不计入。',
    source: '新品上架的四个步骤事项及其期限',
  },
  first_week_sales: {
    name: '首周动销',
    definition: '上架日在统计期内的新品，在上架后首周（天数见设置）POS 有销量的比例。首周未过又还没有销量的暂不计入。',
    source: 'POS 导入的销量与新品上架日',
  },
  display_compliance: {
    name: '陈列合规率',
    definition: '巡店检查“陈列”一项合格的比例（新品与主推品在指定货架位、排面整齐）。走过场的巡店不计入。',
    source: '巡店检查表的“陈列”项（带照片）',
  },
  price_compliance: {
    name: '价格合规率',
    definition: '巡店检查“价格标签”一项合格的比例（与系统价格一致、无缺失）。走过场的巡店不计入。',
    source: '巡店检查表的“价格标签”项（带照片）',
  },
  promotion_execution: {
    name: '促销执行率',
    definition: '巡店检查“促销物料”一项合格的比例（海报、跳跳卡按要求摆放）。走过场的巡店不计入。',
    source: '巡店检查表的“促销物料”项（带照片）',
  },
  patrol_coverage: {
    name: '巡店覆盖率',
    definition: '按巡店计划（每几天巡一次，自门店列入计划起）统计期内应巡次数中，实际完成且不是走过场的巡店次数所占比例（多巡不超过100%）。',
    source: '巡店督导的巡店计划与巡店记录',
  },
  entry_timeliness: {
    name: '数据填报及时率',
    definition: '统计期内已过去的每一天（自门店有店员起），店员在次日结束前录入了当天销量的天数所占比例。没有店员的门店不计入。',
    source: '店员录入销量的时间',
  },
  entry_accuracy: {
    name: '数据填报准确率',
    definition: '店员填报的销量与 POS 导入的同店同品同日销量相差在容差内（见设置“销量数据”）的比例；还没有导入数据的填报不计入。',
    source: '店员填报销量与 POS 导入销量',
  },
  fix_on_time: {
    name: '整改及时率',
    definition: '期限在统计期内的门店整改事项（巡店不合格项和评分卡建议的改进）中，在期限前完成的比例。未到期又未完成的暂不计入。',
    source: '门店整改事项及其期限',
  },
};
