/**
 * Builds a small JPEG exifr accepts and a decoder can decode: SOI, one APP1
 * "Exif" segment with a big-endian TIFF block (IFD0 → ExifIFD with
 * DateTimeOriginal and optionally OffsetTimeOriginal), then the tables and
 * scan of a real 16×12 encode. Written here so tests need no fixture files.
 */
/** Everything after SOI of a 16×12 grey-blue JPEG (sharp, quality 50): tables, frame, scan, EOI. */
const IMAGE = Buffer.from(
  '/9sAQwAQCwwODAoQDg0OEhEQExgoGhgWFhgxIyUdKDozPTw5Mzg3QEhcTkBEV0U3OFBtUVdfYmdoZz5NcXlwZHhcZWdj/9sAQwEREhIYFRgvGhovY0I4QmNjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj'
  + '/8AAEQgADAAQAwEiAAIRAQMRAf/EABUAAQEAAAAAAAAAAAAAAAAAAAAD/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/EABQBAQAAAAAAAAAAAAAAAAAAAAP/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCgBgv/2Q==',
  'base64');

const ASCII = 2;
const LONG = 4;
const TAG_EXIF_IFD = 0x8769;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;

type Entry = { tag: number; type: number; data: Buffer };

const ascii = (s: string): Buffer => Buffer.from(`${s}\0`, 'latin1');

/** An IFD at `offset` (from TIFF start); values > 4 bytes go right after it. */
function ifd(entries: Entry[], offset: number): Buffer {
  const head = Buffer.alloc(2 + 12 * entries.length + 4);
  head.writeUInt16BE(entries.length, 0);
  const blobs: Buffer[] = [];
  let dataOffset = offset + head.length;
  entries.forEach((e, i) => {
    const at = 2 + 12 * i;
    head.writeUInt16BE(e.tag, at);
    head.writeUInt16BE(e.type, at + 2);
    head.writeUInt32BE(e.type === ASCII ? e.data.length : 1, at + 4);
    if (e.data.length <= 4) e.data.copy(head, at + 8);
    else {
      head.writeUInt32BE(dataOffset, at + 8);
      blobs.push(e.data);
      dataOffset += e.data.length;
    }
  });
  return Buffer.concat([head, ...blobs]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export function jpegWithExif(dateTimeOriginal: string, offsetTimeOriginal?: string): Buffer {
  const exifEntries: Entry[] = [{ tag: TAG_DATETIME_ORIGINAL, type: ASCII, data: ascii(dateTimeOriginal) }];
  if (offsetTimeOriginal) exifEntries.push({ tag: TAG_OFFSET_TIME_ORIGINAL, type: ASCII, data: ascii(offsetTimeOriginal) });
  const ifd0Offset = 8;
  const exifIfdOffset = ifd0Offset + 2 + 12 + 4;
  const ifd0 = ifd([{ tag: TAG_EXIF_IFD, type: LONG, data: u32(exifIfdOffset) }], ifd0Offset);
  const tiff = Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a]), u32(ifd0Offset), ifd0, ifd(exifEntries, exifIfdOffset)]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, payload, IMAGE]);
}

/** A JPEG with only a JFIF header: what screenshots and re-encoded images look like. */
export function jpegWithoutExif(): Buffer {
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, IMAGE]);
}
