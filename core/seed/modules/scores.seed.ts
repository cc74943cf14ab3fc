/**
 * 商机赢率 (#20): the organisation's own model trained from the history's
 * closed deals, then the open deals scored as they stood each week of the
 * history (the facts replayed as of that day) and today, so a deal's page
 * shows how its score got here. The benchmark's organisation skips it: its
 * scoring is what the benchmark measures.
 */
import { DAY_MS } from '../../flow/time.js';
import { scoreOpportunities } from '../../scoring/scores.js';
import { trainOrgModel } from '../../scoring/train.js';
import { pushTalkTracks } from '../../talk-tracks/push.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';

export const scoresSeed = defineSeedModule<{ historyWeeks: number | null }>({
  name: 'scores',
  label: '商机赢率与历史',
  after: ['opportunities', 'share-links', 'reports', 'followups', 'buying-centre', 'talk-tracks'],
  knobs: { demo: { historyWeeks: 8 }, bench: { historyWeeks: null } },
  async run(ctx, k): Promise<SeedCounts> {
    if (k.historyWeeks === null) return {};
    const now = ctx.window.now;
    // the organisation's own model from the history's closed deals (when there are enough), as the nightly job would
    const trained = await trainOrgModel(ctx.pool, now);
    ctx.log(trained.status === 'learned'
      ? `赢率模型：${trained.won} 个赢单、${trained.lost} 个输单，回测 AUC ${trained.backtest.learned.auc?.toFixed(2)}（静态字段基线 ${trained.backtest.baseline.auc?.toFixed(2)}）`
      : `赢率模型：已结商机不足（还差 ${trained.needWon} 个赢单、${trained.needLost} 个输单），按先验规则打分`);
    for (let w = k.historyWeeks; w >= 0; w--) {
      const asOf = new Date(now.getTime() - w * 7 * DAY_MS);
      const { rows } = await ctx.pool.query(
        `SELECT id FROM opportunities WHERE status = 'open' AND owner_id = ANY($1::bigint[]) AND created_at <= $2 ORDER BY id`, [ctx.scope.repIds, asOf]);
      await scoreOpportunities(ctx.pool, rows.map((r) => Number(r.id)), asOf, ctx.system ? { onSignals: pushTalkTracks(ctx.system.config.publicUrl) } : {});
    }
    const { rows: [n] } = await ctx.pool.query(`SELECT (SELECT count(*) FROM opportunity_scores)::int AS scores, (SELECT count(*) FROM opportunity_score_history)::int AS history`);
    return { scoring_models: trained.status === 'learned' ? 1 : 0, opportunity_scores: n.scores, opportunity_score_history: n.history };
  },
});
