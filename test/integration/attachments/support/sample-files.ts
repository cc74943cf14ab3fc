/**
 * The smallest well-formed file of every accepted format, built by hand so
 * tests need no fixtures: real magic bytes, real structure where the sniffer
 * reads it (ftyp boxes, Ogg pages, ZIP central directory); photos decode,
 * since an upload that is no picture at all is refused.
 * Voice is the other exception: the server decodes every voice file it accepts, so
 * SAMPLES' voice entries are real recordings (test/fixtures/audio/, made
 * from one espeak-ng sentence with the packaged ffmpeg); the hand-built
 * headers stay for the sniffer's own tests. To check the hand-built Speex against an encoder: speexMemo().
 *
 *   const buf = SAMPLES.docx();
 *   const big = padTo(SAMPLES.png(), 10 * 1024 * 1024 + 1);
 */
import { readFileSync } from 'node:fs';
import { jpegWithExif, jpegWithoutExif } from '../../../unit/flow/support/jpeg-builder.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u16le = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32le = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const u32be = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

export function png(): Buffer {
  const ihdr = Buffer.concat([u32be(1), u32be(1), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01])), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A 4×4 lossy WebP as libwebp writes it (RIFF, VP8 frame): decodable, as a photo must be. */
export const webp = (): Buffer => Buffer.from('UklGRjIAAABXRUJQVlA4ICYAAABwAQCdASoEAAQAAsBMJaACdAGgAAD8ysYTSTo/+LQ/ow/laxeAAA==', 'base64');

function ftyp(major: string, compatible: string[]): Buffer {
  const body = Buffer.concat([Buffer.from(major, 'latin1'), u32be(0), ...compatible.map((c) => Buffer.from(c, 'latin1'))]);
  return Buffer.concat([u32be(8 + body.length), Buffer.from('ftyp', 'latin1'), body]);
}

const box = (type: string, data: Buffer) => Buffer.concat([u32be(8 + data.length), Buffer.from(type, 'latin1'), data]);

export const heic = (): Buffer => Buffer.concat([ftyp('heic', ['mif1', 'heic']), box('meta', Buffer.alloc(16))]);
export const m4a = (): Buffer => Buffer.concat([ftyp('M4A ', ['M4A ', 'mp42', 'isom']), box('mdat', Buffer.alloc(32))]);

/** AMR-NB: magic then 12.2 kbit/s frames (header byte 0x3c + 31 bytes). */
export const amr = (frames = 3): Buffer =>
  Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), ...Array.from({ length: frames }, () => Buffer.concat([Buffer.from([0x3c]), Buffer.alloc(31)]))]);

/** A 6.8 s spoken memo (采购经理说价格偏高，下周带新报价再来) in one of test/fixtures/audio's formats. */
export function voiceMemo(file: 'memo.amr' | 'memo.spx' | 'memo.mp3' | 'memo.m4a' | 'memo.mp4' | 'memo.wav' | 'memo.webm' | 'memo-live.webm' | 'memo.ogg' | 'memo.3gp'): Buffer {
  return readFileSync(new URL(`../../../fixtures/audio/${file}`, import.meta.url));
}

/** One second of 16 kHz wideband Speex as speexenc 1.2.1 writes it (Ogg Speex): a real encoder's file, not a header we built. */
export function speexMemo(): Buffer {
  return readFileSync(new URL('../fixtures/memo-16k.spx', import.meta.url));
}

/** First Ogg page carrying an 80-byte Speex header packet. */
export function speex(): Buffer {
  const packet = Buffer.alloc(80);
  packet.write('Speex   ', 0, 'latin1');
  packet.write('1.2.0', 8, 'latin1');
  const header = Buffer.concat([
    Buffer.from('OggS', 'latin1'), Buffer.from([0, 2]), Buffer.alloc(8), u32le(0x1234), u32le(0), u32le(0), Buffer.from([1, packet.length]),
  ]);
  return Buffer.concat([header, packet]);
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz; with an ID3v2 tag in front unless `bare`. */
export function mp3(bare = false): Buffer {
  const frame = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]);
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  return bare ? frame : Buffer.concat([id3, frame]);
}

export const pdf = (): Buffer =>
  Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

/** A stored (uncompressed) ZIP with a real central directory. */
export function zip(entries: Array<[name: string, content: string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const n = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = crc32(data);
    const common = Buffer.concat([u16le(20), u16le(0x0800), u16le(0), u16le(0), u16le(0x21), u32le(crc), u32le(data.length), u32le(data.length), u16le(n.length), u16le(0)]);
    const local = Buffer.concat([u32le(0x04034b50), common, n, data]);
    centrals.push(Buffer.concat([u32le(0x02014b50), u16le(20), common, u16le(0), u16le(0), u16le(0), u32le(0), u32le(offset), n]));
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), u16le(entries.length), u16le(entries.length), u32le(cd.length), u32le(offset), u16le(0)]);
  return Buffer.concat([...locals, cd, eocd]);
}

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
export const docx = (): Buffer => zip([['[Content_Types].xml', CONTENT_TYPES], ['_rels/.rels', '<Relationships/>'], ['word/document.xml', '<w:document/>']]);
export const xlsx = (): Buffer => zip([['[Content_Types].xml', CONTENT_TYPES], ['_rels/.rels', '<Relationships/>'], ['xl/workbook.xml', '<workbook/>']]);

export const SAMPLES = {
  jpeg: () => jpegWithExif('2026:03:10 10:15:00'),
  png, webp, heic,
  amr: () => voiceMemo('memo.amr'), speex: speexMemo, mp3: () => voiceMemo('memo.mp3'), m4a: () => voiceMemo('memo.m4a'),
  mp4: () => voiceMemo('memo.mp4'), wav: () => voiceMemo('memo.wav'), webm: () => voiceMemo('memo-live.webm'),
  opus: () => voiceMemo('memo.ogg'), '3gp': () => voiceMemo('memo.3gp'),
  pdf, docx, xlsx,
} as const;

export { jpegWithExif, jpegWithoutExif };

/** `buf` followed by zeros up to `size` bytes: the head still sniffs as the same type. */
export function padTo(buf: Buffer, size: number): Buffer {
  return Buffer.concat([buf, Buffer.alloc(Math.max(0, size - buf.length))]);
}
