/**
 * How long a picture sent to the bot with no report open waits to be offered to the rep's next visit
 * report (core/attachments/unfiled-photos.ts). Past it the picture is not offered; it stays kept.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const unfiledPhotoWindow = defineSetting({
  key: 'bot.unfiled-photo-window',
  topic: 'notifications',
  label: '先发照片的等待时间',
  help: '业务员还没开始拜访就先把照片发给机器人时，照片先保存着；这段时间内开始或打开一次拜访，机器人或拜访页面会问一次要不要用在这次拜访里。超过这段时间就不再问，照片仍然保存。',
  schema: z.strictObject({
    minutes: wholeBetween(10, 1440, { title: '等待时间', unit: '分钟', description: '发照片之后多久内开始的拜访会被问到' }),
  }),
  default: { minutes: 120 },
});
