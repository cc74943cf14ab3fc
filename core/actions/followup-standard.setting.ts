/**
 * 有效跟进标准 as a setting: one standard per customer type, and a manager may
 * set their own department subtree's (it wins there over the company's, see
 * core/settings/resolve.ts). submitFollowUp reads the one in force for the
 * rep's department; the preview re-judges last month's follow-ups.
 */
import { pathInSubtreeSql } from '../auth/department-subtree.js';
import type { Db } from '../db/pool.js';
import { classifyFollowUp, DEFAULT_FOLLOWUP_STANDARDS, FollowUpStandardSchema, type FollowUpStandard } from '../flow/followup.js';
import { addCalendarDays, chineseDateTime, shanghaiDate, shanghaiInstant } from '../flow/time.js';
import { CUSTOMER_TYPE_LABELS, type CustomerType } from '../flow/types.js';
import { defineSetting, type PreviewResult, type SettingContext } from '../settings/define.js';
import { readSetting, readSettingWithSource } from '../settings/read.js';
import { chainOfPath } from '../settings/resolve.js';

export const followUpStandard = defineSetting({
  key: 'followup.standard',
  topic: 'followup',
  label: '有效跟进标准',
  help: '一次跟进要满足哪些条件才算有效跟进（计入有效跟进率）。按客户类型分别设置；主管可为本部门及下级部门单独设置，覆盖全公司的标准。',
  schema: FollowUpStandardSchema,
  default: ({ customerType }) => (customerType ? structuredClone(DEFAULT_FOLLOWUP_STANDARDS[customerType]) : undefined),
  scopes: { department: true, customerType: 'required' },
  editors: { organisation: ['admin'], anyDepartment: ['admin'], ownDepartment: ['manager'] },
  notify: { roles: ['rep', 'manager'] },
  preview: previewFollowUpStandard,
});

/** The standard in force for a follow-up by someone of department `departmentPath` with a customer of `type`. */
export function followUpStandardFor(db: Db, type: CustomerType, departmentPath: string | null, at?: Date): Promise<FollowUpStandard> {
  return readSetting(db, followUpStandard, { customerType: type, departmentPath, at });
}

/** Shanghai month [from, to) before the one `now` is in. */
function lastMonth(now: Date): { from: Date; to: Date; label: string } {
  const first = `${shanghaiDate(now).slice(0, 8)}01`;
  const prev = `${addCalendarDays(first, -1).slice(0, 8)}01`;
  const [y, m] = prev.split('-').map(Number);
  return { from: shanghaiInstant(prev), to: shanghaiInstant(first), label: `${y}年${m}月` };
}

const MAX_LINES = 10;

/**
 * Last month's follow-ups of the scope's customer type, judged by the standard
 * in force for each one's department now and with the change: how many flip.
 * Departments below the scope that set their own standard keep it, so they
 * do not flip. Follow-ups judged by a visit report's rules are not counted.
 */
async function previewFollowUpStandard(
  db: Db, c: SettingContext & { before: FollowUpStandard; after: FollowUpStandard },
): Promise<PreviewResult> {
  const type = c.scope.customerType!;
  const month = lastMonth(c.now);
  const scopePath = c.scope.departmentId === null ? null
    : (await db.query('SELECT path FROM departments WHERE id = $1', [c.scope.departmentId])).rows[0]?.path ?? null;
  const { rows } = await db.query(
    `SELECT f.id, f.at, f.summary, f.payload, u.name AS user_name, cu.name AS customer_name, d.path AS department_path
       FROM followups f JOIN customers cu ON cu.id = f.customer_id JOIN users u ON u.id = f.user_id
       LEFT JOIN departments d ON d.id = f.department_id
      WHERE f.at >= $1 AND f.at < $2 AND cu.type = $3 AND f.payload ? 'actionItems'
        AND ($4::text IS NULL OR ${pathInSubtreeSql('d.path', '$4')})
      ORDER BY f.at`,
    [month.from, month.to, type, scopePath],
  );
  const governed = new Map<string, boolean>();
  // a department below the scope with its own standard keeps it: only follow-ups judged by the scope's value can flip
  const isGoverned = async (path: string | null) => {
    const k = path ?? '';
    if (!governed.has(k)) {
      const { from } = await readSettingWithSource(db, followUpStandard, { customerType: type, departmentPath: path });
      const chain = chainOfPath(path);
      const at = from?.scope.departmentId ?? null;
      const scopeAt = c.scope.departmentId === null ? -1 : chain.indexOf(c.scope.departmentId);
      governed.set(k, at === null || chain.indexOf(at) <= scopeAt);
    }
    return governed.get(k)!;
  };
  let lost = 0;
  let gained = 0;
  let judged = 0;
  const lines: string[] = [];
  for (const f of rows) {
    if (!await isGoverned(f.department_path)) continue;
    judged++;
    const input = {
      customerType: type, summary: f.summary, actionItems: f.payload.actionItems ?? [],
      newDocuments: Number(f.payload.newDocuments ?? 0), decisionChainUpdated: !!f.payload.decisionChainUpdated,
      attachments: (f.payload.attachmentIds ?? []).length,
    };
    const was = classifyFollowUp(input, c.before, f.at);
    const will = classifyFollowUp(input, c.after, f.at);
    if (was.effective === will.effective) continue;
    if (was.effective) lost++; else gained++;
    if (lines.length < MAX_LINES) {
      lines.push(`${f.user_name} · ${f.customer_name}（${chineseDateTime(f.at)}）：${was.effective ? '有效 → 无效' : '无效 → 有效'}`
        + `${will.effective ? '' : `，${will.reasons[0]}`}`);
    }
  }
  const summary = `${month.label}按此标准判定的${CUSTOMER_TYPE_LABELS[type]}客户跟进共 ${judged} 条，按新标准 ${lost} 条将由有效变为无效，${gained} 条由无效变为有效。`;
  return { summary, lines };
}
