/**
 * Writes a photo's EXIF the way a phone camera does — when it was taken
 * (DateTimeOriginal in Shanghai wall-clock, OffsetTimeOriginal +08:00), the
 * camera, and where (GPS, WGS-84) — into a JPEG, replacing any EXIF it had.
 * The demo history stamps each visit's copy of a pool photo with that visit's
 * time and place, so what the server reads back from the file (core/evidence/read-exif.ts)
 * is what the visit claims. Pure byte work, no image decoding.
 *
 *   const jpeg = stampJpeg(base, { at: checkIn, lat: 31.23, lng: 121.48, camera: ['Xiaomi', 'Redmi Note 12'] });
 *   const bare = stampJpeg(null, { at: new Date() });      // a tiny JPEG with only the capture time (npm run chat's /photo)
 */
import { exifOffsetMs } from '../../flow/exif.js';

const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;

interface Entry { tag: number; type: number; count: number; data: Buffer }

const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function rationals(values: Array<[number, number]>): Buffer {
  return Buffer.concat(values.flatMap(([n, d]) => [u32(n), u32(d)]));
}

/** degrees → [[d,1],[m,1],[s×100,100]] */
function dms(deg: number): Array<[number, number]> {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 100);
  return [[d, 1], [m, 1], [s, 100]];
}

/** One IFD at `offset` (from the TIFF header): entries sorted by tag, values over 4 bytes after it. */
function ifd(entries: Entry[], offset: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  let dataAt = offset + 2 + sorted.length * 12 + 4;
  const heads: Buffer[] = [];
  const tails: Buffer[] = [];
  for (const e of sorted) {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(e.tag, 0);
    h.writeUInt16BE(e.type, 2);
    h.writeUInt32BE(e.count, 4);
    if (e.data.length <= 4) {
      e.data.copy(h, 8);
    } else {
      h.writeUInt32BE(dataAt, 8);
      const padded = e.data.length % 2 ? Buffer.concat([e.data, Buffer.alloc(1)]) : e.data;
      tails.push(padded);
      dataAt += padded.length;
    }
    heads.push(h);
  }
  return Buffer.concat([u16(sorted.length), ...heads, u32(0), ...tails]);
}

export interface PhotoFacts {
  at: Date;
  /** OffsetTimeOriginal, the zone the wall-clock is written in ('+08:00' unless said); null: none written (read as Shanghai). */
  offset?: string | null;
  /** WGS-84, as phones record it. */
  lat?: number;
  lng?: number;
  camera?: [make: string, model: string];
  /** ImageUniqueID, as cameras write one per shot: two shots never share their bytes. */
  uniqueId?: string;
}

/** The APP1 segment (marker included) carrying `facts`. */
export function exifSegment(facts: PhotoFacts): Buffer {
  const offset = facts.offset === undefined ? '+08:00' : facts.offset;
  const wall = new Date(facts.at.getTime() + exifOffsetMs(offset)).toISOString();
  const stamp = `${wall.slice(0, 10).replace(/-/g, ':')} ${wall.slice(11, 19)}`;
  const ifd0Entries = (exifAt: number, gpsAt: number | null): Entry[] => [
    ...(facts.camera ? [
      { tag: 0x010f, type: ASCII, count: ascii(facts.camera[0]).length, data: ascii(facts.camera[0]) },
      { tag: 0x0110, type: ASCII, count: ascii(facts.camera[1]).length, data: ascii(facts.camera[1]) },
    ] : []),
    { tag: 0x8769, type: LONG, count: 1, data: u32(exifAt) },
    ...(gpsAt !== null ? [{ tag: 0x8825, type: LONG, count: 1, data: u32(gpsAt) }] : []),
  ];
  const exifEntries: Entry[] = [
    { tag: 0x9003, type: ASCII, count: ascii(stamp).length, data: ascii(stamp) },
    { tag: 0x9004, type: ASCII, count: ascii(stamp).length, data: ascii(stamp) },
    ...(offset !== null ? [{ tag: 0x9011, type: ASCII, count: ascii(offset).length, data: ascii(offset) }] : []),
    ...(facts.uniqueId ? [{ tag: 0xa420, type: ASCII, count: ascii(facts.uniqueId).length, data: ascii(facts.uniqueId) }] : []),
  ];
  const hasGps = facts.lat !== undefined && facts.lng !== undefined;
  const gpsEntries: Entry[] = hasGps ? [
    { tag: 0x0000, type: 1, count: 4, data: Buffer.from([2, 3, 0, 0]) },
    { tag: 0x0001, type: ASCII, count: 2, data: ascii(facts.lat! >= 0 ? 'N' : 'S') },
    { tag: 0x0002, type: RATIONAL, count: 3, data: rationals(dms(facts.lat!)) },
    { tag: 0x0003, type: ASCII, count: 2, data: ascii(facts.lng! >= 0 ? 'E' : 'W') },
    { tag: 0x0004, type: RATIONAL, count: 3, data: rationals(dms(facts.lng!)) },
  ] : [];
  // two passes: IFD0's size fixes where the Exif and GPS IFDs start
  const ifd0Size = ifd(ifd0Entries(0, hasGps ? 0 : null), 8).length;
  const exifAt = 8 + ifd0Size;
  const exifIfd = ifd(exifEntries, exifAt);
  const gpsAt = hasGps ? exifAt + exifIfd.length : null;
  const tiff = Buffer.concat([
    Buffer.from([0x4d, 0x4d, 0x00, 0x2a]), u32(8), ifd(ifd0Entries(exifAt, gpsAt), 8), exifIfd,
    ...(gpsAt !== null ? [ifd(gpsEntries, gpsAt)] : []),
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  return Buffer.concat([Buffer.from([0xff, 0xe1]), u16(payload.length + 2), payload]);
}

/** `base` with its EXIF replaced by `facts` (null: a minimal valid JPEG carrying only the EXIF). */
export function stampJpeg(base: Buffer | null, facts: PhotoFacts): Buffer {
  const segment = exifSegment(facts);
  if (!base) return Buffer.concat([Buffer.from([0xff, 0xd8]), segment, Buffer.from([0xff, 0xd9])]);
  if (base[0] !== 0xff || base[1] !== 0xd8) throw new Error('not a JPEG');
  // keep every segment but an existing Exif APP1; stop copying segment by segment at the scan
  const parts: Buffer[] = [base.subarray(0, 2), segment];
  let i = 2;
  while (i + 4 <= base.length && base[i] === 0xff) {
    const marker = base[i + 1];
    if (marker === 0xda) break;
    const len = base.readUInt16BE(i + 2);
    const isExif = marker === 0xe1 && base.subarray(i + 4, i + 10).toString('latin1') === 'Exif\0\0';
    if (!isExif) parts.push(base.subarray(i, i + 2 + len));
    i += 2 + len;
  }
  parts.push(base.subarray(i));
  return Buffer.concat(parts);
}
