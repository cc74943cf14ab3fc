import { expect } from 'chai';
import sharp from 'sharp';
import { largestJpegInPdf } from '../../../../core/profile/licence/pdf-image.js';
import { scannedPdf } from '../../../integration/profile/support/licence-files.js';

describe('largestJpegInPdf', () => {
  it('takes the scanned page out of a PDF as the JPEG it was, and finds nothing in a PDF of text', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#369' } }).jpeg().toBuffer();
    expect(largestJpegInPdf(await scannedPdf(jpeg))!.equals(jpeg)).to.equal(true);
    expect(largestJpegInPdf(Buffer.from('%PDF-1.4\n1 0 obj << /Length 5 >>\nstream\nBT ET\nendstream endobj\n%%EOF'))).to.equal(null);
  });
});
