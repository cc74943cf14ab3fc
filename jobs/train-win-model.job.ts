import { trainOrgModel } from '../core/scoring/train.js';
import type { JobSpec } from './registry.js';

/**
 * Nightly 02:10: the organisation's own win model retrained from its closed
 * deals (before the 02:30 scoring, which then uses it); too few closed deals
 * keep the prior model and the report says how many more are needed.
 */
export const trainWinModelJob: JobSpec = {
  name: 'train-win-model',
  every: '10 2 * * *',
  run: async (sys) => {
    const r = await trainOrgModel(sys.pool, sys.now());
    return {
      ...r,
      summary: r.status === 'learned'
        ? `赢率模型：用 ${r.won} 个赢单、${r.lost} 个输单训练，回测 AUC ${r.backtest.learned.auc?.toFixed(2) ?? '—'}（静态字段基线 ${r.backtest.baseline.auc?.toFixed(2) ?? '—'}）`
        : `赢率模型：已结商机不足，还差 ${r.needWon} 个赢单、${r.needLost} 个输单，继续按先验规则打分`,
    };
  },
};
