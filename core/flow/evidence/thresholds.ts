/**
 * The numbers the evidence rules enforce. They are settings (core/evidence
 * registers them; an admin edits them, per customer type where it matters);
 * these are the defaults, and what a rule falls back to when facts carry none.
 */
import { z } from 'zod';
import { FINDING_CODES, FINDING_LABELS, FINDING_WEIGHTS, type FindingCode } from './findings.js';

/**
 * The widest duplicate threshold: what the upload-time search covers (radius 1 per band
 * of the index, 68 probed keys — at 11 it would be 548).
 */
export const MAX_DUPLICATE_DISTANCE = 7;

const int = (min: number, max: number) => z.number().int().min(min, `应在${min}–${max}之间`).max(max, `应在${min}–${max}之间`);

const weightShape = Object.fromEntries(FINDING_CODES.map((code) => [code, int(0, 100).meta({ title: FINDING_LABELS[code], unit: '分' })])) as Record<FindingCode, z.ZodNumber>;

export const EvidenceThresholdsSchema = z.strictObject({
  photoMaxMinutes: int(1, 24 * 60)
    .meta({ title: '照片与签到最大时差', unit: '分钟', description: '照片的拍摄时间（EXIF）与签到时间相差超过这么久，记为“照片非现场拍摄时间”' }),
  photoMaxKm: z.number().positive('应大于0').max(100, '不能超过100')
    .meta({ title: '照片与签到最大距离', unit: '公里', description: '照片自带的 GPS 位置距签到点超过这么远，记为“照片位置与签到不符”' }),
  duplicateMaxDistance: int(0, MAX_DUPLICATE_DISTANCE)
    .meta({ title: '重复照片判定阈值', unit: '位', description: '两张照片的感知哈希（64位）相差不超过这么多位，视为同一张照片；越大越严' }),
  maxSpeedKmh: int(30, 1000)
    .meta({ title: '签到最高合理时速', unit: '公里/小时', description: '与上一次签到之间的移动速度超过它，记为“签到瞬移”' }),
  minTeleportKm: z.number().min(0.1, '应在0.1–50之间').max(50, '应在0.1–50之间')
    .meta({ title: '瞬移最小距离', unit: '公里', description: '比这更近的移动视为定位误差，不判瞬移' }),
  checkInMaxDelayHours: int(1, 24 * 14)
    .meta({ title: '签到到提交的最长间隔', unit: '小时', description: '没有离线排队的报告，签到时间早于提交超过这么久，记为“时间异常”' }),
  clockToleranceMinutes: int(1, 120)
    .meta({ title: '手机时钟允许误差', unit: '分钟', description: '手机时间比服务器晚这么多以内不算“时间异常”' }),
  sameAccuracyCount: int(3, 100)
    .meta({ title: '定位精度连续相同次数', unit: '次', description: '连续这么多次签到的定位精度完全相同，记为“疑似虚拟定位”' }),
  voiceMinSeconds: int(1, 600)
    .meta({ title: '语音纪要最短时长', unit: '秒', description: '按录音文件本身读出的时长' }),
  voiceMinSpeechSeconds: int(1, 600)
    .meta({ title: '语音中最少说话时长', unit: '秒', description: '人声检测得到的说话时间低于它，记为“语音无人声”' }),
  transcriptMaxCharsPerSecond: z.number().min(2, '应在2–20之间').max(20, '应在2–20之间')
    .meta({ title: '转写文字每秒最多字数', unit: '字/秒', description: '中文语速约每秒3–6字；平台转写的字数超过“说话秒数×此值+10”记为“转写文字与语音不符”' }),
  trustedMinScore: int(1, 100)
    .meta({ title: '可信分数线', unit: '分', description: '可信度不低于此分（且没有拦截项）为“可信”，直接计入有效跟进；低于此分进入主管复核' }),
  rejectBelowScore: int(0, 99)
    .meta({ title: '不可信分数线', unit: '分', description: '可信度低于此分判为“不可信”，排在复核队列最前' }),
  // .default: versions saved before the weights became a setting read as the documented weights
  findingWeights: z.strictObject(weightShape).default({ ...FINDING_WEIGHTS })
    .meta({ title: '各项发现的扣分', description: '可信度从100分起，每项发现扣这么多分；同一项在一份报告里重复出现，每次再扣一半，最多扣到两倍' }),
  strippedNoteWeight: int(0, 100).default(10)
    .meta({ title: '企业微信去除拍摄时间的扣分', unit: '分', description: '照片经企业微信转存而丢失拍摄时间（不是业务员所为）时只扣这么多' }),
}).refine((t) => t.rejectBelowScore < t.trustedMinScore, { message: '不可信分数线必须低于可信分数线', path: ['rejectBelowScore'] });
export type EvidenceThresholds = z.output<typeof EvidenceThresholdsSchema>;

export const DEFAULT_EVIDENCE_THRESHOLDS: EvidenceThresholds = {
  photoMaxMinutes: 30,
  photoMaxKm: 1,
  // copies re-encoded, resized or cropped by a few percent lie within 5 bits; distinct storefronts
  // of the evaluation set (drawn, so more alike than real photos) start at 8
  duplicateMaxDistance: 7,
  maxSpeedKmh: 150,
  minTeleportKm: 2,
  checkInMaxDelayHours: 24,
  clockToleranceMinutes: 5,
  sameAccuracyCount: 10,
  voiceMinSeconds: 10,
  voiceMinSpeechSeconds: 4,
  transcriptMaxCharsPerSecond: 8,
  trustedMinScore: 90,
  rejectBelowScore: 40,
  findingWeights: { ...FINDING_WEIGHTS },
  // not the rep's doing (WeCom re-encoded the upload): noted, weighed lightly
  strippedNoteWeight: 10,
};

/** The thresholds in force for a report: the ones loaded with its facts, else the defaults. */
export function thresholdsOf(facts: { evidence?: { thresholds: EvidenceThresholds } }): EvidenceThresholds {
  return facts.evidence?.thresholds ?? DEFAULT_EVIDENCE_THRESHOLDS;
}
