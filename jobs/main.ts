import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { Part, System } from '../core/system.js';
import { startLicenceOcr } from './licence-ocr.worker.js';
import { startRescoring } from './rescore.worker.js';
import { JOBS } from './registry.js';

/** Its own pool when it shares a process with the API: Agenda's LISTEN and the jobs' work. */
export const JOBS_CONNECTIONS = 4;

/**
 * Agenda workers on the shared PostgreSQL (LISTEN/NOTIFY + SKIP LOCKED), so
 * several worker processes share one queue. Each job file is a thin call into core/.
 */
export async function startJobs(sys: System): Promise<Part> {
  const backend = new PostgresBackend({ pool: sys.pool });
  const agenda = new Agenda({
    backend,
    name: `worker-${process.pid}`,
    processEvery: '5 seconds',
  });
  agenda.on('error', (err: unknown) => sys.logger.error({ err }, 'agenda error'));
  agenda.on('fail', (err: unknown, job: any) => sys.logger.error({ err, job: job?.attrs?.name }, 'job failed'));
  for (const job of JOBS) {
    agenda.define(job.name, async () => {
      const result = await job.run(sys);
      sys.logger.info({ job: job.name, result }, 'job finished');
    }, { concurrency: 1 });
  }
  await agenda.start();
  // the LISTEN connection reports server shutdowns as errors; log them, never crash on them
  (backend.notificationChannel as unknown as NodeJS.EventEmitter | undefined)
    ?.on('error', (err: unknown) => sys.logger.warn({ err }, 'agenda notification channel error'));
  for (const job of JOBS) {
    if (job.every) await agenda.every(job.every, job.name, undefined, { timezone: 'Asia/Shanghai', skipImmediate: true });
  }
  const ocr = startLicenceOcr(sys);
  const rescoring = startRescoring(sys);
  return {
    name: 'jobs',
    stop: async () => {
      await rescoring.stop();
      await ocr.stop();
      // let running jobs finish (bounded), then release locks so another worker can take over
      await agenda.drain(10_000).catch((err: unknown) => sys.logger.warn({ err }, 'agenda drain incomplete'));
      await agenda.stop();
    },
  };
}
