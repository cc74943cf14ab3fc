import type pg from 'pg';
import { HttpWecomClient } from '../../core/wecom/http-wecom-client.js';
import { startTestApi, type TestApi } from './api-harness.js';
import { startFakeWecom, type CallbackKeys, type FakeWecom } from './fake-wecom.js';

/**
 * The real API with WeCom configured (callback keys, OAuth, no dev sign-in),
 * WeCom itself faked at the HTTP boundary.
 *
 *   const { api, fake, close } = await startWecomApi(pool, { token, encodingAESKey, corpId }, { PUBLIC_URL: 'https://…' });
 */
export async function startWecomApi(
  pool: pg.Pool, keys: CallbackKeys, env: Record<string, string> = {},
): Promise<{ api: TestApi; fake: FakeWecom; close(): Promise<void> }> {
  const secret = 'wecom-app-secret';
  const fake = await startFakeWecom({ ...keys, secret, agentId: 1000002 });
  const wecom = new HttpWecomClient({ apiBase: fake.baseUrl, oauthBase: fake.oauthBaseUrl, corpId: keys.corpId, agentId: 1000002, secret });
  const api = await startTestApi({ pool, wecom, env: {
    WECOM_CORP_ID: keys.corpId, WECOM_AGENT_ID: '1000002', WECOM_SECRET: secret, WECOM_TOKEN: keys.token,
    WECOM_ENCODING_AES_KEY: keys.encodingAESKey, WECOM_API_BASE: fake.baseUrl, WECOM_OAUTH_BASE: fake.oauthBaseUrl, ...env,
  } });
  return { api, fake, close: async () => { await api.close(); await fake.stop(); } };
}
