/**
 * How repeated failed sign-ins are slowed down (core/sessions/sign-in-log.ts),
 * as a setting admins edit: the failures one address may make within the
 * window before it has to wait, and the first wait — each further failure
 * doubles it, up to the window.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const SignInThrottleSchema = z.strictObject({
  freeFailures: wholeBetween(1, 50, { title: '允许连续失败', unit: '次' }),
  windowMinutes: wholeBetween(1, 1440, { title: '统计时长', unit: '分钟' }),
  firstWaitSeconds: wholeBetween(1, 3600, { title: '首次等待', unit: '秒' }),
});
export type SignInThrottle = z.output<typeof SignInThrottleSchema>;

export const signInThrottle = defineSetting({
  key: 'security.sign-in-throttle',
  topic: 'security',
  label: '登录失败限制',
  help: '同一地址在统计时长内登录失败达到次数后，要等待才能再试；之后每再失败一次，等待时间加倍（最长为统计时长）。登录记录在 设置 → 登录与会话。',
  schema: SignInThrottleSchema,
  default: { freeFailures: 5, windowMinutes: 15, firstWaitSeconds: 30 },
});
