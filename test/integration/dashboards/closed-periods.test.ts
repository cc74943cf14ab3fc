import { expect } from 'chai';
import type pg from 'pg';
import { CLOSED_PERIOD_TTL_MS, closedPeriodFigure } from '../../../core/dashboards/closed-periods.js';
import { resolvePeriod } from '../../../core/dashboards/period.js';
import { freshDatabase } from '../../support/database.js';

describe('dashboards: figures of ended periods are reused for a few minutes', () => {
  let pool: pg.Pool;
  before(async () => { ({ pool } = await freshDatabase(2)); });

  const now = new Date('2026-03-20T10:00:00+08:00');
  const february = resolvePeriod({ month: '2026-02' }, now);
  const march = resolvePeriod({ month: '2026-03' }, now);
  const counter = () => { let n = 0; return { next: async () => ++n }; };

  it('computes an ended period once within the TTL, again after it, and separately per key', async () => {
    const c = counter();
    expect(await closedPeriodFigure(pool, 'a', february, now, c.next)).to.equal(1);
    expect(await closedPeriodFigure(pool, 'a', february, new Date(now.getTime() + CLOSED_PERIOD_TTL_MS - 1), c.next)).to.equal(1);
    expect(await closedPeriodFigure(pool, 'b', february, now, c.next), 'another caller or filter').to.equal(2);
    expect(await closedPeriodFigure(pool, 'a', february, new Date(now.getTime() + CLOSED_PERIOD_TTL_MS), c.next)).to.equal(3);
  });

  it('always computes the running period, and anything read inside a transaction', async () => {
    const c = counter();
    expect(await closedPeriodFigure(pool, 'a', march, now, c.next)).to.equal(1);
    expect(await closedPeriodFigure(pool, 'a', march, now, c.next)).to.equal(2);
    const client = await pool.connect();
    try {
      expect(await closedPeriodFigure(client, 'z', february, now, c.next)).to.equal(3);
      expect(await closedPeriodFigure(client, 'z', february, now, c.next)).to.equal(4);
    } finally {
      client.release();
    }
  });

  it('does not keep a failed computation', async () => {
    let calls = 0;
    const failing = async () => { calls++; throw new Error('boom'); };
    await closedPeriodFigure(pool, 'f', february, now, failing).catch(() => undefined);
    await closedPeriodFigure(pool, 'f', february, now, failing).catch(() => undefined);
    expect(calls).to.equal(2);
  });
});
