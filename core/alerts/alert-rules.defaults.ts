/**
 * The alert rules the template ships with. Thresholds, windows and
 * recipients are data an admin edits; the jobs read them at every run.
 * (Migration 004 also inserts overdue_escalation and reminders; listed here too so a database
 * emptied by a demo reset gets them back with the template.)
 */
export const DEFAULT_ALERT_RULES = [
  {
    code: 'silence',
    name: '同一客户连续7天无有效跟进',
    params: { days: 7, recipients: ['owner', 'owner_manager'], quietHours: { from: '21:00', to: '08:00' } },
  },
  {
    code: 'legal_review_skips',
    name: '销售员3次以上跳过法务审核',
    params: { stageKey: 'negotiation', subStageKey: 'legal_review', minSkips: 3, windowDays: 30, recipients: ['manager', 'compliance'] },
  },
  {
    code: 'first_order_late',
    name: '新客户签约7天首单未发货',
    params: { days: 7, signedWithinDays: 90, recipients: ['owner', 'owner_manager'] },
  },
  {
    code: 'reorder_overdue',
    name: '老客户超过平时间隔1.5倍未返单',
    params: { minOrders: 3, factor: 1.5, minDaysLate: 7, recipients: ['owner', 'owner_manager'] },
  },
  {
    code: 'order_errors',
    name: '订单确认后改单、退货或发货数量不符',
    params: { lookbackDays: 30, recipients: ['owner', 'owner_manager'] },
  },
  {
    code: 'complaint_escalation',
    name: '客户投诉超时未处理或30天内投诉3次',
    params: { slaHours: { critical: 4, high: 24, medium: 72, low: 168 }, repeatCount: 3, repeatWindowDays: 30, recipients: ['owner_manager', 'director'] },
  },
  {
    code: 'licence_expiry',
    name: '客户证照即将到期',
    params: { recipients: ['owner', 'owner_manager'] },
  },
  { code: 'overdue_escalation', name: '事项逾期升级', params: { quietHours: { from: '21:00', to: '08:00' } } },
  {
    code: 'reminders',
    name: '草稿与日报提醒',
    params: { draftIdleHours: 2, dailyReportBy: '18:00', quietHours: { from: '21:00', to: '08:00' } },
  },
] as const;
