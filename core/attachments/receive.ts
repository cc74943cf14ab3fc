/**
 * Reading an uploaded file from a stream with a hard byte limit. The head is
 * sniffed as soon as it arrives, so junk or a file of the wrong kind is refused
 * (415) before the rest is read, and the limit of the content's own kind
 * applies (413) — checked against Content-Length up front and again while
 * counting, since a client may lie or send chunked.
 *
 *   const { buffer, type } = await receiveFile(ctx.req, { declaredKind: 'photo', contentLength });
 */
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import type { AttachmentKind } from '../flow/types.js';
import { ATTACHMENT_LIMITS, kindMismatch, tooLarge, unsupportedContent } from './limits.js';
import { FILE_TYPES, HEAD_BYTES, kindOfHead, sniffFile, sniffHead, type FileType } from './sniff.js';

export interface ReceivedFile {
  buffer: Buffer;
  type: FileType;
}

export interface ReceiveOptions {
  declaredKind?: AttachmentKind;
  /** From the Content-Length header, when the client sent one. */
  contentLength?: number;
  limits?: Record<AttachmentKind, number>;
}

/**
 * Checks a complete file (a WeCom download, or the end of a stream): the head
 * decides kind and limit, the whole file decides docx/xlsx.
 */
export function checkFile(buffer: Buffer, opts: Omit<ReceiveOptions, 'contentLength'> = {}): ReceivedFile {
  if (buffer.length === 0) throw new AppError('ATTACHMENT_EMPTY');
  const kind = checkHead(buffer, opts.declaredKind);
  const limits = opts.limits ?? ATTACHMENT_LIMITS;
  if (buffer.length > limits[kind]) throw tooLarge(kind, limits);
  const type = sniffFile(buffer);
  if (!type) throw unsupportedContent(opts.declaredKind);
  if (opts.declaredKind && FILE_TYPES[type].kind !== opts.declaredKind) throw kindMismatch(opts.declaredKind, type);
  return { buffer, type };
}

function checkHead(head: Uint8Array, declared: AttachmentKind | undefined): AttachmentKind {
  const type = sniffHead(head);
  if (!type) throw unsupportedContent(declared);
  const kind = kindOfHead(type);
  if (declared && kind !== declared) throw kindMismatch(declared, type);
  return kind;
}

export function receiveFile(stream: Readable, opts: ReceiveOptions = {}): Promise<ReceivedFile> {
  const limits = opts.limits ?? ATTACHMENT_LIMITS;
  const declaredLimit = opts.declaredKind ? limits[opts.declaredKind] : undefined;
  if (declaredLimit !== undefined && opts.contentLength !== undefined && opts.contentLength > declaredLimit) {
    return Promise.reject(tooLarge(opts.declaredKind!, limits));
  }
  if (stream.readableEnded) return Promise.resolve().then(() => checkFile(Buffer.alloc(0), opts));

  return new Promise<ReceivedFile>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let limit = Math.max(...Object.values(limits));
    let kind: AttachmentKind | undefined;

    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    // the rest of the body is read and discarded, so the client gets the answer rather than a reset
    const refuse = (err: unknown) => {
      cleanup();
      stream.resume();
      reject(err);
    };
    const finish = (fn: () => ReceivedFile) => {
      cleanup();
      try { resolve(fn()); } catch (err) { reject(err); }
    };

    function onData(chunk: Buffer) {
      chunks.push(chunk);
      total += chunk.length;
      try {
        if (!kind && total >= HEAD_BYTES) {
          kind = checkHead(Buffer.concat(chunks), opts.declaredKind);
          limit = limits[kind];
          if (opts.contentLength !== undefined && opts.contentLength > limit) throw tooLarge(kind, limits);
        }
        if (total > limit) throw tooLarge(kind ?? opts.declaredKind ?? 'document', limits);
      } catch (err) {
        refuse(err);
      }
    }
    function onEnd() {
      finish(() => checkFile(Buffer.concat(chunks, total), opts));
    }
    function onError(err: Error) {
      cleanup();
      reject(err);
    }
    function onClose() {
      // closed without 'end': the client went away mid-upload
      cleanup();
      reject(new AppError('VALIDATION_FAILED', [{ path: 'body', message: '上传被中断，请重试' }]));
    }

    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
