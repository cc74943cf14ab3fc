import type { ScoreFacts, SharedDocumentFacts } from '../../../core/scoring/facts.js';

export const NOW = new Date('2026-12-07T02:00:00Z');
export const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

/** Facts of a deal in 商务谈判 (4 of 8) with nothing happening, changed by `over`. */
export function aDeal(over: Partial<ScoreFacts> = {}): ScoreFacts {
  return {
    opportunityId: 1, asOf: NOW, stageCode: 'negotiation', stageName: '商务谈判', stageIndex: 4, stageCount: 8,
    stageEnteredAt: daysAgo(5), stageNormDays: 10, documents: [], decisionMakerMetAt: null, legalReviewSkipped: false,
    lastEffectiveFollowupAt: daysAgo(2), createdAt: daysAgo(40), followups30d: { total: 0, effective: 0 },
    visitEvidence: { trusted: 0, doubtful: 0 }, procurementStep: 0, buyingCentre: { roles: 0, deciderAttitude: null }, ...over,
  };
}

export function aDocument(over: Partial<SharedDocumentFacts> = {}): SharedDocumentFacts {
  return { linkId: 7, filename: '延长质保条款.pdf', tags: ['延长质保条款'], sharedInStage: 'negotiation', sharedAt: daysAgo(6), downloads: [], opens: [], ...over };
}
