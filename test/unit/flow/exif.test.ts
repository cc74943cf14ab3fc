import { expect } from 'chai';
import { readCaptureTime } from '../../../core/evidence/read-exif.js';
import { parseExifDateTime } from '../../../core/flow/exif.js';
import { jpegWithExif, jpegWithoutExif } from './support/jpeg-builder.js';

describe('readCaptureTime', () => {
  it('reads DateTimeOriginal as Shanghai time when no offset is recorded', async () => {
    const d = await readCaptureTime(jpegWithExif('2024:05:08 10:20:30'));
    expect(d?.toISOString()).to.equal('2024-05-08T02:20:30.000Z');
  });

  it('honours OffsetTimeOriginal when the camera recorded one', async () => {
    const d = await readCaptureTime(jpegWithExif('2024:05:08 10:20:30', '+09:00'));
    expect(d?.toISOString()).to.equal('2024-05-08T01:20:30.000Z');
  });

  it('returns null for a JPEG without EXIF', async () => {
    expect(await readCaptureTime(jpegWithoutExif())).to.equal(null);
  });

  it('returns null for bytes that are not an image', async () => {
    expect(await readCaptureTime(Buffer.from('not a jpeg'))).to.equal(null);
  });

  it('treats the blank EXIF date some cameras write as missing', () => {
    expect(parseExifDateTime('0000:00:00 00:00:00', undefined)).to.equal(null);
  });
});
