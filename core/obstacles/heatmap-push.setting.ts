/**
 * When last week's 跨部门协同堵点热力图 is pushed and to whom, as a setting:
 * a weekday and a time (Shanghai), the roles that receive it and named extra
 * people. The job runs every quarter of an hour and pushes once per week,
 * after the scheduled moment (weekly-push.ts).
 */
import { z } from 'zod';
import { ROLE_LABELS } from '../auth/actor.js';
import { defineSetting } from '../settings/define.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM，如 08:30');
export const WEEKDAY_LABELS = { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' } as const;

export const HeatmapPushSchema = z.strictObject({
  enabled: z.boolean().meta({ title: '每周推送' }),
  weekday: z.enum(['1', '2', '3', '4', '5', '6', '7']).meta({ title: '推送日', labels: WEEKDAY_LABELS }),
  time: HHMM.meta({ title: '推送时间', description: '上海时间；推送的是上一周（周一至周日）的热力图' }),
  roles: z.array(z.enum(['director', 'manager', 'admin'])).max(3).transform((r) => [...new Set(r)])
    .meta({ title: '接收角色', labels: { director: ROLE_LABELS.director, manager: ROLE_LABELS.manager, admin: ROLE_LABELS.admin } }),
  users: z.array(z.string().min(1).max(64)).max(50).default([])
    .meta({ title: '另外发送给', description: '企业微信账号，每行一个' }),
});
export type HeatmapPush = z.output<typeof HeatmapPushSchema>;

export const heatmapPush = defineSetting({
  key: 'notifications.obstacle-heatmap',
  topic: 'notifications',
  label: '堵点热力图推送',
  help: '每周把上一周的跨部门协同堵点热力图（图片和可点开的卡片）推送给谁、在周几几点推送。主管收到的是本部门的热力图。',
  schema: HeatmapPushSchema,
  default: { enabled: true, weekday: '1', time: '08:30', roles: ['director'], users: [] },
  check: async (db, value) => {
    if (value.users.length === 0) return [];
    const { rows } = await db.query('SELECT wecom_userid FROM users WHERE active AND wecom_userid = ANY($1)', [value.users]);
    const known = new Set(rows.map((r) => r.wecom_userid));
    return value.users.flatMap((u, i) => (known.has(u) ? [] : [{ path: `users.${i}`, message: `成员「${u}」不存在或已停用` }]));
  },
});
