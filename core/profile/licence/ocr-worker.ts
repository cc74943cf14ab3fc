/**
 * The OCR worker process (forked by ocr-runner.ts): loads the models once,
 * then reads one file per message and answers with the outcome. It holds
 * ~1 GB and both cores while reading, which is why it lives outside the
 * API's process; the runner feeds it one job at a time.
 *
 *   parent → { id, bytes, mime }     child → { ready: true } | { unavailable: message }
 *                                    child → { id, result: ReadResult } | { id, error: message }
 */
import { OcrEngine } from './ocr-engine.js';
import { readLicence } from './read-licence.js';

export interface OcrJob { id: number; bytes: Uint8Array; mime: string }

const send = (m: unknown) => process.send?.(m);

async function main(): Promise<void> {
  let engine: OcrEngine;
  try {
    engine = await OcrEngine.load();
  } catch (err) {
    send({ unavailable: err instanceof Error ? err.message : String(err) });
    return;
  }
  send({ ready: true });
  process.on('message', async (job: OcrJob) => {
    try {
      send({ id: job.id, result: await readLicence(engine, Buffer.from(job.bytes), job.mime) });
    } catch (err) {
      send({ id: job.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

void main();
