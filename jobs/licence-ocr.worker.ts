import type { Readable } from 'node:stream';
import { createStorage } from '../core/attachments/storage.js';
import { OcrWorkerReader } from '../core/profile/licence/ocr-runner.js';
import { processNextLicenceScan } from '../core/profile/licence/licence-scans.js';
import type { Part, System } from '../core/system.js';

/** How often the queue is looked at: an upload's fields arrive within this plus the reading itself. */
const POLL_MS = 2_000;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reads queued licence scans one at a time in the OCR worker process (not
 * an Agenda job: the worker stays warm between scans, and one scan at a
 * time is the point). Several processes may run this: an advisory lock in
 * processNextLicenceScan lets one read at a time.
 */
export function startLicenceOcr(sys: System): Part {
  const reader = new OcrWorkerReader({ logger: sys.logger });
  const storage = createStorage(sys.config);
  const fileOf = async (sha256: string) => bytesOf((await storage.get(sha256)).stream);
  let stopped = false;
  let running: Promise<void> | null = null;
  const drain = async () => {
    while (!stopped && await processNextLicenceScan(sys.pool, reader, fileOf, sys.logger, sys.config.publicUrl) !== null) { /* next */ }
  };
  const timer = setInterval(() => {
    running ??= drain().catch((err) => sys.logger.error({ err }, 'licence OCR queue failed')).finally(() => { running = null; });
  }, POLL_MS);
  timer.unref();
  return {
    name: 'licence-ocr',
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      await reader.close();
    },
  };
}
