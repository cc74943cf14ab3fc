/**
 * The frame of a detection about customers' orders, complaints and licences
 * (core/alerts/fulfilment-checks.ts, licence-expiry.ts): inside
 * runDetection, resolve what was fixed since, select candidates in SQL (each
 * row with its owner's recipients), let the kind's pure rule
 * (core/alerts/rules/<kind>.rule.ts) decide each one, and materialise them
 * with the shared alert writer.
 *
 *   return detectWithRule(deps, orderErrorsRule, { candidates: (p, now) => [{ text, values, toRow }] });
 */
import type { PoolClient } from 'pg';
import type { z } from 'zod';
import { recipientsByOwnerSql } from './alert-recipients.js';
import { createCandidateTable, materializeAlerts, stageAlerts } from './alert-writer.js';
import type { AlertRuleDefinition } from './rules/alert-rule.js';
import type { AlertRuleKind } from './rules/index.js';
import { quietUntil } from './rule-settings.js';
import { heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';

/** A candidate query: its SQL selects an `owner_id` column; its rows are read by `toRow`. */
export interface CandidateQuery<Row> {
  text: string;
  values: unknown[];
  toRow: (r: any) => Row;
}

/** The query's rows with a `recipients` column: the rule's recipient roles resolved from each row's owner. */
function withRecipients<Row>(q: CandidateQuery<Row>, roles: readonly string[]): { text: string; values: unknown[] } {
  const n = q.values.length + 1;
  return {
    text: `WITH rr AS MATERIALIZED (${recipientsByOwnerSql(`$${n}::text[]`)})
           SELECT x.*, COALESCE(rr.recipients, '[]'::jsonb) AS recipients FROM (${q.text}) x LEFT JOIN rr ON rr.owner_id = x.owner_id`,
    values: [...q.values, roles],
  };
}

type Params<S extends z.ZodObject> = z.output<S> & { recipients: string[] };

export async function detectWithRule<K extends AlertRuleKind, S extends z.ZodObject, Row>(
  deps: DetectionDeps, rule: AlertRuleDefinition<K, S, Row>,
  steps: {
    resolve?: (tx: PoolClient, now: Date) => Promise<number[]>;
    candidates: (tx: PoolClient, p: Params<S>, now: Date) => Promise<Array<CandidateQuery<Row>>> | Array<CandidateQuery<Row>>;
    /** Extra fields for the run's report (kept in alert_rule_runs: a watermark for the next run). */
    report?: () => Record<string, unknown>;
  },
): Promise<DetectionReport> {
  return runDetection(deps, rule.kind, rule.schema, async (tx, settings, now) => {
    const p = settings.params as Params<S>;
    const resolved = steps.resolve ? await steps.resolve(tx, now) : [];
    await createCandidateTable(tx);
    let found = 0;
    for (const q of await steps.candidates(tx, p, now)) found += await stageAlerts(tx, withRecipients(q, p.recipients), q.toRow, rule, p, now);
    const sendAfter = quietUntil(now, settings.quietHours);
    const r = await materializeAlerts(tx, rule, { now, publicUrl: deps.config.publicUrl, secret: deps.config.sessionSecret, sendAfter });
    return {
      summary: `${rule.label}：发现${found}项，新增预警${r.opened}条，发送${r.messages}条卡片${heldNote(sendAfter, r.messages)}${resolved.length ? `；${resolved.length}条已自动解除` : ''}`,
      found, opened: r.opened, messages: r.messages, resolved: resolved.length, ...steps.report?.(),
    };
  });
}
