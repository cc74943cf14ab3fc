import { retrainOrgReader } from '../core/understanding/learned/org-reader.js';
import type { JobSpec } from './registry.js';

/**
 * Nightly 03:20: the bot's learned reader retrained from the public utterance table and what the
 * organisation's reps answered its questions (core/understanding/learned/org-reader.ts), timed and
 * cross-validated; admins can also retrain at once from 设置 → 机器人学到的说法.
 */
export const understandingRetrainJob: JobSpec = {
  name: 'understanding-retrain',
  every: '20 3 * * *',
  run: async (sys) => {
    const r = await retrainOrgReader(sys.pool, { now: sys.now(), trigger: 'nightly' });
    return { ...r, summary: `机器人学习模型：公开语料 ${r.publicLines} 句 + 学到的说法 ${r.examples} 条，训练 ${r.trainMs} ms，10折交叉验证准确率 ${(r.cvAccuracy * 100).toFixed(1)}%` };
  },
};
