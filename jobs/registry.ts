import type { System } from '../core/system.js';
import { syncOrgJob } from './sync-org.job.js';

/** Every scheduled job: a name, an optional cron in Asia/Shanghai, and a run over core/. */
export interface JobSpec {
  name: string;
  every?: string;
  run(sys: System): Promise<unknown>;
}

export const JOBS: JobSpec[] = [syncOrgJob];
