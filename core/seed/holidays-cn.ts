/**
 * Mainland China's statutory holidays and make-up working days (调休) as the
 * State Council published them; admins edit the calendar in settings, this is
 * only the starting point installed with the template.
 */
import { addCalendarDays, type IsoDate } from '../flow/time.js';

const range = (from: IsoDate, days: number): IsoDate[] => Array.from({ length: days }, (_, i) => addCalendarDays(from, i));

export const CN_HOLIDAYS_2026: Array<{ day: string; kind: 'holiday' | 'workday'; name: string }> = [
  ...range('2026-01-01', 3).map((day) => ({ day, kind: 'holiday' as const, name: '元旦' })),
  { day: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
  ...range('2026-02-15', 9).map((day) => ({ day, kind: 'holiday' as const, name: '春节' })),
  { day: '2026-02-14', kind: 'workday', name: '春节调休上班' },
  { day: '2026-02-28', kind: 'workday', name: '春节调休上班' },
  ...range('2026-04-04', 3).map((day) => ({ day, kind: 'holiday' as const, name: '清明节' })),
  ...range('2026-05-01', 5).map((day) => ({ day, kind: 'holiday' as const, name: '劳动节' })),
  { day: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
  ...range('2026-06-19', 3).map((day) => ({ day, kind: 'holiday' as const, name: '端午节' })),
  ...range('2026-09-25', 3).map((day) => ({ day, kind: 'holiday' as const, name: '中秋节' })),
  ...range('2026-10-01', 7).map((day) => ({ day, kind: 'holiday' as const, name: '国庆节' })),
  { day: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  { day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
  ...range('2027-01-01', 1).map((day) => ({ day, kind: 'holiday' as const, name: '元旦' })),
];
