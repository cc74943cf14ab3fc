/**
 * The trade dictionary (行业词典): words segmentation must keep whole — medical
 * devices, pharma, FMCG and the customer's own product names — so "没入库"
 * yields 入库 and "耗材编码" stays one term in obstacle topics, pain-point
 * matching and the bot. Admins edit it in 设置 → 关键词库; words are added to
 * the segmenter when read (a word taken out stays known until the next start,
 * which is harmless: it only keeps a real word whole).
 *
 *   const words = await tradeDictionaryWords(db); // flat, deduplicated
 */
import { z } from 'zod';
import type { Db } from '../db/pool.js';
import { addDictionaryWords } from '../flow/segmenter.js';
import { defineSetting } from '../settings/define.js';
import { readSetting } from '../settings/read.js';

const Word = z.string().trim()
  .refine((w) => [...w].length >= 2, '每个词至少2个字')
  .refine((w) => [...w].length <= 20, '每个词不能超过20个字');
const Words = (title: string, description: string) => z.array(Word).max(2000, '每类不能超过2000个词')
  .transform((ws) => [...new Set(ws)]).meta({ title, description });

export const TradeDictionarySchema = z.strictObject({
  general: Words('通用商务', '账期、回款、预算冻结、法务…'),
  medical: Words('医疗器械与医院', '设备科、耗材编码、入院、挂网…'),
  pharma: Words('医药', '医保备案、带量采购、准入…'),
  fmcg: Words('快消与零售', '陈列位、堆头、进场费、条码费…'),
  products: Words('本公司产品与品牌', '贵司的产品名、型号、品牌，分词时不拆开'),
});
export type TradeDictionary = z.output<typeof TradeDictionarySchema>;

/** What the template ships: the terms reps in these trades write every day. */
export const TRADE_DICTIONARY_DEFAULT: TradeDictionary = {
  general: ['发票', '账期', '回款', '付款', '法务', '合同条款', '合同盖章', '审批流程', '财务审批', '预算', '预算冻结', '采购冻结', '样品',
    '报价', '竞品', '议价', '比价', '物流', '配送', '库存'],
  medical: ['耗材编码', '医保编码', '入库', '入院', '挂网', '招标', '投标', '开标', '中标', '流标', '招标文件', '设备科', '采购中心',
    '信息科', '院办', '药事会', '注册证', '授权书', '质检报告', '检测报告', '样机', '试用', '装机', '验收', '维保', '科室会'],
  pharma: ['医保备案', '集采', '带量采购', '准入', '资质', '药剂科', '进院', '临床科室', '处方量', '一致性评价', '医保目录', '配送商'],
  fmcg: ['陈列位', '进场费', '条码费', '堆头', '堆头费', '端架', '地堆', '返利', '价格倒挂', '压货', '断货', '临期', '动销', '铺货', '窜货', '促销费用'],
  products: [],
};

export const tradeDictionary = defineSetting({
  key: 'keywords.trade-dictionary',
  topic: 'keywords',
  label: '行业词典',
  help: '分词时必须保持完整的行业词和本公司产品名。加进来的词在日报障碍归类、拜访纪要的痛点识别和机器人理解里都不会被拆开（例如“没入库”识别出“入库”）。',
  schema: TradeDictionarySchema,
  default: TRADE_DICTIONARY_DEFAULT,
  scopes: { department: false, customerType: 'none' },
  editors: { organisation: ['admin'] },
});

/** Every word of the dictionary, added to the segmenter. */
export async function tradeDictionaryWords(db: Db): Promise<string[]> {
  const d = await readSetting(db, tradeDictionary);
  const words = [...new Set([...d.general, ...d.medical, ...d.pharma, ...d.fmcg, ...d.products])];
  addDictionaryWords(words);
  return words;
}
