/**
 * 'photo.located': a photo whose EXIF carries a GPS position must have been
 * taken within N km of the check-in (evidence threshold photoMaxKm, default
 * 1 km; `km` overrides it), or of the customer's registered address when the
 * report has no check-in. EXIF GPS is WGS-84; the check-in and the address
 * may be GCJ-02 (map pickers), so both sides are converted before measuring
 * (geo.ts distanceKm). Photos without GPS are not judged here.
 */
import { z } from 'zod';
import { photoName, photosOf, targetOf } from '../evidence/files.js';
import { thresholdsOf } from '../evidence/thresholds.js';
import { distanceKm } from '../geo.js';
import type { GeoPoint, RuleFailure, VisitFacts } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({
  tags: z.array(z.string().min(1)).min(1).optional().meta({ title: '照片标签' }),
  km: z.number().positive().max(100).optional().meta({ title: '与签到最大距离', unit: '公里' }),
});

const RULE = 'photo.located';

function referenceOf(facts: VisitFacts): { point: GeoPoint; label: string } | null {
  const { checkIn } = facts.report;
  if (checkIn) return { point: { lat: checkIn.lat, lng: checkIn.lng, system: checkIn.coordSystem }, label: '签到位置' };
  const c = facts.customer;
  if (c.lat === null || c.lng === null) return null;
  return { point: { lat: c.lat, lng: c.lng, system: c.coordSystem }, label: `客户「${c.name}」登记地址` };
}

const round = (km: number) => Math.round(km * 100) / 100;

export const photoLocatedRule = defineGateRule({
  kind: RULE,
  label: '照片拍摄地点',
  schema,
  defaultMode: 'review',
  check(facts, p) {
    const ref = referenceOf(facts);
    if (!ref) return [];
    const km = p.km ?? thresholdsOf(facts).photoMaxKm;
    const out: RuleFailure[] = [];
    for (const a of photosOf(facts, p.tags)) {
      const gps = a.photo?.gps;
      if (!gps) continue;
      const d = distanceKm({ ...gps, system: 'wgs84' }, ref.point);
      if (d <= km) continue;
      out.push(failure(RULE, {
        code: 'PHOTO_GPS_MISMATCH',
        target: targetOf(a),
        message: `「${photoName(a)}」的拍摄地点距${ref.label}约 ${d < 10 ? d.toFixed(1) : Math.round(d)} 公里，超出 ${km} 公里，请在拜访现场重新拍摄。`,
        details: { attachmentId: a.id, distanceKm: round(d), km, photoGps: gps },
      }));
    }
    return out;
  },
});
