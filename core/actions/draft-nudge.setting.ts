/**
 * When the bot nudges a rep about a report draft that would not pass yet:
 * only once it has been left alone this long (nobody is nudged mid-conversation).
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const draftNudge = defineSetting({
  key: 'bot.draft-nudge',
  topic: 'notifications',
  label: '草稿未完成提醒（机器人）',
  help: '业务员当天的拜访报告草稿还缺内容时，机器人在草稿闲置多久后提醒一次（每份草稿每天一次）。',
  schema: z.strictObject({
    idleMinutes: wholeBetween(10, 480, { title: '草稿闲置', unit: '分钟', description: '闲置这么久才提醒，避免打断正在填写的人' }),
  }),
  default: { idleMinutes: 60 },
});
