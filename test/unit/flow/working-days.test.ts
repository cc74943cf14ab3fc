import { expect } from 'chai';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { addWorkingDays, isWorkingDay, shanghaiDate, workingDaysBetween } from '../../../core/flow/working-days.js';
import { MAY_DAY_2024 } from './support/calendars.js';

describe('working days', () => {
  it('jumps the May Day holiday: Tuesday 4/30 + 1 working day is Monday 5/6, 23:59:59 Shanghai', () => {
    const due = addWorkingDays(shanghaiInstant('2024-04-30', 10), 1, MAY_DAY_2024);
    expect(due.toISOString()).to.equal('2024-05-06T15:59:59.000Z');
  });

  it('counts the 调休 Saturday 5/11 as a working day', () => {
    expect(isWorkingDay('2024-05-11', MAY_DAY_2024)).to.equal(true);
    expect(shanghaiDate(addWorkingDays(shanghaiInstant('2024-05-10', 18), 1, MAY_DAY_2024))).to.equal('2024-05-11');
  });

  it('counts the 调休 Sunday 4/28 and skips the ordinary Saturday 4/27', () => {
    expect(shanghaiDate(addWorkingDays(shanghaiInstant('2024-04-26', 9), 1, MAY_DAY_2024))).to.equal('2024-04-28');
  });

  it('is due at the end of the start day itself for n = 0', () => {
    expect(addWorkingDays(shanghaiInstant('2024-05-08', 9), 0, MAY_DAY_2024).toISOString()).to.equal('2024-05-08T15:59:59.000Z');
  });

  it('uses the Shanghai date even when the host runs in another time zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      // 17:30 UTC on Friday 5/10 is already Saturday 01:30 in Shanghai
      const start = new Date('2024-05-10T17:30:00Z');
      expect(shanghaiDate(start)).to.equal('2024-05-11');
      expect(shanghaiDate(addWorkingDays(start, 1, MAY_DAY_2024))).to.equal('2024-05-13');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('counts working days between two instants across the holiday', () => {
    const a = shanghaiInstant('2024-04-30', 23, 59, 59);
    const b = shanghaiInstant('2024-05-11', 9);
    // 5/6, 5/7, 5/8, 5/9, 5/10 and the 调休 5/11
    expect(workingDaysBetween(a, b, MAY_DAY_2024)).to.equal(6);
    expect(workingDaysBetween(b, a, MAY_DAY_2024)).to.equal(-6);
    expect(workingDaysBetween(a, a, MAY_DAY_2024)).to.equal(0);
  });

  it('rejects a negative or fractional number of days', () => {
    expect(() => addWorkingDays(new Date(), -1, MAY_DAY_2024)).to.throw(RangeError);
    expect(() => addWorkingDays(new Date(), 1.5, MAY_DAY_2024)).to.throw(RangeError);
  });
});
