import { expect } from 'chai';
import { loadActiveActor } from '../../../core/auth/actor.js';
import { FEATURES } from '../../../core/scoring/features.js';
import { getModelReport } from '../../../core/scoring/model-report.js';
import { loadActiveModel } from '../../../core/scoring/train.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { demoAtFixedNow, FIXED_NOW } from '../seed/seed-helpers.js';

describe('the win model report (GET /api/scoring/model)', function () {
  this.timeout(600_000);

  describe('with too few closed deals', () => {
    let api: TestApi;
    before(async () => { api = await startTestApi({ pool: (await freshDatabase()).pool }); });
    after(() => api.close());

    it('says how many more won and lost deals the model needs, to directors and admins only', async () => {
      const res = await api.call('GET', '/api/scoring/model', { as: 'director.wang' });
      expect(res.status).to.equal(200);
      const { won, lost } = res.body.closed;
      expect(res.body).to.deep.include({ status: 'insufficient', learnFromEach: 20, needWon: Math.max(0, 20 - won), needLost: Math.max(0, 20 - lost), model: null });
      expect((await api.call('GET', '/api/scoring/model', { as: 'admin.lin' })).status).to.equal(200);
      for (const who of ['mgr.li', 'rep.zhao']) {
        const refused = await api.call('GET', '/api/scoring/model', { as: who });
        expect([refused.status, refused.body.error.code], who).to.deep.equal([403, 'FORBIDDEN']);
      }
    });
  });

  it('reports the demo\'s trained model: its counts, the backtest beside the baseline and each feature\'s weight against its prior', async () => {
    const demo = await demoAtFixedNow();
    const director = (await loadActiveActor(demo.pool, { wecomUserid: 'director.wang' }))!;
    const r = await getModelReport(demo.pool, director, FIXED_NOW);
    const m = (await loadActiveModel(demo.pool))!;
    expect(r.status).to.equal('learned');
    expect(r.model).to.deep.include({ id: m.id, won: m.won, lost: m.lost });
    expect(r.model!.backtest.learned).to.deep.equal(m.backtest.learned);
    expect(r.model!.backtest.baseline).to.deep.equal(m.backtest.baseline);
    expect(r.model!.backtest.learned.auc!).to.be.greaterThan(r.model!.backtest.baseline.auc!);
    expect(r.model!.backtest.splitAtText).to.match(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(r.model!.trainedAtText).to.match(/^\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    expect(r.model!.weights.map((w) => w.key)).to.deep.equal(FEATURES.map((f) => f.key));
    expect(r.model!.weights.map((w) => w.odds)).to.deep.equal(m.beta.slice(1).map(Math.exp));
    // every weight is named in Chinese, and the seed rule's prior is its configured odds (× 1.23)
    for (const w of r.model!.weights) expect(w.label, w.key).to.match(/[\u4e00-\u9fa5]/);
    expect(r.model!.weights.find((w) => w.key === 'rule:document.downloaded')!.priorOdds).to.be.closeTo(1.23, 1e-9);
  });
});
