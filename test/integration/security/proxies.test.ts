import { expect } from 'chai';
import type pg from 'pg';
import { resolveClientIp } from '../../../api/middleware/client-address.js';
import { ConfigError, loadConfig } from '../../../core/config.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import type { FakeWecom } from '../../support/fake-wecom.js';
import { startWecomApi } from '../../support/wecom-api.js';

/**
 * Issue #23 item 5: X-Forwarded-For is believed only as TRUST_PROXY says
 * (default: not at all, the server listening on 0.0.0.0), and cookies are
 * Secure because PUBLIC_URL is https — not because a proxy remembered to send
 * X-Forwarded-Proto (without it the OAuth callback used to answer 500).
 */
async function signInAddress(api: TestApi, pool: pg.Pool, xff: string): Promise<string> {
  const res = await api.call('POST', '/api/auth/dev-login', { body: { userid: 'rep.zhao' }, headers: { 'X-Forwarded-For': xff } });
  expect(res.status).to.equal(200);
  return (await pool.query(`SELECT ip FROM auth_log WHERE kind = 'sign_in' ORDER BY id DESC LIMIT 1`)).rows[0].ip;
}

describe('proxies and cookie security (issue #23 item 5)', () => {
  describe('TRUST_PROXY', () => {
    let pool: pg.Pool;
    before(async () => { ({ pool } = await freshDatabase(4)); });

    for (const [trust, xff, expected] of [
      [undefined, '6.6.6.6', '127.0.0.1'],
      ['false', '6.6.6.6', '127.0.0.1'],
      ['1', '9.9.9.9, 6.6.6.6', '6.6.6.6'],
      ['2', '9.9.9.9, 6.6.6.6', '9.9.9.9'],
      ['127.0.0.1/32', '9.9.9.9, 6.6.6.6', '6.6.6.6'],
      ['127.0.0.0/8, 6.6.6.0/24', '9.9.9.9, 6.6.6.6', '9.9.9.9'],
      ['10.0.0.0/8', '9.9.9.9', '127.0.0.1'],
      ['1', 'not-an-address', '127.0.0.1'],
    ] as const) {
      it(`with TRUST_PROXY=${trust ?? '(unset)'} and X-Forwarded-For "${xff}", takes the client to be ${expected}`, async () => {
        const api = await startTestApi({ pool, env: trust === undefined ? {} : { TRUST_PROXY: trust } });
        try {
          expect(await signInAddress(api, pool, xff)).to.equal(expected);
        } finally {
          await api.close();
        }
      });
    }

    it('walks the chain from our peer outwards (IPv6 and IPv4-mapped peers too)', () => {
      const inTen = (a: string) => a.startsWith('10.');
      expect(resolveClientIp('::ffff:10.0.0.2', '1.2.3.4, 10.0.0.9', inTen)).to.equal('1.2.3.4');
      expect(resolveClientIp('::1', '1.2.3.4', (a) => a === '::1')).to.equal('1.2.3.4');
      expect(resolveClientIp('10.0.0.2', '', inTen)).to.equal('10.0.0.2');
    });

    it('refuses a TRUST_PROXY that is neither a hop count nor addresses, naming it', () => {
      for (const bad of ['yes', '10.0.0.0/33', '300.1.1.1', '11', 'loopback']) {
        expect(() => loadConfig({ TRUST_PROXY: bad }), bad).to.throw(ConfigError).with.property('problems')
          .that.satisfies((p: string[]) => p.some((x) => x.startsWith('TRUST_PROXY:')));
      }
    });
  });

  describe('behind a TLS proxy that does not send X-Forwarded-Proto (PUBLIC_URL https)', () => {
    let api: TestApi;
    let fake: FakeWecom;
    let close: () => Promise<void>;
    before(async () => {
      ({ api, fake, close } = await startWecomApi((await freshDatabase(4)).pool,
        { token: 'tlstoken12', encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wwtls' },
        { PUBLIC_URL: 'https://af.example.com' }));
    });
    after(() => close());

    it('completes the OAuth sign-in with Secure cookies instead of a 500', async () => {
      fake.setOAuthUser('rep.zhao');
      const start = await api.call('GET', '/api/auth/wecom/start?redirect=/today');
      expect(start.status).to.equal(302);
      const oauthCookie = start.headers.get('set-cookie')!;
      expect(oauthCookie).to.match(/^af_oauth=.*; secure/i);
      const back = await fetch(new URL(start.headers.get('location')!), { redirect: 'manual' });
      const callback = new URL(back.headers.get('location')!);
      const res = await api.call('GET', callback.pathname + callback.search, { headers: { Cookie: oauthCookie.split(';')[0] } });
      expect(res.status, JSON.stringify(res.body)).to.equal(302);
      expect(res.headers.get('set-cookie')).to.match(/af_session=[^;]+;.*secure/i);
    });
  });
});
