/**
 * Per-recipient budget for app messages. WeCom silently DROPS messages past
 * 30/min or 1000/h to one member (§3): no errcode, the manager just never
 * sees the alert. So the outbox asks before sending and defers instead.
 *
 * Pure: no clock, no I/O; `now` is passed in. State is a plain JSON object,
 * so the deliverer can persist it (or rebuild it from the outbox's sent rows).
 *
 *   const t = new RecipientThrottle();
 *   if (t.canSend('mgr_li', now)) { await send(); t.record('mgr_li', now); }
 *   else reschedule(t.nextAllowedAt('mgr_li', now));
 */

export interface ThrottleLimits {
  perMinute: number;
  perHour: number;
}

export const WECOM_MEMBER_LIMITS: ThrottleLimits = { perMinute: 30, perHour: 1000 };

/** Send timestamps (epoch ms, ascending) per userid, pruned to the last hour. JSON-serialisable. */
export interface RecipientThrottleState {
  sends: Record<string, number[]>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export class RecipientThrottle {
  private readonly sends: Map<string, number[]>;

  constructor(
    private readonly limits: ThrottleLimits = WECOM_MEMBER_LIMITS,
    state: RecipientThrottleState = { sends: {} },
  ) {
    if (limits.perMinute < 1 || limits.perHour < 1) throw new RangeError('throttle limits must be ≥ 1');
    this.sends = new Map(Object.entries(state.sends).map(([userid, ts]) => [userid, [...ts].sort((a, b) => a - b)]));
  }

  canSend(userid: string, now: number): boolean {
    return this.nextAllowedAt(userid, now) <= now;
  }

  /**
   * Earliest time (≥ now) a message to `userid` fits both windows. A send at t
   * occupies the window (t - 60 s, t], so it stops counting at exactly t + 60 s.
   */
  nextAllowedAt(userid: string, now: number): number {
    const recent = this.window(userid, now);
    return Math.max(
      now,
      freeAt(recent.filter((t) => t > now - MINUTE_MS), this.limits.perMinute, MINUTE_MS),
      freeAt(recent, this.limits.perHour, HOUR_MS),
    );
  }

  /** Count one delivered message. Record even when canSend was false: WeCom counted it too. */
  record(userid: string, now: number): void {
    const recent = this.window(userid, now);
    recent.push(now);
    recent.sort((a, b) => a - b);
    // Older entries can never matter again; keep memory bounded by perHour.
    this.sends.set(userid, recent.slice(-this.limits.perHour));
  }

  /** How many more messages fit right now (min of both windows). */
  remaining(userid: string, now: number): number {
    const recent = this.window(userid, now);
    const inMinute = recent.filter((t) => t > now - MINUTE_MS).length;
    return Math.max(0, Math.min(this.limits.perMinute - inMinute, this.limits.perHour - recent.length));
  }

  /** Plain JSON state with anything older than an hour dropped. */
  snapshot(now: number): RecipientThrottleState {
    const sends: Record<string, number[]> = {};
    for (const userid of this.sends.keys()) {
      const recent = this.window(userid, now);
      if (recent.length) sends[userid] = [...recent];
      else this.sends.delete(userid);
    }
    return { sends };
  }

  private window(userid: string, now: number): number[] {
    const recent = (this.sends.get(userid) ?? []).filter((t) => t > now - HOUR_MS);
    if (recent.length) this.sends.set(userid, recent);
    else this.sends.delete(userid);
    return recent;
  }
}

// With `sends` ascending inside the window, the next slot opens when enough of the oldest ones age out.
function freeAt(sends: number[], limit: number, windowMs: number): number {
  if (sends.length < limit) return 0;
  return sends[sends.length - limit] + windowMs;
}
