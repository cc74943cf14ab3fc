/**
 * 'photo.captured_within': photos must have been taken during the visit, read
 * from their EXIF capture time. The window is the report's visit window, or
 * the check-in time when there is none, widened by hoursBefore/hoursAfter.
 * Defaults: 0 h around an explicit visit window, 2 h around a bare check-in
 * (reps photograph the shop front before or after checking in).
 * Photos without EXIF (screenshots, some WeCom compressions) fail or warn per
 * `missingExif`.
 */
import { z } from 'zod';
import { formatShanghaiShort } from '../time.js';
import type { ReportAttachment, RuleFailure, VisitFacts } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  tags: z.array(z.string().min(1)).min(1).optional().meta({ title: '照片标签' }),
  hoursBefore: z.number().min(0).max(72).optional().meta({ title: '可早于签到', unit: '小时' }),
  hoursAfter: z.number().min(0).max(72).optional().meta({ title: '可晚于签到', unit: '小时' }),
  missingExif: z.enum(['fail', 'warn']).meta({ title: '照片没有拍摄时间时', labels: { fail: '不通过', warn: '仅提醒' } }),
});
type Params = z.output<typeof schema>;

const RULE = 'photo.captured_within';
const HOUR_MS = 3_600_000;
const CHECKIN_SLACK_HOURS = 2;

function visitWindow(facts: VisitFacts, p: Params): { start: Date; end: Date } | null {
  const r = facts.report;
  const base = r.visitWindow ?? (r.checkIn ? { start: r.checkIn.at, end: r.checkIn.at } : null);
  if (!base) return null;
  const slack = r.visitWindow ? 0 : CHECKIN_SLACK_HOURS;
  return {
    start: new Date(base.start.getTime() - (p.hoursBefore ?? slack) * HOUR_MS),
    end: new Date(base.end.getTime() + (p.hoursAfter ?? slack) * HOUR_MS),
  };
}

function photoName(a: ReportAttachment): string {
  return a.tags[0] ?? '现场照片';
}

function checkPhoto(a: ReportAttachment, win: { start: Date; end: Date }, p: Params): RuleFailure | null {
  const target = `attachments:${a.tags[0] ?? a.id}`;
  if (!a.capturedAt) {
    return failure(RULE, {
      code: 'PHOTO_EXIF_MISSING',
      target,
      severity: p.missingExif === 'fail' ? 'error' : 'warning',
      message: `「${photoName(a)}」没有拍摄时间信息（可能是截图或转发的图片），请在现场用相机直接拍摄后上传。`,
      details: { attachmentId: a.id },
    });
  }
  const t = a.capturedAt.getTime();
  if (t >= win.start.getTime() && t <= win.end.getTime()) return null;
  return failure(RULE, {
    code: 'PHOTO_CAPTURED_OUTSIDE_VISIT',
    target,
    message: `「${photoName(a)}」拍摄于 ${formatShanghaiShort(a.capturedAt)}，不在本次拜访时间（${formatShanghaiShort(win.start)} 至 ${formatShanghaiShort(win.end)}）内，请在拜访现场重新拍摄。`,
    details: { attachmentId: a.id, capturedAt: a.capturedAt.toISOString() },
  });
}

export const photoCapturedWithinRule = defineGateRule({
  kind: RULE,
  label: '照片拍摄时间',
  schema,
  check(facts, p) {
    const photos = facts.report.attachments.filter(
      (a) => a.kind === 'photo' && (!p.tags || a.tags.some((t) => p.tags!.includes(t))),
    );
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
