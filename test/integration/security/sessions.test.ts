import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { createApp } from '../../../api/app.js';
import { loadConfig, SECRET_FILE, withPersistedSecret } from '../../../core/config.js';
import { logger } from '../../../core/logger.js';
import { syncOrgFromWecom } from '../../../core/org/sync-org.js';
import { HttpWecomClient } from '../../../core/wecom/http-wecom-client.js';
import { LoggingWecomClient } from '../../../core/wecom/logging-wecom-client.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { startFakeWecom } from '../../support/fake-wecom.js';
import { expectError } from '../../support/matrix-helpers.js';

/**
 * Issue #23 items 2 and 9: a session ends when the server says so — logout,
 * deactivation in the WeCom org sync, an admin's "sign out everywhere" — not
 * when its token expires; sign-ins and revocations are logged for admins;
 * repeated failed sign-ins are slowed down; demo-mode sessions survive a restart.
 */
const signIn = async (api: TestApi, userid: string, headers: Record<string, string> = {}) => {
  const res = await api.call('POST', '/api/auth/dev-login', { body: { userid }, headers });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.token as string;
};
const me = (api: TestApi, token: string) => api.call('GET', '/api/me', { headers: { Authorization: `Bearer ${token}` } });

describe('sessions end when the server ends them (issue #23)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let clock: Date;
  before(async () => {
    ({ pool } = await freshDatabase(4));
    clock = new Date();
    // TRUST_PROXY=1 so each test can speak from an address of its own (the throttle counts per address)
    api = await startTestApi({ pool, env: { TRUST_PROXY: '1' }, now: () => clock });
  });
  after(() => api.close());
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  it('logout ends the session at once: the same bearer token no longer reads /api/me, another device stays signed in', async () => {
    const phone = await signIn(api, 'rep.zhao', from('10.2.0.1'));
    const laptop = await signIn(api, 'rep.zhao', from('10.2.0.1'));
    expect((await me(api, phone)).status).to.equal(200);
    const out = await api.call('POST', '/api/auth/logout', { headers: { Authorization: `Bearer ${phone}` } });
    expect(out.status).to.equal(200);
    const after = await me(api, phone);
    expectError(after, 401, 'UNAUTHENTICATED');
    expect((await me(api, laptop)).status).to.equal(200);
  });

  it('logout through the cookie ends the cookie session and clears the cookie', async () => {
    const login = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'rep.qian' }, headers: from('10.2.0.2') });
    const cookie = login.headers.get('set-cookie')!.match(/af_session=[^;]+/)![0];
    expect((await api.call('GET', '/api/me', { headers: { Cookie: cookie } })).status).to.equal(200);
    const out = await api.call('POST', '/api/auth/logout', { headers: { Cookie: cookie } });
    expect(out.headers.get('set-cookie')).to.match(/af_session=;/);
    expect((await api.call('GET', '/api/me', { headers: { Cookie: cookie } })).status).to.equal(401);
  });

  it("an admin signs a member out everywhere: every session of theirs ends, others' do not, and the log says who did it", async () => {
    const a = await signIn(api, 'rep.sun', from('10.2.0.3'));
    const b = await signIn(api, 'rep.sun', from('10.2.0.3'));
    const other = await signIn(api, 'mgr.li', from('10.2.0.3'));
    const sun = (await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.sun'`)).rows[0].id;
    const open = await api.call('GET', `/api/sessions?userId=${sun}`, { as: 'admin.lin' });
    expect(open.body.items.length).to.equal(2);
    const res = await api.call('POST', `/api/users/${sun}/sign-out-everywhere`, { as: 'admin.lin' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ revoked: 2 });
    expect((await me(api, a)).status).to.equal(401);
    expect((await me(api, b)).status).to.equal(401);
    expect((await me(api, other)).status).to.equal(200);
    expect((await api.call('GET', `/api/sessions?userId=${sun}`, { as: 'admin.lin' })).body.items).to.deep.equal([]);
    const log = await api.call('GET', `/api/auth-log?userId=${sun}&kind=revoked`, { as: 'admin.lin' });
    expect(log.body.items[0]).to.include({ kindLabel: '强制退出', reasonLabel: '管理员强制退出', actorName: '林涛', sessions: 2 });
  });

  it('refuses "sign out everywhere" and the sign-in log to everyone but admins (403)', async () => {
    const sun = (await pool.query(`SELECT id FROM users WHERE wecom_userid = 'rep.sun'`)).rows[0].id;
    for (const as of ['director.wang', 'mgr.li', 'rep.zhao']) {
      expectError(await api.call('POST', `/api/users/${sun}/sign-out-everywhere`, { as }), 403, 'FORBIDDEN');
      expectError(await api.call('GET', '/api/auth-log', { as }), 403, 'FORBIDDEN');
      expectError(await api.call('GET', '/api/sessions', { as }), 403, 'FORBIDDEN');
    }
  });

  it('records sign-ins, failed attempts and sign-outs with their address, in Chinese, for admins', async () => {
    const t = await signIn(api, 'compliance.he', from('203.0.113.9'));
    await api.call('POST', '/api/auth/logout', { headers: { Authorization: `Bearer ${t}`, ...from('203.0.113.9') } });
    await api.call('POST', '/api/auth/dev-login', { body: { userid: 'nobody.here' }, headers: from('203.0.113.9') });
    const log = await api.call('GET', '/api/auth-log?limit=3', { as: 'admin.lin' });
    expect(log.body.items.map((e: any) => [e.kindLabel, e.userName, e.ip])).to.deep.equal([
      ['登录失败', null, '203.0.113.9'], ['退出登录', '何敏', '203.0.113.9'], ['登录', '何敏', '203.0.113.9'],
    ]);
    expect(log.body.items[0]).to.include({ attempted: 'nobody.here', reasonLabel: '账号不存在或已停用' });
    expect(log.body.items[2]).to.include({ methodLabel: '演示账号' });
  });

  it('slows down repeated failed sign-ins from one address (429 with Retry-After), not the sign-ins of others', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < 5; i++) {
      expectError(await api.call('POST', '/api/auth/dev-login', { body: { userid: `guess.${i}` }, headers: from(ip) }), 404, 'USER_NOT_FOUND');
    }
    // now even the right userid waits
    const refused = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'rep.zhao' }, headers: from(ip) });
    expectError(refused, 429, 'SIGN_IN_THROTTLED');
    expect(refused.body.error.message).to.match(/^登录失败次数过多，请 \d+ 秒后再试$/);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 30);
    // refused attempts are not logged: the log cannot be flooded through the throttle
    const failures = async () => (await pool.query(`SELECT count(*)::int AS n FROM auth_log WHERE ip = $1`, [ip])).rows[0].n;
    const before = await failures();
    await api.call('POST', '/api/auth/dev-login', { body: { userid: 'guess.x' }, headers: from(ip) });
    expect(await failures()).to.equal(before);
    // someone else signs in as usual
    await signIn(api, 'rep.zhao', from('198.51.100.8'));
    // after the wait, one more try; a further failure doubles the wait
    clock = new Date(clock.getTime() + 31_000);
    await api.call('POST', '/api/auth/dev-login', { body: { userid: 'guess.6' }, headers: from(ip) });
    const again = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'rep.zhao' }, headers: from(ip) });
    expect(Number(again.headers.get('retry-after'))).to.be.within(31, 60);
    clock = new Date(clock.getTime() + 61_000);
    await signIn(api, 'rep.zhao', from(ip));
  });

  it('ends the sessions of a member WeCom no longer lists, and they stay ended when WeCom lists them again', async () => {
    const fake = await startFakeWecom({ corpId: 'wwsess', secret: 's', agentId: 1000002 });
    try {
      const wecom = new HttpWecomClient({ apiBase: fake.baseUrl, corpId: 'wwsess', agentId: 1000002, secret: 's' });
      const depts = [{ id: 1, name: '公司', parentid: 0 }, { id: 3, name: '华东区', parentid: 1, department_leader: ['mgr.li'] }];
      const li = { userid: 'mgr.li', name: '李明', department: [3], main_department: 3, is_leader_in_dept: [1] };
      const zhou = { userid: 'rep.zhou', name: '周杰', department: [3], main_department: 3, is_leader_in_dept: [0] };
      const token = await signIn(api, 'rep.zhou', from('10.2.0.9'));
      fake.setUsers(depts, [li]);
      await syncOrgFromWecom(pool, wecom, { now: new Date(), logger });
      expect((await me(api, token)).status).to.equal(401);
      fake.setUsers(depts, [li, zhou]);
      await syncOrgFromWecom(pool, wecom, { now: new Date(), logger });
      expect((await pool.query(`SELECT active FROM users WHERE wecom_userid = 'rep.zhou'`)).rows[0].active).to.equal(true);
      expectError(await me(api, token), 401, 'UNAUTHENTICATED');
      const { rows: [r] } = await pool.query(
        `SELECT reason, sessions FROM auth_log l JOIN users u ON u.id = l.user_id WHERE u.wecom_userid = 'rep.zhou' AND kind = 'revoked'`);
      expect(r).to.deep.equal({ reason: 'deactivated', sessions: 1 });
      await signIn(api, 'rep.zhou', from('10.2.0.9'));
    } finally {
      await fake.stop();
    }
  });
});

describe('demo-mode sessions survive a restart (issue #23 item 9)', () => {
  it('keeps a generated secret in DATA_DIR (owner-only) and signs the same way after a restart', async () => {
    const { pool } = await freshDatabase(2);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'af-secret-'));
    const start = async () => {
      const config = withPersistedSecret(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }));
      const server = http.createServer(createApp({ config, pool, logger, now: () => new Date(), wecom: new LoggingWecomClient(logger) }).callback());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { url, stop: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
    };
    try {
      const first = await start();
      const login = await fetch(`${first.url}/api/auth/dev-login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userid: 'rep.zhao' }),
      });
      const { token } = await login.json() as { token: string };
      await first.stop();
      const second = await start();
      const res = await fetch(`${second.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
      await second.stop();
      expect(res.status).to.equal(200);
      expect(statSync(path.join(dataDir, SECRET_FILE)).mode & 0o777).to.equal(0o600);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
