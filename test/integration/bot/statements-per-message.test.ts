import { expect } from 'chai';
import type pg from 'pg';
import { createPool } from '../../../core/db/pool.js';
import { freshDatabase } from '../../support/database.js';
import { lookups } from '../actions/actions-helpers.js';
import { botDepsFor, say } from './bot-helpers.js';

/**
 * Issue #24's latency budget: what one message costs PostgreSQL is its statements. A plain report message
 * is counted here, so a new read on the hot path shows as a failing count instead of a slower benchmark.
 */
describe('the statements one bot message costs', () => {
  let pool: pg.Pool;
  let sent: string[] | null = null;

  before(async () => {
    const { url } = await freshDatabase(2);
    pool = createPool(url, 4);
    // every statement any connection of this pool sends, while `sent` is open
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const q = args[0] as string | { text: string };
        sent?.push(typeof q === 'string' ? q : q.text);
        return query(...args);
      };
    });
  });
  after(() => pool.end());

  it('fills a slot of a visit in progress in ten statements, the settings it reads checked with the claim', async () => {
    const deps = botDepsFor(pool);
    const hualian = await lookups(pool).customer('华联超市总部');
    await say(deps, 'rep.zhao', { kind: 'location', lat: hualian.lat + 0.001, lng: hualian.lng, coordSystem: 'gcj02' });
    // the first message after start-up reads the vocabulary; the orders the report links are suggested once
    await say(deps, 'rep.zhao', '下周三下午再约');
    sent = [];
    expect(await say(deps, 'rep.zhao', '不对，是下周四下午')).to.include('下次接触时间');
    // the learned reader looks whether another process retrained it at most every few seconds (org-reader.ts)
    const statements = sent.filter((s) => !s.includes('FROM understanding_examples'));
    expect(sent.length - statements.length).to.be.at.most(1);
    sent = null;
    // record, BEGIN, claim (member, conversation, settings stamp), open work, lock the action, save the draft,
    // the report's facts for its checklist, the rep's last visits there (同上次 for the next question),
    // finish (conversation, outbox, processed), COMMIT
    expect(statements, statements.map((s) => s.replace(/\s+/g, ' ').slice(0, 60)).join('\n')).to.have.length(10);
    // no setting, library or stamp read on its own: the vocabulary is kept until a setting has a new version
    const ownReads = statements.filter((s) => /^\s*SELECT\s+(DISTINCT ON \(v\.department_id|\(SELECT current_database|words FROM keyword_libraries)/.test(s));
    expect(ownReads).to.deep.equal([]);
    expect(statements.filter((s) => s.includes('current_database()'))).to.have.length(1);
  });
});
