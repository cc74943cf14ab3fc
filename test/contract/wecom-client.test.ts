import { expect } from 'chai';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { HttpWecomClient, type HttpWecomClientOptions } from '../../core/wecom/http-wecom-client.js';
import { WecomTransportError } from '../../core/wecom/wecom-client.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { wecomClientContract, wecomServerContract } from './wecom-client.contract.js';

const CORP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret-do-not-log' };
const silent = pino({ level: 'silent' });

function httpClient(fake: FakeWecom, overrides: Partial<HttpWecomClientOptions> = {}): HttpWecomClient {
  return new HttpWecomClient({
    apiBase: fake.baseUrl,
    oauthBase: fake.oauthBaseUrl,
    ...CORP,
    timeoutMs: 2_000,
    // Keep the contract fast: backoff is exercised, just not waited out.
    retryBaseDelayMs: 1,
    logger: silent,
    ...overrides,
  });
}

wecomClientContract('HttpWecomClient against the loopback fake', async () => {
  const fake = await startFakeWecom(CORP);
  return { client: httpClient(fake), connected: true, delivered: () => fake.callsTo('/cgi-bin/message/send'), cleanup: () => fake.stop() };
});

wecomServerContract('HttpWecomClient against the loopback fake', async () => {
  const fake = await startFakeWecom(CORP);
  return { client: httpClient(fake), fake, cleanup: () => fake.stop() };
});

describe('HttpWecomClient', () => {
  let fake: FakeWecom;
  beforeEach(async () => {
    fake = await startFakeWecom(CORP);
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('puts the token in the query only and never writes token or secret to the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const client = httpClient(fake, { logger: pino({ level: 'trace' }, sink) });
    fake.failNext('/cgi-bin/message/send', 45009);
    await client.sendMessage({ touser: ['wangwu'], msgtype: 'text', text: { content: 'hi' } });
    fake.expireToken();
    await client.sendMessage({ touser: ['wangwu'], msgtype: 'text', text: { content: 'hi' } });
    fake.failNext('/cgi-bin/user/get', 60020);
    await client.getUser('wangwu').catch(() => undefined);
    const log = lines.join('');
    expect(log).to.not.be.empty;
    expect(log).to.not.include(CORP.secret);
    expect(log).to.not.include('tok-');
  });

  it('keeps the token out of error messages', async () => {
    const client = httpClient(fake);
    fake.failNext('/cgi-bin/user/get', 48002);
    const err = (await client.getUser('wangwu').catch((e: unknown) => e)) as Error;
    expect(err.message).to.include('48002');
    expect(err.message).to.not.include('access_token');
    expect(err.message).to.not.include(fake.currentToken()!);
  });

  it('reports an unreachable WeCom as a retryable transport error after bounded retries', async () => {
    const client = httpClient(fake, { apiBase: 'http://127.0.0.1:1', timeoutMs: 500 });
    const err = await client.getUser('wangwu').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WecomTransportError).that.includes({ retryable: true, permanent: false });
    expect((err as Error).message).to.not.include(CORP.secret);
  });

  it('shares the token between clients of the same app through the TokenStore', async () => {
    const { InMemoryTokenStore } = await import('../../core/wecom/token-cache.js');
    const tokenStore = new InMemoryTokenStore();
    await httpClient(fake, { tokenStore }).getUser('wangwu');
    await httpClient(fake, { tokenStore }).getUser('wangwu');
    expect(fake.counters.gettokenCalls).to.equal(1);
  });

  it('refreshes the token ahead of expiry instead of waiting for 42001', async () => {
    let now = 1_735_700_000_000;
    const client = httpClient(fake, { now: () => now });
    await client.getUser('wangwu');
    now += (7200 - 299) * 1000; // inside the 5-minute refresh margin
    await client.getUser('wangwu');
    expect(fake.counters.gettokenCalls).to.equal(2);
  });

  it('refuses an OAuth state WeCom would reject', () => {
    const client = httpClient(fake);
    expect(() => client.buildOAuthUrl('https://h5.example.com/cb', 'a-b')).to.throw(/state/);
    expect(() => client.buildOAuthUrl('javascript:alert(1)', 'ok')).to.throw(/redirect_uri/);
  });
});

describe('fake WeCom', () => {
  let fake: FakeWecom;
  beforeEach(async () => {
    fake = await startFakeWecom(CORP);
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('answers 41001 without a token and 40014 for a token it never issued, with HTTP 200', async () => {
    const missing = await fetch(`${fake.baseUrl}/cgi-bin/user/get?userid=a`);
    expect(missing.status).to.equal(200);
    expect(await missing.json()).to.include({ errcode: 41001 });
    const forged = await fetch(`${fake.baseUrl}/cgi-bin/user/get?userid=a&access_token=forged`);
    expect(await forged.json()).to.include({ errcode: 40014 });
  });

  it('does not deliver an identical message again while duplicate check is on', async () => {
    const client = httpClient(fake);
    const msg = { touser: ['mgr_li'], msgtype: 'text' as const, text: { content: '预警' }, enable_duplicate_check: true };
    await client.sendMessage(msg);
    await client.sendMessage(msg);
    expect(fake.sent.map((m) => m.delivered)).to.deep.equal([['mgr_li'], []]);
    expect(fake.sent[0].body.enable_duplicate_check).to.equal(1);
  });
});
