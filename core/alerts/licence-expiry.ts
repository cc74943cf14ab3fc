/**
 * 证照到期 (rule `licence_expiry`): current customer licences expiring within
 * the configured number of days (the setting profile.licence-expiry), to the
 * owner and their manager; confirming a newer licence resolves the alert.
 *
 *   const report = await runLicenceExpiry(deps, 30);
 */
import { LICENCE_KIND_LABELS, type LicenceKind } from '../flow/licence-kinds.js';
import { shanghaiDate } from '../flow/time.js';
import { resolveAlertsWhere } from './alert-writer.js';
import { detectWithRule } from './rule-detection.js';
import { customerCandidate } from './rules/customer-candidate.js';
import { licenceExpiryRule } from './rules/licence-expiry.rule.js';
import type { DetectionDeps, DetectionReport } from './run-detection.js';

export function runLicenceExpiry(deps: DetectionDeps, daysAhead: number): Promise<DetectionReport> {
  return detectWithRule(deps, licenceExpiryRule, {
    resolve: (tx, now) => resolveAlertsWhere(tx, () => `a.rule_code = 'licence_expiry' AND EXISTS (
      SELECT 1 FROM customer_licences l WHERE l.id = a.subject_id AND l.superseded_at IS NOT NULL)`,
    { now, note: '已换新证照', actorId: null, via: 'auto' }),
    candidates: (_tx, _p, now) => [{
      text: `SELECT l.id, l.kind, l.name AS licence_name, l.expires_on, c.id AS customer_id, c.name AS customer_name, c.owner_id, c.department_id,
                    u.name AS owner_name, (l.expires_on - $1::date) AS days_left
               FROM customer_licences l JOIN customers c ON c.id = l.customer_id AND c.status = 'active'
               LEFT JOIN users u ON u.id = c.owner_id
              WHERE l.superseded_at IS NULL AND l.expires_on IS NOT NULL AND l.expires_on <= $1::date + $2::int
                AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dedupe_key = 'licence_expiry:' || l.id || ':' || l.expires_on)`,
      values: [shanghaiDate(now), daysAhead],
      toRow: (r) => ({
        ...customerCandidate(r), licenceId: r.id, kindLabel: LICENCE_KIND_LABELS[r.kind as LicenceKind], licenceName: r.licence_name,
        expiresOn: r.expires_on, daysLeft: r.days_left, daysAhead,
      }),
    }],
  });
}
