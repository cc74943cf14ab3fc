/**
 * Photos of labels for the scanning tests: the code drawn by zxing-wasm's
 * writer (the same library family the page reads with, but its writer module
 * and a separate .wasm), then set on a grey background, turned a few degrees
 * and saved as a JPEG, as a phone photo of a shelf label would be.
 *
 *   const jpeg = await labelPhoto('QRCode', 'SH000011-1');
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, writeBarcode, type WriterOptions } from 'zxing-wasm/writer';

const require = createRequire(import.meta.url);
let prepared = false;

export async function labelPhoto(format: NonNullable<WriterOptions['format']>, text: string, o: { degrees?: number } = {}): Promise<Buffer> {
  if (!prepared) {
    // in Node the library would fetch its .wasm from a CDN: hand it the installed one
    const wasm = readFileSync(require.resolve('zxing-wasm/writer/zxing_writer.wasm'));
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
    prepared = true;
  }
  const written = await writeBarcode(text, { format, scale: 4 });
  if (!written.image) throw new Error(`zxing writer: ${written.error}`);
  const code = await sharp(Buffer.from(await written.image.arrayBuffer()))
    .extend({ top: 40, bottom: 40, left: 40, right: 40, background: '#ffffff' })
    .toBuffer();
  return sharp(code)
    .rotate(o.degrees ?? 4, { background: '#8a8f94' })
    .extend({ top: 120, bottom: 160, left: 90, right: 90, background: '#8a8f94' })
    .jpeg({ quality: 82 })
    .toBuffer();
}

/** A few seconds of a fake camera's picture (MJPEG, 640×480) filming the label: Chromium's --use-file-for-fake-video-capture. */
export async function labelVideo(format: NonNullable<WriterOptions['format']>, text: string): Promise<Buffer> {
  const frame = await sharp(await labelPhoto(format, text, { degrees: 2 }))
    .resize(640, 480, { fit: 'contain', background: '#8a8f94' }).jpeg({ quality: 85 }).toBuffer();
  return Buffer.concat(Array.from({ length: 30 }, () => frame));
}
