/**
 * Every history module, in the order it may run (orderModules checks the
 * `after`s). A new domain adds its file in modules/ and one line here; the
 * demo generator and the benchmarks' organisation generator both run this list.
 */
import { actionsSeed } from './modules/actions.seed.js';
import { buyingCentreSeed } from './modules/buying-centre.seed.js';
import { dailyReportsSeed } from './modules/daily-reports.seed.js';
import { dealTasksSeed } from './modules/deal-tasks.seed.js';
import { detectionsSeed } from './modules/detections.seed.js';
import { evidenceSamplesSeed } from './modules/evidence-samples.seed.js';
// from './modules/detections.seed.js';
import { followupsSeed } from './modules/followups.seed.js';
import { leadsSeed } from './modules/leads.seed.js';
import { opportunitiesSeed } from './modules/opportunities.seed.js';
import { ordersSeed } from './modules/orders.seed.js';
import { processesSeed } from './modules/processes.seed.js';
import { reportsSeed } from './modules/reports.seed.js';
import { retailSeed } from './modules/retail.seed.js';
import { scoresSeed } from './modules/scores.seed.js';
import { shareLinksSeed } from './modules/share-links.seed.js';
import { talkTrackReadsSeed, talkTracksSeed } from './modules/talk-tracks.seed.js';
import { visitsSeed } from './modules/visits.seed.js';
import { wecomContactsSeed } from './modules/wecom-contacts.seed.js';
import type { SeedModule } from './seed-module.js';

export const HISTORY_MODULES: SeedModule[] = [
  leadsSeed, opportunitiesSeed, ordersSeed, visitsSeed, dealTasksSeed, processesSeed, actionsSeed, reportsSeed, followupsSeed,
  dailyReportsSeed, buyingCentreSeed, evidenceSamplesSeed, retailSeed, detectionsSeed, shareLinksSeed, talkTracksSeed, scoresSeed, talkTrackReadsSeed,
  wecomContactsSeed,
];
