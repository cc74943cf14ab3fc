/**
 * The action lifecycle as a table, and a pure transition step in the XState
 * style: it decides the next status, the columns set with it, and EVERY
 * consequence — the event log, notices, supervisor to-dos (opened and
 * closed), the 跟进 record, what happens to the draft and to the escalation
 * plan — as data. core/actions/write-transition.ts writes them; this file
 * needs neither a database nor WeCom.
 *
 *   const r = transitionAction(action, { type: 'SUBMIT_REJECTED', failures }, now);
 *   if (!r.ok) throw new AppError(r.code, …) // 409
 */
import { ACTION_STATUSES, type ActionStatus, type NotifyRole, type RuleFailure } from './types.js';

/** How a submission was completed: with evidence the rules checked, or by phone only (declared, no evidence). */
export type Completion =
  | { mode: 'evidence'; definitionName: string; attachmentCount: number; trust?: EvidenceTrust }
  | { mode: 'phone_only'; note: string };

/** The trust verdict of the evidence (core/flow/evidence/verdict.ts): anything short of trusted waits for a supervisor. */
export interface EvidenceTrust {
  verdict: 'trusted' | 'review' | 'rejected';
  score: number;
  /** The findings, in Chinese, for the 跟进 record's reasons. */
  reasons: string[];
}

export type ActionEvent =
  | { type: 'START' }
  | { type: 'SAVE_DRAFT' }
  | { type: 'SUBMIT_OK'; completion: Completion }
  | { type: 'SUBMIT_REJECTED'; failures: RuleFailure[] }
  | { type: 'VERIFY'; by: number; comment?: string }
  | { type: 'REJECT_BY_MANAGER'; by: number; reason: string }
  | { type: 'ARCHIVE' }
  | { type: 'MARK_OVERDUE' }
  | { type: 'ESCALATE'; stepIndex?: number; notify?: NotifyRole[] }
  | { type: 'REOPEN'; by: number; reason: string; dueAt?: Date }
  /** `to.departmentId`: the new assignee's department, which the action follows (manager scopes read it). */
  | { type: 'REASSIGN'; to: { userId: number; departmentId: number | null }; by: number; byName: string; reason?: string }
  /** Its process was cancelled: the work is no longer wanted (archived, with the reason). */
  | { type: 'CANCEL'; by: number; reason: string };
export type ActionEventType = ActionEvent['type'];

// Work may continue while overdue or escalated (the status keeps the mark);
// a rule-rejected submission stays with the rep; archived is final.
export const TRANSITIONS = {
  dispatched: { START: 'in_progress', SAVE_DRAFT: 'in_progress', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'in_progress', MARK_OVERDUE: 'overdue', REASSIGN: 'dispatched', CANCEL: 'archived' },
  in_progress: { SAVE_DRAFT: 'in_progress', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'in_progress', MARK_OVERDUE: 'overdue', REASSIGN: 'in_progress', CANCEL: 'archived' },
  submitted: { VERIFY: 'verified', REJECT_BY_MANAGER: 'rejected' },
  verified: { ARCHIVE: 'archived', REOPEN: 'in_progress' },
  archived: {},
  rejected: { START: 'in_progress', SAVE_DRAFT: 'in_progress', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'rejected', MARK_OVERDUE: 'overdue', REASSIGN: 'rejected', CANCEL: 'archived' },
  overdue: { START: 'overdue', SAVE_DRAFT: 'overdue', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'overdue', ESCALATE: 'escalated', REASSIGN: 'overdue', CANCEL: 'archived' },
  escalated: { START: 'escalated', SAVE_DRAFT: 'escalated', SUBMIT_OK: 'submitted', SUBMIT_REJECTED: 'escalated', ESCALATE: 'escalated', REASSIGN: 'escalated', CANCEL: 'archived' },
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
  ESCALATE: '升级', REOPEN: '重新打开', REASSIGN: '转派', CANCEL: '取消',
};

export function describeStatus(status: ActionStatus): string {
  return STATUS_LABELS[status];
}

export interface ActionSnapshot {
  id: number;
  status: ActionStatus;
  assigneeId: number;
  dueAt?: Date | null;
}

export type Recipient = { role: NotifyRole } | { userId: number };

export type NotifyTemplate =
  | 'submission_failed' | 'verified' | 'rejected_by_manager' | 'overdue'
  | 'escalated' | 'reopened' | 'reassigned' | 'reassigned_away' | 'cancelled';

/** A supervisor's to-do: a rejected attempt to look into, a submission to verify, an escalation to handle. */
export type SupervisorTask = 'submission_rejected' | 'verify_submission' | 'handle_escalation';

/**
 * Everything a transition causes, as data. The service writes the status
 * change and these, in one statement where it can (core/actions/write-transition.ts).
 */
export type Effect =
  | { kind: 'event_log'; actionId: number; event: ActionEventType; from: ActionStatus; to: ActionStatus; at: Date; data?: Record<string, unknown> }
  | { kind: 'notify'; actionId: number; to: Recipient; template: NotifyTemplate; data?: Record<string, unknown> }
  | { kind: 'supervisor_todo'; actionId: number; to: Recipient; task: SupervisorTask; failures?: readonly RuleFailure[] }
  | { kind: 'close_todos'; actionId: number; tasks: SupervisorTask[] }
  /** A 跟进 record for the action's customer, by the actor; summarised by `note`, else the action's title. */
  | { kind: 'follow_up'; actionId: number; channel: 'visit' | 'phone'; effective: boolean; hasEvidence: boolean;
      unmet: string[]; reasons: string[]; note?: string; payload: Record<string, unknown> }
  /** keep: what the rep submitted becomes the draft (nothing typed is lost); clear: the report replaced its draft. */
  | { kind: 'draft'; actionId: number; op: 'keep_submitted' | 'clear' }
  /** The escalation steps not yet sent move to a new deadline, or to the new assignee's people. */
  | { kind: 'escalation_plan'; actionId: number; op: 'reschedule' | 'readdress' };

/** The action's own columns a transition sets besides its status. */
export interface ActionChanges {
  submittedAt?: Date;
  verifiedAt?: Date | null;
  archivedAt?: Date;
  completionMode?: 'evidence' | 'phone_only' | null;
  completionNote?: string | null;
  dueAt?: Date;
  assigneeId?: number;
  departmentId?: number | null;
}

export type TransitionResult =
  | { ok: true; next: ActionStatus; changes: ActionChanges; effects: Effect[] }
  | { ok: false; code: 'ACTION_TRANSITION_INVALID' | 'ACTION_REASON_REQUIRED'; message: string };

export function canTransition(status: ActionStatus, type: ActionEventType): boolean {
  return (TRANSITIONS[status] as Partial<Record<ActionEventType, ActionStatus>>)[type] !== undefined;
}

/** Open: the work is still the rep's to submit (past due_at such an action counts as overdue). */
export const OPEN_STATUSES: readonly ActionStatus[] = ACTION_STATUSES.filter((s) => canTransition(s, 'SUBMIT_OK'));
/** Closed: submitted, verified or archived — nothing left for the rep to file. */
export const CLOSED_STATUSES: readonly ActionStatus[] = ACTION_STATUSES.filter((s) => !OPEN_STATUSES.includes(s));

function sideEffects(a: ActionSnapshot, e: ActionEvent): Effect[] {
  const id = a.id;
  const rep: Recipient = { userId: a.assigneeId };
  const manager: Recipient = { role: 'manager' };
  switch (e.type) {
    case 'SUBMIT_OK': return [
      { kind: 'supervisor_todo', actionId: id, to: manager, task: 'verify_submission' },
      followUpOf(id, e.completion),
      ...(e.completion.mode === 'evidence' ? [{ kind: 'draft', actionId: id, op: 'clear' } as const] : []),
    ];
    case 'SUBMIT_REJECTED': return [
      { kind: 'notify', actionId: id, to: rep, template: 'submission_failed', data: { failures: e.failures } },
      { kind: 'supervisor_todo', actionId: id, to: manager, task: 'submission_rejected', failures: e.failures },
      { kind: 'draft', actionId: id, op: 'keep_submitted' },
    ];
    case 'VERIFY': return [
      { kind: 'notify', actionId: id, to: rep, template: 'verified', data: { comment: e.comment } },
      { kind: 'close_todos', actionId: id, tasks: ['verify_submission', 'submission_rejected'] },
    ];
    case 'REJECT_BY_MANAGER': return [
      { kind: 'notify', actionId: id, to: rep, template: 'rejected_by_manager', data: { reason: e.reason } },
      { kind: 'close_todos', actionId: id, tasks: ['verify_submission'] },
    ];
    case 'MARK_OVERDUE': return [{ kind: 'notify', actionId: id, to: rep, template: 'overdue' }];
    case 'ESCALATE': return escalationEffects(a, e);
    case 'REOPEN': return [
      { kind: 'notify', actionId: id, to: rep, template: 'reopened', data: { reason: e.reason } },
      ...(e.dueAt ? [{ kind: 'escalation_plan', actionId: id, op: 'reschedule' } as const] : []),
    ];
    case 'REASSIGN': return [
      { kind: 'notify', actionId: id, to: { userId: e.to.userId }, template: 'reassigned', data: { from: a.assigneeId } },
      // plain text, not a card: the previous assignee can no longer open the action
      { kind: 'notify', actionId: id, to: rep, template: 'reassigned_away', data: { byName: e.byName, reason: e.reason } },
      { kind: 'escalation_plan', actionId: id, op: 'readdress' },
    ];
    case 'CANCEL': return [
      { kind: 'notify', actionId: id, to: rep, template: 'cancelled', data: { reason: e.reason } },
      { kind: 'close_todos', actionId: id, tasks: ['verify_submission', 'submission_rejected', 'handle_escalation'] },
    ];
    default: return [];
  }
}

/**
 * A report that passed every rule is an effective follow-up once its evidence
 * is trusted (a supervisor's acceptance makes it one later); a phone-only one
 * never is (a 伪跟进 candidate).
 */
function followUpOf(actionId: number, c: Completion): Effect {
  if (c.mode === 'evidence' && c.trust && c.trust.verdict !== 'trusted') {
    return {
      kind: 'follow_up', actionId, channel: 'visit', effective: false, hasEvidence: true, unmet: ['EVIDENCE_UNDER_REVIEW'], payload: {},
      reasons: [`证据可信度 ${c.trust.score} 分，待主管复核：${c.trust.reasons.join(' ')} 主管复核通过后计为有效跟进。`],
    };
  }
  return c.mode === 'evidence'
    ? {
      kind: 'follow_up', actionId, channel: 'visit', effective: true, hasEvidence: true, unmet: [], payload: {},
      reasons: [`「${c.definitionName}」报告通过全部校验（${c.attachmentCount}个附件、现场签到），计为有效跟进。`],
    }
    : {
      kind: 'follow_up', actionId, channel: 'phone', effective: false, hasEvidence: false, unmet: ['NO_EVIDENCE'],
      note: c.note, payload: { completionMode: 'phone_only' },
      reasons: ['仅电话完成，没有照片、文件或决策链更新等证据，不计为有效跟进。'],
    };
}

function escalationEffects(a: ActionSnapshot, e: Extract<ActionEvent, { type: 'ESCALATE' }>): Effect[] {
  const roles = e.notify ?? ['manager'];
  const notes: Effect[] = roles.map((role) => ({
    kind: 'notify', actionId: a.id, to: { role }, template: 'escalated', data: { stepIndex: e.stepIndex },
  }));
  return [{ kind: 'supervisor_todo', actionId: a.id, to: { role: 'manager' }, task: 'handle_escalation' }, ...notes];
}

function logData(a: ActionSnapshot, e: ActionEvent, now: Date): Record<string, unknown> | undefined {
  if (e.type === 'SUBMIT_OK') {
    const late = a.dueAt ? { late: now.getTime() > a.dueAt.getTime() } : {};
    const phone = e.completion.mode === 'phone_only' ? { completionMode: 'phone_only', note: e.completion.note } : {};
    return Object.keys(late).length + Object.keys(phone).length ? { ...late, ...phone } : undefined;
  }
  if (e.type === 'SUBMIT_REJECTED') return { failureCodes: e.failures.map((f) => f.code) };
  if (e.type === 'VERIFY') return e.comment ? { comment: e.comment } : undefined;
  if (e.type === 'REJECT_BY_MANAGER' || e.type === 'CANCEL') return { reason: e.reason, by: e.by };
  if (e.type === 'REOPEN') {
    const due = e.dueAt ? { dueAt: e.dueAt.toISOString(), previousDueAt: a.dueAt?.toISOString() ?? null } : {};
    return { reason: e.reason, by: e.by, ...due };
  }
  // not from/to: those keys carry the status change of every action event
  if (e.type === 'REASSIGN') return { fromUserId: a.assigneeId, toUserId: e.to.userId, by: e.by, ...(e.reason ? { reason: e.reason } : {}) };
  if (e.type === 'ESCALATE') return { stepIndex: e.stepIndex };
  return undefined;
}

/** What a transition stamps or takes back besides the status (a reopened action is neither verified nor completed any more). */
function changesOf(e: ActionEvent, now: Date): ActionChanges {
  switch (e.type) {
    case 'SUBMIT_OK': return { submittedAt: now, completionMode: e.completion.mode, completionNote: e.completion.mode === 'phone_only' ? e.completion.note : null };
    case 'VERIFY': return { verifiedAt: now };
    case 'ARCHIVE': case 'CANCEL': return { archivedAt: now };
    case 'REOPEN': return { verifiedAt: null, completionMode: null, completionNote: null, ...(e.dueAt ? { dueAt: e.dueAt } : {}) };
    case 'REASSIGN': return { assigneeId: e.to.userId, departmentId: e.to.departmentId };
    default: return {};
  }
}

/**
 * Pure: decides the next status, the columns set with it and everything the
 * transition causes; executes nothing.
 *
 *   const r = transitionAction({ id: 12, status: 'submitted', assigneeId: 7 }, { type: 'VERIFY', by: 3 }, now);
 *   // r.effects: the event log, the rep's 已核验 notice, the manager's to-dos closed
 */
export function transitionAction(action: ActionSnapshot, event: ActionEvent, now: Date): TransitionResult {
  const next = (TRANSITIONS[action.status] as Partial<Record<ActionEventType, ActionStatus>>)[event.type];
  if (next === undefined) {
    return {
      ok: false,
      code: 'ACTION_TRANSITION_INVALID',
      message: `该事项当前为「${describeStatus(action.status)}」，不能执行「${EVENT_LABELS[event.type]}」。`,
    };
  }
  if ((event.type === 'REJECT_BY_MANAGER' || event.type === 'REOPEN' || event.type === 'CANCEL') && !event.reason.trim()) {
    return { ok: false, code: 'ACTION_REASON_REQUIRED', message: `${EVENT_LABELS[event.type]}时必须填写原因，方便业务员知道要改什么。` };
  }
  const log: Effect = { kind: 'event_log', actionId: action.id, event: event.type, from: action.status, to: next, at: now };
  const data = logData(action, event, now);
  if (data) log.data = data;
  return { ok: true, next, changes: changesOf(event, now), effects: [log, ...sideEffects(action, event)] };
}
