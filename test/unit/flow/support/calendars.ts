import { workCalendar } from '../../../../core/flow/working-days.js';

/** 2024 劳动节: 5/1–5/5 off, made up on Sunday 4/28 and Saturday 5/11. */
export const MAY_DAY_2024 = workCalendar(['2024-05-01', '2024-05-02', '2024-05-03'], ['2024-04-28', '2024-05-11']);
