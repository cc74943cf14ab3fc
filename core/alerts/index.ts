/**
 * The alert center (预警中心): detections run by the jobs, card clicks from the
 * WeCom callback, and the queries the API serves. Import from here.
 *
 *   import { handleCardEvent } from '../core/alerts/index.js';
 *   await handleCardEvent({ pool, wecom, logger, now }, { fromUserId, eventKey, taskId, responseCode });
 */
export { runSilenceCheck } from './silence.js';
export { runLegalReviewSkipsCheck } from './legal-review-skips.js';
export { runOverdueEscalation } from './overdue-escalation.js';
export { runReminders } from './reminders.js';
export type { DetectionDeps, DetectionReport } from './run-detection.js';
export { handleCardEvent, refreshAlertCards } from './card-events.js';
export type { CardDeps, CardEventInput, CardEventResult } from './card-events.js';
export {
  acknowledgeAlertInApp, getAlertByLink, getAlertDetail, listAlerts, resolveAlertInApp, LINK_INVALID_MESSAGE,
} from './alert-queries.js';
