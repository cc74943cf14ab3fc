/**
 * How sure a value read from the voice memo must be for 全部采用 to take it
 * (core/visit-assist/suggest-fields.ts). Below it a value is still offered,
 * marked 不确定，请核对, for the rep to take by hand; nothing is ever filled
 * without a tap.
 */
import { z } from 'zod';
import { defineSetting } from '../settings/define.js';
import { DEFAULT_CONFIDENCE_BAR } from './suggest-fields.js';

export const memoSuggestions = defineSetting({
  key: 'visit.memo-suggestions',
  topic: 'flow',
  label: '语音纪要自动填表',
  help: '从语音纪要里识别出的决策人、下次接触时间等，把握度达到这个值才会被「全部采用」一并带上；低于它的只作为「不确定，请核对」的提示，由业务员逐项确认。叫得出名字的联系人约0.95，姓加职务约0.9，同上次和“下午”这类大约时间约0.8，对不上联系人的约0.5。',
  schema: z.strictObject({
    confidenceBar: z.number().min(0.5, '应在0.5–0.99之间').max(0.99, '应在0.5–0.99之间')
      .meta({ title: '一键采用的把握度', description: '越高越保守：0.9 只一键带上点名道姓的联系人和明确的时间' }),
  }),
  default: { confidenceBar: DEFAULT_CONFIDENCE_BAR },
  scopes: { department: false, customerType: 'none' },
  editors: { organisation: ['admin'] },
});
