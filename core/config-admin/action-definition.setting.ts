/**
 * Action types (事项类型) as settings, one per code: the rules that gate a
 * submission, the due policy in working days and the escalation steps. Every
 * saved version is written through as a new `action_definitions` row made
 * active, so actions dispatched under an older one keep the rules they were
 * judged by. The preview replays recent reports against the proposed rules.
 */
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { ActionDefinitionSchema, prerequisitesOf, type ActionDefinition } from '../flow/action-definition.js';
import { DEFAULT_ACTION_DEFINITIONS } from '../flow/defaults.js';
import { RETAIL_ACTION_DEFINITIONS } from '../flow/retail-actions.js';
import { defineSetting, ITEM_CODE, itemCodeHint, type PreviewResult } from '../settings/define.js';
import { chineseDateTime } from '../flow/time.js';
import { ruleReferenceIssues } from './action-definitions.js';
import { replayRules } from './dry-run.js';

async function addVersion(db: Db, code: string, d: ActionDefinition, actorId: number): Promise<void> {
  // concurrent edits of one code queue here, so versions never collide
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`action_definition:${code}`]);
  const { rows: [cur] } = await db.query('SELECT max(version) AS v, max(kind) AS kind FROM action_definitions WHERE code = $1', [code]);
  await db.query('UPDATE action_definitions SET active = false WHERE code = $1 AND active', [code]);
  await db.query(
    `INSERT INTO action_definitions (code, version, name, kind, description, rules, prerequisites, due_working_days, escalation, active, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,true,$10)`,
    [code, (cur?.v ?? 0) + 1, d.name, cur?.kind ?? code, d.description ?? null, JSON.stringify(d.rules),
      JSON.stringify(prerequisitesOf(d.rules)), d.dueWorkingDays, JSON.stringify(d.escalation), actorId]);
}

const PREVIEW_DAYS = 30;

async function previewRules(db: Db, c: { item: string; before: ActionDefinition | undefined; after: ActionDefinition; now: Date }): Promise<PreviewResult> {
  const r = await replayRules(db, c.item, c.after.rules, PREVIEW_DAYS, c.now);
  const changed = r.items.filter((i) => i.change !== 'unchanged').slice(0, 10);
  return {
    summary: `近 ${PREVIEW_DAYS} 天的 ${r.totals.submissions} 份报告按新规则：${r.totals.wouldNewlyReject} 份将被退回，${r.totals.wouldNewlyAccept} 份将改为通过。`,
    lines: changed.map((i) => `${i.submittedBy.name} · ${i.customer.name}（${chineseDateTime(new Date(i.submittedAt))}）：`
      + (i.change === 'newly_rejected' ? `将被退回——${i.failures.find((f) => f.severity === 'error')?.message ?? ''}` : '将改为通过')),
  };
}

export const actionDefinition = defineSetting({
  key: 'flow.action-definition',
  topic: 'flow',
  label: '事项类型与提交规则',
  help: '每种事项（拜访、报价、合同审批……）提交时要满足的规则、办理时限（工作日）和逾期升级步骤。修改规则前先试运行，看近期报告会有什么变化。',
  schema: ActionDefinitionSchema,
  default: ({ item }) => structuredClone([...DEFAULT_ACTION_DEFINITIONS, ...RETAIL_ACTION_DEFINITIONS].find((d) => d.code === item)),
  items: {
    noun: '事项类型',
    list: async (db) => (await db.query('SELECT code, name FROM action_definitions WHERE active ORDER BY id')).rows
      .map((r) => ({ code: r.code, label: r.name })),
    create: { pattern: ITEM_CODE, hint: itemCodeHint('shelf_check') },
  },
  editor: 'action-definition',
  notify: { roles: ['rep'] },
  check: async (db, value, { item }) => [
    ...(value.code === item ? [] : [{ path: 'code', message: `编码必须与事项类型「${item}」一致` }]),
    ...(await ruleReferenceIssues(db, item, value.rules, 'rules')),
  ],
  apply: async (db, value, { item, actorId }) => {
    if (value.code !== item) throw new AppError('VALIDATION_FAILED', [{ path: 'body.value.code', message: `编码必须与「${item}」一致` }]);
    await addVersion(db, item, value, actorId);
  },
  preview: previewRules,
});
