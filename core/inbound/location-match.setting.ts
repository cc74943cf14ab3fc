/**
 * How the bot matches a location a rep sends to their work: an open report
 * within `nearKm` is the one being done; with none, a customer within
 * `atDoorKm` gets a new visit started. (Whether the check-in is close enough
 * for the report is the action type's geofence rule, not this.)
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { numberBetween } from '../settings/fields.js';

export const locationMatch = defineSetting({
  key: 'bot.location-match',
  topic: 'notifications',
  label: '机器人识别位置的范围',
  help: '业务员在聊天里发位置时：这个距离内有未完成的报告，就算在做那份报告；没有的话，离某个客户足够近才自动开始一次拜访。签到是否合格由事项类型的签到范围规则判断。',
  schema: z.strictObject({
    nearKm: numberBetween(0.1, 50, { title: '未完成报告的识别范围', unit: '公里' }),
    atDoorKm: numberBetween(0.05, 5, { title: '自动开始拜访的范围', unit: '公里', decimals: 2, description: '业务员离客户登记地址这么近，才自动为其开始一次拜访' }),
  }).refine((v) => v.atDoorKm <= v.nearKm, { message: '自动开始拜访的范围不能大于报告识别范围', path: ['atDoorKm'] }),
  default: { nearKm: 5, atDoorKm: 1 },
});
