/**
 * The barcode library the page falls back on where the browser has no
 * BarcodeDetector (most Android browsers, WeChat, desktop): zxing-cpp compiled
 * to WebAssembly. This module is only ever imported dynamically, so neither it
 * nor its .wasm (≈0.9 MB, served by us from /assets — never a CDN, which the
 * library would fetch from by default and our Content-Security-Policy refuses)
 * reaches a phone that never scans.
 */
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

prepareZXingModule({ overrides: { locateFile: (file: string, prefix: string) => (file.endsWith('.wasm') ? wasmUrl : prefix + file) } });

export type ZxingFormat = NonNullable<ReaderOptions['formats']>[number];

/** The texts of the valid codes of these formats found in the image (a photo file or one camera frame). */
export async function readCodes(input: Blob | ImageData, formats: ZxingFormat[]): Promise<string[]> {
  const found = await readBarcodes(input, { formats, tryHarder: true, tryRotate: true, tryDownscale: true, maxNumberOfSymbols: 4 });
  return found.filter((r) => r.isValid && r.text).map((r) => r.text);
}
