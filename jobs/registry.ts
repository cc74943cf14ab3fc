import type { System } from '../core/system.js';
import { dashboardRollupFoldJob } from './dashboard-rollup-fold.job.js';
import { dashboardSnapshotsJob } from './dashboard-snapshots.job.js';
import { deliverOutboxJob } from './deliver-outbox.job.js';
import { evidenceBackfillJob } from './evidence-backfill.job.js';
import { fulfilmentCheckJob } from './fulfilment-check.job.js';
import { licenceExpiryJob } from './licence-expiry.job.js';
import { legalReviewSkipsJob } from './legal-review-skips.job.js';
import { nudgeDraftsJob } from './nudge-drafts.job.js';
import { obstacleHeatmapJob } from './obstacle-heatmap.job.js';
import { overdueEscalationJob } from './overdue-escalation.job.js';
import { remindersJob } from './reminders.job.js';
import { scoreOpportunitiesJob } from './score-opportunities.job.js';
import { scorecardWeeklyJob } from './scorecard-weekly.job.js';
import { silenceCheckJob } from './silence-check.job.js';
import { submitScheduledReportsJob } from './submit-scheduled-reports.job.js';
import { syncOrgJob } from './sync-org.job.js';
import { syncWecomContactsJob } from './sync-wecom-contacts.job.js';
import { tradeTermsJob } from './trade-terms.job.js';
import { trainWinModelJob } from './train-win-model.job.js';
import { understandingRetrainJob } from './understanding-retrain.job.js';

/**
 * Every scheduled job: a name, when it runs (cron in Asia/Shanghai, or an
 * interval like '10 seconds'), and a run over core/ that returns a report
 * (with a Chinese `summary` line for `npm run job -- <name>`).
 */
export interface JobSpec {
  name: string;
  every?: string;
  run(sys: System): Promise<unknown>;
}

export const JOBS: JobSpec[] = [
  syncOrgJob, syncWecomContactsJob, silenceCheckJob, legalReviewSkipsJob, overdueEscalationJob, remindersJob, deliverOutboxJob,
  obstacleHeatmapJob, dashboardSnapshotsJob, dashboardRollupFoldJob, nudgeDraftsJob, fulfilmentCheckJob, licenceExpiryJob,
  evidenceBackfillJob, tradeTermsJob, trainWinModelJob, scoreOpportunitiesJob, submitScheduledReportsJob,
  scorecardWeeklyJob, understandingRetrainJob,
];
