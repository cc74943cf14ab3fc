/**
 * The action lifecycle as a table, and a pure transition step in the XState
 * style: it decides the next status and returns side effects as data. The
 * service persists the status and hands the effects to adapters (outbox,
 * event log), so this file needs neither a database nor WeCom.
 *
 *   const r = transitionAction(action, { type: 'SUBMIT_OK' }, now);
 *   if (!r.ok) throw new AppError(...r.code) // 409
 */
import type { ActionStatus, NotifyRole, RuleFailure } from './types.js';

export type ActionEvent =
  | { type: 'START' }
  | { type: 'SAVE_DRAFT' }
  | { type: 'SUBMIT_OK' }
  | { type: 'SUBMIT_REJECTED'; failures: RuleFailure[] }
  | { type: 'VERIFY'; by?: string; comment?: string }
  | { type: 'REJECT_BY_MANAGER'; by?: string; reason: string }
  | { type: 'ARCHIVE' }
  | { type: 'MARK_OVERDUE' }
  | { type: 'ESCALATE'; stepIndex?: number; notify?: NotifyRole[] }
  | { type: 'REOPEN'; by?: string; reason: string }
  | { type: 'REASSIGN'; toUserId: string; by?: string };
export type ActionEventType = ActionEvent['type'];

// Work may continue while overdue or escalated (the status keeps the mark);
// a rule-rejected submission stays with the rep; archived is final.
export const TRANSITIONS = {
  dispatched: { START: 'in_progress', SAVE_DRAFT: 'in_progress', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'in_progress', MARK_OVERDUE: 'overdue', REASSIGN: 'dispatched' },
  in_progress: { SAVE_DRAFT: 'in_progress', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'in_progress', MARK_OVERDUE: 'overdue', REASSIGN: 'in_progress' },
  submitted: { VERIFY: 'verified', REJECT_BY_MANAGER: 'rejected' },
  verified: { ARCHIVE: 'archived', REOPEN: 'in_progress' },
  archived: {},
  rejected: { START: 'in_progress', SAVE_DRAFT: 'in_progress', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'rejected', MARK_OVERDUE: 'overdue', REASSIGN: 'rejected' },
  overdue: { START: 'overdue', SAVE_DRAFT: 'overdue', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'overdue', ESCALATE: 'escalated', REASSIGN: 'overdue' },
  escalated: { START: 'escalated', SAVE_DRAFT: 'escalated', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'escalated', ESCALATE: 'escalated', REASSIGN: 'escalated' },
} as const satisfies Record<ActionStatus, Partial<Record<ActionEventType, ActionStatus>>>;

const STATUS_LABELS: Record<ActionStatus, string> = {
  dispatched: '已派发',
  in_progress: '进行中',
  submitted: '已提交',
  verified: '已核验',
  archived: '已归档',
  rejected: '已驳回',
  overdue: '已逾期',
  escalated: '已升级',
};

const EVENT_LABELS: Record<ActionEventType, string> = {
  START: '开始办理', SAVE_DRAFT: '保存草稿', SUBMIT_OK: '提交', SUBMIT_REJECTED: '提交（未通过校验）',
  VERIFY: '核验通过', REJECT_BY_MANAGER: '驳回', ARCHIVE: '归档', MARK_OVERDUE: '标记逾期',
  ESCALATE: '升级', REOPEN: '重新打开', REASSIGN: '转派',
};

export function describeStatus(status: ActionStatus): string {
  return STATUS_LABELS[status];
}

export interface ActionSnapshot {
  id: string;
  status: ActionStatus;
  assigneeId: string;
  assignerId?: string;
  dueAt?: Date | null;
}

export type Recipient = { role: NotifyRole } | { userId: string };

export type NotifyTemplate =
  | 'submission_failed' | 'verified' | 'rejected_by_manager' | 'overdue'
  | 'escalated' | 'reopened' | 'reassigned';

export type Effect =
  | { kind: 'event_log'; actionId: string; event: ActionEventType; from: ActionStatus; to: ActionStatus; at: Date; data?: Record<string, unknown> }
  | { kind: 'notify'; actionId: string; to: Recipient; template: NotifyTemplate; data?: Record<string, unknown> }
  | { kind: 'supervisor_todo'; actionId: string; to: Recipient; task: 'verify_submission' | 'handle_escalation' };

export type TransitionResult =
  | { ok: true; next: ActionStatus; effects: Effect[] }
  | { ok: false; code: 'ACTION_TRANSITION_INVALID' | 'ACTION_REASON_REQUIRED'; message: string };

export function canTransition(status: ActionStatus, type: ActionEventType): boolean {
  return (TRANSITIONS[status] as Partial<Record<ActionEventType, ActionStatus>>)[type] !== undefined;
}

function sideEffects(a: ActionSnapshot, e: ActionEvent): Effect[] {
  const id = a.id;
  const rep: Recipient = { userId: a.assigneeId };
  switch (e.type) {
    case 'SUBMIT_OK': return [{ kind: 'supervisor_todo', actionId: id, to: { role: 'manager' }, task: 'verify_submission' }];
    case 'SUBMIT_REJECTED': return [{ kind: 'notify', actionId: id, to: rep, template: 'submission_failed', data: { failures: e.failures } }];
    case 'VERIFY': return [{ kind: 'notify', actionId: id, to: rep, template: 'verified', data: { comment: e.comment } }];
    case 'REJECT_BY_MANAGER': return [{ kind: 'notify', actionId: id, to: rep, template: 'rejected_by_manager', data: { reason: e.reason } }];
    case 'MARK_OVERDUE': return [{ kind: 'notify', actionId: id, to: rep, template: 'overdue' }];
    case 'ESCALATE': return escalationEffects(a, e);
    case 'REOPEN': return [{ kind: 'notify', actionId: id, to: rep, template: 'reopened', data: { reason: e.reason } }];
    case 'REASSIGN': return [{ kind: 'notify', actionId: id, to: { userId: e.toUserId }, template: 'reassigned', data: { from: a.assigneeId } }];
    default: return [];
  }
}

function escalationEffects(a: ActionSnapshot, e: Extract<ActionEvent, { type: 'ESCALATE' }>): Effect[] {
  const roles = e.notify ?? ['manager'];
  const notes: Effect[] = roles.map((role) => ({
    kind: 'notify', actionId: a.id, to: { role }, template: 'escalated', data: { stepIndex: e.stepIndex },
  }));
  return [{ kind: 'supervisor_todo', actionId: a.id, to: { role: 'manager' }, task: 'handle_escalation' }, ...notes];
}

function logData(a: ActionSnapshot, e: ActionEvent, now: Date): Record<string, unknown> | undefined {
  if (e.type === 'SUBMIT_OK' && a.dueAt) return { late: now.getTime() > a.dueAt.getTime() };
  if (e.type === 'SUBMIT_REJECTED') return { failureCodes: e.failures.map((f) => f.code) };
  if (e.type === 'REJECT_BY_MANAGER' || e.type === 'REOPEN') return { reason: e.reason, by: e.by };
  // not from/to: those keys carry the status change of every action event
  if (e.type === 'REASSIGN') return { fromUserId: a.assigneeId, toUserId: e.toUserId, by: e.by };
  if (e.type === 'ESCALATE') return { stepIndex: e.stepIndex };
  return undefined;
}

/** Pure: decides the next status and the effects; executes nothing. */
export function transitionAction(action: ActionSnapshot, event: ActionEvent, now: Date): TransitionResult {
  const next = (TRANSITIONS[action.status] as Partial<Record<ActionEventType, ActionStatus>>)[event.type];
  if (next === undefined) {
    return {
      ok: false,
      code: 'ACTION_TRANSITION_INVALID',
      message: `该事项当前为「${describeStatus(action.status)}」，不能执行「${EVENT_LABELS[event.type]}」。`,
    };
  }
  if ((event.type === 'REJECT_BY_MANAGER' || event.type === 'REOPEN') && !event.reason.trim()) {
    return { ok: false, code: 'ACTION_REASON_REQUIRED', message: `${EVENT_LABELS[event.type]}时必须填写原因，方便业务员知道要改什么。` };
  }
  const log: Effect = { kind: 'event_log', actionId: action.id, event: event.type, from: action.status, to: next, at: now };
  const data = logData(action, event, now);
  if (data) log.data = data;
  return { ok: true, next, effects: [log, ...sideEffects(action, event)] };
}
