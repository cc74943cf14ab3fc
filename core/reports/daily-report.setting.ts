/**
 * How far back a rep may still file or correct a daily report (补交), as a setting.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const dailyReportRules = defineSetting({
  key: 'reports.daily',
  topic: 'followup',
  label: '日报补交期限',
  help: '业务员可以补交或修改最近几天的日报；更早的日期不再接受。',
  schema: z.strictObject({
    backfillDays: wholeBetween(0, 31, { title: '可补交最近', unit: '天', description: '0 表示只能交当天的日报' }),
  }),
  default: { backfillDays: 7 },
  notify: { roles: ['rep'] },
});
