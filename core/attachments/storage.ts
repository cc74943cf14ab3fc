/**
 * Where attachment bytes live, addressed by their sha256, so identical
 * content is stored once however many rows point at it. Local disk by
 * default (DATA_DIR/files/ab/cd/<sha256>); an object store (COS, S3) would be
 * another implementation of the same three methods, chosen in createStorage.
 *
 *   const storage = createStorage(config);
 *   await storage.put(sha, buffer);           // no-op when already stored
 *   ctx.body = await storage.get(sha);        // a stream
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';

export interface StoredObject {
  stream: Readable;
  /** The whole object's size, whatever range was asked for. */
  size: number;
}

export interface ByteRange {
  start: number;
  end: number;
}

export interface Storage {
  /** Stores the bytes under their sha256; returns false when they were already there. */
  put(sha256: string, data: Buffer): Promise<boolean>;
  /** The stored bytes (or bytes start..end inclusive); throws when absent (a row without a file is a bug or lost disk). */
  get(sha256: string, range?: ByteRange): Promise<StoredObject>;
  exists(sha256: string): Promise<boolean>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class LocalDiskStorage implements Storage {
  constructor(readonly root: string) {}

  /** ab/cd/abcd…: two fan-out levels keep directories small at millions of files. */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(sha256: string, data: Buffer): Promise<boolean> {
    const target = this.pathOf(sha256);
    if (await this.exists(sha256)) return false;
    await mkdir(path.dirname(target), { recursive: true });
    // write then rename: a reader never sees half a file, and two concurrent
    // uploads of the same content both end with the same complete file
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data, { flag: 'wx' });
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return true;
  }

  async get(sha256: string, range?: ByteRange): Promise<StoredObject> {
    const file = this.pathOf(sha256);
    const { size } = await stat(file);
    return { stream: createReadStream(file, range), size };
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}

/** The storage chosen by config; only local disk exists so far. No I/O until first use. */
export function createStorage(config: Pick<Config, 'DATA_DIR'>): Storage {
  return new LocalDiskStorage(path.resolve(config.DATA_DIR, 'files'));
}
