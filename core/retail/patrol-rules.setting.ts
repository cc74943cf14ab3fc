/**
 * The numbers a store patrol (巡店) is held to: how fast a whole checklist may
 * be ticked before the patrol is flagged as perfunctory (走过场), and how many
 * working days the store gets to fix what a patrol found.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';

export const patrolRules = defineSetting({
  key: 'retail.patrol-rules',
  topic: 'retail',
  label: '巡店规则',
  help: '整张检查表在多短时间内勾完算“走过场”；巡店发现的问题给门店几个工作日整改。',
  schema: z.strictObject({
    perfunctoryMinutes: z.number().int().min(1, '应在1–60分钟之间').max(60, '应在1–60分钟之间')
      .meta({ title: '走过场阈值', unit: '分钟', description: '从开始巡店到勾完全部检查项少于这么久，标记为走过场' }),
    fixDueWorkingDays: z.number().int().min(0, '应在0–30个工作日之间').max(30, '应在0–30个工作日之间')
      .meta({ title: '整改期限', unit: '个工作日' }),
  }),
  default: { perfunctoryMinutes: 2, fixDueWorkingDays: 2 },
  scopes: { department: true, customerType: 'none' },
  editors: { organisation: ['admin'], anyDepartment: ['admin'] },
});
