/**
 * The scorecard screens' period in the address (?period=week|month&start=…),
 * so a card, a ranking and the weekly WeCom card's link name the same week;
 * the step to the period before or after, never past the current one.
 */
import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { addCalendarDays, shanghaiDate } from '@core/flow/time';

export type PeriodKind = 'week' | 'month';

/** The first day of the month `n` months from the one `first` begins. */
export const monthShift = (first: string, n: number) => {
  const y = Number(first.slice(0, 4));
  const m = Number(first.slice(5, 7)) - 1 + n;
  const yy = y + Math.floor(m / 12);
  return `${yy}-${String((((m % 12) + 12) % 12) + 1).padStart(2, '0')}-01`;
};

export function useScorecardPeriod() {
  const route = useRoute();
  const router = useRouter();
  const kind = computed<PeriodKind>(() => (route.query.period === 'week' ? 'week' : 'month'));
  const start = computed(() => (typeof route.query.start === 'string' ? route.query.start : undefined));
  const query = computed(() => ({ period: kind.value, start: start.value }));
  function go(next: { period?: PeriodKind; start?: string }) {
    void router.replace({ query: { ...route.query, period: next.period ?? kind.value, start: next.start } });
  }
  /** The period `n` steps from the one shown (`from` is its first day, as the server answered). */
  function step(from: string, n: number) {
    const next = kind.value === 'week' ? addCalendarDays(from, 7 * n) : monthShift(from, n);
    go({ start: next });
  }
  const today = shanghaiDate(new Date());
  return { kind, start, query, go, step, today };
}

export const BAND_TONE: Record<string, string> = { 优: 'green', 良: 'orange', 差: 'red' };
