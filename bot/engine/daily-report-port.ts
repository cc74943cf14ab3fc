/**
 * What 写日报 needs from the daily-report service (core/reports
 * submitDailyReport, daily_reports in migration 006). The bot only guides the
 * rep through the questions; filing, validation, who may file and storage
 * are the service's. createBotDeps wires `{ submit: submitDailyReport }`.
 *
 *   await deps.dailyReports.submit(tx, actor, { day: '2026-11-27', summary, obstacles, plan }, now);
 */
import type { Actor } from '../../core/auth/actor.js';
import type { Db } from '../../core/db/pool.js';

export interface DailyReportInput {
  /** Shanghai day 'YYYY-MM-DD'. */
  day: string;
  /** 今日完成: today's visits as the bot found them, plus what the rep added. */
  summary: string;
  /** 今日关键障碍. */
  obstacles: string;
  /** 明日计划. */
  plan: string;
  /** 需要的支持; null when none. */
  support?: string | null;
}

export interface DailyReportPort {
  submit(db: Db, actor: Actor, input: DailyReportInput, now: Date): Promise<{ id: number }>;
}
