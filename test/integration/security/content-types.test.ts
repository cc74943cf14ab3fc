import { expect } from 'chai';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { fillPath, operations, type OpenApiDoc } from '../../support/matrix-helpers.js';
import { startWecomApi } from '../../support/wecom-api.js';

/**
 * Issue #23 item 1: a JSON-typed POST to the WeCom callback was never
 * answered (a parser in front of every route consumed the stream the callback
 * then waited on). Every documented operation, signed in or not, answers every
 * Content-Type within 5 s — with WeCom configured, so the callback really
 * reads its body.
 */
const DEADLINE_MS = 5_000;
const KEYS = { token: 'cttoken123', encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'ww-ct-test' };
const TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'application/csp-report',
  'application/scim+json', 'text/xml', 'application/xml', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/octet-stream', 'image/jpeg', undefined,
];
const BODY = '{"a":1}';

interface Outcome { what: string; status: number | string }

async function sweep(api: TestApi, doc: OpenApiDoc, opts: { token?: string; methods: string[] }): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const targets = operations(doc).filter((o) => opts.methods.includes(o.method))
    .map((o) => ({ method: o.method.toUpperCase(), path: fillPath(o.path, new Proxy({}, { has: () => true, get: () => '1' })) }));
  // the callback with the query WeCom sends, and a page of the H5 app
  targets.push({ method: 'POST', path: '/api/wecom/callback?msg_signature=0000000000000000000000000000000000000000&timestamp=1&nonce=n' },
    { method: 'POST', path: '/actions/1' });
  for (const t of targets) {
    await Promise.all(TYPES.map(async (type) => {
      const what = `${t.method} ${t.path} as ${type ?? '(no type)'}${opts.token ? ' signed in' : ''}`;
      const headers: Record<string, string> = {};
      if (type) headers['Content-Type'] = type;
      if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
      try {
        const res = await fetch(api.baseUrl + t.path, {
          method: t.method, headers, body: t.method === 'GET' ? undefined : BODY, redirect: 'manual',
          signal: AbortSignal.timeout(DEADLINE_MS),
        });
        await res.arrayBuffer();
        out.push({ what, status: res.status });
      } catch (err) {
        out.push({ what, status: (err as Error).name === 'TimeoutError' ? 'no answer within 5 s' : String(err) });
      }
    }));
  }
  return out;
}

describe('every route answers every content type (issue #23 item 1)', function () {
  this.timeout(240_000);
  let pool: pg.Pool;
  let wecom: Awaited<ReturnType<typeof startWecomApi>>;
  let wecomApi: TestApi;
  let demoApi: TestApi;

  before(async () => {
    ({ pool } = await freshDatabase(6));
    wecom = await startWecomApi(pool, KEYS);
    wecomApi = wecom.api;
    demoApi = await startTestApi({ pool });
  });
  after(async () => {
    await wecom.close();
    await demoApi.close();
  });

  it('answers a JSON-typed POST to the WeCom callback at once, with a 4xx error', async () => {
    const res = await fetch(`${wecomApi.baseUrl}/api/wecom/callback?msg_signature=${'0'.repeat(40)}&timestamp=1&nonce=n`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: BODY, signal: AbortSignal.timeout(DEADLINE_MS),
    });
    expect(res.status).to.be.within(400, 499);
    expect((await res.json()).error.code).to.match(/^[A-Z_]+$/);
  });

  it('answers every operation (WeCom mode, not signed in) in every content type within 5 s, never with a 5xx', async () => {
    const doc = (await wecomApi.call('GET', '/openapi.json')).body as OpenApiDoc;
    const outcomes = await sweep(wecomApi, doc, { methods: ['get', 'post', 'put', 'patch', 'delete'] });
    const bad = outcomes.filter((o) => typeof o.status !== 'number' || o.status >= 500);
    expect(bad.map((o) => `${o.what} → ${o.status}`)).to.deep.equal([]);
    expect(outcomes.length).to.be.above(500);
  });

  it('answers every write (demo mode, signed in as director.wang) in every content type within 5 s, never with a 5xx', async () => {
    const doc = (await demoApi.call('GET', '/openapi.json')).body as OpenApiDoc;
    const outcomes = await sweep(demoApi, doc, { token: await demoApi.tokenFor('director.wang'), methods: ['post', 'put', 'patch', 'delete'] });
    const bad = outcomes.filter((o) => typeof o.status !== 'number' || o.status >= 500);
    expect(bad.map((o) => `${o.what} → ${o.status}`)).to.deep.equal([]);
  });
});
