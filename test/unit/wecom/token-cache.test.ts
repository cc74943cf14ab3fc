import { expect } from 'chai';
import { InMemoryTokenStore, SecretCache } from '../../../core/wecom/token-cache.js';

describe('SecretCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_735_700_000_000;
  });

  it('lets concurrent callers share a single fetch', async () => {
    const cache = new SecretCache(new InMemoryTokenStore(), { now: clock });
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 10));
      return { value: `t${fetches}`, expiresInSec: 7200 };
    };
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get('k', fetch)));
    expect(new Set(values)).to.deep.equal(new Set(['t1']));
    expect(fetches).to.equal(1);
  });

  it('refetches 5 minutes before expiry', async () => {
    const cache = new SecretCache(new InMemoryTokenStore(), { now: clock });
    let n = 0;
    const fetch = async () => ({ value: `t${++n}`, expiresInSec: 7200 });
    expect(await cache.get('k', fetch)).to.equal('t1');
    now += (7200 - 301) * 1000;
    expect(await cache.get('k', fetch)).to.equal('t1');
    now += 2000;
    expect(await cache.get('k', fetch)).to.equal('t2');
  });

  it('ignores an invalidation for a token that was already replaced', async () => {
    const store = new InMemoryTokenStore();
    const cache = new SecretCache(store, { now: clock });
    let n = 0;
    const fetch = async () => ({ value: `t${++n}`, expiresInSec: 7200 });
    await cache.get('k', fetch);
    await cache.invalidate('k', 't1');
    expect(await cache.get('k', fetch)).to.equal('t2');
    await cache.invalidate('k', 't1'); // a late 42001 from a request that carried t1
    expect(await cache.get('k', fetch)).to.equal('t2');
  });

  it('does not cache a failed fetch', async () => {
    const cache = new SecretCache(new InMemoryTokenStore(), { now: clock });
    let calls = 0;
    const fetch = async () => {
      if (++calls === 1) throw new Error('busy');
      return { value: 'ok', expiresInSec: 7200 };
    };
    await cache.get('k', fetch).catch(() => undefined);
    expect(await cache.get('k', fetch)).to.equal('ok');
  });
});
