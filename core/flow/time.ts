/**
 * Business time is Asia/Shanghai whatever the process TZ is. China has had no
 * daylight saving since 1991, so a fixed +08:00 offset is exact for every date
 * this system handles, and it avoids depending on the host's ICU/tz data.
 */

export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** A calendar day as 'YYYY-MM-DD'. */
export type IsoDate = string;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The Shanghai wall-clock of an instant, read through UTC getters (for a library that wants local fields). */
export function shanghaiWall(d: Date): Date {
  return new Date(d.getTime() + SHANGHAI_OFFSET_MS);
}

/** 'YYYY-MM-DD' of the instant in Shanghai. */
export function shanghaiDate(d: Date): IsoDate {
  const w = shanghaiWall(d);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
}

/** 0 = Sunday … 6 = Saturday, for a 'YYYY-MM-DD' day. */
export function weekdayOf(day: IsoDate): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export function addCalendarDays(day: IsoDate, n: number): IsoDate {
  const t = new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS;
  return new Date(t).toISOString().slice(0, 10);
}

/** The instant of a Shanghai wall-clock time on `day`. */
export function shanghaiInstant(day: IsoDate, h = 0, m = 0, s = 0): Date {
  const utcMidnight = new Date(`${day}T00:00:00Z`).getTime();
  return new Date(utcMidnight - SHANGHAI_OFFSET_MS + ((h * 60 + m) * 60 + s) * 1000);
}

/** 'HH:mm' of the instant in Shanghai. */
export function shanghaiClock(d: Date): string {
  const w = shanghaiWall(d);
  return `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

/** 'YYYY-MM-DD HH:mm' in Shanghai: for exports and parsing round trips; people read chineseDateTime. */
export function formatShanghai(d: Date): string {
  return `${shanghaiDate(d)} ${shanghaiClock(d)}`;
}

/** '12月3日 23:59' in Shanghai: an instant as screens, cards, bot replies and rule messages say it. */
export function chineseDateTime(d: Date): string {
  return `${chineseDay(shanghaiDate(d))} ${shanghaiClock(d)}`;
}

/** '2026-12-07' → '12月7日' (with the year when `withYear`): a day as screens and cards say it. */
export function chineseDay(day: IsoDate, withYear = false): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${withYear ? `${y}年` : ''}${m}月${d}日`;
}

/** A week or other span [from, toExclusive) as '12月7日–12月13日'. */
export function chineseDayRange(from: IsoDate, toExclusive: IsoDate): string {
  return `${chineseDay(from)}–${chineseDay(addCalendarDays(toExclusive, -1))}`;
}

const LOCAL_DATETIME = /^(\d{4})[-/:](\d{1,2})[-/:](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads a date-time a form or the bot produced. Strings without an offset are
 * Shanghai wall-clock: `new Date('2024-05-01T10:00')` would use the host TZ.
 */
export function parseBusinessDateTime(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  const m = LOCAL_DATETIME.exec(s);
  if (m) return fromWallParts(m);
  if (!HAS_OFFSET.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

function fromWallParts(m: RegExpExecArray): Date | null {
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  // reject 02-30 and friends, which Date.UTC would silently roll over
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
  return shanghaiInstant(`${pad(y, 4)}-${pad(mo)}-${pad(d)}`, h, mi, s);
}
