import { refreshAlertCards } from '../core/alerts/card-events.js';
import { deliverOutbox } from '../core/outbox/deliver.js';
import type { JobSpec } from './registry.js';

/**
 * Every 10 seconds: send due outbox rows (or mark them 'demo' without WeCom),
 * then bring alert cards up to date. Rows are claimed in batches inside this
 * one job, never one Agenda job per message (DESIGN.md: Agenda ≈ 300 jobs/s).
 */
export const deliverOutboxJob: JobSpec = {
  name: 'deliver-outbox',
  every: '10 seconds',
  run: async (sys) => {
    const delivery = await deliverOutbox(sys);
    const cards = await refreshAlertCards(sys);
    const cardNote = cards.updated || cards.failed ? `；更新卡片 ${cards.updated} 张${cards.failed ? `，失败 ${cards.failed} 张` : ''}` : '';
    return { ...delivery, cards, summary: `${delivery.summary}${cardNote}` };
  },
};
