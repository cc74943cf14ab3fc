import { expect } from 'chai';
import { RecipientThrottle } from '../../../core/wecom/recipient-throttle.js';

const T0 = 1_735_700_000_000;
const sendN = (t: RecipientThrottle, userid: string, n: number, start = T0, stepMs = 1) => {
  for (let i = 0; i < n; i++) t.record(userid, start + i * stepMs);
};

describe('RecipientThrottle (WeCom drops >30/min, >1000/h per member)', () => {
  it('allows 30 messages to one member within a minute and holds the 31st', () => {
    const t = new RecipientThrottle();
    sendN(t, 'mgr_li', 29);
    expect(t.canSend('mgr_li', T0 + 100)).to.equal(true);
    t.record('mgr_li', T0 + 100);
    expect(t.canSend('mgr_li', T0 + 101)).to.equal(false);
    expect(t.remaining('mgr_li', T0 + 101)).to.equal(0);
  });

  it('frees the next slot exactly 60 s after the oldest send in the window', () => {
    const t = new RecipientThrottle();
    sendN(t, 'mgr_li', 30, T0, 1000);
    expect(t.nextAllowedAt('mgr_li', T0 + 30_000)).to.equal(T0 + 60_000);
    expect(t.canSend('mgr_li', T0 + 59_999)).to.equal(false);
    expect(t.canSend('mgr_li', T0 + 60_000)).to.equal(true);
  });

  it('returns now when a member has budget left', () => {
    expect(new RecipientThrottle().nextAllowedAt('mgr_li', T0)).to.equal(T0);
  });

  it('counts each member separately', () => {
    const t = new RecipientThrottle();
    sendN(t, 'mgr_li', 30);
    expect(t.canSend('mgr_zhao', T0 + 50)).to.equal(true);
  });

  it('enforces the hourly cap even when every minute stays under its limit', () => {
    const t = new RecipientThrottle();
    // 1000 sends spread 3 s apart: ≤20 per minute, but 1000 within 50 minutes.
    sendN(t, 'mgr_li', 1000, T0, 3000);
    const now = T0 + 3000 * 1000;
    expect(t.canSend('mgr_li', now)).to.equal(false);
    expect(t.nextAllowedAt('mgr_li', now)).to.equal(T0 + 3_600_000);
  });

  it('honours configured limits', () => {
    const t = new RecipientThrottle({ perMinute: 2, perHour: 3 });
    sendN(t, 'u', 2);
    expect(t.canSend('u', T0 + 10)).to.equal(false);
    t.record('u', T0 + 61_000);
    expect(t.nextAllowedAt('u', T0 + 61_001)).to.equal(T0 + 3_600_000);
  });

  it('round-trips its state through JSON and forgets sends older than an hour', () => {
    const t = new RecipientThrottle();
    sendN(t, 'old', 5, T0 - 3_700_000);
    sendN(t, 'mgr_li', 30);
    const state = JSON.parse(JSON.stringify(t.snapshot(T0 + 10))) as ReturnType<RecipientThrottle['snapshot']>;
    expect(Object.keys(state.sends)).to.deep.equal(['mgr_li']);
    const restored = new RecipientThrottle(undefined, state);
    expect(restored.canSend('mgr_li', T0 + 10)).to.equal(false);
    expect(restored.nextAllowedAt('mgr_li', T0 + 10)).to.equal(T0 + 60_000);
  });

  it('rejects limits below one', () => {
    expect(() => new RecipientThrottle({ perMinute: 0, perHour: 10 })).to.throw(RangeError);
  });
});
