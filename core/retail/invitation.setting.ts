/** How long a store's clerk invitation link stays valid. */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';

export const clerkInvitation = defineSetting({
  key: 'retail.clerk-invitation',
  topic: 'retail',
  label: '店员邀请链接',
  help: '业务员、主管或巡店督导为门店生成的店员邀请链接（以及为已有店员重新生成的登录链接）多久内有效；每个链接只能用一次。',
  schema: z.strictObject({
    validDays: z.number().int().min(1, '应在1–30天之间').max(30, '应在1–30天之间').meta({ title: '有效期', unit: '天' }),
  }),
  default: { validDays: 7 },
});
