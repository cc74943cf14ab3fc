/**
 * 'photo.captured_within': photos must have been taken during the visit, read
 * from their EXIF capture time (DateTimeOriginal + OffsetTimeOriginal;
 * Shanghai time without an offset, see exif.ts). The window is the report's
 * visit window, else the check-in time ± N minutes (the evidence threshold
 * photoMaxMinutes, default 30; `minutes` overrides it per definition, and
 * hoursBefore/hoursAfter widen either window explicitly).
 * A photo without a capture time is its own finding (screenshots, forwarded
 * images), failing or warning per `missingExif`; when WeCom's media store
 * handed the server a photo without any EXIF, that is said instead — WeCom
 * strips it unless the app asks chooseImage for the original — and weighed as
 * a note, never called a screenshot.
 */
import { z } from 'zod';
import { photoName, photosOf, targetOf } from '../evidence/files.js';
import { thresholdsOf } from '../evidence/thresholds.js';
import { chineseDateTime } from '../time.js';
import type { ReportAttachment, RuleFailure, VisitFacts } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  tags: z.array(z.string().min(1)).min(1).optional().meta({ title: '照片标签' }),
  minutes: z.number().int().min(1).max(24 * 60).optional().meta({ title: '与签到最大时差', unit: '分钟' }),
  hoursBefore: z.number().min(0).max(72).optional().meta({ title: '可早于签到', unit: '小时' }),
  hoursAfter: z.number().min(0).max(72).optional().meta({ title: '可晚于签到', unit: '小时' }),
  missingExif: z.enum(['fail', 'warn']).default('warn').meta({ title: '照片没有拍摄时间时', labels: { fail: '不通过', warn: '仅提醒' } }),
});
type Params = z.output<typeof schema>;

const RULE = 'photo.captured_within';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function visitWindow(facts: VisitFacts, p: Params): { start: Date; end: Date } | null {
  const r = facts.report;
  if (r.visitWindow) {
    return {
      start: new Date(r.visitWindow.start.getTime() - (p.hoursBefore ?? 0) * HOUR_MS),
      end: new Date(r.visitWindow.end.getTime() + (p.hoursAfter ?? 0) * HOUR_MS),
    };
  }
  if (!r.checkIn) return null;
  const slack = (p.minutes ?? thresholdsOf(facts).photoMaxMinutes) * MINUTE_MS;
  const at = r.checkIn.at.getTime();
  return {
    start: new Date(at - (p.hoursBefore !== undefined ? p.hoursBefore * HOUR_MS : slack)),
    end: new Date(at + (p.hoursAfter !== undefined ? p.hoursAfter * HOUR_MS : slack)),
  };
}

function noCaptureTime(a: ReportAttachment, target: string, p: Params): RuleFailure {
  const severity = p.missingExif === 'fail' ? 'error' : 'warning';
  if (a.photo?.fromWecom && !a.photo.hasExif) {
    return failure(RULE, {
      code: 'PHOTO_NO_CAPTURE_TIME', target, severity,
      message: `「${photoName(a)}」经企业微信上传时拍摄信息被去除，无法核对拍摄时间。请在企业微信里选择“原图”后重新上传。`,
      details: { attachmentId: a.id, source: 'wecom_media', note: true },
    });
  }
  return failure(RULE, {
    code: 'PHOTO_NO_CAPTURE_TIME', target, severity,
    message: `「${photoName(a)}」没有拍摄时间信息（可能是截图或转发的图片），请在现场用相机直接拍摄后上传。`,
    details: { attachmentId: a.id, source: a.photo?.fromWecom ? 'wecom_media' : 'upload' },
  });
}

function checkPhoto(a: ReportAttachment, win: { start: Date; end: Date }, p: Params): RuleFailure | null {
  const target = targetOf(a);
  if (!a.capturedAt) return noCaptureTime(a, target, p);
  const t = a.capturedAt.getTime();
  if (t >= win.start.getTime() && t <= win.end.getTime()) return null;
  return failure(RULE, {
    code: 'PHOTO_STALE',
    target,
    message: `「${photoName(a)}」拍摄于 ${chineseDateTime(a.capturedAt)}，不在本次拜访时间（${chineseDateTime(win.start)} 至 ${chineseDateTime(win.end)}）内，请在拜访现场重新拍摄。`,
    details: { attachmentId: a.id, capturedAt: a.capturedAt.toISOString(), windowStart: win.start.toISOString(), windowEnd: win.end.toISOString() },
  });
}

export const photoCapturedWithinRule = defineGateRule({
  kind: RULE,
  label: '照片拍摄时间',
  schema,
  check(facts, p) {
    const photos = photosOf(facts, p.tags);
    if (photos.length === 0) return []; // counting photos is attachments.min's job
    const win = visitWindow(facts, p);
    if (!win) {
      return [failure(RULE, {
        code: 'PHOTO_TIME_UNVERIFIABLE',
        target: 'attachments',
        severity: 'warning',
        message: '没有拜访时间和签到记录，无法核对照片拍摄时间，请先在现场签到。',
      })];
    }
    return photos.map((a) => checkPhoto(a, win, p)).filter((f): f is RuleFailure => f !== null);
  },
});
