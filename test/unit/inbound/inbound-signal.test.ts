import { expect } from 'chai';
import type pg from 'pg';
import {
  createInboundBus, createInboundNotifier, parseSignal, signalPayload, type InboundSignal,
} from '../../../core/inbound/inbound-signal.js';

/**
 * How the API tells the bot of a recorded message (core/inbound/inbound-signal.ts):
 * directly when the bot runs in the same process, else one NOTIFY per burst.
 */
const quiet = { warn: () => undefined };
const aSignal = (k: string): InboundSignal => ({ transport: 'wecom', dedupeKey: k, userid: 'rep.zhao', media: false });

function recordingPool() {
  const queries: Array<{ text: string; values: unknown[] }> = [];
  const pool = { query: async (q: { text: string; values: unknown[] }) => { queries.push(q); return { rows: [], rowCount: 0 }; } } as unknown as pg.Pool;
  return { pool, queries };
}

describe('inbound signals', () => {
  it('round-trip through the NOTIFY payload, and refuse junk', () => {
    const s: InboundSignal = { transport: 'console', dedupeKey: 'console:rep.zhao:h5 1', userid: 'rep.zhao', media: true };
    expect(parseSignal(signalPayload(s))).to.deep.equal(s);
    expect(parseSignal('not json')).to.equal(null);
    expect(parseSignal('{"t":"wecom"}')).to.equal(null);
  });

  it('go to the bot in this process directly, without touching the database', async () => {
    const { pool, queries } = recordingPool();
    const bus = createInboundBus();
    const heard: InboundSignal[] = [];
    const unsubscribe = bus.subscribe((s) => heard.push(s));
    const notifier = createInboundNotifier(pool, quiet, bus);
    notifier.notify(aSignal('msg:1'));
    await notifier.flush();
    expect(heard.map((s) => s.dedupeKey)).to.deep.equal(['msg:1']);
    expect(queries).to.deep.equal([]);
    unsubscribe();
    expect(bus.hasSubscribers).to.equal(false);
  });

  it('are NOTIFYed otherwise, a burst in one statement', async () => {
    const { pool, queries } = recordingPool();
    const notifier = createInboundNotifier(pool, quiet, createInboundBus());
    for (const k of ['msg:1', 'msg:2', 'msg:3']) notifier.notify(aSignal(k));
    await new Promise((r) => setImmediate(r));
    await notifier.flush();
    expect(queries).to.have.length(1);
    expect(queries[0].text).to.include('pg_notify');
    expect((queries[0].values[1] as string[]).map((p) => parseSignal(p)!.dedupeKey)).to.deep.equal(['msg:1', 'msg:2', 'msg:3']);
  });
});
