import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type ApiResponse, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { expectError } from '../../support/matrix-helpers.js';

/**
 * Issue #23 item 6: callers racing on one action must each learn what
 * happened. 10 concurrent reassigns (or archives) of an action that exists
 * once answered 404 ACTION_NOT_FOUND to some of them: the row lock waited for
 * the winner, then re-checked the row against the assignee it had joined
 * before waiting. Now exactly one wins and every other gets 409 with the
 * version the action has now.
 */
describe('concurrent changes to one action (issue #23 item 6)', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let api: TestApi;
  let ids: Record<string, number>;
  before(async () => {
    ({ pool } = await freshDatabase(16));
    api = await startTestApi({ pool });
    const { rows } = await pool.query(`SELECT wecom_userid, id FROM users WHERE wecom_userid IN ('rep.zhao', 'rep.qian', 'rep.sun')`);
    ids = Object.fromEntries(rows.map((r) => [r.wecom_userid, r.id]));
  });
  after(() => api.close());

  async function anAction(title: string): Promise<{ id: number; version: number }> {
    const { rows: [c] } = await pool.query(`SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1`, [ids['rep.zhao']]);
    const res = await api.call('POST', '/api/actions', { as: 'mgr.li', body: { definitionCode: 'visit', customerId: c.id, assigneeId: ids['rep.zhao'], title } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { id: res.body.id, version: res.body.version };
  }

  const tally = (answers: ApiResponse[]) => answers.reduce<Record<string, number>>((t, a) => {
    const k = a.status === 200 ? '200' : `${a.status} ${a.body?.error?.code}`;
    t[k] = (t[k] ?? 0) + 1;
    return t;
  }, {});

  it('10 reassigns at once with the version read: one wins, nine get 409 with the current version, none 404', async () => {
    const a = await anAction('并发转派');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => api.call('POST', `/api/actions/${a.id}/reassign`, {
      as: 'mgr.li', body: { toUserId: i % 2 ? ids['rep.qian'] : ids['rep.sun'], reason: `并发 ${i}`, expectedVersion: a.version },
    })));
    expect(tally(answers)).to.deep.equal({ 200: 1, '409 CONFLICT': 9 });
    const now = (await pool.query('SELECT version FROM actions WHERE id = $1', [a.id])).rows[0].version;
    for (const r of answers.filter((x) => x.status === 409)) {
      expectError(r, 409, 'CONFLICT');
      expect(r.body.error.details).to.include({ expectedVersion: a.version, currentVersion: now });
    }
  });

  it('10 reassigns at once without a version: none answers 404 (each applies in turn, or is refused as a no-op)', async () => {
    const a = await anAction('并发转派（无版本）');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => api.call('POST', `/api/actions/${a.id}/reassign`, {
      as: 'mgr.li', body: { toUserId: i % 2 ? ids['rep.qian'] : ids['rep.sun'] },
    })));
    const t = tally(answers);
    expect(Object.keys(t).filter((k) => k.startsWith('404'))).to.deep.equal([]);
    expect((t['200'] ?? 0) + (t['422 ACTION_REASSIGN_SAME_ASSIGNEE'] ?? 0)).to.equal(10);
  });

  it('10 archives of a verified action at once: one archives it, nine get 409 with the current version', async () => {
    const a = await anAction('并发归档');
    await pool.query(`UPDATE actions SET status = 'verified', verified_at = now(), version = version + 1 WHERE id = $1`, [a.id]);
    const answers = await Promise.all(Array.from({ length: 10 }, () =>
      api.call('POST', `/api/actions/${a.id}/archive`, { as: 'mgr.li', body: {} })));
    expect(tally(answers)).to.deep.equal({ 200: 1, '409 ACTION_TRANSITION_INVALID': 9 });
    const now = (await pool.query('SELECT version, status FROM actions WHERE id = $1', [a.id])).rows[0];
    expect(now.status).to.equal('archived');
    for (const r of answers.filter((x) => x.status === 409)) expect(r.body.error.details).to.include({ currentVersion: now.version, status: 'archived' });
  });

  it('reassigns racing an archive: each caller gets 200 or 409, never 404', async () => {
    const a = await anAction('转派与归档竞争');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2
      ? api.call('POST', `/api/actions/${a.id}/archive`, { as: 'mgr.li', body: {} })
      : api.call('POST', `/api/actions/${a.id}/reassign`, { as: 'mgr.li', body: { toUserId: i % 4 ? ids['rep.qian'] : ids['rep.sun'] } }))));
    for (const r of answers) expect([200, 409, 422], JSON.stringify(r.body)).to.include(r.status);
  });
});
