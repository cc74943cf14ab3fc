/**
 * The numbers sales data is held to: the most units a store can sell of one
 * product in a day (a larger figure, imported or reported, is a typing slip),
 * how far a clerk's figure may be from the POS's and still count as accurate
 * (数据填报准确率), and how many days back a clerk may still enter a day's sales.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { wholeBetween } from '../settings/fields.js';

export const salesData = defineSetting({
  key: 'retail.sales-data',
  topic: 'retail',
  label: '销量数据',
  help: '导入或店员填报的单店单品日销量超过上限视为填错；店员填报与POS导入相差在容差内算准确。',
  schema: z.strictObject({
    maxUnitsPerDay: wholeBetween(10, 1_000_000, { title: '单店单品日销量上限', unit: '件' }),
    tolerancePercent: wholeBetween(0, 50, { title: '准确容差（比例）', unit: '%', description: '与导入销量相差不超过这个比例算准确' }),
    toleranceUnits: wholeBetween(0, 100, { title: '准确容差（件数）', unit: '件', description: '相差不超过这么多件也算准确（取两者中较宽的）' }),
    entryBackDays: wholeBetween(0, 31, { title: '店员可补录最近', unit: '天', description: '0 表示只能录入当天的销量' }),
  }),
  default: { maxUnitsPerDay: 5000, tolerancePercent: 10, toleranceUnits: 1, entryBackDays: 7 },
});
