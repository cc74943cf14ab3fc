/**
 * Builds a small JPEG exifr accepts and a decoder can decode: SOI, one APP1
 * "Exif" segment with a big-endian TIFF block (IFD0 → ExifIFD with
 * DateTimeOriginal and optionally OffsetTimeOriginal), then the tables and
 * scan of a real 16×12 encode. Written here so tests need no fixture files.
 * `jpegWithExif(…, { picture: true })` puts a larger 32×24 picture there instead, for
 * browser tests where the thumbnail must show something.
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

// a 32×24 blue picture with an orange box (ffmpeg, quality 8), whose SOI is replaced by ours
const PICTURE = Buffer.from('ffd8ffe000104a46494600010200000100010000fffe00104c61766335382e34322e31303000ffdb0043000810101310131616161616161a181a1b1b1b1a1a1a1a1b1b1b1d1d1d2222221d1d1d1b1b1d1d2020222225262523232223262628282830302e2e38383a454553ffc40071000101010101000000000000000000000000050104060101010101000000000000000000000000000603021000020003040b0100000000000000000000110312011402612162a2a1525122310413d1e141110000060300030100000000000000000000120311010221044113323105ffc00011080018002003012200021100031100ffda000c03010002110311003f00d8103cd37324bf1f578d0a161d3d5fa73f6b16e439e6aa69655c7815ed5077b65ef461babfe8d362f54614f1c14a54a2d1eb0f924be5fa3ad64b52c956549a1b2ef769fb3c34707910017e25400000000007ffd9', 'hex').subarray(2);

export function jpegWithExif(dateTimeOriginal: string, offsetTimeOriginal?: string, o: { picture?: boolean } = {}): Buffer {
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
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, payload, o.picture ? PICTURE : IMAGE]);
}

/** A JPEG with only a JFIF header: what screenshots and re-encoded images look like. */
export function jpegWithoutExif(): Buffer {
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, IMAGE]);
}
