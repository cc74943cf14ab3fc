import { createStorage } from '../core/attachments/storage.js';
import { backfillEvidence } from '../core/evidence/backfill.js';
import type { JobSpec } from './registry.js';

/** At most this many files per run: a run stays short, the next one continues. */
const PER_RUN = 300;

/**
 * Every 10 minutes: photos and voice memos uploaded before evidence checks existed get the
 * facts an upload computes now (EXIF, size, perceptual hash, earlier
 * near-duplicates), oldest first, so dry-runs and re-checks of past reports
 * see them. Nothing left to do costs one indexed count.
 */
export const evidenceBackfillJob: JobSpec = {
  name: 'evidence-backfill',
  every: '10 minutes',
  run: async (sys) => {
    const storage = createStorage(sys.config);
    const read = async (sha256: string) => {
      if (!(await storage.exists(sha256))) return null;
      const { stream } = await storage.get(sha256);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    return backfillEvidence(sys.pool, read, { max: PER_RUN, logger: sys.logger });
  },
};
