/**
 * media/upload (reference §5): what WeCom accepts per media type, checked
 * before anything is sent, and the multipart body it expects: one part named
 * `media` with a filename, built as one Buffer so the request carries a
 * Content-Length as in WeCom's example (no chunked streaming).
 *
 *   const issues = mediaUploadIssues({ type: 'image', buffer: png, filename: 'heatmap.png' }); // [] when acceptable
 *   const { body, contentType } = multipartBody('media', 'heatmap.png', 'image/png', png);
 */
import { randomBytes } from 'node:crypto';

export type MediaType = 'image' | 'voice' | 'video' | 'file';

export interface MediaUpload {
  type: MediaType;
  buffer: Buffer;
  /** Sent as the part's filename; WeCom shows it for files. Non-ASCII characters are replaced. */
  filename: string;
  /** Defaults from the sniffed format (image/png, image/jpeg…) or application/octet-stream. */
  contentType?: string;
}

export interface UploadedMedia {
  /** Valid for 3 days, across the corp's apps (§5). */
  mediaId: string;
  type: string;
  createdAt: Date | null;
}

const MB = 1024 * 1024;

/** Limits of §5 (images: the 10 MB of the current docs; an older page says 5 MB [?]). */
export const MEDIA_LIMITS: Record<MediaType, { maxBytes: number; formats: readonly MediaFormat[] | null; label: string }> = {
  image: { maxBytes: 10 * MB, formats: ['png', 'jpg'], label: '图片' },
  voice: { maxBytes: 2 * MB, formats: ['amr'], label: '语音' },
  video: { maxBytes: 10 * MB, formats: ['mp4'], label: '视频' },
  file: { maxBytes: 20 * MB, formats: null, label: '文件' },
};

/** WeCom rejects media of 5 bytes or less. */
export const MEDIA_MIN_BYTES = 6;

export type MediaFormat = 'png' | 'jpg' | 'amr' | 'mp4';

const MIME: Record<MediaFormat, string> = { png: 'image/png', jpg: 'image/jpeg', amr: 'audio/amr', mp4: 'video/mp4' };

/** The format from the first bytes (magic numbers), never from the filename. */
export function sniffMediaFormat(buffer: Buffer): MediaFormat | null {
  if (buffer.length >= 8 && buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpg';
  if (buffer.subarray(0, 6).toString('latin1') === '#!AMR\n') return 'amr';
  if (buffer.length >= 12 && buffer.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return null;
}

/** Chinese reasons WeCom would refuse this upload; empty when it is acceptable. */
export function mediaUploadIssues(m: MediaUpload): string[] {
  const limit = MEDIA_LIMITS[m.type];
  if (!limit) return [`不支持的媒体类型 ${String(m.type)}`];
  const issues: string[] = [];
  if (m.buffer.length < MEDIA_MIN_BYTES) issues.push(`${limit.label}不能少于 ${MEDIA_MIN_BYTES} 字节`);
  if (m.buffer.length > limit.maxBytes) issues.push(`${limit.label}不能超过 ${limit.maxBytes / MB} MB（实际 ${(m.buffer.length / MB).toFixed(1)} MB）`);
  const format = sniffMediaFormat(m.buffer);
  if (limit.formats && (!format || !limit.formats.includes(format))) {
    issues.push(`${limit.label}只支持 ${limit.formats.map((f) => f.toUpperCase()).join('/')} 格式`);
  }
  if (!m.filename.trim()) issues.push('文件名不能为空');
  return issues;
}

export function contentTypeOf(m: MediaUpload): string {
  if (m.contentType) return m.contentType;
  const format = sniffMediaFormat(m.buffer);
  return format ? MIME[format] : 'application/octet-stream';
}

/**
 * One-part multipart/form-data body (RFC 7578). WeCom's example adds a
 * `filelength` parameter; the SDKs omit it and strict parsers reject it, so we
 * do too. The filename is reduced to printable ASCII: raw UTF-8 in part
 * headers is mangled by WeCom's parser and by proxies.
 */
export function multipartBody(field: string, filename: string, contentType: string, data: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----ActionFlowBoundary${randomBytes(12).toString('hex')}`;
  const safeName = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'media';
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${field}"; filename="${safeName}"\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head, 'latin1'), data, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
