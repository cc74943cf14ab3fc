import { expect } from 'chai';
import os from 'node:os';
import { InboundWorker } from '../../../bot/engine/inbound-worker.js';
import { botConnections, botHandlers } from '../../../bot/main.js';
import { loadConfig } from '../../../core/config.js';
import type { Inbox } from '../../../bot/engine/inbox.js';
import type { InboundSignal } from '../../../core/inbound/inbound-signal.js';

/**
 * The bot part's queue (bot/engine/inbound-worker.ts): at most `concurrency`
 * messages handled at once, so the API's acknowledgements always find a free
 * connection; one member's messages one after another, in order; a message
 * signalled twice (signal + sweep) handled once.
 */
function fakeInbox() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const inbox = {
    handle: ({ dedupeKey: key }: { dedupeKey: string }) => {
      started.push(key);
      return new Promise<[]>((resolve) => release.set(key, () => resolve([])));
    },
  } as unknown as Inbox;
  return { inbox, started, done: async (key: string) => { release.get(key)!(); await new Promise((r) => setImmediate(r)); } };
}

const signal = (dedupeKey: string, userid: string): InboundSignal => ({ transport: 'wecom', dedupeKey, userid, media: false });
const deps = { logger: { error: () => undefined } } as never;

describe('the inbound worker', () => {
  it('handles at most `concurrency` messages at once, the rest in arrival order', async () => {
    const f = fakeInbox();
    const w = new InboundWorker(deps, { wecom: f.inbox }, { concurrency: 2 });
    for (let i = 1; i <= 4; i++) w.push(signal(`k${i}`, `rep.${i}`));
    expect(f.started).to.deep.equal(['k1', 'k2']);
    await f.done('k2');
    expect(f.started).to.deep.equal(['k1', 'k2', 'k3']);
    await f.done('k1');
    await f.done('k3');
    await f.done('k4');
    await w.drain();
  });

  it('takes one member’s messages one after another, letting others’ pass meanwhile', async () => {
    const f = fakeInbox();
    const w = new InboundWorker(deps, { wecom: f.inbox }, { concurrency: 4 });
    w.push(signal('a1', 'rep.zhao'));
    w.push(signal('a2', 'rep.zhao'));
    w.push(signal('b1', 'rep.qian'));
    expect(f.started).to.deep.equal(['a1', 'b1']);
    await f.done('a1');
    expect(f.started).to.deep.equal(['a1', 'b1', 'a2']);
    await f.done('a2');
    await f.done('b1');
    await w.drain();
  });

  it('handles one message per core at once by default (at least two), or BOT_HANDLERS', async () => {
    const perCore = Math.max(2, os.availableParallelism());
    const f = fakeInbox();
    const w = new InboundWorker(deps, { wecom: f.inbox });
    for (let i = 0; i < perCore + 3; i++) w.push(signal(`k${i}`, `rep.${i}`));
    expect(f.started).to.have.length(perCore);
    for (let i = 0; i < perCore + 3; i++) await f.done(`k${i}`);
    await w.drain();

    expect(botHandlers(loadConfig({}))).to.equal(perCore);
    expect(botHandlers(loadConfig({ BOT_HANDLERS: '3' }))).to.equal(3);
    // a pool connection per handler, and two for the H5 chat's and wechaty's turns
    expect(botConnections(loadConfig({ BOT_HANDLERS: '3' }))).to.equal(5);
  });

  it('handles a message signalled twice once, and ignores transports it does not serve', async () => {
    const f = fakeInbox();
    const w = new InboundWorker(deps, { wecom: f.inbox });
    w.push(signal('k1', 'rep.zhao'));
    w.push(signal('k1', 'rep.zhao'));
    w.push({ transport: 'console', dedupeKey: 'c1', userid: 'rep.qian', media: false });
    expect(f.started).to.deep.equal(['k1']);
    await f.done('k1');
    await w.drain();
    expect(w.pending).to.equal(0);
  });

  it('stops taking messages on stop, waiting only for those in hand', async () => {
    const f = fakeInbox();
    const w = new InboundWorker(deps, { wecom: f.inbox }, { concurrency: 1 });
    w.push(signal('k1', 'rep.zhao'));
    w.push(signal('k2', 'rep.qian'));
    const stopped = w.stop();
    await f.done('k1');
    await stopped;
    w.push(signal('k3', 'rep.sun'));
    expect(f.started).to.deep.equal(['k1']);
  });
});
