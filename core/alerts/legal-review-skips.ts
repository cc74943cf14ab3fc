/**
 * 跳过法务审核: a rep whose stage moves in the last `windowDays` skipped the
 * legal-review sub-stage at least `minSkips` times. One alert per rep per
 * week (the dedupe key names the Monday), to the rep's manager and every
 * compliance member, listing the opportunities and the reasons given.
 *
 *   const report = await runLegalReviewSkipsCheck(deps);
 */
import { addCalendarDays, shanghaiDate, shanghaiInstant, weekdayOf } from '../flow/time.js';
import { recipientsByOwnerSql } from './alert-recipients.js';
import { createCandidateTable, materializeAlerts, stageAlerts } from './alert-writer.js';
import { LegalReviewSkipsParamsSchema } from './rule-params.js';
import { quietUntil } from './rule-settings.js';
import { legalReviewSkipsRule, type LegalReviewSkipsCandidate } from './rules/legal-review-skips.rule.js';
import { daysBefore, heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';

/** Monday 00:00 Shanghai of the week containing `now`. */
export function weekStart(now: Date): Date {
  const day = shanghaiDate(now);
  return shanghaiInstant(addCalendarDays(day, -((weekdayOf(day) + 6) % 7)));
}

/**
 * Reps with at least $5 skips of the sub-stage ($3, a stage_moves.skipped
 * pattern) between $2 and $1, without an alert for the week starting $6, with
 * the facts the rule (core/alerts/rules/legal-review-skips.rule.ts) decides from.
 */
const CANDIDATES_SQL = `
  WITH rr AS MATERIALIZED (${recipientsByOwnerSql('$4::text[]')}),
  skips AS (
    SELECT sm.id, sm.opportunity_id, sm.at, sm.reason, COALESCE(sm.by_user_id, sm.owner_id) AS rep_id
      FROM stage_moves sm
     WHERE sm.skipped <> '[]'::jsonb AND sm.at >= $2 AND sm.at <= $1 AND sm.skipped @> $3::jsonb
  ),
  per_rep AS (
    SELECT s.rep_id, max(s.at) AS last_at,
           jsonb_agg(jsonb_build_object('opportunityId', o.id, 'name', o.name, 'customer', c.name, 'customerId', c.id,
                                        'amount', o.amount, 'at', s.at, 'reason', s.reason) ORDER BY s.at, s.id) AS opps
      FROM skips s JOIN opportunities o ON o.id = s.opportunity_id JOIN customers c ON c.id = o.customer_id
     WHERE s.rep_id IS NOT NULL
     GROUP BY s.rep_id HAVING count(*) >= $5::int
  )
  SELECT u.id, u.name, u.wecom_userid, u.department_id, p.last_at, p.opps,
         CASE WHEN m.id IS NULL THEN NULL ELSE jsonb_build_object('id', m.id, 'name', m.name, 'userid', m.wecom_userid) END AS manager,
         COALESCE(rr.recipients, '[]'::jsonb) AS recipients
    FROM per_rep p JOIN users u ON u.id = p.rep_id
    LEFT JOIN users m ON m.id = u.manager_id
    LEFT JOIN rr ON rr.owner_id = p.rep_id
   WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.rule_code = 'legal_review_skips' AND a.subject_type = 'user'
                        AND a.subject_id = p.rep_id AND a.window_start = $6)
   ORDER BY u.id`;

export async function runLegalReviewSkipsCheck(deps: DetectionDeps): Promise<DetectionReport> {
  return runDetection(deps, 'legal_review_skips', LegalReviewSkipsParamsSchema, async (tx, rule, now) => {
    const p = rule.params;
    const subStageKey = p.subStageKey ?? 'legal_review';
    const pattern = [{ ...(p.stageKey ? { stageKey: p.stageKey } : {}), subStageKey }];
    const stageName = await subStageName(tx, p.stageKey, subStageKey);
    const week = weekStart(now);
    const windowFrom = daysBefore(now, p.windowDays);
    const toCandidate = (r: any): LegalReviewSkipsCandidate => ({
      rep: { id: r.id, name: r.name, userid: r.wecom_userid, departmentId: r.department_id }, manager: r.manager,
      skips: r.opps, lastAt: r.last_at, windowFrom, week, stageName, recipients: r.recipients,
    });
    await createCandidateTable(tx);
    const candidates = { text: CANDIDATES_SQL, values: [now, windowFrom, JSON.stringify(pattern), p.recipients, p.minSkips, week] };
    await stageAlerts(tx, candidates, toCandidate, legalReviewSkipsRule, p, now);
    const sendAfter = quietUntil(now, rule.quietHours);
    const r = await materializeAlerts(tx, legalReviewSkipsRule, {
      now, publicUrl: deps.config.publicUrl, secret: deps.config.sessionSecret, sendAfter,
    });
    return {
      summary: `跳过${stageName}检查（近${p.windowDays}天≥${p.minSkips}次）：新增预警 ${r.opened} 条，待发送消息 ${r.messages} 条${heldNote(sendAfter, r.messages)}`,
      opened: r.opened, messages: r.messages, alertIds: r.alertIds,
    };
  });
}

/** 「法务审核」 from the default pipeline, so the alert speaks the admin's words. */
async function subStageName(db: import('../db/pool.js').Db, stageKey: string | undefined, subStageKey: string): Promise<string> {
  const { rows: [p] } = await db.query(`SELECT definition FROM pipelines ORDER BY is_default DESC, id LIMIT 1`);
  for (const stage of p?.definition?.stages ?? []) {
    if (stageKey && stage.key !== stageKey) continue;
    const sub = (stage.subStages ?? []).find((s: any) => s.key === subStageKey);
    if (sub) return `「${sub.name}」`;
  }
  return `「${subStageKey}」`;
}
