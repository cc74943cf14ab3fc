/**
 * The patrol checklist (巡店检查表) per store format: what an inspector checks
 * at a 便利店 or a 社区店, each item with a photo. A format not listed uses
 * the first checklist.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';

const Item = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, '编码只能包含小写字母、数字和下划线，以字母开头').meta({ title: '编码' }),
  label: z.string().trim().min(1, '请填写检查项').max(40, '不超过40字').meta({ title: '检查项' }),
});

const standard = [
  { key: 'display', label: '陈列：新品与主推品在指定货架位，排面整齐' },
  { key: 'price_tags', label: '价格标签：与系统价格一致，无缺失' },
  { key: 'stock', label: '库存：主推品无缺货' },
  { key: 'expiry', label: '临期商品：已按规定下架或促销处理' },
  { key: 'promotion', label: '促销物料：海报、跳跳卡按要求摆放' },
];

export const patrolChecklist = defineSetting({
  key: 'retail.patrol-checklist',
  topic: 'retail',
  label: '巡店检查表',
  help: '每种门店业态的巡店检查项；巡店督导每项都要拍照并判断是否合格，不合格的项自动生成门店整改事项。',
  schema: z.strictObject({
    checklists: z.array(z.strictObject({
      format: z.string().trim().min(1, '请填写门店业态').max(20).meta({ title: '门店业态' }),
      items: z.array(Item).min(1, '至少一个检查项').max(20, '最多20个检查项')
        .refine((items) => new Set(items.map((i) => i.key)).size === items.length, '检查项编码不能重复').meta({ title: '检查项' }),
    })).min(1, '至少一张检查表').max(10).meta({ title: '各业态检查表' }),
  }),
  default: { checklists: [{ format: '便利店', items: standard }, { format: '社区店', items: standard }] },
});
