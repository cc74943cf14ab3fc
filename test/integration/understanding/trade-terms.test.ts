import { expect } from 'chai';
import type pg from 'pg';
import { pino } from 'pino';
import { readSetting } from '../../../core/settings/read.js';
import { discoverTerms } from '../../../core/understanding/term-discovery.js';
import { suggestTradeTerms } from '../../../core/understanding/term-suggestions.js';
import { tradeDictionary, TRADE_DICTIONARY_DEFAULT } from '../../../core/understanding/trade-dictionary.setting.js';
import { freshDatabase } from '../../support/database.js';

/** 行业词典 (issue #24 item 4): a setting, and new terms suggested weekly from what reps write. */
describe('the trade dictionary and new-term suggestions', () => {
  it('suggests a run the segmenter splits when it recurs across reports, not a phrase and not a known word', () => {
    const texts = ['康复宝还没挂网，医院采不了', '客户问康复宝的价格', '康复宝的样品寄到了', '今天拜访了设备科', '设备科主任不在'];
    const found = discoverTerms(texts, { known: new Set(['设备科']) });
    expect(found.map((c) => c.term)).to.deep.equal(['康复宝']);
    expect(found[0].docs).to.equal(3);
    expect(discoverTerms(texts, { known: new Set(['设备科', '康复宝']) })).to.deep.equal([]);
    // two reports are not yet a pattern
    expect(discoverTerms(texts.slice(1), { known: new Set(['设备科']) })).to.deep.equal([]);
  });

  describe('in the database', () => {
    let pool: pg.Pool;
    beforeEach(async () => ({ pool } = await freshDatabase(4)));

    it('reads the template dictionary until an admin saves one', async () => {
      expect(await readSetting(pool, tradeDictionary)).to.deep.equal(TRADE_DICTIONARY_DEFAULT);
    });

    it('cards the admins once per week with last week\'s split words, linking to 行业词典', async () => {
      const { rows: reps } = await pool.query(`SELECT id FROM users WHERE active AND role = 'rep' ORDER BY id LIMIT 3`);
      const days = ['2025-06-02', '2025-06-03', '2025-06-04'];
      for (const [i, r] of reps.entries()) {
        await pool.query(
          `INSERT INTO daily_reports (user_id, day, summary, obstacles, plan) VALUES ($1, $2, '拜访客户', $3, '继续跟进')
           ON CONFLICT (user_id, day) DO UPDATE SET obstacles = EXCLUDED.obstacles`,
          [r.id, days[i], ['康复宝还没挂网', '客户问康复宝的价格', '康复宝的样品还没寄到'][i]]);
      }
      const sys = { pool, config: { publicUrl: 'https://af.example.com' } as never, logger: pino({ level: 'silent' }), now: () => new Date('2025-06-09T09:00:00+08:00') };
      const r = await suggestTradeTerms(sys);
      expect(r.week).to.equal('2025-06-02');
      expect(r.candidates.map((c) => c.term)).to.include('康复宝');
      const { rows: admins } = await pool.query(`SELECT count(*)::int AS n FROM users WHERE active AND role = 'admin'`);
      expect(r.sent).to.equal(admins[0].n).and.be.above(0);
      const { rows: [card] } = await pool.query(`SELECT payload FROM outbox WHERE dedupe_key LIKE 'trade-terms:2025-06-02:%' LIMIT 1`);
      expect(card.payload.textcard.description).to.include('康复宝');
      expect(card.payload.textcard.url).to.equal('https://af.example.com/settings/s/keywords.trade-dictionary');
      // the same week again: nothing new is sent
      expect((await suggestTradeTerms(sys)).sent).to.equal(0);
    });
  });
});
