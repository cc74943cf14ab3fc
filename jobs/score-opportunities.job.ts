import { scoreAllOpenOpportunities } from '../core/scoring/scores.js';
import { pushTalkTracks } from '../core/talk-tracks/push.js';
import type { JobSpec } from './registry.js';

/**
 * Nightly 02:30: every open deal scored again, so the ones nothing happened
 * to still age (silence, days in a stage) and lists read fresh scores.
 * The events that may move a score have their deals scored at once
 * (the event log's queue, core/scoring/rescore.ts).
 */
export const scoreOpportunitiesJob: JobSpec = {
  name: 'score-opportunities',
  every: '30 2 * * *',
  run: async (sys) => {
    const r = await scoreAllOpenOpportunities(sys.pool, sys.now(), { onSignals: pushTalkTracks(sys.config.publicUrl) });
    return { ...r, summary: `商机赢率：重新计算了 ${r.scored} 个进行中的商机` };
  },
};
