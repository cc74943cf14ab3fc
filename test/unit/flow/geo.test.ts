import { expect } from 'chai';
import fc from 'fast-check';
import { distanceKm, gcj02ToWgs84, haversineKm, outOfChina, wgs84ToGcj02 } from '../../../core/flow/geo.js';

describe('geo', () => {
  it('shifts Tiananmen (WGS-84 39.9087,116.3975) to GCJ-02 ≈ 39.91010,116.40374', () => {
    const g = wgs84ToGcj02(39.9087, 116.3975);
    expect(g.lat).to.be.closeTo(39.910103, 1e-5);
    expect(g.lng).to.be.closeTo(116.403744, 1e-5);
  });

  it('leaves points outside China untouched', () => {
    expect(outOfChina(51.5074, -0.1278)).to.equal(true);
    expect(wgs84ToGcj02(51.5074, -0.1278)).to.deep.equal({ lat: 51.5074, lng: -0.1278 });
    expect(gcj02ToWgs84(35.6762, 139.6503)).to.deep.equal({ lat: 35.6762, lng: 139.6503 });
  });

  it('inverts GCJ-02 to within a metre anywhere in China', () => {
    fc.assert(
      fc.property(fc.double({ min: 18, max: 53, noNaN: true }), fc.double({ min: 74, max: 134, noNaN: true }), (lat, lng) => {
        const g = wgs84ToGcj02(lat, lng);
        const back = gcj02ToWgs84(g.lat, g.lng);
        return haversineKm({ lat, lng }, back) < 0.001;
      }),
    );
  });

  it('measures Beijing to Shanghai at about 1,068 km', () => {
    expect(haversineKm({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 })).to.be.closeTo(1068, 5);
  });

  it('finds ~0 km between one place given in both systems', () => {
    const g = wgs84ToGcj02(22.5431, 114.0579);
    expect(distanceKm({ lat: 22.5431, lng: 114.0579, system: 'wgs84' }, { ...g, system: 'gcj02' })).to.be.below(0.001);
  });
});
