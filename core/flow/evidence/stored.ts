/** Evidence facts as JSON keeps them (dates as ISO strings) back into core/flow's shapes. Pure. */
import type { CheckInHistory, PastCheckIn } from './types.js';

const pastCheckIn = (j: any): PastCheckIn => ({ ...j, at: new Date(j.at) });

export function checkInHistoryFromJson(h: any): CheckInHistory {
  return {
    nearest: (h.nearest ?? []).map(pastCheckIn),
    sameSpot: (h.sameSpot ?? []).map(pastCheckIn),
    recentAccuracies: h.recentAccuracies ?? [],
  };
}
