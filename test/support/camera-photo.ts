/**
 * A real, decodable JPEG as a phone camera writes it, for tests that file
 * reports: noise pixels (so no two calls make the same picture and the
 * duplicate check never matches one test's photo to another's) and EXIF
 * with the capture time, camera and optionally GPS.
 *
 *   const buf = await cameraPhoto({ takenAt: now });                       // Shanghai wall clock, +08:00
 *   const bare = await cameraPhoto({ takenAt: null, camera: null });       // what a screenshot or forwarded image carries
 */
import sharp from 'sharp';
import { exifOffsetMs } from '../../core/flow/exif.js';
import { sceneSvg } from '../../core/seed/evidence/scene.js';

export interface CameraPhotoOptions {
  /** null: no capture time at all. */
  takenAt?: Date | null;
  /** The OffsetTimeOriginal written beside it; the wall clock is computed for it. */
  offset?: string;
  /** null: no Make/Model/Software. */
  camera?: { make: string; model: string; software?: string } | null;
  gps?: { lat: number; lng: number };
  width?: number;
  height?: number;
  format?: 'jpeg' | 'png';
  /** A scene of coloured shapes drawn from this seed (the same seed, the same picture); default: fresh noise. */
  scene?: number;
}


const dms = (v: number) => {
  const a = Math.abs(v);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
};

function wallClock(at: Date, offset: string): string {
  const w = new Date(at.getTime() + exifOffsetMs(offset)).toISOString();
  return `${w.slice(0, 10).replace(/-/g, ':')} ${w.slice(11, 19)}`;
}

export async function cameraPhoto(o: CameraPhotoOptions = {}): Promise<Buffer> {
  const offset = o.offset ?? '+08:00';
  const takenAt = o.takenAt === undefined ? new Date() : o.takenAt;
  const camera = o.camera === undefined ? { make: 'HUAWEI', model: 'ELS-AN00', software: 'ELS-AN00 4.0.0' } : o.camera;
  const [width, height] = [o.width ?? 64, o.height ?? 48];
  const img = o.scene === undefined
    ? sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    : sharp(sceneSvg(o.scene, width, height));
  const ifd0: Record<string, string> = camera ? { Make: camera.make, Model: camera.model, ...(camera.software ? { Software: camera.software } : {}) } : {};
  const ifd2: Record<string, string> = takenAt ? { DateTimeOriginal: wallClock(takenAt, offset), OffsetTimeOriginal: offset } : {};
  const ifd3: Record<string, string> = o.gps ? {
    GPSLatitudeRef: o.gps.lat >= 0 ? 'N' : 'S', GPSLatitude: dms(o.gps.lat),
    GPSLongitudeRef: o.gps.lng >= 0 ? 'E' : 'W', GPSLongitude: dms(o.gps.lng),
  } : {};
  const exif = { IFD0: ifd0, IFD2: ifd2, IFD3: ifd3 };
  const hasExif = Object.keys(ifd0).length + Object.keys(ifd2).length + Object.keys(ifd3).length > 0;
  const encoded = o.format === 'png' ? img.png() : img.jpeg({ quality: 80 });
  return (hasExif ? encoded.withExif(exif) : encoded).toBuffer();
}
