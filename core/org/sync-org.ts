import type pg from 'pg';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { revokeUserSessions } from '../sessions/sessions.js';
import { recordEvent } from '../resources/events.js';
import { stripBidi } from '../resources/schemas.js';
import type { WecomClient, WecomDepartment, WecomUser } from '../wecom/wecom-client.js';

export interface SyncOrgResult {
  departments: number;
  usersCreated: number;
  usersUpdated: number;
  usersDeactivated: number;
}

const SYNC_LOCK = 7_100_003;

/**
 * Mirrors WeCom's departments and members into ours. Idempotent: running it
 * twice changes nothing the second time. Members who left (or are missing,
 * disabled) are deactivated, never deleted — their history stays attributable.
 * Roles set by admins are kept; a new member is a manager when WeCom marks
 * them leader of their main department, otherwise a rep.
 */
export async function syncOrgFromWecom(
  pool: pg.Pool, wecom: WecomClient, opts: { now: Date; logger: Logger },
): Promise<SyncOrgResult> {
  // fetch outside the transaction: WeCom round-trips must not hold row locks
  const departments = await wecom.listDepartments();
  const members = new Map<string, WecomUser>();
  for (const d of departments) {
    for (const u of await wecom.listUsersInDepartment(d.id)) members.set(u.userid, u);
  }
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK]);
    const deptIds = await upsertDepartments(tx, departments);
    const result: SyncOrgResult = { departments: departments.length, usersCreated: 0, usersUpdated: 0, usersDeactivated: 0 };
    const leaders = leaderOfDepartment(departments, members);
    for (const u of members.values()) {
      if (u.status === 5 || u.status === 2) continue;
      const deptWecomId = u.mainDepartment ?? u.departmentIds[0];
      const isLeader = u.departmentIds.some((d, i) => d === deptWecomId && u.isLeaderInDept[i] === 1);
      const { rows } = await tx.query(
        `INSERT INTO users (wecom_userid, name, role, department_id, position)
         VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (wecom_userid) DO UPDATE SET
           name = EXCLUDED.name, department_id = EXCLUDED.department_id, position = EXCLUDED.position,
           active = true, deactivated_at = NULL,
           updated_at = CASE WHEN (users.name, users.department_id, users.position, users.active)
                              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.department_id, EXCLUDED.position, true)
                             THEN now() ELSE users.updated_at END
         RETURNING (xmax = 0) AS inserted`,
        [u.userid, stripBidi(u.name), isLeader ? 'manager' : 'rep', deptIds.get(deptWecomId) ?? null, u.position ?? null],
      );
      if (rows[0].inserted) result.usersCreated++;
      else result.usersUpdated++;
    }
    await linkManagers(tx, members, leaders);
    const gone = await tx.query(
      `UPDATE users SET active = false, deactivated_at = $2, updated_at = now()
        WHERE active AND NOT (wecom_userid = ANY($1::text[])) RETURNING id, wecom_userid`,
      [[...members.values()].filter((u) => u.status !== 5 && u.status !== 2).map((u) => u.userid), opts.now],
    );
    for (const r of gone.rows) {
      await recordEvent(tx, { actorId: null, entityType: 'user', entityId: r.id, type: 'user.deactivated', data: { userid: r.wecom_userid, by: 'sync-org' } });
      // their sessions end now, and stay ended should WeCom list them again later
      await revokeUserSessions(tx, r.id, { reason: 'deactivated', now: opts.now });
    }
    result.usersDeactivated = gone.rowCount ?? 0;
    opts.logger.info(result, 'organisation synced from WeCom');
    return result;
  });
}

async function upsertDepartments(tx: pg.PoolClient, departments: WecomDepartment[]): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  // parents first, so each path can be built from its parent's
  const byId = new Map(departments.map((d) => [d.id, d]));
  const depth = (d: WecomDepartment): number => (byId.has(d.parentId) ? 1 + depth(byId.get(d.parentId)!) : 0);
  for (const d of [...departments].sort((a, b) => depth(a) - depth(b))) {
    const parentId = ids.get(d.parentId) ?? null;
    const { rows } = await tx.query(
      `INSERT INTO departments (wecom_id, name, parent_id, sort_order) VALUES ($1,$2,$3,$4)
       ON CONFLICT (wecom_id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id,
         sort_order = EXCLUDED.sort_order, active = true
       RETURNING id`,
      [d.id, stripBidi(d.name), parentId, d.order],
    );
    const id = rows[0].id as number;
    await tx.query(
      `UPDATE departments SET path = COALESCE((SELECT path FROM departments WHERE id = $2), '/') || $1 || '/' WHERE id = $1`,
      [id, parentId],
    );
    ids.set(d.id, id);
  }
  return ids;
}

function leaderOfDepartment(departments: WecomDepartment[], members: Map<string, WecomUser>): Map<number, string> {
  const leaders = new Map<number, string>();
  for (const d of departments) if (d.departmentLeader[0]) leaders.set(d.id, d.departmentLeader[0]);
  for (const u of members.values()) {
    u.departmentIds.forEach((d, i) => { if (u.isLeaderInDept[i] === 1 && !leaders.has(d)) leaders.set(d, u.userid); });
  }
  return leaders;
}

/** Manager = the member's direct leader, else their department's leader (if not themselves). */
async function linkManagers(tx: pg.PoolClient, members: Map<string, WecomUser>, leaders: Map<number, string>) {
  for (const u of members.values()) {
    const dept = u.mainDepartment ?? u.departmentIds[0];
    const manager = u.directLeader[0] ?? (leaders.get(dept) !== u.userid ? leaders.get(dept) : undefined);
    if (!manager) continue;
    await tx.query(
      `UPDATE users SET manager_id = (SELECT id FROM users WHERE wecom_userid = $2)
        WHERE wecom_userid = $1 AND manager_id IS DISTINCT FROM (SELECT id FROM users WHERE wecom_userid = $2)`,
      [u.userid, manager],
    );
  }
}
