/**
 * One licence file read end to end: a PDF's embedded scan taken out, the
 * page turned upright and read (ocr-engine.ts), the fields parsed
 * (parse-licence.ts), and the outcome judged — a licence, or a refusal a rep
 * understands (upside down and unreadable, not a licence, a PDF without a
 * scan). Runs inside the OCR worker process.
 *
 *   const r = await readLicence(engine, bytes, 'image/jpeg');
 *   if (r.ok) r.parsed.fields.creditCode;
 */
import type { OcrEngine, OcrPage } from './ocr-engine.js';
import { parseLicence, type ParsedLicence } from './parse-licence.js';
import { largestJpegInPdf } from './pdf-image.js';

export type ReadRefusal = 'ROTATED_OR_UNREADABLE' | 'NOT_A_LICENCE' | 'PDF_WITHOUT_IMAGE' | 'IMAGE_UNREADABLE';

export const REFUSAL_MESSAGES: Record<ReadRefusal, string> = {
  ROTATED_OR_UNREADABLE: '没能认出执照上的文字：请将执照摆正后重拍（光线充足、对准整张执照、不要反光）。',
  NOT_A_LICENCE: '这张图片不像营业执照或许可证：请拍摄证照正本或副本的整页。',
  PDF_WITHOUT_IMAGE: '这份 PDF 里没有找到执照的扫描图片：请改为上传执照照片或扫描件。',
  IMAGE_UNREADABLE: '图片无法打开，可能已损坏：请重新拍照上传。',
};

export interface ReadSummary {
  turned: OcrPage['turned'];
  skewDeg: number;
  lines: number;
  /** Mean recognition confidence over the lines, 0–1. */
  confidence: number;
  ms: OcrPage['ms'];
  /** The text as read, line by line (kept with the scan for checking corrections). */
  text: string[];
}

export type ReadResult =
  | { ok: true; parsed: ParsedLicence; summary: ReadSummary }
  | { ok: false; refusal: ReadRefusal; message: string; summary: ReadSummary | null };

// below this the page was read upside down or blurred: words come out as noise
const MIN_CONFIDENCE = 0.75;

export async function readLicence(engine: OcrEngine, bytes: Buffer, mime: string): Promise<ReadResult> {
  const image = mime === 'application/pdf' ? largestJpegInPdf(bytes) : bytes;
  if (!image) return refuse('PDF_WITHOUT_IMAGE', null);
  let page: OcrPage;
  try {
    page = await engine.read(image);
  } catch {
    return refuse('IMAGE_UNREADABLE', null);
  }
  const confidence = page.lines.length ? page.lines.reduce((s, l) => s + l.confidence, 0) / page.lines.length : 0;
  const summary: ReadSummary = {
    turned: page.turned, skewDeg: page.skewDeg, lines: page.lines.length, confidence: Math.round(confidence * 1000) / 1000,
    ms: page.ms, text: page.lines.map((l) => l.text),
  };
  const parsed = parseLicence(page.lines);
  if (parsed.kind) return { ok: true, parsed, summary };
  // confident text that is no licence, or no text at all, is another document; garbled text is a bad photo
  const notALicence = page.lines.length === 0 || (page.lines.length >= 3 && confidence >= MIN_CONFIDENCE);
  return refuse(notALicence ? 'NOT_A_LICENCE' : 'ROTATED_OR_UNREADABLE', summary);
}

function refuse(refusal: ReadRefusal, summary: ReadSummary | null): ReadResult {
  return { ok: false, refusal, message: REFUSAL_MESSAGES[refusal], summary };
}
