/**
 * Change notices: the people a setting change affects (the roles its
 * definition names, within the changed scope's department subtree) get one
 * WeCom card through the outbox, in the same transaction as the change,
 * saying what changed, for whom and from when, with a link to its 变更记录.
 *
 *   await sendChangeNotices(tx, { def, id, scope, version, lines, actor, comment, at, publicUrl });
 */
import type { Actor } from '../auth/actor.js';
import { pathInSubtreeSql } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { chineseDateTime } from '../flow/time.js';
import { enqueueMessage, textCard } from '../outbox/enqueue.js';
import type { SettingDefinition } from './define.js';
import type { NamedScope } from './scope.js';

export interface ChangeNotice {
  def: SettingDefinition;
  /** The setting's id as the API addresses it ('followup.standard', 'keywords.library:pain_points'). */
  id: string;
  title: string;
  scope: NamedScope;
  version: number;
  lines: string[];
  actor: Actor;
  comment: string | null;
  at: Date;
  publicUrl: string;
}

// a WeCom text card's description holds 512 bytes: a few lines, the rest on the history page
const MAX_LINES = 4;

export function noticeText(n: ChangeNotice): string {
  const shown = n.lines.slice(0, MAX_LINES).map((l) => `· ${l}`);
  if (n.lines.length > MAX_LINES) shown.push(`…等 ${n.lines.length} 项`);
  return [
    `${n.actor.name}修改了「${n.title}」（${n.scope.name}），自 ${chineseDateTime(n.at)} 起生效：`,
    ...shown,
    ...(n.comment ? [`说明：${n.comment}`] : []),
  ].join('\n');
}

/** Enqueues the notices; returns how many people were told. The changer is never told of their own change. */
export async function sendChangeNotices(db: Db, n: ChangeNotice): Promise<number> {
  if (!n.def.notify || n.lines.length === 0) return 0;
  const { rows } = await db.query(
    `SELECT u.id, u.wecom_userid FROM users u LEFT JOIN departments d ON d.id = u.department_id
      WHERE u.active AND u.role = ANY($1) AND u.id <> $2 AND ($3::text IS NULL OR ${pathInSubtreeSql('d.path', '$3')})
      ORDER BY u.id`,
    [n.def.notify.roles, n.actor.id, n.scope.departmentPath],
  );
  const url = `${n.publicUrl.replace(/\/$/, '')}/settings/history?id=${encodeURIComponent(n.id)}`
    + `${n.scope.scope.departmentId ? `&departmentId=${n.scope.scope.departmentId}` : ''}`
    + `${n.scope.scope.customerType ? `&customerType=${n.scope.scope.customerType}` : ''}`;
  let sent = 0;
  for (const r of rows) {
    const card = textCard(`设置变更：${n.title}`, noticeText(n), url, '变更记录');
    const key = `setting:${n.id}:${n.scope.scope.departmentId ?? 'org'}:${n.scope.scope.customerType ?? 'all'}:v${n.version}:${r.id}`;
    if (await enqueueMessage(db, { dedupeKey: key, recipient: r.wecom_userid, ...card })) sent++;
  }
  return sent;
}
