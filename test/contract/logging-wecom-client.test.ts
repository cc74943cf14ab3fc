import { expect } from 'chai';
import { AppError } from '../../core/errors.js';
import { LoggingWecomClient } from '../../core/wecom/logging-wecom-client.js';
import { wecomClientContract } from './wecom-client.contract.js';

/** Demo mode's client: the same contract as the HTTP client, with nothing reaching WeCom. */
function loggingClient() {
  const lines: unknown[] = [];
  return { client: new LoggingWecomClient({ info: (o: unknown) => void lines.push(o) }), lines };
}

wecomClientContract('LoggingWecomClient (demo mode)', async () => {
  const { client } = loggingClient();
  return { client, connected: false, delivered: () => 0, cleanup: async () => undefined };
});

describe('LoggingWecomClient', () => {
  it('logs every message it is given instead of sending it', async () => {
    const { client, lines } = loggingClient();
    await client.sendMessage({ touser: ['rep.zhao'], msgtype: 'text', text: { content: '你好' } });
    expect(lines).to.deep.equal([{ touser: ['rep.zhao'], msgtype: 'text' }]);
  });

  it('refuses what only WeCom could answer with WECOM_NOT_CONFIGURED', async () => {
    const { client } = loggingClient();
    for (const read of [() => client.getUser('rep.zhao'), () => client.listDepartments(), () => client.downloadMedia('m1'), () => client.getJsApiTicket('corp')]) {
      const err = await read().then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(AppError).with.property('code', 'WECOM_NOT_CONFIGURED');
    }
  });
});
