/**
 * The four order-fulfilment checks — 首单延迟发货, 返单超期, 订单错漏,
 * 客户投诉升级 — through the same alert machinery as the others: each runs in
 * runDetection (its alert_rules row, advisory lock, run log), selects its
 * candidates in one set-based query, lets its pure rule file
 * (core/alerts/rules/*.rule.ts) word them, and writes them with
 * materializeAlerts (dedupe keys: running twice sends nothing twice). What
 * has been fixed since (the order shipped, a new order came, the complaint
 * was resolved) resolves its alert first.
 *
 *   const reports = await runFulfilmentChecks(deps); // one report per rule, each with a Chinese summary
 */
import type { PoolClient } from 'pg';
import { resolveAlertsWhere } from './alert-writer.js';
import { detectWithRule } from './rule-detection.js';
import { complaintEscalationRule, type ComplaintCandidate } from './rules/complaint-escalation.rule.js';
import { customerCandidate } from './rules/customer-candidate.js';
import { firstOrderLateRule } from './rules/first-order-late.rule.js';
import { orderErrorsRule } from './rules/order-errors.rule.js';
import { reorderOverdueRule } from './rules/reorder-overdue.rule.js';
import { daysBefore, type DetectionDeps, type DetectionReport } from './run-detection.js';

const how = (now: Date, note: string) => ({ now, note, actorId: null, via: 'auto' as const });

export function runFirstOrderLate(deps: DetectionDeps): Promise<DetectionReport> {
  return detectWithRule(deps, firstOrderLateRule, {
    resolve: (tx, now) => resolveAlertsWhere(tx, () => `a.rule_code = 'first_order_late' AND EXISTS (
      SELECT 1 FROM orders o WHERE o.customer_id = a.subject_id AND o.kind = 'order' AND o.shipped_at IS NOT NULL)`, how(now, '首单已发货')),
    candidates: (_tx, p, now) => [{
      text: `SELECT c.id AS customer_id, c.name AS customer_name, c.owner_id, c.department_id, u.name AS owner_name, c.signed_at,
                    fo.id AS order_id, fo.order_no, fo.ordered_at
               FROM customers c
               LEFT JOIN users u ON u.id = c.owner_id
               LEFT JOIN LATERAL (SELECT o.id, o.order_no, o.ordered_at, o.shipped_at FROM orders o
                                   WHERE o.customer_id = c.id AND o.kind = 'order' AND o.status <> 'cancelled'
                                   ORDER BY o.ordered_at LIMIT 1) fo ON true
              WHERE c.signed_at >= $1 AND c.signed_at < $2 AND c.status = 'active' AND fo.shipped_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = 'first_order_late:' || c.id)`,
      values: [daysBefore(now, p.signedWithinDays), daysBefore(now, p.days)],
      toRow: (r) => ({ ...customerCandidate(r), signedAt: r.signed_at, orderId: r.order_id, orderNo: r.order_no, orderedAt: r.ordered_at }),
    }],
  });
}

/**
 * Brings customer_order_cadence up to date for the customers whose orders
 * were added or updated since the previous run (all of them on the first):
 * the order id and ERP update id it has seen are kept in the run's report.
 */
async function refreshCadence(tx: PoolClient): Promise<{ orderMark: number; updateMark: number; refreshed: number }> {
  const { rows: [prev] } = await tx.query(`SELECT result FROM alert_rule_runs WHERE rule_code = 'reorder_overdue'`);
  const since = { order: Number(prev?.result?.orderMark ?? -1), update: Number(prev?.result?.updateMark ?? -1) };
  const { rows: [marks] } = await tx.query(
    'SELECT COALESCE((SELECT max(id) FROM orders), 0) AS o, COALESCE((SELECT max(id) FROM order_updates), 0) AS u');
  const full = since.order < 0;
  const touched = full ? 'SELECT id AS customer_id FROM customers' : `
    SELECT customer_id FROM orders WHERE id > $1
    UNION SELECT o.customer_id FROM order_updates u JOIN orders o ON o.id = u.order_id WHERE u.id > $2`;
  const { rowCount } = await tx.query(
    `WITH touched AS (${touched}),
     g AS (SELECT o.customer_id, o.ordered_at,
                  extract(epoch FROM o.ordered_at - lag(o.ordered_at) OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at)) / 86400 AS gap
             FROM orders o WHERE o.customer_id IN (SELECT customer_id FROM touched) AND o.kind = 'order' AND o.status <> 'cancelled'),
     s AS (SELECT customer_id, count(*)::int AS n, max(ordered_at) AS last_at,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE gap IS NOT NULL) AS usual
             FROM g GROUP BY customer_id)
     INSERT INTO customer_order_cadence (customer_id, orders, last_order_at, usual_days, refreshed_at)
     SELECT customer_id, n, last_at, usual, now() FROM s
     ON CONFLICT (customer_id) DO UPDATE SET orders = EXCLUDED.orders, last_order_at = EXCLUDED.last_order_at,
       usual_days = EXCLUDED.usual_days, refreshed_at = EXCLUDED.refreshed_at`,
    full ? [] : [since.order, since.update]);
  return { orderMark: Number(marks.o), updateMark: Number(marks.u), refreshed: rowCount ?? 0 };
}

export function runReorderOverdue(deps: DetectionDeps): Promise<DetectionReport> {
  let marks: Awaited<ReturnType<typeof refreshCadence>> | null = null;
  return detectWithRule(deps, reorderOverdueRule, {
    resolve: async (tx, now) => {
      marks = await refreshCadence(tx);
      return resolveAlertsWhere(tx, () => `a.rule_code = 'reorder_overdue' AND EXISTS (
        SELECT 1 FROM customer_order_cadence k WHERE k.customer_id = a.subject_id AND k.last_order_at > a.window_start)`,
      how(now, '客户已返单'));
    },
    candidates: (_tx, p, now) => [{
      text: `SELECT c.id AS customer_id, c.name AS customer_name, c.owner_id, c.department_id, u.name AS owner_name,
                    k.orders AS n, k.last_order_at AS last_at, k.usual_days AS usual,
                    floor(extract(epoch FROM $1::timestamptz - k.last_order_at) / 86400)::int AS since
               FROM customer_order_cadence k JOIN customers c ON c.id = k.customer_id AND c.status = 'active'
               LEFT JOIN users u ON u.id = c.owner_id
              WHERE k.orders >= $2 AND k.usual_days IS NOT NULL AND k.last_order_at < $5
                AND extract(epoch FROM $1::timestamptz - k.last_order_at) / 86400 > k.usual_days * $3
                AND extract(epoch FROM $1::timestamptz - k.last_order_at) / 86400 > k.usual_days + $4
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = 'reorder_overdue:' || c.id || ':' || to_char(shanghai_day(k.last_order_at), 'YYYY-MM-DD'))`,
      values: [now, p.minOrders, p.factor, p.minDaysLate, daysBefore(now, p.minDaysLate)],
      toRow: (r) => ({ ...customerCandidate(r), orders: r.n, lastOrderAt: r.last_at, usualDays: r.usual, daysSince: r.since }),
    }],
    report: () => ({ ...marks }),
  });
}

export function runOrderErrors(deps: DetectionDeps): Promise<DetectionReport> {
  return detectWithRule(deps, orderErrorsRule, {
    candidates: (_tx, p, now) => [{
      text: `SELECT o.id, o.order_no, o.confirmed_at, c.id AS customer_id, c.name AS customer_name, c.owner_id, c.department_id, u.name AS owner_name,
                    array_agg(l.sku || ' 第' || l.line_no || '行') FILTER (WHERE l.changed_after_confirm) AS changed,
                    array_agg(l.sku || ' 退' || trim(trailing '.' FROM trim(trailing '0' FROM l.qty_returned::text))) FILTER (WHERE l.qty_returned > 0) AS returned,
                    array_agg(l.sku || ' 发' || trim(trailing '.' FROM trim(trailing '0' FROM l.qty_shipped::text)) || '/订'
                              || trim(trailing '.' FROM trim(trailing '0' FROM l.qty_ordered::text)))
                      FILTER (WHERE o.status IN ('shipped','delivered') AND l.qty_shipped <> l.qty_ordered) AS short_or_over
               FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id
               LEFT JOIN users u ON u.id = c.owner_id
              WHERE (l.changed_after_confirm OR l.qty_returned > 0 OR l.qty_shipped <> l.qty_ordered)
                AND o.confirmed_at >= $1 AND o.status <> 'cancelled'
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = 'order_errors:' || o.id)
              GROUP BY o.id, c.id, u.name`,
      values: [daysBefore(now, p.lookbackDays)],
      toRow: (r) => ({ ...customerCandidate(r), orderId: r.id, orderNo: r.order_no, confirmedAt: r.confirmed_at,
        changed: r.changed ?? [], returned: r.returned ?? [], shortOrOver: r.short_or_over ?? [] }),
    }],
  });
}

export function runComplaintEscalation(deps: DetectionDeps): Promise<DetectionReport> {
  return detectWithRule<'complaint_escalation', typeof complaintEscalationRule.schema, ComplaintCandidate>(deps, complaintEscalationRule, {
    resolve: (tx, now) => resolveAlertsWhere(tx, () => `a.rule_code = 'complaint_escalation' AND a.subject_type = 'complaint' AND EXISTS (
      SELECT 1 FROM complaints k WHERE k.id = a.subject_id AND k.status = 'resolved')`, how(now, '投诉已解决')),
    candidates: (_tx, p, now) => [{
      text: `SELECT k.id, k.title, k.severity, k.received_at, k.sla_due_at, c.id AS customer_id, c.name AS customer_name,
                    k.owner_id, k.department_id, u.name AS owner_name
               FROM complaints k JOIN customers c ON c.id = k.customer_id LEFT JOIN users u ON u.id = k.owner_id
              WHERE k.status = 'open' AND k.sla_due_at < $1
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = 'complaint_overdue:' || k.id)`,
      values: [now],
      toRow: (r) => ({ ...customerCandidate(r), escalation: 'overdue', complaintId: r.id, title: r.title, severity: r.severity,
        receivedAt: r.received_at, slaDueAt: r.sla_due_at }),
    }, {
      text: `SELECT c.id AS customer_id, c.name AS customer_name, c.owner_id, c.department_id, u.name AS owner_name,
                    count(*)::int AS n, min(k.received_at) AS first_at
               FROM complaints k JOIN customers c ON c.id = k.customer_id LEFT JOIN users u ON u.id = c.owner_id
              WHERE k.received_at >= $1
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.rule_code = 'complaint_escalation' AND a.subject_type = 'customer'
                                  AND a.subject_id = c.id AND a.status <> 'resolved')
              GROUP BY c.id, u.name HAVING count(*) >= $2`,
      values: [daysBefore(now, p.repeatWindowDays), p.repeatCount],
      toRow: (r) => ({ ...customerCandidate(r), escalation: 'repeated', count: r.n, firstAt: r.first_at }),
    }],
  });
}

/** All four, one after another (each its own transaction and lock). */
export async function runFulfilmentChecks(deps: DetectionDeps): Promise<DetectionReport[]> {
  return [await runFirstOrderLate(deps), await runReorderOverdue(deps), await runOrderErrors(deps), await runComplaintEscalation(deps)];
}
