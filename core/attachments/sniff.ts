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

export type FileType = 'jpeg' | 'png' | 'webp' | 'heic' | 'amr' | 'speex' | 'mp3' | 'm4a' | 'pdf' | 'docx' | 'xlsx';

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
  pdf: { kind: 'document', mime: 'application/pdf', ext: 'pdf', label: 'PDF 文档' },
  docx: { kind: 'document', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', label: 'Word 文档' },
  xlsx: { kind: 'document', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', label: 'Excel 表格' },
};

/** Accepted formats per kind, in Chinese, for "不支持的文件类型" messages. */
export const ACCEPTED_FORMATS: Record<AttachmentKind, string> = {
  photo: 'JPEG、PNG、WebP、HEIC',
  voice: 'AMR、Speex、MP3、M4A',
  document: 'PDF、Word（docx）、Excel（xlsx）',
};

/** Bytes sniffHead needs to decide; fewer is fine when the file is shorter. */
export const HEAD_BYTES = 512;

/** A ZIP container: docx or xlsx is only known once the central directory (at the end) is read. */
export type HeadType = Exclude<FileType, 'docx' | 'xlsx'> | 'zip';

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ']);

const ascii = (b: Uint8Array, from: number, len: number): string =>
  from + len <= b.length ? String.fromCharCode(...b.subarray(from, from + len)) : '';

const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);

/** ISO-BMFF `ftyp` box: the major brand first, then the compatible brands. */
function ftypType(b: Uint8Array): 'heic' | 'm4a' | null {
  if (ascii(b, 4, 4) !== 'ftyp') return null;
  const boxSize = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const end = Math.min(b.length, boxSize >= 16 ? boxSize : 16);
  const brands = [ascii(b, 8, 4)];
  for (let p = 16; p + 4 <= end; p += 4) brands.push(ascii(b, p, 4));
  for (const brand of brands) {
    if (HEIC_BRANDS.has(brand)) return 'heic';
    if (M4A_BRANDS.has(brand)) return 'm4a';
  }
  return null;
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

/** Ogg page whose first packet is a Speex header ('Speex   ' right after the segment table). */
function isOggSpeex(b: Uint8Array): boolean {
  if (ascii(b, 0, 4) !== 'OggS' || b.length < 27) return false;
  const segments = b[26];
  return ascii(b, 27 + segments, 8) === 'Speex   ';
}

/** The type from the first bytes; 'zip' means "a document if its entries say so". */
export function sniffHead(b: Uint8Array): HeadType | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  const ftyp = ftypType(b);
  if (ftyp) return ftyp;
  if (ascii(b, 0, 5) === '#!AMR') return 'amr';
  if (isOggSpeex(b)) return 'speex';
  if (ascii(b, 0, 3) === 'ID3' || isMpegFrame(b)) return 'mp3';
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
