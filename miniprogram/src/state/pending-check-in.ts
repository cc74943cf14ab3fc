/**
 * A check-in taken before its visit page opened (现场拜访 on 今日 locates the
 * phone to find the customer): handed to that page once, which puts it in
 * its draft like a check-in made there.
 */
import type { CoordSystem } from '../api/types';

export interface CheckInFix { lat: number; lng: number; coordSystem: CoordSystem; at: string; accuracy: number | null }

let pending: { actionId: number; checkIn: CheckInFix } | null = null;

export function handOverCheckIn(actionId: number, checkIn: CheckInFix): void {
  pending = { actionId, checkIn };
}

export function takeCheckIn(actionId: number): CheckInFix | null {
  if (pending?.actionId !== actionId) return null;
  const { checkIn } = pending;
  pending = null;
  return checkIn;
}
