/**
 * Coordinates in China come in two systems: WGS-84 (GPS, WeCom `getLocation`
 * with type 'wgs84') and GCJ-02 (the legally mandated obfuscation used by
 * Tencent/AMap pickers). They differ by 300–600 m in cities, which is a large
 * share of a 3 km geofence, so points are always brought into one system.
 *
 *   distanceKm({ lat, lng, system: 'wgs84' }, { lat, lng, system: 'gcj02' })
 */
import type { CoordSystem, GeoPoint } from './types.js';

// Krasovsky 1940 ellipsoid, as in the published GCJ-02 algorithm
const A = 6378245.0;
const EE = 0.00669342162296594323;
const EARTH_MEAN_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

export interface LatLng {
  lat: number;
  lng: number;
}

/** GCJ-02 is only applied inside China's rough bounding box; outside it equals WGS-84. */
export function outOfChina(lat: number, lng: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The GCJ-02 offset (degrees) to add to a WGS-84 point. */
function gcjOffset(lat: number, lng: number): LatLng {
  const radLat = lat * RAD;
  const s = Math.sin(radLat);
  const magic = 1 - EE * s * s;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (transformLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (transformLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: dLat, lng: dLng };
}

export function wgs84ToGcj02(lat: number, lng: number): LatLng {
  if (outOfChina(lat, lng)) return { lat, lng };
  const d = gcjOffset(lat, lng);
  return { lat: lat + d.lat, lng: lng + d.lng };
}

/**
 * The inverse has no closed form; fixed-point iteration converges to well
 * under a millimetre in 3–5 rounds because the offset varies slowly.
 */
export function gcj02ToWgs84(lat: number, lng: number): LatLng {
  if (outOfChina(lat, lng)) return { lat, lng };
  let wLat = lat;
  let wLng = lng;
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02(wLat, wLng);
    const eLat = g.lat - lat;
    const eLng = g.lng - lng;
    wLat -= eLat;
    wLng -= eLng;
    if (Math.abs(eLat) < 1e-10 && Math.abs(eLng) < 1e-10) break;
  }
  return { lat: wLat, lng: wLng };
}

export function toSystem(p: GeoPoint, system: CoordSystem): GeoPoint {
  if (p.system === system) return p;
  const c = system === 'gcj02' ? wgs84ToGcj02(p.lat, p.lng) : gcj02ToWgs84(p.lat, p.lng);
  return { ...c, system };
}

/** Great-circle distance on a sphere; error < 0.5 % which is far below GPS noise. */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance between points given in any systems, measured on WGS-84 (the true ground). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  return haversineKm(toSystem(a, 'wgs84'), toSystem(b, 'wgs84'));
}

export function isValidLatLng(lat: number, lng: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
}

/**
 * A distance as every screen and message shows it: metres under 1 km
 * (「488 米」), else kilometres to one decimal (「17.7 公里」) — one format, so
 * the rule's refusal, the check-in card and the bot never disagree.
 */
export function formatDistance(km: number): string {
  return km < 1 ? `${Math.round(km * 1000)} 米` : `${km.toFixed(1)} 公里`;
}
