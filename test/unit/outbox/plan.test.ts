import { expect } from 'chai';
import { quietUntil } from '../../../core/alerts/rule-settings.js';
import { planRecipient, type DueMessage } from '../../../core/outbox/plan.js';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { RecipientThrottle } from '../../../core/wecom/recipient-throttle.js';

const NOW = Date.parse('2026-06-10T02:00:10Z');
const alerts = (from: number, n: number): DueMessage[] => Array.from({ length: n }, (_, i) => ({ id: from + i, alertId: from + i }));
const texts = (from: number, n: number): DueMessage[] => Array.from({ length: n }, (_, i) => ({ id: from + i, alertId: null }));
const sentBefore = (n: number, msAgo = 5_000) => new RecipientThrottle(undefined, { sends: { 'mgr.li': Array(n).fill(NOW - msAgo) } });

describe('planning one recipient\'s messages within 30/min and 1000/h', () => {
  it('sends everything that fits', () => {
    const p = planRecipient(alerts(1, 30), new RecipientThrottle(), 'mgr.li', NOW);
    expect(p).to.deep.equal({ send: alerts(1, 30).map((m) => m.id), merge: [], defer: [], deferUntil: null });
  });

  it('sends 29 alerts on their own and folds the rest into one digest, using exactly the 30 slots', () => {
    const throttle = new RecipientThrottle();
    const p = planRecipient(alerts(1, 45), throttle, 'mgr.li', NOW);
    expect(p.send).to.have.length(29);
    expect(p.merge).to.deep.equal(alerts(30, 16).map((m) => m.id));
    expect(p.defer).to.deep.equal([]);
    expect(throttle.remaining('mgr.li', NOW)).to.equal(0);
  });

  it('never folds texts: those beyond the budget wait for the window to free up', () => {
    const p = planRecipient([...texts(1, 35), ...alerts(100, 1)], sentBefore(0), 'mgr.li', NOW);
    expect(p.send).to.have.length(30);
    expect(p.merge).to.deep.equal([]);
    expect(p.defer).to.have.length(6);
    expect(p.deferUntil).to.equal(NOW + 60_000);
  });

  it('defers everything when the minute is used up, until the oldest send ages out', () => {
    const p = planRecipient(alerts(1, 3), sentBefore(30, 20_000), 'mgr.li', NOW);
    expect(p).to.deep.equal({ send: [], merge: [], defer: [1, 2, 3], deferUntil: NOW - 20_000 + 60_000 });
  });

  it('with a single slot left, spends it on the digest when two or more alerts wait', () => {
    const p = planRecipient(alerts(1, 5), sentBefore(29), 'mgr.li', NOW);
    expect(p).to.include.keys('send', 'merge');
    expect(p.send).to.deep.equal([]);
    expect(p.merge).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('respects the hourly limit too', () => {
    const hour = new RecipientThrottle(undefined, { sends: { 'mgr.li': Array.from({ length: 1000 }, (_, i) => NOW - 3_000_000 + i) } });
    const p = planRecipient(alerts(1, 2), hour, 'mgr.li', NOW);
    expect(p.send).to.deep.equal([]);
    expect(p.deferUntil).to.equal(NOW - 3_000_000 + 3_600_000);
  });
});

describe('quiet hours (免打扰)', () => {
  const night = { from: '21:00', to: '08:00' };
  it('holds a message created inside a window that wraps midnight until 08:07 the next morning', () => {
    expect(quietUntil(shanghaiInstant('2026-06-10', 22, 30), night)).to.deep.equal(shanghaiInstant('2026-06-11', 8, 7));
    expect(quietUntil(shanghaiInstant('2026-06-11', 2, 15), night)).to.deep.equal(shanghaiInstant('2026-06-11', 8, 7));
  });
  it('lets messages through outside the window, or when there is none', () => {
    expect(quietUntil(shanghaiInstant('2026-06-10', 8, 0), night)).to.equal(null);
    expect(quietUntil(shanghaiInstant('2026-06-10', 20, 59), night)).to.equal(null);
    expect(quietUntil(shanghaiInstant('2026-06-10', 23, 0), null)).to.equal(null);
    expect(quietUntil(shanghaiInstant('2026-06-10', 12, 30), { from: '12:00', to: '14:00' })).to.deep.equal(shanghaiInstant('2026-06-10', 14, 7));
  });
});
