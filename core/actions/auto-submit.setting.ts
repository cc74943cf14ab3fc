/**
 * How long the bot waits before filing a visit report the chat has completed:
 * the rep's window to say 撤销 or correct something (“不对，是下周四”) without a
 * 确认 message in every report. 0 files it at once.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const autoSubmit = defineSetting({
  key: 'bot.auto-submit',
  topic: 'notifications',
  label: '机器人自动提交',
  help: '在机器人里填齐的拜访报告，等这么久后自动提交；这段时间里业务员回复“撤销”就不提交，直接说要改的地方就先改。',
  schema: z.strictObject({
    afterMinutes: wholeBetween(0, 30, { title: '填齐后自动提交', unit: '分钟', description: '0 表示填齐后立即提交，不留撤销时间' }),
  }),
  default: { afterMinutes: 2 },
});
