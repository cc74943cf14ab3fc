import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';

/**
 * Issue #23 item 3: the H5 pages carry a Content-Security-Policy (no inline
 * script), nosniff, a Referrer-Policy and frame-ancestors; API answers a policy
 * that runs and frames nothing; HSTS only when PUBLIC_URL is https. That the
 * built app renders under this policy is test/browser/csp.test.ts.
 */
const directives = (csp: string | null) => new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('security headers (issue #23 item 3)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  before(async () => {
    ({ pool } = await freshDatabase(2));
    api = await startTestApi({ pool });
  });
  after(() => api.close());

  for (const page of ['/', '/actions/1', '/settings', '/favicon.svg']) {
    it(`serves ${page} with a CSP that allows no inline or foreign script, and frames only within WeCom`, async () => {
      const res = await fetch(api.baseUrl + page);
      expect(res.status).to.equal(200);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src')).to.deep.equal(["'self'"]);
      expect(csp.get('script-src')).to.deep.equal(["'self'", "'wasm-unsafe-eval'"]);
      expect(csp.get('object-src')).to.deep.equal(["'none'"]);
      expect(csp.get('base-uri')).to.deep.equal(["'self'"]);
      expect(csp.get('frame-ancestors')).to.deep.equal(["'self'", 'https://work.weixin.qq.com', 'https://*.work.weixin.qq.com']);
      expect(csp.get('media-src')).to.include('blob:');
      expect(csp.get('worker-src')).to.include('blob:');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('referrer-policy')).to.equal('same-origin');
      expect(res.headers.get('permissions-policy')).to.include('camera=(self)');
      expect(res.headers.get('strict-transport-security')).to.equal(null);
      await res.arrayBuffer();
    });
  }

  it('serves the built index.html without a single inline script (the policy would block it)', async () => {
    const html = await (await fetch(`${api.baseUrl}/`)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).to.be.above(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).to.match(/\bsrc=/);
      expect(body.trim()).to.equal('');
    }
    expect(html).to.not.match(/\son[a-z]+=/i);
    expect(readFileSync('miniprogram/index.html', 'utf8')).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });

  it('answers the API with a policy that runs and frames nothing, also on errors', async () => {
    for (const path of ['/healthz', '/api/me', '/api/nope', '/openapi.json']) {
      const res = await fetch(api.baseUrl + path);
      expect(res.headers.get('content-security-policy'), path).to.equal("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff');
      await res.arrayBuffer();
    }
  });

  it('adds HSTS when PUBLIC_URL is https, to pages and API alike', async () => {
    const https = await startTestApi({ pool, env: { PUBLIC_URL: 'https://af.example.com' } });
    try {
      for (const path of ['/', '/healthz']) {
        const res = await fetch(https.baseUrl + path);
        expect(res.headers.get('strict-transport-security'), path).to.equal('max-age=15552000');
        await res.arrayBuffer();
      }
    } finally {
      await https.close();
    }
  });
});
