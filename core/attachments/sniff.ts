/**
 * What a file really is, from its first bytes (and, for Office files, the ZIP
 * central directory) — never from its name or the Content-Type a client sent.
 * Pure: no I/O, so it runs on the head of a stream as well as on a whole file.
 *
 *   const head = sniffHead(firstBytes);   // 'png' | 'zip' | … | null — enough to pick the size limit
 *   const type = sniffFile(wholeBuffer);  // 'docx' | 'png' | … | null
 *   FILE_TYPES[type].kind                 // 'photo' | 'voice' | 'document'
 */
import type { AttachmentKind } from '../flow/types.js';

export type FileType =
  | 'jpeg' | 'png' | 'webp' | 'heic'
  | 'amr' | 'speex' | 'mp3' | 'm4a' | 'mp4' | 'aac' | 'wav' | 'webm' | 'opus' | '3gp'
  | 'pdf' | 'docx' | 'xlsx';

export interface FileTypeInfo {
  kind: AttachmentKind;
  mime: string;
  ext: string;
  /** Chinese name for messages. */
  label: string;
}

export const FILE_TYPES: Record<FileType, FileTypeInfo> = {
  jpeg: { kind: 'photo', mime: 'image/jpeg', ext: 'jpg', label: 'JPEG 图片' },
  png: { kind: 'photo', mime: 'image/png', ext: 'png', label: 'PNG 图片' },
  webp: { kind: 'photo', mime: 'image/webp', ext: 'webp', label: 'WebP 图片' },
  heic: { kind: 'photo', mime: 'image/heic', ext: 'heic', label: 'HEIC 图片' },
  amr: { kind: 'voice', mime: 'audio/amr', ext: 'amr', label: 'AMR 语音' },
  speex: { kind: 'voice', mime: 'audio/ogg; codecs=speex', ext: 'spx', label: 'Speex 语音' },
  mp3: { kind: 'voice', mime: 'audio/mpeg', ext: 'mp3', label: 'MP3 音频' },
  m4a: { kind: 'voice', mime: 'audio/mp4', ext: 'm4a', label: 'M4A 音频' },
  mp4: { kind: 'voice', mime: 'audio/mp4', ext: 'mp4', label: 'MP4 音频' },
  aac: { kind: 'voice', mime: 'audio/aac', ext: 'aac', label: 'AAC 音频' },
  wav: { kind: 'voice', mime: 'audio/wav', ext: 'wav', label: 'WAV 音频' },
  webm: { kind: 'voice', mime: 'audio/webm', ext: 'webm', label: 'WebM 音频' },
  opus: { kind: 'voice', mime: 'audio/ogg; codecs=opus', ext: 'ogg', label: 'Ogg Opus 音频' },
  '3gp': { kind: 'voice', mime: 'audio/3gpp', ext: '3gp', label: '3GP 音频' },
  pdf: { kind: 'document', mime: 'application/pdf', ext: 'pdf', label: 'PDF 文档' },
  docx: { kind: 'document', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', label: 'Word 文档' },
  xlsx: { kind: 'document', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', label: 'Excel 表格' },
};

/** Accepted formats per kind, in Chinese, for "不支持的文件类型" messages. */
export const ACCEPTED_FORMATS: Record<AttachmentKind, string> = {
  photo: 'JPEG、PNG、WebP、HEIC',
  voice: 'AMR、Speex、MP3、M4A、MP4/AAC、WAV、WebM/Opus、Ogg/Opus、3GP',
  document: 'PDF、Word（docx）、Excel（xlsx）',
};

/** Bytes sniffHead needs to decide; fewer is fine when the file is shorter. */
export const HEAD_BYTES = 512;

/** A ZIP container: docx or xlsx is only known once the central directory (at the end) is read. */
export type HeadType = Exclude<FileType, 'docx' | 'xlsx'> | 'zip';

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ']);
// what a browser's MediaRecorder (iOS Safari: audio/mp4) and phone recorders write: plain ISO-BMFF
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'dash', 'M4V ']);
const is3gpBrand = (brand: string) => brand.startsWith('3gp') || brand.startsWith('3g2') || brand.startsWith('3ge');

const ascii = (b: Uint8Array, from: number, len: number): string =>
  from + len <= b.length ? String.fromCharCode(...b.subarray(from, from + len)) : '';

const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);

/**
 * ISO-BMFF `ftyp` box: the major brand first, then the compatible brands. A
 * plain MP4 counts as audio: whether it holds an audio track is for the
 * decoder to say (a voice upload that does not decode is refused).
 */
function ftypType(b: Uint8Array): 'heic' | 'm4a' | '3gp' | 'mp4' | null {
  if (ascii(b, 4, 4) !== 'ftyp') return null;
  const boxSize = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const end = Math.min(b.length, boxSize >= 16 ? boxSize : 16);
  const brands = [ascii(b, 8, 4)];
  for (let p = 16; p + 4 <= end; p += 4) brands.push(ascii(b, p, 4));
  for (const brand of brands) {
    if (HEIC_BRANDS.has(brand)) return 'heic';
    if (M4A_BRANDS.has(brand)) return 'm4a';
    if (is3gpBrand(brand)) return '3gp';
  }
  return brands.some((brand) => MP4_BRANDS.has(brand)) ? 'mp4' : null;
}

/** MPEG audio frame header: sync, a real version and layer, a valid bitrate and sample rate (rules out AAC/ADTS). */
function isMpegFrame(b: Uint8Array): boolean {
  if (b.length < 4 || b[0] !== 0xff || (b[1] & 0xe0) !== 0xe0) return false;
  const version = (b[1] >> 3) & 3;
  const layer = (b[1] >> 1) & 3;
  const bitrate = b[2] >> 4;
  const rate = (b[2] >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 0xf && rate !== 3;
}

/** The first packet of an Ogg stream: its header ('Speex   ', 'OpusHead') sits right after the segment table. */
function oggCodec(b: Uint8Array): 'speex' | 'opus' | null {
  if (ascii(b, 0, 4) !== 'OggS' || b.length < 27) return null;
  const packet = 27 + b[26];
  if (ascii(b, packet, 8) === 'Speex   ') return 'speex';
  if (ascii(b, packet, 8) === 'OpusHead') return 'opus';
  return null;
}

/** ADTS (raw AAC): sync word, layer 0, a real profile and sample-rate index. */
function isAdts(b: Uint8Array): boolean {
  return b.length >= 7 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0 && ((b[2] >> 2) & 0xf) < 13;
}

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

/** Matroska's EBML header names its DocType near the start: a browser recording says 'webm'. */
function isWebm(b: Uint8Array): boolean {
  if (!startsWith(b, EBML_MAGIC)) return false;
  return ascii(b, 0, Math.min(b.length, 64)).includes('webm');
}

/** The type from the first bytes; 'zip' means "a document if its entries say so". */
export function sniffHead(b: Uint8Array): HeadType | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  const ftyp = ftypType(b);
  if (ftyp) return ftyp;
  if (ascii(b, 0, 5) === '#!AMR') return 'amr';
  const ogg = oggCodec(b);
  if (ogg) return ogg;
  if (isWebm(b)) return 'webm';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') return 'wav';
  if (ascii(b, 0, 3) === 'ID3' || isMpegFrame(b)) return 'mp3';
  if (isAdts(b)) return 'aac';
  if (ascii(b, 0, 5) === '%PDF-') return 'pdf';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return null;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;

function u16(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}
function u32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/** Entry names from a ZIP's central directory; null when the archive is not readable. */
export function zipEntryNames(b: Uint8Array): string[] | null {
  // the end-of-central-directory record sits in the last 22 + ≤65535 (comment) bytes
  let eocd = -1;
  for (let p = b.length - 22; p >= Math.max(0, b.length - 22 - 0xffff); p--) {
    if (u32(b, p) === EOCD_SIG) { eocd = p; break; }
  }
  if (eocd < 0) return null;
  const count = u16(b, eocd + 10);
  const size = u32(b, eocd + 12);
  const offset = u32(b, eocd + 16);
  if (offset + size > eocd) return null;
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let p = offset, i = 0; i < count; i++) {
    if (p + 46 > eocd || u32(b, p) !== CDH_SIG) return null;
    const nameLen = u16(b, p + 28);
    const next = p + 46 + nameLen + u16(b, p + 30) + u16(b, p + 32);
    if (next > eocd) return null;
    names.push(decoder.decode(b.subarray(p + 46, p + 46 + nameLen)));
    p = next;
  }
  return names;
}

/** The whole file's type, or null when it is none of the accepted formats. */
export function sniffFile(b: Uint8Array): FileType | null {
  const head = sniffHead(b);
  if (head !== 'zip') return head;
  const names = zipEntryNames(b);
  if (!names) return null;
  if (names.some((n) => n.startsWith('word/'))) return 'docx';
  if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
  return null;
}

/** The kind a head implies: a ZIP can only become a document. */
export function kindOfHead(head: HeadType): AttachmentKind {
  return head === 'zip' ? 'document' : FILE_TYPES[head].kind;
}
