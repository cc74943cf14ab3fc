/**
 * What a photo's EXIF says, in one exifr pass: camera make/model, the
 * software that last wrote the file, the capture time (DateTimeOriginal, else
 * CreateDate, at OffsetTime*; Shanghai when there is none — core/flow/exif.ts)
 * and the GPS position (WGS-84, as EXIF stores it). Values are read raw so
 * dates are not built in the host's time zone. A file exifr cannot read
 * (a truncated upload, a malformed block) has no EXIF rather than an error.
 *
 *   const exif = await readExif(buffer);   // { hasExif, make, model, software, capturedAt, gps }
 */
import exifr from 'exifr';
import { parseExifDateTime } from '../flow/exif.js';
import { isValidLatLng } from '../flow/geo.js';

export interface ExifFacts {
  hasExif: boolean;
  make: string | null;
  model: string | null;
  software: string | null;
  capturedAt: Date | null;
  gps: { lat: number; lng: number } | null;
}

const PICK = [
  'Make', 'Model', 'Software', 'DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTimeDigitized',
  'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef',
];

export const NO_EXIF: ExifFacts = { hasExif: false, make: null, model: null, software: null, capturedAt: null, gps: null };

/** Trimmed printable text of at most 100 characters; a tag stuffed with junk says nothing. */
function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 100);
  return s === '' ? null : s;
}

function gpsOf(tags: Record<string, unknown>): ExifFacts['gps'] {
  const lat = Number(tags.latitude);
  const lng = Number(tags.longitude);
  // 0,0 is what a phone writes when it had no fix
  if (!isValidLatLng(lat, lng) || (lat === 0 && lng === 0)) return null;
  return { lat, lng };
}

export async function readExif(buffer: Uint8Array): Promise<ExifFacts> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(buffer, { pick: PICK, reviveValues: false });
  } catch {
    return NO_EXIF; // not an image exifr knows, or a damaged block: treat as "no EXIF"
  }
  if (!tags || Object.keys(tags).length === 0) return NO_EXIF;
  return {
    hasExif: true,
    make: text(tags.Make),
    model: text(tags.Model),
    software: text(tags.Software),
    capturedAt: parseExifDateTime(tags.DateTimeOriginal, tags.OffsetTimeOriginal)
      ?? parseExifDateTime(tags.CreateDate, tags.OffsetTimeDigitized),
    gps: gpsOf(tags),
  };
}

/** The EXIF capture time alone. */
export async function readCaptureTime(buffer: Uint8Array): Promise<Date | null> {
  return (await readExif(buffer)).capturedAt;
}
