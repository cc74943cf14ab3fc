/**
 * The two alert rules the template ships with. Thresholds, windows and
 * recipients are data an admin edits; the jobs read them at every run.
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
] as const;
