import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../core/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('runs in demo mode with nothing set', () => {
    const c = loadConfig({});
    expect(c.demoMode).to.equal(true);
    expect(c.wecom).to.equal(null);
    expect(c.PORT).to.equal(3000);
    expect(c.DATA_DIR).to.equal('./data');
  });

  it('names a malformed variable in one line', () => {
    const problems = problemsOf({ PORT: 'eighty' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^PORT: /);
  });

  it('refuses a half-configured WeCom instead of silently falling back to demo mode', () => {
    const problems = problemsOf({ WECOM_CORP_ID: 'ww123' });
    expect(problems.map((p) => p.split(':')[0]).sort()).to.deep.equal(['WECOM_AGENT_ID', 'WECOM_SECRET']);
  });

  it('keeps the 智能机器人 off unless both its keys are set, and names the one missing', () => {
    expect(loadConfig({}).aibot).to.equal(null);
    expect(problemsOf({ WECOM_AIBOT_TOKEN: 'tok' }).map((p) => p.split(':')[0])).to.deep.equal(['WECOM_AIBOT_ENCODING_AES_KEY']);
    const key = 'a'.repeat(43);
    expect(loadConfig({ WECOM_AIBOT_TOKEN: 'tok', WECOM_AIBOT_ENCODING_AES_KEY: key }).aibot).to.deep.equal({ token: 'tok', encodingAESKey: key, name: '动作流' });
  });

  it("keeps the 智能机器人's long connection off unless its Bot ID and Secret are both set, and refuses it beside the URL callback", () => {
    expect(loadConfig({}).aibotSocket).to.equal(null);
    expect(problemsOf({ WECOM_AIBOT_BOT_ID: 'bot1' }).map((p) => p.split(':')[0])).to.deep.equal(['WECOM_AIBOT_SECRET']);
    expect(loadConfig({ WECOM_AIBOT_BOT_ID: 'bot1', WECOM_AIBOT_SECRET: 's' }).aibotSocket)
      .to.deep.equal({ botId: 'bot1', secret: 's', url: 'wss://openws.work.weixin.qq.com', name: '动作流' });
    const both = problemsOf({ WECOM_AIBOT_BOT_ID: 'bot1', WECOM_AIBOT_SECRET: 's', WECOM_AIBOT_TOKEN: 'tok', WECOM_AIBOT_ENCODING_AES_KEY: 'a'.repeat(43) });
    expect(both.map((p) => p.split(':')[0])).to.deep.equal(['WECOM_AIBOT_BOT_ID']);
    expect(both[0]).to.include('只能选一种');
  });

  it('rejects a DATABASE_URL that is not a postgres URL and an AES key of the wrong length', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://x', WECOM_ENCODING_AES_KEY: 'short' });
    expect(problems.map((p) => p.split(':')[0]).sort()).to.deep.equal(['DATABASE_URL', 'WECOM_ENCODING_AES_KEY']);
  });

  it('leaves the pool size to the cores unless DB_POOL_SIZE names a positive count', () => {
    expect(loadConfig({}).DB_POOL_SIZE).to.equal(undefined);
    expect(loadConfig({ DB_POOL_SIZE: '' }).DB_POOL_SIZE).to.equal(undefined);
    expect(loadConfig({ DB_POOL_SIZE: '12' }).DB_POOL_SIZE).to.equal(12);
    for (const bad of ['0', 'many', '2.5']) expect(problemsOf({ DB_POOL_SIZE: bad }).map((p) => p.split(':')[0])).to.deep.equal(['DB_POOL_SIZE']);
  });

  it('leaves the bot\'s handler count to the cores unless BOT_HANDLERS names a count from 1 to 64', () => {
    expect(loadConfig({ BOT_HANDLERS: '' }).BOT_HANDLERS).to.equal(undefined);
    expect(loadConfig({ BOT_HANDLERS: '2' }).BOT_HANDLERS).to.equal(2);
    for (const bad of ['0', '65', 'two']) expect(problemsOf({ BOT_HANDLERS: bad }).map((p) => p.split(':')[0])).to.deep.equal(['BOT_HANDLERS']);
  });

  it('requires SESSION_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).to.match(/^SESSION_SECRET/);
  });

  it('leaves demo mode when all three WeCom credentials are set', () => {
    const c = loadConfig({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's' });
    expect(c.demoMode).to.equal(false);
    expect(c.wecom?.apiBase).to.equal('https://qyapi.weixin.qq.com');
  });
});
