/**
 * 跳过法务审核: a rep whose stage moves in the last `windowDays` skipped the
 * legal-review sub-stage at least `minSkips` times. One alert per rep per
 * week (the dedupe key names the Monday), to the rep's manager and every
 * compliance member, listing the opportunities and the reasons given.
 *
 *   const report = await runLegalReviewSkipsCheck(deps);
 */
import { LegalReviewSkipsParamsSchema } from './rule-params.js';
import { addCalendarDays, shanghaiDate, shanghaiInstant, weekdayOf } from '../flow/time.js';
import type { WarningFact } from '../wecom/template-cards.js';
import { recipientsByOwnerSql } from './alert-recipients.js';
import { cardDate } from './alert-cards.js';
import { createCandidateTable, materializeAlerts } from './alert-writer.js';
import { quietUntil } from './rule-settings.js';
import { daysBefore, heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';

/** Monday 00:00 Shanghai of the week containing `now`. */
export function weekStart(now: Date): Date {
  const day = shanghaiDate(now);
  return shanghaiInstant(addCalendarDays(day, -((weekdayOf(day) + 6) % 7)));
}

const CANDIDATES_SQL = `
  WITH rr AS MATERIALIZED (${recipientsByOwnerSql('$4::text[]')}),
  skips AS (
    SELECT sm.id, sm.opportunity_id, sm.at, sm.reason, COALESCE(sm.by_user_id, sm.owner_id) AS rep_id
      FROM stage_moves sm
     WHERE sm.skipped <> '[]'::jsonb AND sm.at >= $2 AND sm.at <= $1 AND sm.skipped @> $3::jsonb
  ),
  per_rep AS (
    SELECT s.rep_id, count(*)::int AS n, max(s.at) AS last_at,
           jsonb_agg(jsonb_build_object('opportunityId', o.id, 'name', o.name, 'customer', c.name, 'customerId', c.id,
                                        'amount', o.amount, 'at', s.at, 'reason', s.reason) ORDER BY s.at, s.id) AS opps
      FROM skips s JOIN opportunities o ON o.id = s.opportunity_id JOIN customers c ON c.id = o.customer_id
     WHERE s.rep_id IS NOT NULL
     GROUP BY s.rep_id HAVING count(*) >= $5::int
  )
  INSERT INTO alert_candidates (dedupe_key, rule_code, subject_type, subject_id, owner_id, department_id, window_start,
                                severity, title, summary, data, recipients)
  SELECT 'legal_review_skips:' || p.rep_id || ':' || $7::text, 'legal_review_skips', 'user', p.rep_id, p.rep_id,
         u.department_id, $6::timestamptz,
         CASE WHEN p.n >= 2 * $5::int THEN 'critical' ELSE 'warning' END,
         u.name || '近' || $8::int || '天' || p.n || '次跳过' || $9::text,
         '涉及商机：' || (SELECT string_agg(x->>'name', '、') FROM jsonb_array_elements(p.opps) x)
           || '（规则：' || $8::int || '天内跳过' || $5::int || '次及以上即预警）',
         jsonb_build_object(
           'rep', jsonb_build_object('id', u.id, 'name', u.name, 'userid', u.wecom_userid),
           'manager', CASE WHEN m.id IS NULL THEN NULL ELSE jsonb_build_object('id', m.id, 'name', m.name, 'userid', m.wecom_userid) END,
           'skips', p.n, 'minSkips', $5::int, 'windowDays', $8::int, 'windowFrom', $2::timestamptz, 'lastAt', p.last_at,
           'stageName', $9::text,
           'why', p.n || '次跳过' || $9::text || '，达到规则阈值' || $5::int || '次',
           'opportunities', p.opps),
         COALESCE(rr.recipients, '[]'::jsonb)
    FROM per_rep p JOIN users u ON u.id = p.rep_id
    LEFT JOIN users m ON m.id = u.manager_id
    LEFT JOIN rr ON rr.owner_id = p.rep_id
   WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = 'legal_review_skips:' || p.rep_id || ':' || $7::text)`;

export async function runLegalReviewSkipsCheck(deps: DetectionDeps): Promise<DetectionReport> {
  return runDetection(deps, 'legal_review_skips', LegalReviewSkipsParamsSchema, async (tx, rule, now) => {
    const p = rule.params;
    const subStageKey = p.subStageKey ?? 'legal_review';
    const pattern = [{ ...(p.stageKey ? { stageKey: p.stageKey } : {}), subStageKey }];
    const stageName = await subStageName(tx, p.stageKey, subStageKey);
    const week = weekStart(now);
    await createCandidateTable(tx);
    await tx.query(CANDIDATES_SQL, [
      now, daysBefore(now, p.windowDays), JSON.stringify(pattern), p.recipients, p.minSkips, week, shanghaiDate(week),
      p.windowDays, stageName,
    ]);
    const sendAfter = quietUntil(now, rule.quietHours);
    const r = await materializeAlerts(tx, {
      now, publicUrl: deps.config.publicUrl, secret: deps.config.sessionSecret, sendAfter, facts: legalReviewSkipFacts,
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

/** 业务员 / 跳过次数 / 统计区间 / 涉及商机 / 最近一次. */
export function legalReviewSkipFacts(data: any): WarningFact[] {
  const opps: Array<{ name: string; customer: string }> = data.opportunities ?? [];
  return [
    { label: '业务员', value: data.rep?.name ?? '', userid: data.rep?.userid },
    { label: '跳过次数', value: `${data.skips}次（阈值${data.minSkips}次）` },
    { label: '统计区间', value: `近${data.windowDays}天` },
    { label: '涉及商机', value: opps.slice(0, 3).map((o) => o.name).join('、') + (opps.length > 3 ? `等${opps.length}个` : '') },
    { label: '最近一次', value: cardDate(data.lastAt) },
  ];
}
