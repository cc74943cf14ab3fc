/**
 * A minimal JPEG carrying an EXIF DateTimeOriginal, for `npm run chat`'s
 * /photo: the photo-time rule then sees a photo taken "now" at the visit.
 */
const ASCII = 2;
const LONG = 4;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function entry(tag: number, type: number, count: number, value: Buffer): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(tag, 0);
  b.writeUInt16BE(type, 2);
  b.writeUInt32BE(count, 4);
  value.copy(b, 8);
  return b;
}

/** EXIF time is wall clock without a zone; OffsetTimeOriginal says it is +08:00. */
export function demoJpeg(at: Date): Buffer {
  const w = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  const stamp = Buffer.from(`${w.slice(0, 10).replace(/-/g, ':')} ${w.slice(11, 19)}\0`, 'latin1');
  const offset = Buffer.from('+08:00\0', 'latin1');
  const ifd0At = 8;
  const exifAt = ifd0At + 2 + 12 + 4;
  const exifDataAt = exifAt + 2 + 12 * 2 + 4;
  const ifd0 = Buffer.concat([Buffer.from([0, 1]), entry(0x8769, LONG, 1, u32(exifAt)), u32(0)]);
  const exif = Buffer.concat([
    Buffer.from([0, 2]),
    entry(0x9003, ASCII, stamp.length, u32(exifDataAt)),
    entry(0x9011, ASCII, offset.length, u32(exifDataAt + stamp.length)),
    u32(0), stamp, offset,
  ]);
  const tiff = Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a]), u32(ifd0At), ifd0, exif]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, payload, Buffer.from([0xff, 0xd9])]);
}
