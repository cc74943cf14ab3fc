/**
 * Small JPEGs exifr accepts and a decoder can decode: the tables and scan of a
 * real 16×12 encode, with the EXIF a phone writes (core/seed/evidence/exif-jpeg.ts,
 * the demo's own writer) or with none. Built here so tests need no fixture files.
 */
import { stampJpeg } from '../../../../core/seed/evidence/exif-jpeg.js';

/** Everything after SOI of a 16×12 grey-blue JPEG (sharp, quality 50): tables, frame, scan, EOI. */
const IMAGE = Buffer.from(
  '/9sAQwAQCwwODAoQDg0OEhEQExgoGhgWFhgxIyUdKDozPTw5Mzg3QEhcTkBEV0U3OFBtUVdfYmdoZz5NcXlwZHhcZWdj/9sAQwEREhIYFRgvGhovY0I4QmNjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj'
  + '/8AAEQgADAAQAwEiAAIRAQMRAf/EABUAAQEAAAAAAAAAAAAAAAAAAAAD/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/EABQBAQAAAAAAAAAAAAAAAAAAAAP/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCgBgv/2Q==',
  'base64');
const SOI = Buffer.from([0xff, 0xd8]);

/** A photo whose EXIF says it was taken at `dateTimeOriginal` ('2024:05:08 10:20:30'), in `offsetTimeOriginal` when given (none written otherwise). */
export function jpegWithExif(dateTimeOriginal: string, offsetTimeOriginal?: string): Buffer {
  const [day, time] = dateTimeOriginal.split(' ');
  const at = new Date(`${day.replace(/:/g, '-')}T${time}${offsetTimeOriginal ?? '+08:00'}`);
  return stampJpeg(Buffer.concat([SOI, IMAGE]), { at, offset: offsetTimeOriginal ?? null });
}

/** A JPEG with only a JFIF header: what screenshots and re-encoded images look like. */
export function jpegWithoutExif(): Buffer {
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([SOI, jfif, IMAGE]);
}
