/** Tiny builders for flow tests: a visit report that passes every default visit rule. */
import { DEFAULT_KEYWORD_LIBRARIES } from '../../../../core/flow/defaults.js';
import { DEFAULT_EVIDENCE_THRESHOLDS } from '../../../../core/flow/evidence/thresholds.js';
import type { CheckInHistory, EvidenceContext, PhotoEvidence, SimilarPhoto } from '../../../../core/flow/evidence/types.js';
import { shanghaiInstant } from '../../../../core/flow/time.js';
import type { FactsCustomer, ReportAttachment, VisitFacts, VisitReport } from '../../../../core/flow/types.js';

/** Wednesday 2024-05-08, Shanghai wall-clock. */
export const sh = (hhmm: string, day = '2024-05-08'): Date => {
  const [h, m] = hhmm.split(':').map(Number);
  return shanghaiInstant(day, h, m);
};

export const NOW = sh('11:00');

// People's Square, Shanghai: GPS (WGS-84) and the same spot as a map picker stores it (GCJ-02)
export const PEOPLES_SQUARE_WGS84 = { lat: 31.2304, lng: 121.4737 };
export const PEOPLES_SQUARE_GCJ02 = { lat: 31.228458, lng: 121.478223 };

export function aPhoto(id: number, tags: string[], capturedAt: Date | null = sh('10:10')): ReportAttachment {
  return { id, kind: 'photo', tags, capturedAt, mime: 'image/jpeg' };
}

export function aCustomer(patch: Partial<FactsCustomer> = {}): FactsCustomer {
  return { id: 1, name: '华联超市（人民广场店）', type: 'ka', ...PEOPLES_SQUARE_GCJ02, coordSystem: 'gcj02', ...patch };
}

export function aReport(patch: Partial<VisitReport> = {}): VisitReport {
  return {
    fields: { decisionRole: '采购者', nextContactAt: '2024-05-15 10:00' },
    attachments: [
      aPhoto(1, ['门头照'], sh('09:58')),
      aPhoto(2, ['合影'], sh('10:20')),
      { id: 3, kind: 'voice', tags: ['语音纪要'], capturedAt: null, mime: 'audio/amr' },
    ],
    checkIn: { ...PEOPLES_SQUARE_WGS84, coordSystem: 'wgs84', at: sh('10:00') },
    transcript: '王经理说我们的价格偏高，竞品给的账期更长，门店库存积压也比较严重，希望下周给个促销方案。',
    linkedOrderIds: [103, 102, 101],
    checklist: {},
    visitWindow: { start: sh('09:45'), end: sh('10:45') },
    ...patch,
  };
}

export interface FactsPatch {
  now?: Date;
  customer?: Partial<FactsCustomer>;
  report?: Partial<VisitReport>;
  recentOrderIds?: number[];
  satisfiedPrerequisites?: VisitFacts['satisfiedPrerequisites'];
  keywordLibraries?: VisitFacts['keywordLibraries'];
  keywordPhrasings?: VisitFacts['keywordPhrasings'];
  evidence?: EvidenceContext;
  followUp?: VisitFacts['followUp'];
}

export function aVisitFacts(patch: FactsPatch = {}): VisitFacts {
  return {
    now: patch.now ?? NOW,
    customer: aCustomer(patch.customer),
    report: aReport(patch.report),
    recentOrderIds: patch.recentOrderIds ?? [103, 102, 101, 100],
    satisfiedPrerequisites: patch.satisfiedPrerequisites ?? [],
    keywordLibraries: patch.keywordLibraries ?? DEFAULT_KEYWORD_LIBRARIES,
    ...(patch.evidence ? { evidence: patch.evidence } : {}),
    ...(patch.keywordPhrasings ? { keywordPhrasings: patch.keywordPhrasings } : {}),
    ...(patch.followUp ? { followUp: patch.followUp } : {}),
  };
}

export const codes = (fs: Array<{ code: string }>): string[] => fs.map((f) => f.code);

/** What core/evidence reads from an honest camera photo uploaded right after it was taken. */
export function aPhotoEvidence(patch: Partial<PhotoEvidence> = {}): PhotoEvidence {
  return {
    width: 4000, height: 3000, hashed: true, hasExif: true, make: 'HUAWEI', model: 'ELS-AN00', software: 'ELS-AN00 4.0.0',
    gps: PEOPLES_SQUARE_WGS84, fromWecom: false, uploadedAt: sh('10:30'), similar: [], ...patch,
  };
}

export function anEarlierPhoto(patch: Partial<SimilarPhoto> = {}): SimilarPhoto {
  return {
    attachmentId: 900, uploadedAt: sh('10:05', '2024-05-01'), uploadedBy: { id: 7, name: '赵小明' },
    customer: { id: 1, name: '华联超市（人民广场店）' }, actionId: 50, distance: 2, sameBytes: false,
    capturedAt: sh('10:00', '2024-05-01'), ...patch,
  };
}

export function aCheckInHistory(patch: Partial<CheckInHistory> = {}): CheckInHistory {
  return { nearest: [], sameSpot: [], recentAccuracies: [], ...patch };
}

/** The evidence context of rep 7 reporting on action 60, default thresholds. */
export function anEvidenceContext(patch: Partial<EvidenceContext> = {}): EvidenceContext {
  return { thresholds: DEFAULT_EVIDENCE_THRESHOLDS, repId: 7, actionId: 60, checkIns: aCheckInHistory(), ...patch };
}
