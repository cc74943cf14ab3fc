/**
 * What 写日报 needs from the daily-report service (core/reports
 * daily-reports.ts). The bot only guides the rep through the questions;
 * filing, merging with what the app wrote, validation, who may file and
 * storage are the service's. createBotDeps wires
 * `{ submit: submitDailyReport, today: dailyReportOf }`.
 *
 *   const mine = await deps.dailyReports.today(tx, actor, '2026-11-27');
 *   await deps.dailyReports.submit(tx, actor, { day: '2026-11-27', obstacles }, now, 'bot');
 */
import type { Actor } from '../../core/auth/actor.js';
import type { Db } from '../../core/db/pool.js';

export interface DailyReportInput {
  /** Shanghai day 'YYYY-MM-DD'. */
  day: string;
  /** Only the fields the rep answered: the others keep what the app (or an earlier chat) wrote. */
  summary?: string;
  obstacles?: string;
  plan?: string;
  support?: string | null;
}

export interface FiledDailyReport {
  summary: string;
  obstacles: string;
  plan: string;
  support: string | null;
  sources: Record<string, { via: 'app' | 'bot'; at: string }>;
}

export interface DailyReportPort {
  submit(db: Db, actor: Actor, input: DailyReportInput, now: Date, via: 'bot'): Promise<{ id: number }>;
  today(db: Db, actor: Actor, day: string): Promise<FiledDailyReport | null>;
}
