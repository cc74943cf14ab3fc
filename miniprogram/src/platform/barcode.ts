/**
 * Reading a product barcode (EAN-13, EAN-8, UPC-A, Code 128) or a shelf
 * position's code (the QR printed on the shelf label, or its Code 128) from a
 * photo or a camera frame, outside WeCom (inside it, WeCom's own scanQRCode
 * does this). The browser's BarcodeDetector where it has one that knows the
 * formats (Chrome on Android, Safari 17+ …); else zxing-wasm, loaded on the
 * first scan only (./zxing-reader), so the rep's first load stays within budget.
 * What is read is only what the label says: the server still checks that the
 * barcode is the launched product's and the shelf is this store's.
 *
 *   const code = await decodeCode(file, 'barcode');   // '6901234567892' | null
 */
import type { ZxingFormat } from './zxing-reader';

export type CodeKind = 'shelfCode' | 'barcode';

const ZXING: Record<CodeKind, ZxingFormat[]> = {
  barcode: ['EAN13', 'EAN8', 'UPCA', 'Code128'],
  shelfCode: ['QRCode', 'Code128'],
};
const NATIVE: Record<CodeKind, string[]> = {
  barcode: ['ean_13', 'ean_8', 'upc_a', 'code_128'],
  shelfCode: ['qr_code', 'code_128'],
};

interface NativeDetector { detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]> }
interface NativeDetectorClass {
  new (opts: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
}

const native = new Map<CodeKind, Promise<NativeDetector | null>>();
function nativeDetector(kind: CodeKind): Promise<NativeDetector | null> {
  if (!native.has(kind)) {
    native.set(kind, (async () => {
      const Detector = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
      if (!Detector) return null;
      const supported = await Detector.getSupportedFormats().catch(() => [] as string[]);
      // a detector that lacks one of the formats would miss labels zxing reads
      return NATIVE[kind].every((f) => supported.includes(f)) ? new Detector({ formats: NATIVE[kind] }) : null;
    })());
  }
  return native.get(kind)!;
}

let zxing: Promise<typeof import('./zxing-reader')> | null = null;
/** Starts fetching the library (e.g. when the viewfinder opens) so the first frame is not kept waiting. */
export function preloadDecoder(kind: CodeKind): void {
  void nativeDetector(kind).then((d) => { if (!d) zxing ??= import('./zxing-reader'); });
}

/** The first code of this kind in the image, or null when none can be read. */
export async function decodeCode(image: Blob | ImageData, kind: CodeKind): Promise<string | null> {
  const detector = await nativeDetector(kind);
  if (detector) {
    const source = image instanceof Blob ? await createImageBitmap(image) : image;
    const found = await detector.detect(source);
    return found.find((r) => r.rawValue)?.rawValue.trim() ?? null;
  }
  zxing ??= import('./zxing-reader');
  const texts = await (await zxing).readCodes(image, ZXING[kind]);
  return texts[0]?.trim() ?? null;
}
