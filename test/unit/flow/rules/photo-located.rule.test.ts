import { expect } from 'chai';
import { wgs84ToGcj02 } from '../../../../core/flow/geo.js';
import { photoLocatedRule } from '../../../../core/flow/rules/photo-located.rule.js';
import { aPhoto, aPhotoEvidence, aVisitFacts, codes, PEOPLES_SQUARE_WGS84 } from '../support/builders.js';

const photoAt = (gps: { lat: number; lng: number } | null) => ({ ...aPhoto(1, ['门头照']), photo: aPhotoEvidence({ gps }) });

describe('photo.located', () => {
  it('passes a photo whose EXIF GPS is where the rep checked in', () => {
    expect(photoLocatedRule.check(aVisitFacts({ report: { attachments: [photoAt(PEOPLES_SQUARE_WGS84)] } }), {})).to.deep.equal([]);
  });

  it('converts a GCJ-02 check-in before comparing it with WGS-84 EXIF: the ~500 m offset is no mismatch', () => {
    const gcj = wgs84ToGcj02(PEOPLES_SQUARE_WGS84.lat, PEOPLES_SQUARE_WGS84.lng);
    const facts = aVisitFacts({ report: { attachments: [photoAt(PEOPLES_SQUARE_WGS84)], checkIn: { ...gcj, coordSystem: 'gcj02', at: new Date() } } });
    expect(photoLocatedRule.check(facts, { km: 0.1 })).to.deep.equal([]);
  });

  it('flags a photo taken 12 km from the check-in and says how far', () => {
    const [f] = photoLocatedRule.check(aVisitFacts({ report: { attachments: [photoAt({ lat: 31.3304, lng: 121.5237 })] } }), {});
    expect(f).to.include({ code: 'PHOTO_GPS_MISMATCH', target: 'attachments:门头照' });
    expect(f.message).to.match(/距签到位置约 1[0-3] 公里，超出 1 公里/);
  });

  it('falls back to the customer address without a check-in, and skips photos without GPS', () => {
    const far = photoAt({ lat: 31.5, lng: 121.4737 });
    const facts = aVisitFacts({ report: { checkIn: undefined, attachments: [far, photoAt(null)] } });
    const f = photoLocatedRule.check(facts, {});
    expect(codes(f)).to.deep.equal(['PHOTO_GPS_MISMATCH']);
    expect(f[0].message).to.contain('客户「华联超市（人民广场店）」登记地址');
  });
});
