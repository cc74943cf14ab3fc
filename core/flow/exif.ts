/**
 * What an EXIF date-time means, used by 'photo.captured_within'. EXIF
 * date-times are wall-clock without a zone; phones sold in China write
 * Shanghai time, so that is assumed unless an OffsetTime tag says otherwise.
 * The bytes are read once, by core/evidence/read-exif.ts.
 *
 *   const capturedAt = parseExifDateTime('2024:05:08 10:20:30', '+09:00'); // Date | null
 */
import { SHANGHAI_OFFSET_MS } from './time.js';

const EXIF_DATETIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** The UTC offset an OffsetTime tag says ('+09:00'); Shanghai's when it says none. */
export function exifOffsetMs(raw: unknown): number {
  const m = typeof raw === 'string' ? OFFSET.exec(raw.trim()) : null;
  if (!m) return SHANGHAI_OFFSET_MS;
  const ms = (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return m[1] === '-' ? -ms : ms;
}

/** 'YYYY:MM:DD HH:mm:ss' at the given UTC offset; null for blanks like '0000:00:00 00:00:00'. */
export function parseExifDateTime(raw: unknown, offset: unknown): Date | null {
  const m = typeof raw === 'string' ? EXIF_DATETIME.exec(raw.trim()) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (y < 1990 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return null;
  return new Date(wall - exifOffsetMs(offset));
}
