import { expect } from 'chai';
import { formatShanghai, parseBusinessDateTime } from '../../../core/flow/time.js';

describe('business time', () => {
  it('reads offset-less form input as Shanghai wall-clock', () => {
    expect(parseBusinessDateTime('2024-05-15 10:00')?.toISOString()).to.equal('2024-05-15T02:00:00.000Z');
    expect(parseBusinessDateTime('2024/5/15')?.toISOString()).to.equal('2024-05-14T16:00:00.000Z');
  });

  it('keeps an explicit offset and rejects nonsense', () => {
    expect(parseBusinessDateTime('2024-05-15T10:00:00Z')?.toISOString()).to.equal('2024-05-15T10:00:00.000Z');
    expect(parseBusinessDateTime('2024-13-01')).to.equal(null);
    expect(parseBusinessDateTime('下周二')).to.equal(null);
    expect(parseBusinessDateTime({})).to.equal(null);
  });

  it('formats instants in Shanghai for messages', () => {
    expect(formatShanghai(new Date('2024-05-14T16:30:00Z'))).to.equal('2024-05-15 00:30');
  });
});
