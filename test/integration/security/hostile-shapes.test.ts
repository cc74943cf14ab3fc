import { expect } from 'chai';
import type pg from 'pg';
import { HistoricalDate, OperationalDate, OperationalDateTime, ValidUntil } from '../../../core/resources/schemas.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { buildEncryptedCallback } from '../../support/fake-wecom.js';
import { expectError, NoWriteGuard } from '../../support/matrix-helpers.js';
import { startWecomApi } from '../../support/wecom-api.js';

/**
 * Issue #23 item 7: hostile shapes are refused at the edge (400) instead of
 * failing deep inside as a 500 — nesting (JSON bodies, XML inside a validly
 * signed callback) and dates outside the years a field declares.
 */
const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('hostile shapes (issue #23 item 7)', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let api: TestApi;
  let actionId: number;
  let customerId: number;
  before(async () => {
    ({ pool } = await freshDatabase(4));
    api = await startTestApi({ pool });
    const { rows: [u] } = await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.zhao'`);
    const { rows: [c] } = await pool.query('SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1', [u.id]);
    customerId = c.id;
    const a = await api.call('POST', '/api/actions', { as: 'rep.zhao', body: { definitionCode: 'visit', customerId, assigneeId: u.id, title: '嵌套测试' } });
    actionId = a.body.id;
  });
  after(() => api.close());

  const raw = (method: string, path: string, text: string, as = 'rep.zhao') => api.call(method, path, { as, raw: text, headers: { 'Content-Type': 'application/json' } });

  for (const [where, path, method] of [
    ['a draft', () => `/api/actions/${actionId}/draft`, 'PUT'],
    ['a visit report', () => `/api/actions/${actionId}/visit-report`, 'POST'],
  ] as const) {
    it(`refuses a 20,000-deep array inside ${where}'s fields with 400, writing nothing`, async () => {
      const guard = await NoWriteGuard.start(pool);
      const res = await raw(method, path(), `{"fields":{"note":${deepArray(20_000)}}}`);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details[0]).to.deep.equal({ path: 'body', message: '嵌套层数过多（最多 32 层）' });
      expect(await guard.changes()).to.deep.equal([]);
    });
  }

  it('still takes a body nested as deep as real ones get', async () => {
    const nested = JSON.stringify({ fields: { note: JSON.parse(deepArray(20)) } });
    expect((await raw('PUT', `/api/actions/${actionId}/draft`, nested)).status).to.equal(200);
  });

  for (const orderedAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+08:00', '1999-12-31T23:59:59+08:00', '2201-01-01T00:00:00+08:00', '9999-12-31T00:00:00Z']) {
    it(`refuses an order dated ${orderedAt.slice(0, 10)} with 400 naming the field, writing nothing`, async () => {
      const guard = await NoWriteGuard.start(pool);
      const res = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: `Y${orderedAt.slice(0, 4)}`, customerId, amount: 100, orderedAt } });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.orderedAt']);
      expect(res.body.error.details[0].message).to.equal('时间应在2000年至2200年之间');
      expect(await guard.changes()).to.deep.equal([]);
    });
  }

  it('takes an order dated at the edges of its years (2000 and 2200)', async () => {
    for (const orderedAt of ['2000-01-01T00:00:00+08:00', '2200-12-31T23:59:59+08:00']) {
      const res = await api.call('POST', '/api/orders', { as: 'rep.zhao', body: { orderNo: `E${orderedAt.slice(0, 4)}`, customerId, amount: 100, orderedAt } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  });

  it('declares each kind of date with its years: operational 2000–2200, history from 1900, 长期 where validity may not end', () => {
    expect(OperationalDate.safeParse('1999-12-31').success).to.equal(false);
    expect(OperationalDate.safeParse('2000-01-01').success).to.equal(true);
    expect(OperationalDateTime.safeParse('2200-12-31T10:00:00+08:00').success).to.equal(true);
    expect(HistoricalDate.safeParse('1900-01-01').success).to.equal(true);
    expect(HistoricalDate.safeParse('1899-12-31').success).to.equal(false);
    expect(HistoricalDate.safeParse('0000-01-01').success).to.equal(false);
    expect(ValidUntil.safeParse('长期').success).to.equal(true);
    expect(ValidUntil.safeParse('永久').success).to.equal(false);
  });

  it('publishes the years of every date field in /openapi.json (x-years)', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    const text = JSON.stringify(doc);
    const dated = [...text.matchAll(/"format":"date(-time)?"[^}]*/g)].map((m) => m[0]);
    expect(dated.length).to.be.above(5);
    for (const d of dated) expect(d, d).to.match(/"x-years":\[(1900|2000),2200\]/);
  });

  describe('inside a validly signed WeCom callback', () => {
    const KEYS = { token: 'deeptoken1', encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'ww-deep' };
    let wecom: Awaited<ReturnType<typeof startWecomApi>>;
    before(async () => { wecom = await startWecomApi(pool, KEYS); });
    after(() => wecom.close());

    it('refuses XML nested 3,000 deep (what fits in a callback) with 400, storing nothing', async () => {
      const n = 3_000;
      const xml = `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[rep.zhao]]></FromUserName>` +
        `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
        `<Content>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</Content><MsgId>7300000000000999</MsgId><AgentID>1000002</AgentID></xml>`;
      const c = buildEncryptedCallback({ ...KEYS, xml });
      const guard = await NoWriteGuard.start(pool);
      const res = await fetch(`${wecom.api.baseUrl}/api/wecom/callback?${new URLSearchParams(c.query)}`, {
        method: 'POST', body: c.body, headers: { 'Content-Type': 'text/xml' },
      });
      expect(res.status).to.equal(400);
      expect((await res.json()).error.code).to.equal('CALLBACK_PAYLOAD_INVALID');
      expect(await guard.changes()).to.deep.equal([]);
    });
  });
});
