import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSilenceCheck } from '../../../core/alerts/silence.js';
import { freshDatabase } from '../../support/database.js';
import type { FakeWecom } from '../../support/fake-wecom.js';
import { addSilentCustomers, deliveredTaskIds, deps, fakeWecomWithDemoOrg, runNode } from '../jobs/jobs-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('outbox delivery from two worker processes', () => {
  let fake: FakeWecom;
  afterEach(() => fake?.stop());

  it('sends every message exactly once when two processes drain the same outbox', async function () {
    this.timeout(300_000);
    const { pool, url } = await freshDatabase(4);
    fake = await fakeWecomWithDemoOrg(pool, Date.now);
    const now = new Date();
    await addSilentCustomers(pool, 'rep.wu', 25, now, '双进程');
    const found = await runSilenceCheck(deps(pool, () => now));
    await pool.query(`UPDATE outbox SET next_attempt_at = now() - interval '1 second'`); // whatever the hour: no quiet hours here
    const script = path.join(here, 'support', 'deliverer-process.ts');
    const sync = mkdtempSync(path.join(os.tmpdir(), 'af-deliverers-'));
    const running = Promise.all([runNode(script, [url, fake.baseUrl, 'proc-a', sync]), runNode(script, [url, fake.baseUrl, 'proc-b', sync])]);
    // start both together, whichever booted first
    for (const deadline = Date.now() + 180_000; !(existsSync(path.join(sync, 'ready-proc-a')) && existsSync(path.join(sync, 'ready-proc-b')));) {
      if (Date.now() > deadline) throw new Error('the deliverer processes did not start within 3 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    writeFileSync(path.join(sync, 'go'), '');
    const [a, b] = await running;
    rmSync(sync, { recursive: true, force: true });
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    const ra = JSON.parse(a.stdout.trim().split('\n').pop()!);
    const rb = JSON.parse(b.stdout.trim().split('\n').pop()!);
    // which process wins which recipient is up to the scheduler; exactly-once is what must hold
    expect(ra.sent + rb.sent).to.be.greaterThan(0);

    const seen = deliveredTaskIds(fake);
    expect([...seen.values()].every((n) => n === 1), 'a card was shown twice').to.equal(true);
    expect(fake.sent.every((s) => s.undelivered.length === 0), 'WeCom dropped a message').to.equal(true);
    const { rows } = await pool.query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status`);
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    // every alert message was sent on its own or folded into a digest that was sent
    expect((byStatus.sent ?? 0) - (ra.digests + rb.digests) + (byStatus.merged ?? 0)).to.equal(found.messages);
    expect(byStatus.pending ?? 0).to.equal(0);
    expect(fake.sent).to.have.length(ra.sent + rb.sent);
  });
});
