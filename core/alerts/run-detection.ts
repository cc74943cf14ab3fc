/**
 * The frame every detection runs in: one transaction, an advisory lock so the
 * same detection never runs in two processes at once (a second caller skips
 * instead of waiting), the rule read fresh from `alert_rules`, and the run
 * recorded in `alert_rule_runs` with its Chinese summary.
 *
 *   return runDetection(deps, 'silence', SilenceParamsSchema, async (tx, rule, now) => ({ summary: '…', opened: 3 }));
 */
import type { z } from 'zod';
import type pg from 'pg';
import { withTransaction } from '../db/pool.js';
import { chineseDateTime } from '../flow/time.js';
import type { CoreDeps } from '../deps.js';
import { loadRuleSettings, type DetectionCode, type RuleSettings } from './rule-settings.js';

export interface DetectionReport {
  rule: DetectionCode;
  /** Set when nothing ran: rule disabled or invalid, or running in another process. */
  skipped?: string;
  /** One Chinese line: what was found and what will be sent. */
  summary: string;
  [k: string]: unknown;
}

export type DetectionDeps = Pick<CoreDeps, 'pool' | 'logger' | 'now' | 'config'>;

export async function runDetection<P>(
  deps: DetectionDeps,
  code: DetectionCode,
  schema: z.ZodType<P>,
  detect: (tx: pg.PoolClient, rule: Extract<RuleSettings<P>, { ok: true }>, now: Date) => Promise<Omit<DetectionReport, 'rule'>>,
): Promise<DetectionReport> {
  const now = deps.now();
  const report = await withTransaction(deps.pool, async (tx): Promise<DetectionReport> => {
    const { rows: [lock] } = await tx.query(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('actionflow.alerts.detect:' || $1, 0)) AS ok`, [code]);
    if (!lock.ok) {
      const skipped = '同一检查正在另一个进程中运行，本次跳过';
      return { rule: code, skipped, summary: skipped };
    }
    const rule = await loadRuleSettings(tx, code, schema);
    if (!rule.ok) return { rule: code, skipped: rule.reason, summary: `${rule.reason}，本次未检查` };
    const result = await detect(tx, rule, now);
    const report = { rule: code, ...result } as DetectionReport;
    await tx.query(
      `INSERT INTO alert_rule_runs (rule_code, started_at, finished_at, result) VALUES ($1, $2, clock_timestamp(), $3)
       ON CONFLICT (rule_code) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, result = EXCLUDED.result`,
      [code, now, JSON.stringify(report)],
    );
    return report;
  });
  deps.logger.info({ rule: code, report }, 'alert detection finished');
  return report;
}

/** '（免打扰时段，2026-05-01 08:07 后发送）' when quiet hours hold the messages back. */
export function heldNote(sendAfter: Date | null, messages: number): string {
  return sendAfter && messages ? `（免打扰时段，${chineseDateTime(sendAfter)} 后发送）` : '';
}

/** `days` full days of silence as a cutoff instant. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
