import { expect } from 'chai';
import { haversineKm } from '../../../../core/flow/geo.js';
import { geofenceWithinKmRule } from '../../../../core/flow/rules/geofence-within-km.rule.js';
import { aVisitFacts, NOW, PEOPLES_SQUARE_GCJ02, PEOPLES_SQUARE_WGS84 } from '../support/builders.js';

describe('geofence.within_km', () => {
  it('passes a WGS-84 check-in at the GCJ-02 registered address of the same spot', () => {
    expect(geofenceWithinKmRule.check(aVisitFacts(), { km: 0.05 })).to.deep.equal([]);
  });

  it('would have failed a 50 m fence had the systems not been converted', () => {
    // the raw offset between the two systems at this spot is ~0.5 km
    expect(haversineKm(PEOPLES_SQUARE_WGS84, PEOPLES_SQUARE_GCJ02)).to.be.within(0.4, 0.6);
  });

  it('rejects a check-in 5 km away and says how far', () => {
    const checkIn = { lat: PEOPLES_SQUARE_WGS84.lat + 0.045, lng: PEOPLES_SQUARE_WGS84.lng, coordSystem: 'wgs84' as const, at: NOW };
    const [f] = geofenceWithinKmRule.check(aVisitFacts({ report: { checkIn } }), { km: 3 });
    expect(f).to.include({ code: 'CHECKIN_TOO_FAR', target: 'checkIn', severity: 'error' });
    expect(f.message).to.match(/约 5\.\d 公里，超出 3 公里范围/);
  });

  it('fails a report without a check-in', () => {
    const [f] = geofenceWithinKmRule.check(aVisitFacts({ report: { checkIn: undefined } }), { km: 3 });
    expect(f).to.include({ code: 'CHECKIN_MISSING', severity: 'error' });
  });

  it('only warns when the customer has no coordinates on file', () => {
    const [f] = geofenceWithinKmRule.check(aVisitFacts({ customer: { lat: null, lng: null } }), { km: 3 });
    expect(f).to.include({ code: 'CUSTOMER_COORDS_MISSING', severity: 'warning' });
    expect(f.message).to.contain('联系管理员');
  });
});
