import { expect } from 'chai';
import type pg from 'pg';
import pino from 'pino';
import { shanghaiDate } from '../../../core/flow/time.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeWecom, type FakeWecom, type OAuthUser } from '../../support/fake-wecom.js';
import { seedRetailNetworkForReps } from '../../support/retail-network.js';
import { sessionToken } from '../../support/session-token.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret' };

/**
 * Store clerks are not members of the brand's WeCom. Opened inside WeCom or
 * WeChat, their invitation goes through WeCom's silent OAuth and binds the
 * WeChat ids WeCom names (openid, external_userid) to the new clerk; later
 * the same OAuth signs them in again with no link. A spent link refuses
 * anyone else; a link re-issued from 门店 signs that clerk in and voids
 * their earlier ones. WeCom is the loopback fake speaking its formats.
 */
describe('clerks recognised by WeChat, and signing in again', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let fake: FakeWecom;
  let lawsonId: number;

  const as = async (userid: string) => ({ Authorization: `Bearer ${await sessionToken(pool, userid)}` });
  const cookieOf = (res: { headers: Headers }, name: string) =>
    res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);
  const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;

  /** The phone's trip: /api/auth/wecom/start → WeCom's authorize (answering as `who`) → our callback; the cookies it comes back with. */
  async function throughWecom(who: OAuthUser, redirect: string) {
    fake.setOAuthUser(who);
    const start = await api.call('GET', `/api/auth/wecom/start?redirect=${encodeURIComponent(redirect)}`);
    expect(start.status).to.equal(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('scope')).to.equal('snsapi_base');
    const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
    const res = await api.call('GET', back.pathname + back.search, { headers: { Cookie: cookieOf(start, 'af_oauth')! } });
    expect(res.status, JSON.stringify(res.body)).to.equal(302);
    return { location: res.headers.get('location')!, session: cookieOf(res, 'af_session'), wechat: cookieOf(res, 'af_clerk_wechat') };
  }
  const invite = async (by = 'rep.zhao') =>
    (await api.call('POST', `/api/retail/stores/${lawsonId}/invitations`, { headers: { ...(await as(by)), 'Idempotency-Key': `inv-${Math.random()}` } })).body;
  const me = async (cookie: string) => (await api.call('GET', '/api/me', { headers: { Cookie: cookie } })).body;
  const accept = (token: string, cookie?: string, name?: string) =>
    api.call('POST', '/api/auth/invitation/accept', { body: { token, ...(name ? { name } : {}) }, headers: cookie ? { Cookie: cookie } : {} });

  before(async () => {
    ({ pool } = await freshDatabase(6));
    await seedRetailNetworkForReps(pool, shanghaiDate(new Date()));
    fake = await startFakeWecom({ ...CORP });
    const wecom = new HttpWecomClient({
      apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, ...CORP, timeoutMs: 3_000, maxAttempts: 1, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }),
    });
    api = await startTestApi({
      pool, wecom, env: { WECOM_CORP_ID: CORP.corpId, WECOM_AGENT_ID: String(CORP.agentId), WECOM_SECRET: CORP.secret, WECOM_API_BASE: fake.baseUrl },
    });
    lawsonId = Number((await pool.query(`SELECT id FROM customers WHERE name = '罗森静安寺店'`)).rows[0].id);
  });
  after(async () => { await api?.close(); await fake?.stop(); });

  it('binds the WeChat that opened the invitation to the new clerk, who later signs in again through WeCom with no link', async () => {
    const link = await invite();
    const token = tokenOf(link.url);
    // the join page sends the phone through WeCom; the way back carries the ids to the join page, no session yet
    const trip = await throughWecom({ openid: 'o-lin', externalUserid: 'wm-lin' }, `/join/${token}?wx=1`);
    expect(trip.location).to.equal(`/join/${token}?wx=1`);
    expect(trip.session).to.equal(undefined);
    const described = await api.call('GET', `/api/auth/invitation?token=${token}`, { headers: { Cookie: trip.wechat! } });
    expect(described.body).to.include({ storeName: '罗森静安寺店', recognised: true, wecomSignIn: true, returning: false, clerkName: null });

    const joined = await accept(token, trip.wechat, '林小雨');
    expect(joined.status, JSON.stringify(joined.body)).to.equal(200);
    expect(joined.body.user).to.include({ role: 'clerk', name: '林小雨' });
    const { rows: [k] } = await pool.query('SELECT store_id, wecom_openid, wecom_external_userid FROM retail_clerks WHERE user_id = $1', [joined.body.user.id]);
    expect(k).to.deep.equal({ store_id: lawsonId, wecom_openid: 'o-lin', wecom_external_userid: 'wm-lin' });

    // days later, the cookie gone: the clerk entry's WeCom trip signs her in and opens her launches
    const again = await throughWecom({ openid: 'o-lin', externalUserid: 'wm-lin' }, '/launches');
    expect(again.location).to.equal('/launches');
    expect(await me(again.session!)).to.include({ id: joined.body.user.id, role: 'clerk' });
    const { rows: [s] } = await pool.query(`SELECT method FROM sessions WHERE user_id = $1 ORDER BY id DESC LIMIT 1`, [joined.body.user.id]);
    expect(s.method).to.equal('wecom_clerk');
    // recognised by openid alone too (a WeChat user who is no 客户联系 contact has no external_userid)
    expect(await me((await throughWecom({ openid: 'o-lin' }, '/launches')).session!)).to.include({ id: joined.body.user.id });

    // the spent link: the same person is signed in again through it; anyone else is refused by name of the rule
    const back = await throughWecom({ openid: 'o-lin', externalUserid: 'wm-lin' }, `/join/${token}?wx=1`);
    expect((await api.call('GET', `/api/auth/invitation?token=${token}`, { headers: { Cookie: back.wechat! } })).body.returning).to.equal(true);
    const returning = await accept(token, back.wechat);
    expect(returning.body.user).to.include({ id: joined.body.user.id });
    const other = await throughWecom({ openid: 'o-someone', externalUserid: 'wm-someone' }, `/join/${token}?wx=1`);
    for (const res of [await api.call('GET', `/api/auth/invitation?token=${token}`, { headers: { Cookie: other.wechat! } }), await accept(token, other.wechat, '王五')]) {
      expect(res.status).to.equal(409);
      expect(res.body.error).to.include({ code: 'INVITATION_TAKEN' });
      expect(res.body.error.message).to.contain('已被另一位店员使用');
    }
    // outside WeChat nobody is recognised: the spent link is just spent
    const plain = await accept(token, undefined, '王五');
    expect([plain.status, plain.body.error.code]).to.deep.equal([410, 'INVITATION_INVALID']);
    expect((await pool.query(`SELECT count(*)::int AS n FROM users WHERE name = '王五'`)).rows[0].n).to.equal(0);
  });

  it('sends a WeChat user no clerk is bound to to the clerk entry, which says whom to ask, and records the failed sign-in', async () => {
    const before = (await pool.query(`SELECT count(*)::int AS n FROM auth_log WHERE kind = 'sign_in_failed'`)).rows[0].n;
    const trip = await throughWecom({ openid: 'o-stranger' }, '/launches');
    expect(trip.location).to.equal('/clerk?unknown=1');
    expect(trip.session).to.equal(undefined);
    expect((await pool.query(`SELECT count(*)::int AS n FROM auth_log WHERE kind = 'sign_in_failed'`)).rows[0].n).to.equal(before + 1);
  });

  it('lets the store\'s inspector re-issue a clerk\'s sign-in link: it signs that clerk in (binding the WeChat it is opened in) and voids the earlier one', async () => {
    const first = await accept(tokenOf((await invite()).url), undefined, '周小川');
    const clerkId = first.body.user.id;
    const older = await api.call('POST', `/api/retail/clerks/${clerkId}/invitations`, { headers: { ...(await as('mgr.li')), 'Idempotency-Key': 'reissue-1' } });
    expect(older.status, JSON.stringify(older.body)).to.equal(201);
    const { rows: [inspector] } = await pool.query(
      `SELECT u.wecom_userid FROM retail_inspector_stores r JOIN users u ON u.id = r.inspector_id WHERE r.store_id = $1 LIMIT 1`, [lawsonId]);
    const newer = await api.call('POST', `/api/retail/clerks/${clerkId}/invitations`, { headers: { ...(await as(inspector.wecom_userid)), 'Idempotency-Key': 'reissue-2' } });
    expect(newer.status, JSON.stringify(newer.body)).to.equal(201);
    expect(newer.body).to.include({ clerkName: '周小川', revoked: 1 });

    const voided = await api.call('GET', `/api/auth/invitation?token=${tokenOf(older.body.url)}`);
    expect([voided.status, voided.body.error.code]).to.deep.equal([410, 'INVITATION_INVALID']);
    expect(voided.body.error.message).to.contain('已作废');

    const trip = await throughWecom({ openid: 'o-zhou', externalUserid: 'wm-zhou' }, `/join/${tokenOf(newer.body.url)}?wx=1`);
    expect((await api.call('GET', `/api/auth/invitation?token=${tokenOf(newer.body.url)}`, { headers: { Cookie: trip.wechat! } })).body)
      .to.include({ clerkName: '周小川', returning: false });
    const signed = await accept(tokenOf(newer.body.url), trip.wechat);
    expect(signed.body.user).to.include({ id: clerkId, role: 'clerk' });
    expect((await pool.query('SELECT count(*)::int AS n FROM retail_clerks WHERE store_id = $1 AND user_id IN (SELECT id FROM users WHERE name = $2)', [lawsonId, '周小川'])).rows[0].n).to.equal(1);
    expect(await me((await throughWecom({ openid: 'o-zhou', externalUserid: 'wm-zhou' }, '/launches')).session!)).to.include({ id: clerkId });

    // a WeChat already bound to one clerk cannot be bound to a second through a new invitation
    const dup = await throughWecom({ openid: 'o-zhou', externalUserid: 'wm-zhou' }, '/join/x?wx=1');
    const refused = await accept(tokenOf((await invite()).url), dup.wechat, '周小川二号');
    expect([refused.status, refused.body.error.code]).to.deep.equal([409, 'CLERK_WECHAT_TAKEN']);
    expect(refused.body.error.message).to.contain('周小川');
  });

  it('refuses a re-issue for a clerk out of reach, and to a clerk', async () => {
    const { rows: [far] } = await pool.query(
      `SELECT k.user_id FROM retail_clerks k JOIN customers c ON c.id = k.store_id
        WHERE c.department_id <> (SELECT department_id FROM customers WHERE id = $1) LIMIT 1`, [lawsonId]);
    const out = await api.call('POST', `/api/retail/clerks/${far.user_id}/invitations`, { headers: { ...(await as('mgr.li')), 'Idempotency-Key': 'reissue-far' } });
    expect([out.status, out.body.error.code]).to.deep.equal([404, 'CLERK_NOT_FOUND']);
    const byClerk = await api.call('POST', `/api/retail/clerks/${far.user_id}/invitations`, { headers: { ...(await as('clerk.1')), 'Idempotency-Key': 'reissue-clerk' } });
    expect(byClerk.status).to.equal(403);
    expect((await pool.query('SELECT count(*)::int AS n FROM retail_invitations WHERE clerk_id = $1', [far.user_id])).rows[0].n).to.equal(0);
  });
});
