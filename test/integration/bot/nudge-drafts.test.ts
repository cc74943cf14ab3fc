import { expect } from 'chai';
import type pg from 'pg';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { logger } from '../../../core/logger.js';
import { JOBS } from '../../../jobs/registry.js';
import { freshDatabase } from '../../support/database.js';

/**
 * The nudge-drafts job (jobs/nudge-drafts.job.ts → core/actions/draft-nudge.ts):
 * a rep whose visit report from today still lacks something hears what, from
 * the bot, at most once per draft per day however often the job runs.
 */
const HOUR = 3_600_000;
const DAY = '2026-06-10';

describe('the nudge-drafts job (草稿补全提醒)', () => {
  let pool: pg.Pool;
  let now = shanghaiInstant(DAY, 15, 35);
  const job = JOBS.find((j) => j.name === 'nudge-drafts')!;
  const run = () => job.run({ pool, now: () => now, logger } as never) as Promise<{ nudged: number; summary: string }>;
  const nudges = async () => (await pool.query(
    `SELECT recipient, dedupe_key, payload FROM outbox WHERE dedupe_key LIKE 'bot:nudge:%' ORDER BY id`)).rows;

  before(async () => {
    ({ pool } = await freshDatabase(4));
  });
  beforeEach(async () => {
    now = shanghaiInstant(DAY, 15, 35);
    await pool.query('TRUNCATE outbox, action_drafts CASCADE');
  });

  /** An open visit of `rep` at their first customer, with an empty draft last saved at `savedAt`. */
  async function aDraft(rep: string, savedAt: Date): Promise<number> {
    const { rows: [a] } = await pool.query(
      `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, status, due_at)
       SELECT d.id, d.code, d.version, '拜访' || c.name, c.id, u.id, 'in_progress', $2::timestamptz + interval '2 days'
         FROM action_definitions d, users u, customers c
        WHERE d.code = 'visit' AND d.active AND u.wecom_userid = $1 AND c.owner_id = u.id ORDER BY c.id LIMIT 1
       RETURNING id, assignee_id`, [rep, savedAt]);
    await pool.query(`INSERT INTO action_drafts (action_id, payload, updated_by, updated_at) VALUES ($1, '{}', $2, $3)`,
      [a.id, a.assignee_id, savedAt]);
    return a.id;
  }

  it('is scheduled hourly in working hours', () => {
    expect(job.every).to.equal('35 10-19 * * *');
  });

  it('tells the rep what today’s draft still lacks, once a day however often it runs', async () => {
    const id = await aDraft('rep.zhao', shanghaiInstant(DAY, 13, 0));
    const first = await run();
    expect(first.nudged).to.equal(1);
    expect(first.summary).to.equal('草稿补全提醒：1 条');
    const [m] = await nudges();
    expect(m).to.include({ recipient: 'rep.zhao', dedupe_key: `bot:nudge:${id}:${DAY}` });
    expect(m.payload.text.content).to.match(/^你今天拜访了.+，还差：.*现场签到.*。直接在这里回复我就能补上。$/);
    now = new Date(now.getTime() + HOUR);
    expect((await run()).nudged).to.equal(0);
    expect(await nudges()).to.have.length(1);
  });

  it('leaves alone a draft being worked on right now, and yesterday’s', async () => {
    await aDraft('rep.zhao', new Date(now.getTime() - 10 * 60_000));
    await aDraft('rep.qian', shanghaiInstant('2026-06-09', 16, 0));
    expect((await run()).nudged).to.equal(0);
    expect(await nudges()).to.deep.equal([]);
  });

  it('says nothing about a report already filed, nor to a member who left', async () => {
    const id = await aDraft('rep.zhao', shanghaiInstant(DAY, 11, 0));
    await pool.query(`UPDATE actions SET status = 'submitted' WHERE id = $1`, [id]);
    const gone = await aDraft('rep.sun', shanghaiInstant(DAY, 11, 0));
    await pool.query(`UPDATE users SET active = false WHERE id = (SELECT assignee_id FROM actions WHERE id = $1)`, [gone]);
    expect((await run()).nudged).to.equal(0);
  });
});
