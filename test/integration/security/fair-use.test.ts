import { expect } from 'chai';
import type pg from 'pg';
import sharp from 'sharp';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { expectError, operations, type OpenApiDoc } from '../../support/matrix-helpers.js';
import { tokenOf, upload } from '../attachments/support/http.js';

/**
 * Issue #23 item 4: one user must not slow everyone. An operation declared
 * `heavy` (api/route-kit.ts) renders in a worker thread, once per distinct
 * input, and each user may run only a few at a time and a minute (429 with a
 * Chinese message and Retry-After). The benchmark (bench/fair-use.bench.ts)
 * measures /api/me under 8 abusing clients; these tests pin the behaviour.
 */
const HEAVY = ['getObstacleHeatmapSvg', 'getObstacleHeatmapPng', 'exportDashboardRecordsCsv', 'exportDashboardRecordsXlsx', 'requestLicenceScan'];

describe('fair use of heavy operations (issue #23 item 4)', function () {
  this.timeout(120_000);
  let pool: pg.Pool;
  let api: TestApi;
  const get = async (path: string, as: string) => {
    const res = await fetch(api.baseUrl + path, { headers: { Authorization: `Bearer ${await api.tokenFor(as)}` } });
    const body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: body as any, headers: res.headers };
  };

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool });
    // the limits are a setting admins edit (设置 → 安全与公平使用 → 耗时操作限额)
    const set = await api.call('PUT', '/api/settings/heavy.fair-use', {
      as: 'admin.lin', body: { expectedVersion: 0, value: { perMinute: 4, atOnce: 1 }, comment: '测试：收紧限额' },
    });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
  });
  after(() => api.close());

  it('declares heavy operations in /openapi.json (x-heavy, with a documented 429), not in a list kept elsewhere', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body as OpenApiDoc;
    const heavy = operations(doc).filter((o) => o.spec['x-heavy']);
    expect(heavy.map((o) => o.operationId)).to.include.members(HEAVY);
    for (const o of heavy) expect(o.spec.responses, o.operationId).to.have.property('429');
    expect(operations(doc).find((o) => o.operationId === 'me')!.spec['x-heavy']).to.equal(undefined);
  });

  it('renders in a worker thread, and answers other requests while a render runs', async () => {
    const png = get('/api/obstacles/heatmap.png?week=2026-W10', 'director.wang');
    let meFirst = false;
    const me = api.call('GET', '/api/me', { as: 'rep.zhao' }).then((r) => { meFirst = true; return r; });
    const [p, m] = await Promise.all([png.then((r) => { expect(meFirst, '/api/me waited for the render').to.equal(true); return r; }), me]);
    expect(p.status).to.equal(200);
    expect(m.status).to.equal(200);
    expect(api.heavy.stats().lastThreadId).to.be.a('number').and.not.equal(0);
  });

  it('renders an input once: the same heatmap again is served from the cache, a changed one is rendered anew', async () => {
    const first = await get('/api/obstacles/heatmap.svg?week=2026-W11', 'mgr.li');
    const before = api.heavy.stats();
    const again = await get('/api/obstacles/heatmap.svg?week=2026-W11', 'mgr.li');
    expect(again.body.equals(first.body)).to.equal(true);
    expect(api.heavy.stats().renders).to.equal(before.renders);
    expect(api.heavy.stats().hits).to.equal(before.hits + 1);
    // a new report in that week changes the input: a new render, not a stale picture
    await pool.query(`INSERT INTO daily_reports (user_id, department_id, day, summary, obstacles)
      SELECT id, department_id, '2026-03-10', '测试', '耗材编码没有，入库办不了' FROM users WHERE wecom_userid = 'rep.zhao'
      ON CONFLICT (user_id, day) DO UPDATE SET obstacles = EXCLUDED.obstacles || '；' || daily_reports.obstacles, updated_at = now()`);
    await get('/api/obstacles/heatmap.svg?week=2026-W11', 'mgr.li');
    // the week clustered again, and its picture drawn again
    expect(api.heavy.stats().renders).to.equal(before.renders + 2);
  });

  it("clusters a week's obstacle reports in a worker thread; viewing the heatmap's data does not count against fair use", async () => {
    const before = api.heavy.stats();
    // more weeks than the minute's allowance (4), each a miss of the week's cache
    for (const week of ['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']) {
      const res = await api.call('GET', `/api/obstacles/heatmap?week=${week}`, { as: 'admin.lin' });
      expect(res.status, JSON.stringify(res.body).slice(0, 200)).to.equal(200);
    }
    const after = api.heavy.stats();
    expect(after.renders + after.hits - before.renders - before.hits).to.equal(5);
    expect(after.lastThreadId).to.be.a('number').and.not.equal(0);
  });

  it('refuses a user past their share with 429, a Chinese message and Retry-After, and serves others meanwhile', async () => {
    const as = 'director.wang';
    // distinct inputs, one at a time: the minute's allowance (4), then a refusal
    const weeks = ['2026-W20', '2026-W21', '2026-W22', '2026-W23', '2026-W24', '2026-W25'];
    const answers = [];
    for (const w of weeks) answers.push(await get(`/api/obstacles/heatmap.svg?week=${w}`, as));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).to.be.at.least(1);
    expectError({ ...refused[0], body: refused[0].body }, 429, 'HEAVY_RATE_LIMITED');
    expect(refused[0].body.error.message).to.match(/^导出和图片等耗时操作每人每分钟最多 4 次，请 \d+ 秒后再试$/);
    expect(Number(refused[0].headers.get('retry-after'))).to.be.within(1, 60);
    expect((await get('/api/obstacles/heatmap.svg?week=2026-W20', 'mgr.li')).status).to.equal(200);
    expect((await api.call('GET', '/api/me', { as })).status).to.equal(200);
  });

  it('lets a user run one heavy operation at a time (atOnce 1): a second in parallel is refused', async () => {
    const as = 'rep.zhao';
    const [a, b] = await Promise.all([
      get('/api/obstacles/heatmap.png?week=2026-W30', as), get('/api/dashboards/action_on_time/records.xlsx?month=2026-03', as),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 429]);
    const refused = a.status === 429 ? a : b;
    expect(refused.body.error.message).to.equal('导出和图片等耗时操作每人同时最多 1 个，请等前面的完成后再试');
  });

  it('counts licence scans against the rep\'s share: past it, 429 and no scan queued', async () => {
    const token = await tokenOf(pool, 'rep.sun');
    const { rows: [c] } = await pool.query(`SELECT id FROM customers WHERE name = '南京鼓楼医院'`);
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    const up = await upload(api, token, photo, { kind: 'photo', customerId: String(c.id) });
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await api.call('POST', `/api/customers/${c.id}/licence-scans`, { as: 'rep.sun', body: { attachmentId: up.body.id } })).status);
    }
    expect(statuses).to.deep.equal([202, 202, 202, 202, 429]);
    const { rows: [n] } = await pool.query('SELECT count(*)::int AS n FROM licence_scans WHERE customer_id = $1', [c.id]);
    expect(n.n).to.equal(4);
  });
});
