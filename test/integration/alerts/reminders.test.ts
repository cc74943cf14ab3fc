import { expect } from 'chai';
import type pg from 'pg';
import { runReminders } from '../../../core/alerts/reminders.js';
import { shanghaiInstant } from '../../../core/flow/time.js';
import { freshDatabase } from '../../support/database.js';
import { clock, deps, HOUR, lookups } from '../jobs/jobs-helpers.js';

describe('reminders (草稿与日报提醒)', () => {
  let pool: pg.Pool;
  let $: ReturnType<typeof lookups>;
  const t = clock(shanghaiInstant('2026-06-10', 18, 30)); // a Wednesday, after the 18:00 daily-report time

  before(async () => {
    ({ pool } = await freshDatabase(4));
    $ = lookups(pool);
  });
  beforeEach(() => pool.query('TRUNCATE outbox, alert_rule_runs, action_drafts, daily_reports CASCADE'));

  async function aDraft(rep: string, idleHours: number): Promise<number> {
    const { rows: [a] } = await pool.query(
      `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, status, due_at)
       SELECT d.id, d.code, d.version, '拜访' || c.name, c.id, u.id, 'in_progress', $2::timestamptz + interval '2 days'
         FROM action_definitions d, users u, customers c
        WHERE d.code = 'visit' AND d.active AND u.wecom_userid = $1 AND c.owner_id = u.id ORDER BY c.id LIMIT 1
       RETURNING id, assignee_id`, [rep, t.now()]);
    await pool.query(`INSERT INTO action_drafts (action_id, payload, updated_by, updated_at) VALUES ($1, '{}', $2, $3)`,
      [a.id, a.assignee_id, new Date(t.ms() - idleHours * HOUR)]);
    return a.id;
  }

  it('reminds a rep of a draft left more than 2 hours, once a day, with a link to it', async () => {
    const id = await aDraft('rep.zhao', 3);
    await aDraft('rep.qian', 1); // still being worked on
    const r = await runReminders(deps(pool, t.now));
    expect(r.draftReminders).to.equal(1);
    const [m] = await $.rows(`SELECT recipient, msgtype, payload, dedupe_key FROM outbox WHERE dedupe_key LIKE 'reminder:draft:%'`);
    expect(m).to.include({ recipient: 'rep.zhao', msgtype: 'text', dedupe_key: `reminder:draft:${await $.userId('rep.zhao')}:2026-06-10` });
    expect(m.payload.text.content).to.include('【草稿提醒】你有 1 份报告草稿超过 2 小时未提交').and.include(`/actions/${id}`);
    t.advance(HOUR);
    expect((await runReminders(deps(pool, t.now))).draftReminders).to.equal(0);
  });

  it('reminds every rep without today\'s daily report after 18:00, but not those who filed one', async () => {
    await pool.query(`INSERT INTO daily_reports (user_id, day, summary) SELECT id, '2026-06-10', '今日拜访3家' FROM users WHERE wecom_userid = 'rep.zhao'`);
    const r = await runReminders(deps(pool, t.now));
    const reps = await $.count(`users WHERE role = 'rep' AND active`);
    expect(r.dailyReportReminders).to.equal(reps - 1);
    const to = (await $.rows(`SELECT recipient FROM outbox WHERE dedupe_key LIKE 'reminder:daily_report:%' ORDER BY recipient`)).map((x) => x.recipient);
    expect(to).to.not.include('rep.zhao');
    expect(to).to.include('rep.qian');
    expect(r.summary).to.include(`日报提醒 ${reps - 1} 人`);
  });

  it('does not remind of daily reports before the configured time, nor on a holiday', async () => {
    t.set(shanghaiInstant('2026-06-10', 15));
    expect((await runReminders(deps(pool, t.now))).summary).to.include('未到 18:00，暂不提醒');
    t.set(shanghaiInstant('2026-06-19', 19)); // 端午节
    expect((await runReminders(deps(pool, t.now))).summary).to.include('今天不是工作日');
  });
});
