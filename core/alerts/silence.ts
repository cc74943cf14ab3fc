/**
 * 沉默客户: an active customer with no effective follow-up (有效跟进) for
 * `days` days. One alert per customer per silence episode — the episode
 * starts at the last effective follow-up (or when the customer became
 * active) — to the owner and their manager. The alert resolves itself once an
 * effective follow-up moves the customer's clock past the episode start; a
 * later silence is a new episode and a new alert.
 *
 * Reads the denormalised customers.last_effective_followup_at (kept current
 * by core/actions/followups.ts) through its partial index, never the
 * follow-ups themselves. Each night only looks at what can have changed since
 * the previous run: customers whose silence crossed the threshold since then
 * (a range on the index) and customers followed up since then (for the
 * resolve pass). A full sweep over every silent customer runs on the first
 * run, after an admin changes the rule, once a week, or when asked
 * (`{ full: true }`), and catches anything the nightly ranges cannot see
 * (reactivated customers, imports, follow-ups dated far back).
 *
 *   const report = await runSilenceCheck(deps); // report.summary: '沉默客户检查（…）：新增预警 3 条 …'
 */
import type { PoolClient } from 'pg';
import type { z } from 'zod';
import { recipientsByOwnerSql } from './alert-recipients.js';
import { createCandidateTable, materializeAlerts, resolveAlertsWhere, stageAlerts } from './alert-writer.js';
import { SilenceParamsSchema } from './rule-params.js';
import { quietUntil } from './rule-settings.js';
import { silenceRule, type SilenceCandidate } from './rules/silence.rule.js';
import { daysBefore, heldNote, runDetection, type DetectionDeps, type DetectionReport } from './run-detection.js';

/**
 * Silent active customers with no alert for their current episode yet, with
 * the facts the rule (core/alerts/rules/silence.rule.ts) decides from.
 * Parameters: $1 cutoff (now − days), $2 recipient roles, $3 lower bound of
 * the silence start (NULL = a full sweep: every silent customer), $4 customer
 * ids to look at whatever their clock (those whose alert was just resolved:
 * they may be silent again). The first two branches are ranges on partial
 * indexes of customers (customers_silence_idx, customers_never_followed_idx).
 */
const silenceCandidatesSql = (full: boolean) => `
  WITH rr AS MATERIALIZED (${recipientsByOwnerSql('$2::text[]')}),
  silent AS (
    SELECT c.id, c.name, c.type, c.owner_id, c.department_id, c.last_effective_followup_at AS since, false AS never
      FROM customers c WHERE c.status = 'active' AND c.last_effective_followup_at < $1
       AND ($3::timestamptz IS NULL OR c.last_effective_followup_at >= $3)
    UNION
    SELECT c.id, c.name, c.type, c.owner_id, c.department_id, c.became_active_at, true
      FROM customers c WHERE c.status = 'active' AND c.last_effective_followup_at IS NULL AND c.became_active_at < $1
       AND ($3::timestamptz IS NULL OR c.became_active_at >= $3)
    UNION
    SELECT c.id, c.name, c.type, c.owner_id, c.department_id, COALESCE(c.last_effective_followup_at, c.became_active_at),
           c.last_effective_followup_at IS NULL
      FROM customers c WHERE c.id = ANY($4::bigint[]) AND c.status = 'active'
       AND COALESCE(c.last_effective_followup_at, c.became_active_at) < $1
  )
  SELECT s.id, s.name, s.type, s.department_id, s.since, s.never,
         CASE WHEN ou.id IS NULL THEN NULL ELSE jsonb_build_object('id', ou.id, 'name', ou.name, 'userid', ou.wecom_userid) END AS owner,
         CASE WHEN mu.id IS NULL THEN NULL ELSE jsonb_build_object('id', mu.id, 'name', mu.name, 'userid', mu.wecom_userid) END AS manager,
         COALESCE(op.list, '[]'::jsonb) AS opportunities, COALESCE(rr.recipients, '[]'::jsonb) AS recipients
    FROM silent s
    LEFT JOIN users ou ON ou.id = s.owner_id
    LEFT JOIN users mu ON mu.id = ou.manager_id
    LEFT JOIN rr ON rr.owner_id = s.owner_id
    LEFT JOIN LATERAL (
      SELECT jsonb_agg(jsonb_build_object('id', o.id, 'name', o.name, 'stage', o.stage_code, 'amount', o.amount)
                       ORDER BY o.amount DESC, o.id) AS list
        FROM (SELECT id, name, stage_code, amount FROM opportunities
               WHERE customer_id = s.id AND status = 'open' ORDER BY amount DESC, id LIMIT 5) o
    ) op ON true
   -- a full sweep skips every episode already alerted (one hash anti-join); a night's range holds
   -- only silences that began after the previous night's cutoff, which cannot have an alert yet
   -- (the rare exception, a same-day episode, is dropped by its dedupe key)
   WHERE ${full ? `NOT EXISTS (SELECT 1 FROM alerts a WHERE a.rule_code = 'silence' AND a.subject_type = 'customer'
                                  AND a.subject_id = s.id AND shanghai_day(a.window_start) = shanghai_day(s.since))` : 'TRUE'}`;

function toSilenceCandidate(r: any): SilenceCandidate {
  return {
    customer: { id: r.id, name: r.name, type: r.type }, departmentId: r.department_id, owner: r.owner, manager: r.manager,
    since: r.since, neverFollowedUp: r.never, opportunities: r.opportunities, recipients: r.recipients,
  };
}

export interface SilenceScan {
  params: z.output<typeof SilenceParamsSchema>;
  now: Date;
  /** Silences that began on or after this are looked at (null: all of them, a full sweep). */
  since: Date | null;
  /** Customers to look at whatever their clock (their alert was just resolved). */
  customerIds: number[];
}

/** The candidates selected, decided by the rule and staged in alert_candidates; how many alerts were staged. */
export function stageSilenceAlerts(tx: PoolClient, s: SilenceScan): Promise<number> {
  const candidates = {
    text: silenceCandidatesSql(s.since === null), values: [daysBefore(s.now, s.params.days), s.params.recipients, s.since, s.customerIds],
  };
  return stageAlerts(tx, candidates, toSilenceCandidate, silenceRule, s.params, s.now);
}

export interface SilenceOptions {
  /** Look at every silent customer, not only what changed since the previous run. */
  full?: boolean;
}

/** A full sweep at least this often, whatever happened in between. */
const FULL_SWEEP_EVERY_MS = 7 * 86_400_000;
/** Follow-ups recorded with a time up to a day before the previous run still end an episode that night. */
const FOLLOW_UP_MARGIN_MS = 86_400_000;

interface PreviousRun { startedAt: Date; cutoff: Date | null; ruleUpdatedAt: string | null; fullSweepAt: Date | null }

/**
 * Resolves alerts whose customer was effectively followed up after the
 * episode began (or is no longer active). Nightly, only customers followed up
 * since `followedUpSince` are looked at, by id on the index of open alerts.
 */
async function resolveSilences(tx: PoolClient, now: Date, followedUpSince: Date | null): Promise<number[]> {
  const ended = `a.rule_code = 'silence' AND a.subject_type = 'customer' AND EXISTS (
    SELECT 1 FROM customers c WHERE c.id = a.subject_id AND (c.last_effective_followup_at > a.window_start OR c.status <> 'active'))`;
  const how = { now, note: '已有效跟进', actorId: null, via: 'auto' as const };
  if (!followedUpSince) return resolveAlertsWhere(tx, () => ended, how);
  const { rows } = await tx.query<{ id: number }>(
    `SELECT id FROM customers WHERE status = 'active' AND last_effective_followup_at >= $1`, [followedUpSince]);
  if (rows.length === 0) return [];
  return resolveAlertsWhere(tx, (sql) => `${ended} AND a.subject_id = ANY(${sql.param(rows.map((r) => r.id))}::bigint[])`, how);
}

export async function runSilenceCheck(deps: DetectionDeps, opts: SilenceOptions = {}): Promise<DetectionReport> {
  return runDetection(deps, 'silence', SilenceParamsSchema, async (tx, rule, now) => {
    const { days } = rule.params;
    const cutoff = daysBefore(now, days);
    const prev = await previousRun(tx);
    // any edit of the rule (threshold, recipients, re-enabling) starts over with a full sweep
    const full = opts.full || !prev || !prev.cutoff || prev.ruleUpdatedAt !== rule.updatedAt.toISOString()
      || !prev.fullSweepAt || now.getTime() - prev.fullSweepAt.getTime() >= FULL_SWEEP_EVERY_MS;
    // since the previous run: silences that crossed the threshold, follow-ups that ended one
    const lower = full ? null : prev!.cutoff;
    const resolvedIds = await resolveSilences(tx, now, full ? null : new Date(prev!.startedAt.getTime() - FOLLOW_UP_MARGIN_MS));
    const { rows: resolvedSubjects } = await tx.query<{ id: number }>(
      'SELECT subject_id AS id FROM alerts WHERE id = ANY($1)', [resolvedIds]);
    await createCandidateTable(tx);
    await stageSilenceAlerts(tx, { params: rule.params, now, since: lower, customerIds: resolvedSubjects.map((r) => r.id) });
    const sendAfter = quietUntil(now, rule.quietHours);
    const r = await materializeAlerts(tx, silenceRule, {
      now, publicUrl: deps.config.publicUrl, secret: deps.config.sessionSecret, sendAfter,
    });
    return {
      summary: `沉默客户检查（连续${days}天无有效跟进，${full ? '全量' : '增量'}）：新增预警 ${r.opened} 条，待发送消息 ${r.messages} 条` +
        `${heldNote(sendAfter, r.messages)}，自动解除 ${resolvedIds.length} 条`,
      opened: r.opened, messages: r.messages, resolved: resolvedIds.length, alertIds: r.alertIds, thresholdDays: days,
      mode: full ? 'full' : 'incremental', cutoff: cutoff.toISOString(), ruleUpdatedAt: rule.updatedAt.toISOString(),
      fullSweepAt: (full ? now : prev!.fullSweepAt!).toISOString(),
    };
  });
}

async function previousRun(tx: PoolClient): Promise<PreviousRun | null> {
  const { rows: [r] } = await tx.query(`SELECT started_at, result FROM alert_rule_runs WHERE rule_code = 'silence'`);
  if (!r) return null;
  const date = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);
  return {
    startedAt: r.started_at, cutoff: date(r.result?.cutoff), fullSweepAt: date(r.result?.fullSweepAt),
    ruleUpdatedAt: typeof r.result?.ruleUpdatedAt === 'string' ? r.result.ruleUpdatedAt : null,
  };
}
