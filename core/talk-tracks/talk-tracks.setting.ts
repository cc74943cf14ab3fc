/**
 * How a pack's reads are counted: a member opening the same pack (for the
 * same deal) again within these minutes — a reload, back from a deal — is
 * the same read. Admins tune it.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';

export const talkTrackReads = defineSetting({
  key: 'flow.talk-track-reads',
  topic: 'flow',
  label: '话术包阅读统计',
  help: '同一个人在多少分钟内重复打开同一个话术包（同一商机）只算一次打开。',
  schema: z.strictObject({
    sameReadMinutes: z.number().int().min(1, '应在1–1440分钟之间').max(1440, '应在1–1440分钟之间').meta({ title: '重复打开合并为一次', unit: '分钟' }),
  }),
  default: { sameReadMinutes: 10 },
  scopes: { department: false, customerType: 'none' },
  editors: { organisation: ['admin'] },
});
