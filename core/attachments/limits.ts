/**
 * Size limits per attachment kind and the refusals that name them. A photo
 * from a phone camera is 2–6 MB; a minute of voice is ~100 KB as AMR, ~200 KB
 * as a browser's Opus, ~1 MB as a phone's 8 kHz WAV, so 10 MB leaves room for
 * a long memo in the bulkiest format; documents are WeCom's own 20 MB
 * file-media ceiling.
 *
 *   if (size > ATTACHMENT_LIMITS.photo) throw tooLarge('photo');
 */
import { AppError } from '../errors.js';
import type { AttachmentKind } from '../flow/types.js';
import { ACCEPTED_FORMATS, FILE_TYPES, type FileType } from './sniff.js';

const MB = 1024 * 1024;

export const ATTACHMENT_LIMITS: Record<AttachmentKind, number> = {
  photo: 10 * MB,
  voice: 10 * MB,
  document: 20 * MB,
};

export const KIND_LABELS: Record<AttachmentKind, string> = { photo: '照片', voice: '语音', document: '文件' };

export const ATTACHMENT_KINDS = ['photo', 'voice', 'document'] as const satisfies readonly AttachmentKind[];

export function formatBytes(n: number): string {
  return n % MB === 0 ? `${n / MB}MB` : `${(n / MB).toFixed(1)}MB`;
}

export function tooLarge(kind: AttachmentKind, limits = ATTACHMENT_LIMITS): AppError {
  const limit = limits[kind];
  return new AppError('ATTACHMENT_TOO_LARGE', { kind, limitBytes: limit }, `${KIND_LABELS[kind]}不能超过${formatBytes(limit)}，请压缩后重新上传。`);
}

/** The content is not an accepted format at all. */
export function unsupportedContent(declared?: AttachmentKind): AppError {
  const accepted = declared
    ? `${KIND_LABELS[declared]}支持 ${ACCEPTED_FORMATS[declared]}`
    : `照片支持 ${ACCEPTED_FORMATS.photo}；语音支持 ${ACCEPTED_FORMATS.voice}；文件支持 ${ACCEPTED_FORMATS.document}`;
  return new AppError('ATTACHMENT_TYPE_UNSUPPORTED', { declaredKind: declared ?? null, detected: null },
    `无法识别的文件类型（按文件内容判断，与文件名无关）。${accepted}。`);
}

/** The content is a real format, but not of the kind the client said. */
export function kindMismatch(declared: AttachmentKind, detected: FileType | 'zip'): AppError {
  const label = detected === 'zip' ? 'ZIP 压缩包' : FILE_TYPES[detected].label;
  return new AppError('ATTACHMENT_TYPE_UNSUPPORTED', { declaredKind: declared, detected },
    `文件内容是${label}，不能作为${KIND_LABELS[declared]}上传。${KIND_LABELS[declared]}支持 ${ACCEPTED_FORMATS[declared]}。`);
}
