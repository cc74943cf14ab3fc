import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { botDepsFor, checkInAtHualian, contactsOfCustomer, draftOf, say } from './bot-helpers.js';

/**
 * Issue #24: a time said with no day in it (前段时间, 最近, 过段时间) never becomes today. A contact change
 * is asked when (本周/上周/本月/上个月/更早/不知道) and dated by the answer's estimate, labelled; a date
 * field answered vaguely asks for a day and records nothing.
 */
describe('the bot asks when a time was said only vaguely', () => {
  let pool: pg.Pool;
  // Wednesday 9 December 2026, 11:00 in Shanghai
  const deps = () => botDepsFor(pool, { now: () => new Date('2026-12-09T03:00:00Z') });

  beforeEach(async () => {
    ({ pool } = await freshDatabase(8));
  });

  async function botEvents(contactId: number) {
    const { rows } = await pool.query(
      `SELECT kind, to_char(occurred_on, 'YYYY-MM-DD') AS day, occurred_label FROM contact_events WHERE contact_id = $1 AND source = 'bot'`, [contactId]);
    return rows;
  }

  it('asks when a departure said as 前段时间 happened, records nothing meanwhile, and dates it by the period answered', async () => {
    const d = deps();
    await checkInAtHualian(pool, d);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    const asked = await say(d, 'rep.zhao', `${contact.name}前段时间离职了`);
    expect(asked).to.include(`${contact.name}离职大概是什么时候？（你说的是“前段时间”）`).and.include('1.本周 2.上周 3.本月 4.上个月 5.更早 6.不知道');
    expect(await botEvents(contact.id)).to.deep.equal([]);

    expect(await say(d, 'rep.zhao', '4')).to.include(`${contact.name} 离职`).and.include('（约11月）');
    expect(await botEvents(contact.id)).to.deep.equal([{ kind: 'left', day: '2026-11-15', occurred_label: '约11月' }]);
  });

  it('takes a day said in answer (上周五) and labels an unknown time with the words and the day it was learned, never a bare today', async () => {
    const d = deps();
    await checkInAtHualian(pool, d);
    const [a, b] = await contactsOfCustomer(pool, '华联超市总部');
    expect(await say(d, 'rep.zhao', `${a.name}最近调走了`)).to.include('（你说的是“最近”）');
    await say(d, 'rep.zhao', '上周五');
    expect(await botEvents(a.id)).to.deep.equal([{ kind: 'transferred', day: '2026-12-04', occurred_label: null }]);

    expect(await say(d, 'rep.zhao', `${b.name}之前就离职了`)).to.include('（你说的是“之前”）');
    expect(await say(d, 'rep.zhao', '不知道')).to.include(`${b.name} 离职`).and.include('之前（12月9日得知）');
    expect(await botEvents(b.id)).to.deep.equal([{ kind: 'left', day: '2026-12-09', occurred_label: '之前（12月9日得知）' }]);
  });

  it('asks for a day when 下次接触时间 is answered with 过段时间, records no date, and takes the day said next', async () => {
    const d = deps();
    const actionId = await checkInAtHualian(pool, d);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    expect(await say(d, 'rep.zhao', `${contact.name}是拍板的人`)).to.include('下次什么时候再联系');

    const asked = await say(d, 'rep.zhao', '过段时间再去');
    expect(asked).to.include('“过段时间”还不是具体的日子，没有记录').and.include('下次接触时间定在哪天').and.not.include('没太看懂');
    expect((await draftOf(pool, actionId)).fields.nextContactAt).to.equal(undefined);

    expect(await say(d, 'rep.zhao', '下周三下午')).to.include('已记录').and.include('（周三）15:00');
    expect((await draftOf(pool, actionId)).fields.nextContactAt).to.equal('2026-12-16T15:00:00+08:00');
  });
});
