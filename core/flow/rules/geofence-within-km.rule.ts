/**
 * 'geofence.within_km': the check-in must lie within `km` of the customer's
 * registered address. Both points are converted to WGS-84 first: customer
 * coordinates usually come from a GCJ-02 map picker while WeCom may report
 * WGS-84, and the 300–600 m between them is a real share of the fence.
 */
import { z } from 'zod';
import { distanceKm, formatDistance } from '../geo.js';
import type { RuleFailure } from '../types.js';
import { defineGateRule, failure } from './rule-definition.js';

const schema = z.strictObject({ km: z.number().positive().max(1000).meta({ title: '签到范围', unit: '公里' }) });

const RULE = 'geofence.within_km';

function noCheckIn(): RuleFailure {
  return failure(RULE, {
    code: 'CHECKIN_MISSING',
    target: 'checkIn',
    message: '没有签到定位：请在客户现场打开定位签到后再提交。',
  });
}

function noCustomerCoords(name: string): RuleFailure {
  // not the rep's fault, so it must not block the report
  return failure(RULE, {
    code: 'CUSTOMER_COORDS_MISSING',
    target: 'checkIn',
    severity: 'warning',
    message: `客户「${name}」还没有登记地址坐标，无法核对签到位置，请联系管理员补录客户地址。`,
  });
}

export const geofenceWithinKmRule = defineGateRule({
  kind: RULE,
  label: '现场签到范围',
  schema,
  check(facts, { km }) {
    const { checkIn } = facts.report;
    const c = facts.customer;
    if (!checkIn) return [noCheckIn()];
    if (c.lat === null || c.lng === null) return [noCustomerCoords(c.name)];
    const d = distanceKm(
      { lat: checkIn.lat, lng: checkIn.lng, system: checkIn.coordSystem },
      { lat: c.lat, lng: c.lng, system: c.coordSystem },
    );
    if (d <= km) return [];
    return [
      failure(RULE, {
        code: 'CHECKIN_TOO_FAR',
        target: 'checkIn',
        message: `签到位置距离客户「${c.name}」登记地址约 ${formatDistance(d)}，超出 ${km} 公里范围。请到客户现场重新签到；如客户已搬迁，请联系管理员更新地址。`,
        details: { distanceKm: Math.round(d * 1000) / 1000, km },
      }),
    ];
  },
});
