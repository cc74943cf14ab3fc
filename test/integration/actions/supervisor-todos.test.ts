import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { aValidVisitReport, anAttachment, dispatch, lookups } from './actions-helpers.js';

describe('supervisor to-dos', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let $: ReturnType<typeof lookups>;
  let zhao: number;
  let hualian: { id: number; lat: number; lng: number };
  let rejectedTodo: any;
  let verifyTodo: any;

  before(async () => {
    ({ pool } = await freshDatabase(8));
    api = await startTestApi({ pool });
    $ = lookups(pool);
    zhao = await $.userId('rep.zhao');
    hualian = await $.customer('华联超市总部');

    // one rejected report (twice) and one accepted report give mgr.li two to-dos through the real flow
    const rejected = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao, title: '被拒两次' });
    for (let i = 0; i < 2; i++) {
      const bad = {
        fields: {}, attachmentIds: [await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', tags: ['门头照'], capturedAt: new Date() })],
        transcript: '价格', linkedOrderIds: [],
      };
      expect((await api.call('POST', `/api/actions/${rejected.id}/visit-report`, { as: 'rep.zhao', body: bad })).status).to.equal(422);
    }
    const accepted = await dispatch(api, 'mgr.li', { definitionCode: 'visit', customerId: hualian.id, assigneeId: zhao, title: '待核验' });
    const report = await aValidVisitReport(pool, { repId: zhao, customerId: hualian.id, lat: hualian.lat, lng: hualian.lng, at: new Date() });
    expect((await api.call('POST', `/api/actions/${accepted.id}/visit-report`, { as: 'rep.zhao', body: report })).status).to.equal(200);
    const { rows } = await pool.query('SELECT * FROM supervisor_todos ORDER BY id');
    [rejectedTodo, verifyTodo] = rows;
    expect(rows.map((r) => r.kind)).to.deep.equal(['submission_rejected', 'verify_submission']);
  });
  after(() => api.close());

  const list = (as: string, qs = '') => api.call('GET', `/api/supervisor-todos${qs}`, { as });
  const done = (as: string, id: number | string) => api.call('POST', `/api/supervisor-todos/${id}/done`, { as });

  /** A to-do written directly, for days and kinds the flow would take days to produce. */
  async function aTodo(o: { supervisor: string; actionId: number; kind: string; day: string; doneAt?: Date }): Promise<number> {
    const { rows } = await pool.query(
      `INSERT INTO supervisor_todos (action_id, supervisor_id, kind, day, done_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [o.actionId, await $.userId(o.supervisor), o.kind, o.day, o.doneAt ?? null]);
    return rows[0].id;
  }

  it('lists the caller\'s open to-dos with the action, customer, assignee, attempts, failures in Chinese and a link', async () => {
    const res = await list('mgr.li');
    expect(res.status).to.equal(200);
    expect(res.body.total).to.equal(2);
    expect(res.body.items.map((t: any) => t.id)).to.deep.equal([verifyTodo.id, rejectedTodo.id]);
    const t = res.body.items[1];
    expect(t).to.deep.include({
      kind: 'submission_rejected', kindLabel: '提交未通过', day: rejectedTodo.day, attempts: 2, status: 'open', doneAt: null,
      customerName: '华联超市总部', assigneeName: '赵磊', link: `/actions/${rejectedTodo.action_id}`,
    });
    expect(t.action).to.deep.equal({ id: rejectedTodo.action_id, title: '被拒两次', status: 'in_progress', statusLabel: '进行中' });
    expect(t.failures.length).to.be.greaterThan(0);
    for (const f of t.failures) {
      expect(Object.keys(f)).to.deep.equal(['code', 'message']);
      expect(f.message).to.match(/[\u4e00-\u9fff]/);
    }
    expect(t.failures.map((f: any) => f.code)).to.include('ATTACHMENTS_TOO_FEW');
    expect(res.body.items[0]).to.deep.include({ kind: 'verify_submission', kindLabel: '待核验', failures: [] });
    expect(res.body.items[0].action).to.include({ status: 'submitted', statusLabel: '已提交' });
  });

  it('shows a director and an admin only their own to-dos, and a rep an empty list', async () => {
    const own = await aTodo({ supervisor: 'director.wang', actionId: rejectedTodo.action_id, kind: 'handle_escalation', day: '2026-01-05' });
    try {
      const wang = await list('director.wang');
      expect(wang.body.items.map((t: any) => t.id)).to.deep.equal([own]);
      expect(wang.body.total).to.equal(1);
      for (const as of ['admin.lin', 'rep.zhao', 'mgr.chen']) {
        const res = await list(as);
        expect(res.status, as).to.equal(200);
        expect(res.body, as).to.deep.equal({ items: [], nextCursor: null, total: 0 });
      }
    } finally {
      await pool.query('DELETE FROM supervisor_todos WHERE id = $1', [own]);
    }
  });

  it('filters by status, day and kind', async () => {
    const ids = [
      await aTodo({ supervisor: 'mgr.chen', actionId: verifyTodo.action_id, kind: 'handle_escalation', day: '2026-02-02' }),
      await aTodo({ supervisor: 'mgr.chen', actionId: rejectedTodo.action_id, kind: 'handle_escalation', day: '2026-02-03' }),
      await aTodo({ supervisor: 'mgr.chen', actionId: rejectedTodo.action_id, kind: 'verify_submission', day: '2026-02-03' }),
      await aTodo({ supervisor: 'mgr.chen', actionId: verifyTodo.action_id, kind: 'verify_submission', day: '2026-02-02', doneAt: new Date() }),
    ];
    try {
      const idsOf = async (qs: string) => (await list('mgr.chen', qs)).body.items.map((t: any) => t.id);
      expect(await idsOf('')).to.deep.equal([ids[2], ids[1], ids[0]]);
      expect(await idsOf('?status=open')).to.deep.equal([ids[2], ids[1], ids[0]]);
      expect(await idsOf('?status=done')).to.deep.equal([ids[3]]);
      expect(await idsOf('?day=2026-02-03')).to.deep.equal([ids[2], ids[1]]);
      expect(await idsOf('?kind=handle_escalation')).to.deep.equal([ids[1], ids[0]]);
      expect(await idsOf('?day=2026-02-02&kind=verify_submission&status=done')).to.deep.equal([ids[3]]);
      expect(await idsOf('?day=2026-02-04')).to.deep.equal([]);
      const doneItem = (await list('mgr.chen', '?status=done')).body.items[0];
      expect(doneItem.status).to.equal('done');
      expect(doneItem.doneAt).to.be.a('string');
    } finally {
      await pool.query('DELETE FROM supervisor_todos WHERE id = ANY($1)', [ids]);
    }
  });

  it('pages with cursors by id or by day, in either order, counting every match once', async () => {
    const days = ['2026-03-01', '2026-03-04', '2026-03-02', '2026-03-02', '2026-03-03'];
    const ids: number[] = [];
    for (const [i, day] of days.entries()) {
      ids.push(await aTodo({ supervisor: 'mgr.chen', actionId: i % 2 ? verifyTodo.action_id : rejectedTodo.action_id, kind: 'handle_escalation', day }));
    }
    try {
      async function walk(qs: string): Promise<number[]> {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const res: any = await list('mgr.chen', `?limit=2${qs}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          expect(res.body.total).to.equal(5);
          expect(res.body.items.length).to.be.at.most(2);
          seen.push(...res.body.items.map((t: any) => t.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        return seen;
      }
      expect(await walk('')).to.deep.equal([...ids].reverse());
      expect(await walk('&order=asc')).to.deep.equal(ids);
      expect(await walk('&sort=day&order=asc')).to.deep.equal([ids[0], ids[2], ids[3], ids[4], ids[1]]);
      expect(await walk('&sort=day')).to.deep.equal([ids[1], ids[4], ids[3], ids[2], ids[0]]);
    } finally {
      await pool.query('DELETE FROM supervisor_todos WHERE id = ANY($1)', [ids]);
    }
  });

  it('refuses malformed filters and cursors with 400 VALIDATION_FAILED', async () => {
    for (const qs of ['?status=all', '?day=2026/01/01', '?day=2026-13-01', '?kind=other', '?limit=0', '?limit=500',
      '?supervisorId=1', '?sort=name', '?cursor=not-a-cursor',
      `?sort=day&cursor=${Buffer.from(JSON.stringify(['not-a-date', 1])).toString('base64url')}`]) {
      const res = await list('mgr.li', qs);
      expect(res.status, qs).to.equal(400);
      expect(res.body.error.code, qs).to.equal('VALIDATION_FAILED');
    }
  });

  it('marks a to-do done for its supervisor, once: a repeat keeps the first time and the list moves it to done', async () => {
    const id = await aTodo({ supervisor: 'mgr.li', actionId: verifyTodo.action_id, kind: 'handle_escalation', day: '2026-04-01' });
    const first = await done('mgr.li', id);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.include({ id, status: 'done', kind: 'handle_escalation' });
    expect(first.body.doneAt).to.be.a('string');
    const again = await done('mgr.li', id);
    expect(again.status).to.equal(200);
    expect(again.body.doneAt).to.equal(first.body.doneAt);
    expect((await list('mgr.li')).body.items.map((t: any) => t.id)).to.not.include(id);
    expect((await list('mgr.li', '?status=done')).body.items.map((t: any) => t.id)).to.include(id);
  });

  it('answers 404 to anyone but the to-do\'s supervisor, the director included, and changes nothing', async () => {
    for (const as of ['mgr.chen', 'director.wang', 'admin.lin', 'rep.zhao']) {
      const res = await done(as, rejectedTodo.id);
      expect(res.status, as).to.equal(404);
      expect(res.body.error).to.include({ code: 'SUPERVISOR_TODO_NOT_FOUND', message: '待办不存在' });
    }
    expect((await done('mgr.li', 999_999)).status).to.equal(404);
    expect((await done('mgr.li', 'abc')).status).to.equal(400);
    const { rows: [t] } = await pool.query('SELECT done_at FROM supervisor_todos WHERE id = $1', [rejectedTodo.id]);
    expect(t.done_at).to.equal(null);
  });

  it('drops the verify to-do from the open list once the manager verifies the action', async () => {
    const res = await api.call('POST', `/api/actions/${verifyTodo.action_id}/verify`, { as: 'mgr.li', body: {} });
    expect(res.status).to.equal(200);
    const open = (await list('mgr.li', '?kind=verify_submission')).body.items.map((t: any) => t.id);
    expect(open).to.not.include(verifyTodo.id);
    const closed = (await list('mgr.li', '?kind=verify_submission&status=done')).body.items.map((t: any) => t.id);
    expect(closed).to.include(verifyTodo.id);
  });

  it('requires a session', async () => {
    expect((await api.call('GET', '/api/supervisor-todos')).status).to.equal(401);
    expect((await api.call('POST', `/api/supervisor-todos/${rejectedTodo.id}/done`)).status).to.equal(401);
  });
});
