/**
 * 'voice.keywords.min': the voice memo's transcript must mention at least
 * `min` DISTINCT words of a keyword library (e.g. customer pain points) — by the
 * word or by one of its phrasings (痛点话题的说法: 太贵 for 价格偏高) — which
 * is what separates a real conversation from "今天拜访了客户，一切正常".
 */
import { z } from 'zod';
import { keywordMatcherFor } from '../segmenter.js';
import { topicMatcherFor } from '../topic-phrasings.js';
import type { RuleFailure } from '../types.js';
import { defineGateRule, failure, quoteList } from './rule-definition.js';

const schema = z.strictObject({
  library: z.string().min(1).meta({ title: '关键词库' }),
  min: z.number().int().min(1).meta({ title: '至少提到', unit: '个' }),
  label: z.string().min(1).optional().meta({ title: '名称' }),
  /** Count only a platform transcript (WeCom, the bot); a typed one (手工填写) is declared, not verified. */
  verifiedOnly: z.boolean().optional().meta({ title: '只认平台转写' }),
});

const RULE = 'voice.keywords.min';

function tooFew(matched: string[], min: number, label: string, library: string[]): RuleFailure {
  const examples = library.filter((w) => !matched.includes(w)).slice(0, 3);
  const have = matched.length === 0
    ? `没有提到${label}`
    : `只提到${matched.length}个${label}（${matched.join('、')}）`;
  return failure(RULE, {
    code: 'VOICE_KEYWORDS_TOO_FEW',
    target: 'voice',
    message: `语音纪要中${have}，至少需要${min}个。请补充客户提到的具体问题，例如：${examples.join('、')}。`,
    details: { matched, min },
  });
}

export const voiceKeywordsMinRule = defineGateRule({
  kind: RULE,
  label: '语音关键词',
  schema,
  check(facts, { library, min, label = '客户痛点', verifiedOnly }) {
    const words = facts.keywordLibraries[library];
    if (!words || words.length === 0) {
      return [failure(RULE, {
        code: 'KEYWORD_LIBRARY_MISSING',
        target: 'voice',
        message: `关键词库「${library}」未配置，暂时无法核对语音纪要，请联系管理员。`,
        details: { library },
      })];
    }
    const transcript = facts.report.transcript?.trim();
    if (!transcript) {
      return [failure(RULE, {
        code: 'VOICE_TRANSCRIPT_MISSING',
        target: 'voice',
        message: `没有语音纪要的文字内容：请录一段语音纪要，讲清楚${label}和下一步安排。`,
      })];
    }
    const source = facts.report.transcriptSource;
    if (verifiedOnly && source !== 'wecom' && source !== 'bot') {
      return [failure(RULE, {
        code: 'VOICE_TRANSCRIPT_DECLARED',
        target: 'voice',
        message: `纪要是手工填写的，不计为语音内容：请录一段语音纪要并使用语音转文字，讲清楚${label}。`,
      })];
    }
    // a pain said in other words (太贵 for 价格偏高) is that pain, as the bot and the visit page read it
    const phrasings = facts.keywordPhrasings?.[library];
    const matched = (phrasings ? topicMatcherFor(words, phrasings) : keywordMatcherFor(words))(transcript);
    return matched.length >= min ? [] : [tooFew(matched, min, label, words)];
  },
});
