/**
 * How long a customer's document link stays open, and how close together two
 * fetches from one device or network count as one open (a page reloaded, a
 * messenger's preview bot, a scraper). Admins tune them.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';

export const shareLinkLimits = defineSetting({
  key: 'sharing.links',
  topic: 'flow',
  label: '客户文档链接',
  help: '分享给客户的文档链接多少天后失效；同一设备或同一网络在多少秒内重复打开只算一次。',
  schema: z.strictObject({
    validDays: z.number().int().min(1, '应在1–365天之间').max(365, '应在1–365天之间').meta({ title: '链接有效期', unit: '天' }),
    repeatSeconds: z.number().int().min(1, '应在1–3600秒之间').max(3600, '应在1–3600秒之间').meta({ title: '重复打开合并为一次', unit: '秒' }),
  }),
  default: { validDays: 30, repeatSeconds: 60 },
  scopes: { department: false, customerType: 'none' },
  editors: { organisation: ['admin'] },
});
