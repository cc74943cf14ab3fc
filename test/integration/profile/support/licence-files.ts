import sharp from 'sharp';
import { renderLicenceJpeg, sampleLicence, type LicenceTruth } from '../../../support/sample-licence.js';

/** A generated licence photo (smaller than a phone's, to keep the suite quick) and its true fields. */
export async function licencePhoto(seed: number, o: { rotateDeg?: number; turn?: 90 | 180 | 270 } = {}): Promise<{ truth: LicenceTruth; jpeg: Buffer }> {
  const truth = sampleLicence(seed);
  let jpeg = await renderLicenceJpeg(truth, { rotateDeg: o.rotateDeg ?? 2, noise: 0.03, quality: 70, width: 810, height: 1080, seed });
  if (o.turn) jpeg = await sharp(jpeg).rotate(o.turn).jpeg({ quality: 80 }).toBuffer();
  return { truth, jpeg };
}

/** A one-page PDF whose page is the JPEG, as a scanner writes it (an image XObject with /DCTDecode). */
export async function scannedPdf(jpeg: Buffer): Promise<Buffer> {
  const { width, height } = await sharp(jpeg).metadata();
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const add = (b: Buffer | string) => { const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b; parts.push(buf); length += buf.length; };
  const obj = (n: number, body: string | Buffer[]) => {
    offsets[n] = length;
    add(`${n} 0 obj\n`);
    if (typeof body === 'string') add(body); else body.forEach(add);
    add('\nendobj\n');
  };
  const content = `q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q`;
  add('%PDF-1.4\n');
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(3, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`);
  obj(4, [Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`, 'latin1'), jpeg, Buffer.from('\nendstream', 'latin1')]);
  obj(5, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  const xref = length;
  add(`xref\n0 6\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  add(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}
