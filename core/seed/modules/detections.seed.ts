/**
 * 预警与发件箱: what the system's own jobs make of the generated history, run
 * as they run every day — the dashboards' rollups folded, profile
 * completeness snapshots for the months shown, the silence check, the
 * legal-review-skip check, overdue escalation (which marks the overdue work
 * and walks its escalation, process nodes included), last week's obstacle
 * heatmap pushed to the managers, and the outbox delivered (in demo mode:
 * recorded as delivered to the 发件箱). Nothing here writes an alert or a card
 * itself: they are the real detections' findings.
 */
import { runLegalReviewSkipsCheck } from '../../alerts/legal-review-skips.js';
import { runOverdueEscalation } from '../../alerts/overdue-escalation.js';
import { runSilenceCheck } from '../../alerts/silence.js';
import { foldDashboardDeltas } from '../../dashboards/rollups.js';
import { takeProfileSnapshot } from '../../dashboards/snapshots.js';
import { withTransaction } from '../../db/pool.js';
import { addCalendarDays } from '../../flow/time.js';
import { pushWeeklyObstacleHeatmap } from '../../obstacles/weekly-push.js';
import { deliverOutbox } from '../../outbox/deliver.js';
import { LoggingWecomClient } from '../../wecom/logging-wecom-client.js';
import { defineSeedModule, type SeedCounts } from '../seed-module.js';

export const detectionsSeed = defineSeedModule<Record<string, never>>({
  name: 'detections',
  label: '预警与发件箱',
  after: ['actions', 'reports', 'followups', 'daily-reports'],
  knobs: { demo: {}, bench: {} },
  async run(ctx): Promise<SeedCounts> {
    if (!ctx.system) return {};
    // the demo's history goes to the 发件箱, never to a WeCom the process may be configured for
    const deps = { pool: ctx.pool, ...ctx.system, wecom: new LoggingWecomClient(ctx.system.logger), now: () => ctx.window.now };
    const folded = await foldDashboardDeltas(ctx.pool);
    // the state at the start of each month shown: completeness of a past month is its last snapshot
    const today = ctx.window.today;
    const month = today.slice(0, 8) + '01';
    const previous = addCalendarDays(month, -1).slice(0, 8) + '01';
    let snapshots = 0;
    for (const asOf of [previous, month, today]) {
      snapshots += (await withTransaction(ctx.pool, (tx) => takeProfileSnapshot(tx, asOf))).groups;
    }
    const silence = await runSilenceCheck(deps, { full: true });
    const skips = await runLegalReviewSkipsCheck(deps);
    const overdue = await runOverdueEscalation(deps);
    const heatmap = await pushWeeklyObstacleHeatmap(deps);
    const delivered = await deliverOutbox(deps);
    const refolded = await foldDashboardDeltas(ctx.pool);
    const n = (r: unknown, k: string) => Number((r as Record<string, unknown>)[k] ?? 0);
    return {
      rollup_deltas: folded + refolded, profile_snapshots: snapshots,
      silence_alerts: n(silence, 'opened'), skip_alerts: n(skips, 'opened'), overdue_alerts: n(overdue, 'opened'),
      heatmap_messages: n(heatmap, 'sent'), delivered: n(delivered, 'demo') + n(delivered, 'sent'),
    };
  },
});
