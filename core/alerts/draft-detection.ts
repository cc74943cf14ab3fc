/**
 * The frame of a detection whose wording lives in a pure rule file
 * (core/alerts/rules/*.rule.ts): inside runDetection, resolve what was fixed
 * since, select candidates in SQL, let the rule word each one as an
 * AlertDraft, write them as candidates (recipients resolved set-based from
 * the owner) and materialise them with the shared alert writer.
 *
 *   return detectDrafts(deps, 'order_errors', '订单错漏', OrderErrorsParamsSchema, { select: async (tx, p, now) => drafts });
 */
import type { PoolClient } from 'pg';
import type { z } from 'zod';
import type { WarningFact } from '../wecom/template-cards.js';
import { recipientsByOwnerSql } from './alert-recipients.js';
import { createCandidateTable, materializeAlerts } from './alert-writer.js';
import type { AlertDraft } from './rules/alert-draft.js';
import { quietUntil, type RuleCode } from './rule-settings.js';
import { heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';

export type OwnedDraft = AlertDraft & { ownerId: number | null; departmentId: number | null };

const facts = (data: { facts?: WarningFact[] }): WarningFact[] => data.facts ?? [];

/** Drafts (with the customer's owner) into alert_candidates, recipients resolved set-based from the owner. */
async function writeDrafts(
  tx: PoolClient, code: RuleCode, drafts: OwnedDraft[], recipients: string[],
): Promise<void> {
  await createCandidateTable(tx);
  if (drafts.length === 0) return;
  await tx.query(
    `WITH rr AS MATERIALIZED (${recipientsByOwnerSql('$2::text[]')})
     INSERT INTO alert_candidates (dedupe_key, rule_code, subject_type, subject_id, owner_id, department_id, window_start,
                                   severity, title, summary, data, recipients)
     SELECT d.dedupe_key, $3, d.subject_type, d.subject_id, d.owner_id, d.department_id, d.window_start,
            d.severity, d.title, d.summary, d.data, COALESCE(rr.recipients, '[]'::jsonb)
       FROM jsonb_to_recordset($1::jsonb) AS d(dedupe_key text, subject_type text, subject_id bigint, owner_id bigint, department_id bigint,
                                               window_start timestamptz, severity text, title text, summary text, data jsonb)
       LEFT JOIN rr ON rr.owner_id = d.owner_id
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [JSON.stringify(drafts.map((d) => ({
      dedupe_key: d.dedupeKey, subject_type: d.subjectType, subject_id: d.subjectId, owner_id: d.ownerId, department_id: d.departmentId,
      window_start: d.windowStart, severity: d.severity, title: d.title, summary: d.summary, data: d.data,
    }))), recipients, code]);
}

type Params<S extends z.ZodType> = z.output<S>;

/** The frame each check shares: resolve what was fixed, select, word, write; one summary line. */
export async function detectDrafts<S extends z.ZodType>(
  deps: DetectionDeps, code: RuleCode, label: string, schema: S,
  steps: {
    resolve?: (tx: PoolClient, now: Date) => Promise<number[]>;
    select: (tx: PoolClient, p: Params<S>, now: Date) => Promise<OwnedDraft[]>;
    /** Extra fields for the run's report (kept in alert_rule_runs: a watermark for the next run). */
    report?: () => Record<string, unknown>;
  },
): Promise<DetectionReport> {
  return runDetection(deps, code, schema, async (tx, rule, now) => {
    const resolved = steps.resolve ? await steps.resolve(tx, now) : [];
    const drafts = await steps.select(tx, rule.params as Params<S>, now);
    await writeDrafts(tx, code, drafts, (rule.params as { recipients: string[] }).recipients);
    const sendAfter = quietUntil(now, rule.quietHours);
    const r = await materializeAlerts(tx, { now, publicUrl: deps.config.publicUrl, secret: deps.config.sessionSecret, sendAfter, facts });
    return {
      summary: `${label}：发现${drafts.length}项，新增预警${r.opened}条，发送${r.messages}条卡片${heldNote(sendAfter, r.messages)}${resolved.length ? `；${resolved.length}条已自动解除` : ''}`,
      found: drafts.length, opened: r.opened, messages: r.messages, resolved: resolved.length, ...steps.report?.(),
    };
  });
}

