/**
 * 'checkin.plausible': the check-in is whatever the phone sends, so it is held
 * against what the server knows (thresholds from the evidence settings):
 *   - CHECKIN_TELEPORT: faster than maxSpeedKmh (150 km/h) from the rep's
 *     nearest other check-in in time (moves under minTeleportKm are GPS noise);
 *   - CHECKIN_MOCK_SUSPECT: the very same coordinates (6 decimals) checked in
 *     before for another customer or on another day; a declared accuracy of
 *     exactly 0; or the same accuracy sameAccuracyCount times in a row — what
 *     mock-location apps produce;
 *   - CHECKIN_CLOCK_SKEW: a check-in, photo capture or offline-queue time later
 *     than the server's clock (beyond clockToleranceMinutes), or a check-in
 *     more than checkInMaxDelayHours before the report reached the server (or
 *     before the phone's offline queue took it, when it was queued).
 */
import { z } from 'zod';
import { photosOf } from '../evidence/files.js';
import { thresholdsOf, type EvidenceThresholds } from '../evidence/thresholds.js';
import type { PastCheckIn } from '../evidence/types.js';
import { distanceKm } from '../geo.js';
import { chineseDateTime, shanghaiDate } from '../time.js';
import type { CheckIn, RuleFailure, VisitFacts } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({});

const RULE = 'checkin.plausible';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const km = (a: CheckIn, b: PastCheckIn) =>
  distanceKm({ lat: a.lat, lng: a.lng, system: a.coordSystem }, { lat: b.lat, lng: b.lng, system: b.coordSystem });

function teleport(c: CheckIn, history: readonly PastCheckIn[], t: EvidenceThresholds): RuleFailure[] {
  let worst: { p: PastCheckIn; d: number; speed: number } | null = null;
  for (const p of history) {
    const d = km(c, p);
    if (d < t.minTeleportKm) continue;
    const hours = Math.abs(c.at.getTime() - p.at.getTime()) / HOUR_MS;
    const speed = hours === 0 ? Infinity : d / hours;
    if (speed > t.maxSpeedKmh && (!worst || speed > worst.speed)) worst = { p, d, speed };
  }
  if (!worst) return [];
  const { p, d, speed } = worst;
  const minutes = Math.round(Math.abs(c.at.getTime() - p.at.getTime()) / MINUTE_MS);
  return [failure(RULE, {
    code: 'CHECKIN_TELEPORT',
    target: 'checkIn',
    message: `本次签到距上一次签到（${chineseDateTime(p.at)}，「${p.customer.name}」）约 ${Math.round(d)} 公里，只隔 ${minutes} 分钟，`
      + `折合时速超过 ${t.maxSpeedKmh} 公里，不可能到达。请确认定位后在现场重新签到。`,
    details: {
      distanceKm: Math.round(d * 10) / 10, minutes, speedKmh: Number.isFinite(speed) ? Math.round(speed) : null,
      previous: { at: p.at.toISOString(), customer: p.customer, actionId: p.actionId },
    },
  })];
}

function mockSuspect(c: CheckIn, facts: VisitFacts, t: EvidenceThresholds): RuleFailure[] {
  const h = facts.evidence?.checkIns;
  const reasons: string[] = [];
  const details: Record<string, unknown> = {};
  if (c.accuracy === 0) {
    reasons.push('定位精度为 0 米（真实定位总有误差）');
    details.accuracy = 0;
  }
  const day = shanghaiDate(c.at);
  const spot = h?.sameSpot.find((p) => p.customer.id !== facts.customer.id || shanghaiDate(p.at) !== day);
  if (spot) {
    reasons.push(`坐标与${spot.sameUser ? '你' : `「${spot.userName}」`} ${chineseDateTime(spot.at)} 在「${spot.customer.name}」的签到完全相同`);
    details.sameSpot = { at: spot.at.toISOString(), customer: spot.customer, userName: spot.userName, actionId: spot.actionId };
  }
  const recent = (h?.recentAccuracies ?? []).slice(0, t.sameAccuracyCount - 1);
  if (c.accuracy != null && c.accuracy !== 0 && recent.length === t.sameAccuracyCount - 1 && recent.every((a) => a === c.accuracy)) {
    reasons.push(`连续 ${t.sameAccuracyCount} 次签到的定位精度都是 ${c.accuracy} 米`);
    details.repeatedAccuracy = c.accuracy;
  }
  if (reasons.length === 0) return [];
  return [failure(RULE, {
    code: 'CHECKIN_MOCK_SUSPECT',
    target: 'checkIn',
    message: `签到疑似使用了虚拟定位：${reasons.join('；')}。请关闭模拟定位软件后在现场重新签到。`,
    details,
  })];
}

function clockSkew(c: CheckIn, facts: VisitFacts, t: EvidenceThresholds): RuleFailure[] {
  const now = facts.now.getTime();
  const tolerance = t.clockToleranceMinutes * MINUTE_MS;
  const reasons: string[] = [];
  const details: Record<string, unknown> = {};
  if (c.at.getTime() > now + tolerance) {
    reasons.push(`签到时间 ${chineseDateTime(c.at)} 晚于服务器收到报告的时间 ${chineseDateTime(facts.now)}`);
    details.checkInAt = c.at.toISOString();
  }
  const future = photosOf(facts).find((a) => a.capturedAt && a.photo && a.capturedAt.getTime() > a.photo.uploadedAt.getTime() + tolerance);
  if (future) {
    reasons.push(`照片拍摄时间 ${chineseDateTime(future.capturedAt!)} 晚于上传时间 ${chineseDateTime(future.photo!.uploadedAt)}`);
    details.photo = { attachmentId: future.id, capturedAt: future.capturedAt!.toISOString() };
  }
  const queued = facts.report.queuedAt;
  if (queued && queued.getTime() > now + tolerance) {
    reasons.push(`离线排队时间 ${chineseDateTime(queued)} 晚于服务器时间`);
    details.queuedAt = queued.toISOString();
  }
  const reference = queued && queued.getTime() <= now + tolerance ? queued.getTime() : now;
  const delayHours = (reference - c.at.getTime()) / HOUR_MS;
  if (delayHours > t.checkInMaxDelayHours) {
    reasons.push(`签到时间比${queued ? '离线排队' : '提交'}早 ${Math.round(delayHours)} 小时`);
    details.delayHours = Math.round(delayHours);
  }
  if (reasons.length === 0) return [];
  return [failure(RULE, {
    code: 'CHECKIN_CLOCK_SKEW',
    target: 'checkIn',
    message: `时间异常：${reasons.join('；')}。请确认手机时间为自动设置，并在拜访现场签到后及时提交。`,
    details,
  })];
}

export const checkinPlausibleRule = defineGateRule({
  kind: RULE,
  label: '签到可信',
  schema,
  defaultMode: 'review',
  check(facts) {
    const c = facts.report.checkIn;
    if (!c) return []; // a missing check-in is geofence.within_km's finding
    const t = thresholdsOf(facts);
    return [
      ...teleport(c, facts.evidence?.checkIns.nearest ?? [], t),
      ...mockSuspect(c, facts, t),
      ...clockSkew(c, facts, t),
    ];
  },
});
