import { expect } from 'chai';
import { asksWhatWins, headline } from '../../../core/attribution/ask.js';
import { routeIntent } from '../../../core/understanding/intent-router.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { buildAttributionFixture, NOW, type AttributionFixture } from '../attribution/fixture.js';
import { botDepsFor, say } from './bot-helpers.js';

/**
 * 哪些动作最影响赢单: a manager or the director gets the 结果归因 report's
 * headline in the chat — the significant actions, their win rates with and
 * without, the difference in points — and the link to /attribution; a rep is
 * told who reads it. Over the hand-counted organisation of the report's tests.
 */
describe('the bot: which actions win deals (结果归因 headline)', function () {
  this.timeout(120_000);
  let fx: AttributionFixture;
  let api: TestApi;
  const ask = (userid: string, text: string) => say(botDepsFor(fx.pool, { now: () => NOW }), userid, text);

  before(async () => {
    fx = await buildAttributionFixture();
    api = await startTestApi({ pool: fx.pool, now: () => NOW });
  });
  after(() => api.close());

  it('reads the question in the ways managers ask it, and leaves other messages alone', () => {
    for (const q of ['哪些动作最影响赢单', '什么动作能提高赢率？', '赢单靠什么', '影响赢单的因素', '结果归因', '看看归因报告']) {
      expect(asksWhatWins(q), q).to.equal(true);
      expect(routeIntent(q, { now: NOW }).best?.kind, q).to.equal('attribution_headline');
    }
    for (const q of ['今天拜访了华联，客户说价格太贵', '我的商机', '质保怎么谈', '把报价单发给刘伟']) expect(asksWhatWins(q), q).to.equal(false);
  });

  it('gives the director the significant actions with their rates and the difference in points, and the link to the report', async () => {
    const report = (await api.call('GET', '/api/attribution', { as: 'director.wang' })).body;
    const top = headline(report.actions);
    expect(top.map((a) => a.label)).to.deep.equal(['客户拜访']);
    const v = top[0];
    const answer = await ask('director.wang', '哪些动作最影响赢单？');
    expect(answer).to.include(`全公司，${report.period.label}：已结商机 ${report.totals.deals} 个（赢 ${report.totals.won}、输 ${report.totals.lost}）`);
    expect(answer).to.include('和赢单关系最大的动作（差异显著）：');
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    expect(answer).to.include(`1. 客户拜访：有的赢率 ${pct(v.with.winRate!.rate)}（${v.with.deals}个），没有的 ${pct(v.without.winRate!.rate)}（${v.without.deals}个），+${Math.round(v.difference!.diff * 100)} 个百分点`);
    expect(answer).to.include('样本少');
    expect(answer).to.match(/这是相关而非因果。.*\/attribution$/m);
  });

  it('keeps a manager to his team, and tells a rep who reads the report', async () => {
    const li = await ask('mgr.li', '赢单靠什么');
    expect(li).to.include('华东区及下属部门');
    const team = (await api.call('GET', '/api/attribution', { as: 'mgr.li' })).body;
    expect(li).to.include(`已结商机 ${team.totals.deals} 个`);
    const rep = await ask('rep.zhao', '哪些动作最影响赢单');
    expect(rep).to.include('结果归因报告给主管（本团队）和销售总监看').and.not.include('/attribution');
  });
});
