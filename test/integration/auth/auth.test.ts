import { expect } from 'chai';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { freshDatabase } from '../../support/database.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { startFakeWecom, type FakeWecom } from '../../support/fake-wecom.js';

const WECOM_ENV = { WECOM_CORP_ID: 'wwdemo', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 'app-secret' };

describe('sign-in', () => {
  describe('in demo mode', () => {
    let api: TestApi;
    before(async () => { api = await startTestApi({ pool: (await freshDatabase(4)).pool }); });
    after(() => api.close());

    it('signs a demo user in by userid and returns the session token and role', async () => {
      const res = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'mgr.li' } });
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ userid: 'mgr.li', role: 'manager', roleLabel: '主管', demoMode: true });
      expect(res.headers.get('set-cookie')).to.match(/af_session=.*httponly/i);
      const me = await api.call('GET', '/api/me', { headers: { Authorization: `Bearer ${res.body.token}` } });
      expect(me.body.name).to.equal('李明');
      expect(me.body.permissions.leads).to.include('assign');
    });

    it('refuses an unknown userid with a Chinese message', async () => {
      const res = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'nobody' } });
      expect(res.status).to.equal(404);
      expect(res.body.error).to.include({ code: 'USER_NOT_FOUND', message: '用户不存在或已停用' });
    });

    it('answers 401 without a session and SESSION_EXPIRED for a tampered token', async () => {
      expect((await api.call('GET', '/api/customers')).body.error.code).to.equal('UNAUTHENTICATED');
      const token = await api.tokenFor('rep.zhao');
      const res = await api.call('GET', '/api/me', { headers: { Authorization: `Bearer ${token.slice(0, -2)}xx` } });
      expect(res.status).to.equal(401);
    });

    it('ends the session of a member who has been deactivated', async () => {
      const { pool } = await freshDatabase(2);
      const local = await startTestApi({ pool });
      try {
        const token = await local.tokenFor('rep.sun');
        await pool.query(`UPDATE users SET active = false WHERE wecom_userid = 'rep.sun'`);
        const res = await local.call('GET', '/api/me', { headers: { Authorization: `Bearer ${token}` } });
        expect(res.status).to.equal(401);
      } finally {
        await local.close();
      }
    });
  });

  describe('with WeCom configured', () => {
    let api: TestApi;
    let fake: FakeWecom;
    before(async () => {
      fake = await startFakeWecom({ corpId: WECOM_ENV.WECOM_CORP_ID, secret: WECOM_ENV.WECOM_SECRET, agentId: 1000002 });
      const wecom = new HttpWecomClient({
        apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, corpId: 'wwdemo', agentId: '1000002', secret: 'app-secret',
      });
      api = await startTestApi({
        pool: (await freshDatabase(4)).pool, wecom,
        env: { ...WECOM_ENV, WECOM_API_BASE: fake.baseUrl, WECOM_OAUTH_BASE: fake.oauthBaseUrl },
      });
    });
    after(async () => { await api.close(); await fake.stop(); });

    async function oauthRoundTrip(user: string | { openid: string }) {
      fake.setOAuthUser(user);
      const start = await api.call('GET', '/api/auth/wecom/start?redirect=/cases/42');
      expect(start.status).to.equal(302);
      const nonceCookie = start.headers.get('set-cookie')!.split(';')[0];
      const toWecom = new URL(start.headers.get('location')!);
      expect(toWecom.searchParams.get('appid')).to.equal('wwdemo');
      expect(toWecom.searchParams.get('agentid')).to.equal('1000002');
      const back = await fetch(toWecom, { redirect: 'manual' });
      const callback = new URL(back.headers.get('location')!);
      const res = await api.call('GET', callback.pathname + callback.search, { headers: { Cookie: nonceCookie } });
      return { res, callback, nonceCookie };
    }

    it('has no dev sign-in at all', async () => {
      const res = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'rep.zhao' } });
      expect(res.status).to.equal(404);
      const doc = (await api.call('GET', '/openapi.json')).body;
      const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
      expect(ops).to.not.include('devLogin');
    });

    it('signs a member in through OAuth (code → userid) and returns to the page they opened', async () => {
      const { res } = await oauthRoundTrip('rep.zhao');
      expect(res.status).to.equal(302);
      expect(res.headers.get('location')).to.equal('/cases/42');
      const session = res.headers.get('set-cookie')!.match(/af_session=[^;]+/)![0];
      const me = await api.call('GET', '/api/me', { headers: { Cookie: session } });
      expect(me.body).to.include({ userid: 'rep.zhao', role: 'rep', demoMode: false });
    });

    it('refuses a reused OAuth code', async () => {
      const { callback, nonceCookie } = await oauthRoundTrip('rep.qian');
      const again = await api.call('GET', callback.pathname + callback.search, { headers: { Cookie: nonceCookie } });
      expect(again.status).to.equal(401);
      expect(again.body.error.code).to.equal('OAUTH_CODE_INVALID');
    });

    it('signs in no WeChat user who is neither a member nor a bound store clerk: sent to the clerk entry that says whom to ask', async () => {
      const { res } = await oauthRoundTrip({ openid: 'o_external' });
      expect(res.status).to.equal(302);
      expect(res.headers.get('location')).to.equal('/clerk?unknown=1');
      expect(res.headers.getSetCookie().some((c) => /^af_session=[^;]/.test(c))).to.equal(false);
    });

    it('refuses a callback whose state was not issued to this browser', async () => {
      const code = fake.mintOAuthCode('director.wang');
      const res = await api.call('GET', `/api/auth/wecom/callback?code=${code}&state=forgedstate123`);
      expect(res.status).to.equal(401);
    });
  });
});
