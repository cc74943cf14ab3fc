/**
 * Mandatory processes (强制流程节点): a template lists nodes, each an action of
 * a definition with its own deadline (working days from the start) and an
 * escalation policy. Instantiating one for a customer creates every node's
 * action at once, with deadlines and escalation steps the alert jobs send.
 *
 *   await instantiateProcess(db, actor, { templateCode: 'hospital_admission', customerId }, { now, publicUrl });
 */
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Db } from '../db/pool.js';
import { AppError } from '../errors.js';
import { EscalationPolicySchema, type EscalationPolicy } from '../flow/escalation.js';
import { addWorkingDays } from '../flow/working-days.js';
import { resolveOwner } from '../resources/ownership.js';
import { recordEvent } from '../resources/events.js';
import { RequirementSchema, type InstantiateProcessInput, type ProcessInstanceSchema } from './action-schemas.js';
import { loadActiveDefinitionOrThrow, loadWorkCalendar, type StoredDefinition } from './definitions.js';
import { assertCustomerReference, insertAction, type FlowDeps } from './dispatch.js';
import { LAUNCH_PROCESS_TEMPLATE } from '../flow/launch-steps.js';

export const ProcessNodeSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, '编码只能包含小写字母、数字和下划线，以字母开头').meta({ title: '节点编码' }),
  title: z.string().min(1, '请填写节点名称').max(200).meta({ title: '节点名称' }),
  definitionCode: z.string().min(1).meta({ title: '事项类型', optionsFrom: 'action-definitions' }),
  /** Due at the end of the Nth working day after the process starts. */
  dueWorkingDays: z.number().int().min(0, '应在0–365个工作日之间').max(365, '应在0–365个工作日之间')
    .meta({ title: '期限', unit: '个工作日', description: '从流程启动起第几个工作日结束前完成' }),
  requirements: z.array(RequirementSchema).default([]).meta({ title: '需上传的材料' }),
  escalation: EscalationPolicySchema.meta({ title: '逾期升级' }),
});
export const ProcessNodesSchema = z.array(ProcessNodeSchema).min(1).refine(
  (nodes) => new Set(nodes.map((n) => n.key)).size === nodes.length, '节点编码不能重复');
export type ProcessNode = z.output<typeof ProcessNodeSchema>;

// overdue: the rep at once, the manager after a day, and after 3 working days 销售总监 and 合规 are copied
const NODE_ESCALATION: EscalationPolicy = {
  steps: [
    { afterWorkingDaysOverdue: 0, notify: ['assignee'] },
    { afterWorkingDaysOverdue: 1, notify: ['manager'] },
    { afterWorkingDaysOverdue: 3, notify: ['director', 'compliance'], cc: true },
  ],
};

type NodeSeed = Omit<z.input<typeof ProcessNodeSchema>, 'escalation'>;
const doc = (tag: string, min = 1) => ({ tag, min, kind: 'document' as const });

const HOSPITAL_ADMISSION_NODES: NodeSeed[] = [
  { key: 'clinical_need', title: '拜访临床科室主任，确认临床需求与使用场景', definitionCode: 'visit', dueWorkingDays: 3 },
  { key: 'equipment_head', title: '完成设备科主任面访并上传签字版技术确认书', definitionCode: 'visit', dueWorkingDays: 5, requirements: [doc('签字版技术确认书')] },
  { key: 'qualification', title: '提交公司及产品资质文件（营业执照、注册证、授权书）', definitionCode: 'followup', dueWorkingDays: 7, requirements: [doc('资质文件', 3)] },
  { key: 'procurement_contact', title: '面访采购中心负责人，确认准入流程与时间表', definitionCode: 'visit', dueWorkingDays: 10 },
  { key: 'admission_application', title: '向耗材管理委员会递交新品准入申请表', definitionCode: 'followup', dueWorkingDays: 12, requirements: [doc('准入申请表')] },
  { key: 'insurance_code', title: '核对医保耗材编码与省平台挂网信息并上传截图', definitionCode: 'followup', dueWorkingDays: 15, requirements: [doc('挂网截图')] },
  { key: 'sample', title: '寄送试用样品并登记快递单号', definitionCode: 'sample', dueWorkingDays: 18 },
  { key: 'clinical_trial', title: '组织科室试用并回收试用评价表', definitionCode: 'followup', dueWorkingDays: 25, requirements: [doc('试用评价表')] },
  { key: 'quote', title: '提交报价单并经主管审批', definitionCode: 'quote', dueWorkingDays: 28 },
  { key: 'committee_result', title: '跟进院内准入会议结果并上传会议纪要', definitionCode: 'followup', dueWorkingDays: 35, requirements: [doc('会议纪要')] },
  { key: 'contract', title: '合同审批（价格、付款条款、法务）', definitionCode: 'contract_approval', dueWorkingDays: 40 },
  { key: 'first_order', title: '首单入库并上传入库单', definitionCode: 'followup', dueWorkingDays: 50, requirements: [doc('入库单')] },
];

export const DEFAULT_PROCESS_TEMPLATES = [
  { code: 'hospital_admission', name: '入院准入', nodes: HOSPITAL_ADMISSION_NODES.map((n) => ({ ...n, escalation: NODE_ESCALATION })) },
  // 新品上架: four gated steps at a store (core/retail)
  LAUNCH_PROCESS_TEMPLATE,
];

/** Installs missing templates (called from core/seed/install-template.ts); edits survive restarts. */
export async function seedProcessTemplates(db: Db): Promise<number> {
  let added = 0;
  for (const t of DEFAULT_PROCESS_TEMPLATES) {
    const nodes = ProcessNodesSchema.parse(t.nodes);
    const r = await db.query(
      'INSERT INTO process_templates (code, name, nodes) VALUES ($1,$2,$3) ON CONFLICT (code) DO NOTHING',
      [t.code, t.name, JSON.stringify(nodes)]);
    added += r.rowCount ?? 0;
  }
  return added;
}

/**
 * What a template would create if started from `dueFrom`: each node's title and
 * deadline, from the template as edited in settings and the work calendar, so a
 * screen can show the deadlines before anything is created.
 */
export async function planProcessDeadlines(db: Db, templateCode: string, dueFrom: Date): Promise<Array<{ key: string; title: string; dueAt: Date }>> {
  const { rows: [t] } = await db.query('SELECT nodes FROM process_templates WHERE code = $1', [templateCode]);
  if (!t) throw new AppError('PROCESS_TEMPLATE_NOT_FOUND', { templateCode });
  const calendar = await loadWorkCalendar(db);
  return ProcessNodesSchema.parse(t.nodes).map((n) => ({ key: n.key, title: n.title, dueAt: addWorkingDays(dueFrom, n.dueWorkingDays, calendar) }));
}

type ProcessInstanceView = z.infer<typeof ProcessInstanceSchema>;

/**
 * `opts`: a caller that already decided who does the work (a store's clerk for
 * a 新品上架, whom resolveOwner would not offer) and from which day the nodes'
 * deadlines count (the launch date rather than today).
 */
export interface InstantiateOptions {
  assignee?: { id: number; departmentId: number | null };
  dueFrom?: Date;
}

export async function instantiateProcess(
  db: Db, actor: Actor, input: InstantiateProcessInput, d: FlowDeps, opts: InstantiateOptions = {},
): Promise<ProcessInstanceView> {
  assertCan(actor, 'actions', 'create');
  const { rows: [t] } = await db.query('SELECT code, name, nodes, version FROM process_templates WHERE code = $1', [input.templateCode]);
  if (!t) throw new AppError('PROCESS_TEMPLATE_NOT_FOUND', { templateCode: input.templateCode });
  const nodes = ProcessNodesSchema.parse(t.nodes);
  await assertCustomerReference(db, actor, input.customerId, input.opportunityId);
  const assignee = opts.assignee
    ?? await resolveOwner(db, actor, input.assigneeId ?? (actor.role === 'rep' ? undefined : await customerOwner(db, input.customerId)));
  const { rows: [pi] } = await db.query(
    `INSERT INTO process_instances (template_code, template_version, customer_id, opportunity_id, started_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    [t.code, t.version, input.customerId, input.opportunityId ?? null, actor.id, d.now]);
  const calendar = await loadWorkCalendar(db);
  const defs = new Map<string, StoredDefinition>();
  const actions: ProcessInstanceView['actions'] = [];
  for (const node of nodes) {
    if (!defs.has(node.definitionCode)) defs.set(node.definitionCode, await loadActiveDefinitionOrThrow(db, node.definitionCode));
    // state locks are checked when each node is submitted: the plan itself may list a quote before the visit is done
    const dueAt = addWorkingDays(opts.dueFrom ?? d.now, node.dueWorkingDays, calendar);
    const { action, escalationSteps } = await insertAction(db, {
      def: defs.get(node.definitionCode)!, title: node.title, customerId: input.customerId, opportunityId: input.opportunityId ?? null,
      assignee, assignerId: actor.id, requirements: node.requirements, dueAt, processInstanceId: pi.id, nodeKey: node.key,
      escalation: node.escalation,
    }, calendar, d);
    actions.push({
      id: action.id, nodeKey: node.key, title: node.title, definitionCode: node.definitionCode, assigneeId: assignee.id,
      dueAt: dueAt.toISOString(),
      escalationSteps: escalationSteps.map((s) => ({
        step: s.step, dueAt: s.dueAt.toISOString(), notify: s.notify, cc: s.cc,
        recipients: s.recipients.map((r) => ({ role: r.role, userId: r.userId, name: r.name })),
      })),
    });
  }
  await recordEvent(db, {
    actorId: actor.id, entityType: 'process_instance', entityId: pi.id, type: 'process.instantiated', at: d.now,
    data: { templateCode: t.code, customerId: input.customerId, actionIds: actions.map((a) => a.id) },
  });
  return { id: pi.id, templateCode: t.code, templateVersion: t.version, customerId: input.customerId, opportunityId: input.opportunityId ?? null, actions };
}

async function customerOwner(db: Db, customerId: number): Promise<number | undefined> {
  const { rows } = await db.query('SELECT owner_id FROM customers WHERE id = $1', [customerId]);
  return rows[0]?.owner_id ?? undefined;
}
