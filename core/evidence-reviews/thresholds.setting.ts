/**
 * 证据核验阈值 as a setting: every number the evidence rules enforce, for the
 * organisation and, where it matters (a hospital campus is larger than a shop,
 * a KA negotiation longer than a store check), per customer type. The preview
 * replays last month's visit reports and says how many verdicts would change.
 */
import { DEFAULT_EVIDENCE_THRESHOLDS, EvidenceThresholdsSchema, type EvidenceThresholds } from '../flow/evidence/thresholds.js';
import { defineSetting, type PreviewResult, type SettingContext } from '../settings/define.js';
import type { Db } from '../db/pool.js';
import { replayVerdicts } from '../evidence/replay.js';

export const evidenceThresholds = defineSetting({
  key: 'evidence.thresholds',
  topic: 'flow',
  label: '证据核验阈值',
  help: '拜访证据的核验标准：照片拍摄时间与地点、重复照片、签到的速度与时间、语音时长与说话内容，以及可信度分数线。可按客户类型单独设置（如医院院区较大，可放宽照片距离）。',
  schema: EvidenceThresholdsSchema,
  default: DEFAULT_EVIDENCE_THRESHOLDS,
  scopes: { department: false, customerType: 'optional' },
  notify: { roles: ['manager'] },
  preview: previewThresholds,
});

async function previewThresholds(db: Db, c: SettingContext & { before: EvidenceThresholds; after: EvidenceThresholds }): Promise<PreviewResult> {
  const r = await replayVerdicts(db, { before: c.before, after: c.after, customerType: c.scope.customerType, now: c.now, days: 30 });
  const summary = `近30天${r.total}份拜访报告按新阈值重新核验：${r.toReview}份将由“可信”转为待复核，${r.toTrusted}份将由待复核转为“可信”。`;
  return { summary, lines: r.lines };
}
