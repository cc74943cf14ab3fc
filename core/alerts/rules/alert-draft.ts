/**
 * What an alert rule makes of one candidate row: pure, so the wording,
 * severity and dedupe key are tested without a database. The detection
 * selects candidates in SQL and writes the drafts through the alert writer.
 */
export interface AlertDraft {
  dedupeKey: string;
  subjectType: 'customer' | 'order' | 'complaint' | 'licence';
  subjectId: number;
  severity: 'warning' | 'critical';
  title: string;
  summary: string;
  /** Kept on the alert; `facts` become the card's lines. */
  data: Record<string, unknown> & { facts: Array<{ label: string; value: string }> };
  windowStart: Date | null;
}

/** '2026-12-01' of a Date in Shanghai: for dedupe keys, never for people. */
export const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
/** '2026年12月1日': a day as the alert's reader sees it. */
export const chineseDay = (d: Date | string) => {
  const [y, m, day] = (typeof d === 'string' ? d : shanghaiDay(d)).split('-').map(Number);
  return `${y}年${m}月${day}日`;
};
export const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / 86_400_000);
