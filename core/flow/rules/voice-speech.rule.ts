/**
 * 'voice.speech': a voice memo must hold a real conversation, judged from the
 * audio itself (core/evidence decodes every accepted format at upload):
 *   - VOICE_TOO_SHORT: duration read from the file under voiceMinSeconds (10 s);
 *   - VOICE_SILENT: under voiceMinSpeechSeconds of speech by voice-activity detection,
 *     and under 30 % of the recording (a short memo that is all speech is only short);
 *   - VOICE_REUSED: the same recording as an earlier memo (audio fingerprint),
 *     other than the rep's own other uploads for this very action;
 *   - TRANSCRIPT_IMPLAUSIBLE: a platform transcript (WeCom translateVoice, the
 *     bot's recognition) with more characters than the speech could carry
 *     (Chinese runs 3–6 characters a second; transcriptMaxCharsPerSecond, 8).
 * A typed or dictated transcript (手工填写) is declared, never flagged here;
 * rules that need verified text (voice.keywords.min verifiedOnly) ignore it.
 */
import { z } from 'zod';
import { describeEarlier, earlierDetails, targetOf, voiceMemosOf } from '../evidence/files.js';
import { thresholdsOf, type EvidenceThresholds } from '../evidence/thresholds.js';
import type { ReportAttachment, RuleFailure, VisitFacts } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  minSeconds: z.number().int().min(1).max(600).optional().meta({ title: '最短时长', unit: '秒' }),
  minSpeechSeconds: z.number().int().min(1).max(600).optional().meta({ title: '最少说话时长', unit: '秒' }),
});
type Params = z.output<typeof schema>;

const RULE = 'voice.speech';
const seconds = (ms: number) => Math.round(ms / 100) / 10;

function checkMemo(a: ReportAttachment, facts: VisitFacts, p: Params, t: EvidenceThresholds): RuleFailure[] {
  const v = a.voice;
  if (!v) return [];
  const out: RuleFailure[] = [];
  const minSeconds = p.minSeconds ?? t.voiceMinSeconds;
  const minSpeech = p.minSpeechSeconds ?? t.voiceMinSpeechSeconds;
  if (v.durationMs < minSeconds * 1000) {
    out.push(failure(RULE, {
      code: 'VOICE_TOO_SHORT', target: targetOf(a),
      message: `语音纪要只有 ${seconds(v.durationMs)} 秒，至少需要 ${minSeconds} 秒，请讲清楚客户的反馈和下一步安排后重新录制。`,
      details: { attachmentId: a.id, durationMs: v.durationMs, minSeconds },
    }));
  }
  // a memo that is mostly speech is not silent, only (maybe) short
  if (v.speechMs < minSpeech * 1000 && v.speechMs < v.durationMs * 0.3) {
    out.push(failure(RULE, {
      code: 'VOICE_SILENT', target: targetOf(a),
      message: `语音纪要里几乎没有说话声（检测到的人声约 ${seconds(v.speechMs)} 秒），请重新录制。`,
      details: { attachmentId: a.id, speechMs: v.speechMs, durationMs: v.durationMs, minSpeechSeconds: minSpeech },
    }));
  }
  const ctx = facts.evidence;
  const earlier = v.similar.find((e) => {
    const inReport = facts.report.attachments.some((x) => x.id === e.attachmentId);
    return inReport || !ctx || e.uploadedBy.id !== ctx.repId || e.actionId !== ctx.actionId;
  });
  if (earlier) {
    out.push(failure(RULE, {
      code: 'VOICE_REUSED', target: targetOf(a),
      message: `语音纪要与${describeEarlier(earlier)}的录音是同一段，请录制本次拜访的语音纪要。`,
      details: { attachmentId: a.id, similarity: earlier.similarity, earlier: earlierDetails(earlier) },
    }));
  }
  return out;
}

function checkTranscript(facts: VisitFacts, memos: readonly ReportAttachment[], t: EvidenceThresholds): RuleFailure[] {
  const { transcript, transcriptSource } = facts.report;
  if (!transcript || (transcriptSource !== 'wecom' && transcriptSource !== 'bot')) return [];
  const analysed = memos.filter((a) => a.voice);
  if (memos.length > 0 && analysed.length < memos.length) return []; // not analysed yet: nothing to hold it against
  const chars = [...transcript.replace(/[\s\p{P}]/gu, '')].length;
  const speechSeconds = analysed.reduce((s, a) => s + a.voice!.speechMs, 0) / 1000;
  const most = Math.ceil(t.transcriptMaxCharsPerSecond * speechSeconds) + 10;
  if (chars <= most) return [];
  const source = transcriptSource === 'wecom' ? '企业微信语音转文字' : '机器人语音识别';
  return [failure(RULE, {
    code: 'TRANSCRIPT_IMPLAUSIBLE', target: 'voice',
    message: `标注为「${source}」的纪要有 ${chars} 个字，但录音中的人声只有约 ${Math.round(speechSeconds)} 秒（最多约 ${most} 个字），与录音不符。手工填写的纪要请标为“手工填写”。`,
    details: { chars, speechSeconds: Math.round(speechSeconds * 10) / 10, maxChars: most, source: transcriptSource },
  })];
}

export const voiceSpeechRule = defineGateRule({
  kind: RULE,
  label: '语音真实有声',
  schema,
  defaultMode: 'review',
  check(facts, p) {
    const t = thresholdsOf(facts);
    const memos = voiceMemosOf(facts);
    return [...memos.flatMap((a) => checkMemo(a, facts, p, t)), ...checkTranscript(facts, memos, t)];
  },
});
