/**
 * One outbox worker process for the multi-process test: delivers until the
 * queue is empty, then prints its report as JSON.
 *   node --import tsx deliverer-process.ts <databaseUrl> <wecomApiBase> <workerId> <syncDir>
 * Both processes start delivering together: each writes <syncDir>/ready-<workerId>,
 * then waits for <syncDir>/go (the test writes it once both are ready).
 */
import '../../../../core/zod-locale.js';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { createPool } from '../../../../core/db/pool.js';
import { deliverOutbox } from '../../../../core/outbox/deliver.js';
import { HttpWecomClient } from '../../../../core/wecom/http-wecom-client.js';

const [url, apiBase, workerId, syncDir] = process.argv.slice(2);
const logger = pino({ level: 'silent' });
const pool = createPool(url, 4);
const wecom = new HttpWecomClient({ apiBase, corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret', maxAttempts: 1, logger });
const deps = { pool, wecom, logger, now: () => new Date(), config: { publicUrl: 'https://af.example.com' } };
writeFileSync(path.join(syncDir, `ready-${workerId}`), '');
while (!existsSync(path.join(syncDir, 'go'))) await new Promise((resolve) => setTimeout(resolve, 20));
let sent = 0;
let digests = 0;
for (;;) {
  const r = await deliverOutbox(deps, { batchSize: 4, concurrency: 2, workerId, maxRounds: 5 });
  sent += r.sent;
  digests += r.digests;
  const { rows: [left] } = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'`);
  if (left.n === 0) break;
  if (r.sent === 0) await new Promise((resolve) => setTimeout(resolve, 50));
}
await pool.end();
console.log(JSON.stringify({ workerId, sent, digests }));
