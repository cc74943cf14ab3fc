import { expect } from 'chai';
import type pg from 'pg';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { saveVisitDraft } from '../../../core/actions/visit-report.js';
import { lockActionOrThrow } from '../../../core/actions/action-repo.js';
import { withTransaction } from '../../../core/db/pool.js';
import { logger } from '../../../core/logger.js';
import { syncOrgFromWecom } from '../../../core/org/sync-org.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { buildEncryptedCallback, startFakeWecom } from '../../support/fake-wecom.js';
import { expectError, NoWriteGuard } from '../../support/matrix-helpers.js';
import { startWecomApi } from '../../support/wecom-api.js';
import { jpegWithExif } from '../../unit/flow/support/jpeg-builder.js';
import { upload } from '../attachments/support/http.js';

/**
 * Issue #23 item 8: another rep's attachment cannot enter a draft; a callback
 * outside ±10 minutes is refused (MsgId de-duplication still holds inside);
 * bidi controls never reach a name or a filename; a file is served under a
 * name whose extension is what its bytes are.
 */
describe('evidence, callbacks and names (issue #23 item 8)', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let api: TestApi;
  const userId = async (u: string) => (await pool.query('SELECT id FROM users WHERE wecom_userid = $1', [u])).rows[0].id as number;
  const photoOf = async (as: string) => {
    const taken = new Date(Date.now() - 5 * 60_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
    const res = await upload(api, await api.tokenFor(as), jpegWithExif(taken, '+08:00'), { kind: 'photo', tags: '门头照' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as number;
  };
  const visitFor = async (as: string) => {
    const uid = await userId(as);
    const { rows: [c] } = await pool.query('SELECT id FROM customers WHERE owner_id = $1 ORDER BY id LIMIT 1', [uid]);
    const a = await api.call('POST', '/api/actions', { as, body: { definitionCode: 'visit', customerId: c.id, assigneeId: uid, title: '附件归属' } });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    return a.body.id as number;
  };

  before(async () => {
    ({ pool } = await freshDatabase(6));
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  it("refuses another rep's attachment in a draft at once (422 naming it), keeps one's own", async () => {
    const zhaos = await photoOf('rep.zhao');
    const mine = await photoOf('rep.qian');
    const action = await visitFor('rep.qian');
    const guard = await NoWriteGuard.start(pool);
    const res = await api.call('PUT', `/api/actions/${action}/draft`, { as: 'rep.qian', body: { attachmentIds: [mine, zhaos] } });
    expectError(res, 422, 'ATTACHMENT_INVALID');
    expect(res.body.error.details).to.deep.equal({ attachmentIds: [zhaos] });
    expect(await guard.changes()).to.deep.equal([]);
    expect((await api.call('PUT', `/api/actions/${action}/draft`, { as: 'rep.qian', body: { attachmentIds: [mine] } })).status).to.equal(200);
  });

  it("refuses another rep's attachment on the bot's path too (the draft save the bot calls)", async () => {
    const zhaos = await photoOf('rep.zhao');
    const action = await visitFor('rep.qian');
    const qian = (await loadActiveActor(pool, { wecomUserid: 'rep.qian' }))!;
    const attempt = withTransaction(pool, async (tx) => saveVisitDraft(tx, qian, await lockActionOrThrow(tx, qian, action),
      { attachmentIds: [zhaos] }, { now: new Date(), publicUrl: 'http://localhost' }));
    const err = await attempt.then(() => null, (e: { code?: string }) => e);
    expect(err?.code).to.equal('ATTACHMENT_INVALID');
    const draft = await pool.query('SELECT 1 FROM action_drafts WHERE action_id = $1', [action]);
    expect(draft.rows).to.deep.equal([]);
  });

  it('strips bidi controls from names (customers, actions, members synced from WeCom) and from filenames', async () => {
    const c = await api.call('POST', '/api/customers', { as: 'rep.zhao', body: {
      name: '测试\u202E客户\u2066名称\u200F', type: 'store', address: '上海市', location: { lat: 31.2, lng: 121.4, system: 'gcj02' },
    } });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    expect(c.body.name).to.equal('测试客户名称');
    const taken = new Date(Date.now() - 60_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
    const f = await upload(api, await api.tokenFor('rep.zhao'), jpegWithExif(taken, '+08:00'), { kind: 'photo', filename: '门头\u202Egpj.exe' });
    expect(f.body.filename).to.equal('门头gpj.exe');
    // an organisation of its own: the sync deactivates everyone it does not list
    const org = (await freshDatabase(2)).pool;
    const fake = await startFakeWecom({ corpId: 'wwbidi', secret: 's', agentId: 1000002 });
    try {
      fake.setUsers([{ id: 1, name: '公司\u202E', parentid: 0 }], [{ userid: 'rep.bidi', name: '张\u202E三', department: [1], main_department: 1 }]);
      await syncOrgFromWecom(org, new HttpWecomClient({ apiBase: fake.baseUrl, corpId: 'wwbidi', agentId: 1000002, secret: 's' }), { now: new Date(), logger });
    } finally {
      await fake.stop();
    }
    expect((await org.query(`SELECT name FROM users WHERE wecom_userid = 'rep.bidi'`)).rows[0].name).to.equal('张三');
    const bidiIn = async (db: pg.Pool) => (await db.query(`SELECT count(*)::int AS n FROM (
      SELECT name FROM customers UNION ALL SELECT name FROM users UNION ALL SELECT name FROM departments
      UNION ALL SELECT title FROM actions UNION ALL SELECT coalesce(filename, '') FROM attachments) t
      WHERE name ~ '[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]'`)).rows[0].n;
    expect(await bidiIn(pool)).to.equal(0);
    expect(await bidiIn(org)).to.equal(0);
  });

  it('serves a JPEG/HTML polyglot uploaded as x.html under a .jpg name, as an image that nothing may run', async () => {
    const taken = new Date(Date.now() - 60_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
    const polyglot = Buffer.concat([jpegWithExif(taken, '+08:00'), Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
    const f = await upload(api, await api.tokenFor('rep.zhao'), polyglot, { kind: 'photo', filename: 'x.html' });
    expect(f.status, JSON.stringify(f.body)).to.equal(201);
    const res = await fetch(`${api.baseUrl}/api/attachments/${f.body.id}/content`, { headers: { Authorization: `Bearer ${await api.tokenFor('rep.zhao')}` } });
    expect(res.headers.get('content-type')).to.equal('image/jpeg');
    expect(res.headers.get('content-disposition')).to.match(/^inline; filename="x\.jpg"; filename\*=UTF-8''x\.jpg$/);
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('content-security-policy')).to.include('sandbox');
    await res.arrayBuffer();
  });

  describe('WeCom callbacks', () => {
    const KEYS = { token: 'staletoken', encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'ww-stale' };
    let wecom: Awaited<ReturnType<typeof startWecomApi>>;
    before(async () => { wecom = await startWecomApi(pool, KEYS); });
    after(() => wecom.close());

    const message = (msgId: string, at: number) => `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[rep.zhao]]></FromUserName>` +
      `<CreateTime>${at}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
    const post = (c: ReturnType<typeof buildEncryptedCallback>) => fetch(`${wecom.api.baseUrl}/api/wecom/callback?${new URLSearchParams(c.query)}`, {
      method: 'POST', body: c.body, headers: { 'Content-Type': 'text/xml' },
    });
    const stored = async (msgId: string) => (await pool.query(`SELECT count(*)::int AS n FROM bot_inbound WHERE dedupe_key = $1`, [`msg:${msgId}`])).rows[0].n;

    for (const [what, offset] of [['from 2001', -(Date.now() / 1000 - 978_307_200)], ['11 minutes old', -660], ['11 minutes ahead', 660]] as const) {
      it(`refuses a validly signed callback ${what} (403 CALLBACK_STALE), storing nothing`, async () => {
        const at = Math.floor(Date.now() / 1000 + offset);
        const msgId = `74000000000000${Math.abs(offset) % 1000}`;
        const res = await post(buildEncryptedCallback({ ...KEYS, xml: message(msgId, at), timestamp: String(at) }));
        expect(res.status).to.equal(403);
        expect((await res.json()).error.code).to.equal('CALLBACK_STALE');
        expect(await stored(msgId)).to.equal(0);
      });
    }

    it('takes one 5 minutes old, and its retry (same MsgId) is stored once', async () => {
      const at = Math.floor(Date.now() / 1000) - 300;
      const c = buildEncryptedCallback({ ...KEYS, xml: message('7400000000000777', at), timestamp: String(at) });
      expect((await post(c)).status).to.equal(200);
      expect((await post(c)).status).to.equal(200);
      expect(await stored('7400000000000777')).to.equal(1);
    });
  });
});
