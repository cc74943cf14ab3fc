/**
 * What the server reads from a photo when it is received, before anything is
 * stored: the EXIF facts, the pixel size after EXIF orientation, and the
 * perceptual hash. sharp decodes in libuv's thread pool, so a large photo
 * never stalls the event loop; truncated JPEGs are decoded as far as they go.
 * A file that is not a picture at all (no image data) and one larger than a
 * camera makes are refused with a Chinese error; a HEIC photo (the bundled
 * libvips has no HEVC decoder) keeps its EXIF but gets no hash.
 *
 *   const a = await analysePhoto(buffer, 'jpeg');   // { exif, width, height, phash }
 */
import sharp, { type SharpOptions } from 'sharp';
import { AppError } from '../errors.js';
import { perceptualHash } from './photo-hash.js';
import { readExif, type ExifFacts } from './read-exif.js';

/** The photo formats core/attachments accepts (sniff.ts). */
export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'heic';

export interface PhotoAnalysis {
  exif: ExifFacts;
  width: number | null;
  height: number | null;
  /** Null when the pixels could not be decoded (HEIC). */
  phash: bigint | null;
}

/** 16383² — sharp's own default ceiling: a 200-megapixel phone photo fits, a 20k×20k decompression bomb does not. */
export const MAX_PIXELS = 16383 * 16383;

const DECODE: SharpOptions = { failOn: 'none', limitInputPixels: MAX_PIXELS, sequentialRead: true };
// the header alone: its size is checked here, with a Chinese refusal, before any pixel is decoded
const HEADER: SharpOptions = { failOn: 'none', limitInputPixels: false };

// exifr walks a PNG chunk by chunk, seconds of CPU for megabytes of padding; a camera's
// eXIf chunk comes before the image data, so the head is enough
const PNG_EXIF_WINDOW = 256 * 1024;

/** Width and height as displayed: EXIF orientations 5–8 swap them. */
async function displaySize(buffer: Buffer): Promise<{ width: number | null; height: number | null }> {
  const m = await sharp(buffer, HEADER).metadata();
  const swap = (m.orientation ?? 1) >= 5;
  const width = m.width ?? null;
  const height = m.height ?? null;
  return swap ? { width: height, height: width } : { width, height };
}

function undecodable(type: PhotoFormat, err: unknown): AppError {
  return new AppError('PHOTO_UNDECODABLE', { type, reason: String((err as Error)?.message ?? err).slice(0, 200) });
}

export async function analysePhoto(buffer: Buffer, type: PhotoFormat): Promise<PhotoAnalysis> {
  const exif = await readExif(type === 'png' ? buffer.subarray(0, PNG_EXIF_WINDOW) : buffer);
  let size: { width: number | null; height: number | null };
  try {
    size = await displaySize(buffer);
  } catch (err) {
    if (type === 'heic') return { exif, width: null, height: null, phash: null };
    throw undecodable(type, err);
  }
  if (size.width !== null && size.height !== null && size.width * size.height > MAX_PIXELS) {
    throw new AppError('PHOTO_TOO_LARGE', { width: size.width, height: size.height },
      `图片尺寸 ${size.width}×${size.height} 过大，不是相机拍摄的照片，请上传手机相机拍摄的原图。`);
  }
  try {
    return { exif, ...size, phash: await perceptualHash(buffer, DECODE) };
  } catch (err) {
    if (type === 'heic') return { exif, ...size, phash: null };
    throw undecodable(type, err);
  }
}
