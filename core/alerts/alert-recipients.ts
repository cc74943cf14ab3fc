/**
 * Who an alert goes to, relative to the rep it is about ("owner"): the
 * recipients an admin names on a rule (core/alerts/rule-params.ts ALERT_RECIPIENTS)
 * resolved to active members, set-based, for every member at once, so a scan
 * over a million customers joins a few hundred rows instead of resolving
 * people per customer.
 *
 *   WITH rr AS (${recipientsByOwnerSql('$3')}) SELECT … FROM customers c LEFT JOIN rr ON rr.owner_id = c.owner_id
 */
import { pathInSubtreeSql } from '../auth/department-subtree.js';

/**
 * SELECT owner_id, recipients (jsonb [{userId, role}]) over all users. `rolesParam`
 * names a text[] parameter with the rule's recipients: owner, owner_manager /
 * manager (the owner's direct manager), director (the directors above the
 * owner's department, else every director), compliance, admin. A person
 * reached by several roles appears once, under the first role.
 */
export function recipientsByOwnerSql(rolesParam: string): string {
  return `
    SELECT o.id AS owner_id,
           COALESCE((
             SELECT jsonb_agg(jsonb_build_object('userId', p.user_id, 'role', p.role) ORDER BY p.ord, p.user_id)
               FROM (SELECT DISTINCT ON (x.user_id) x.user_id, x.role, x.ord
                       FROM (
                         SELECT o.id AS user_id, 'owner' AS role, 1 AS ord
                          WHERE o.active AND 'owner' = ANY(${rolesParam})
                         UNION ALL
                         SELECT m.id, 'manager', 2 FROM users m
                          WHERE m.id = o.manager_id AND m.active
                            AND ('manager' = ANY(${rolesParam}) OR 'owner_manager' = ANY(${rolesParam}))
                         UNION ALL
                         SELECT d.id, 'director', 3 FROM users d LEFT JOIN departments dd ON dd.id = d.department_id
                          WHERE d.role = 'director' AND d.active AND 'director' = ANY(${rolesParam})
                            AND (${pathInSubtreeSql('od.path', 'dd.path')} OR NOT EXISTS (
                                  SELECT 1 FROM users d2 JOIN departments dd2 ON dd2.id = d2.department_id
                                   WHERE d2.role = 'director' AND d2.active AND ${pathInSubtreeSql('od.path', 'dd2.path')}))
                         UNION ALL
                         SELECT c.id, 'compliance', 4 FROM users c
                          WHERE c.role = 'compliance' AND c.active AND 'compliance' = ANY(${rolesParam})
                         UNION ALL
                         SELECT a.id, 'admin', 5 FROM users a
                          WHERE a.role = 'admin' AND a.active AND 'admin' = ANY(${rolesParam})
                       ) x
                      ORDER BY x.user_id, x.ord) p
           ), '[]'::jsonb) AS recipients
      FROM users o LEFT JOIN departments od ON od.id = o.department_id`;
}
