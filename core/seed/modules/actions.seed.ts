/**
 * 事项: the planned work (seed_work) as actions in the state its story left
 * them — verified, submitted and waiting, sent back by the manager, done by
 * phone only, open, or past due and not filed (the overdue job marks and
 * escalates those) — with the lifecycle events the engine would have logged
 * and the supervisor's to-dos: one to verify each filing and one per report
 * the rules refused, both done once the manager verifies (as the engine closes them).
 */
import { defineSeedModule, type SeedCounts } from '../seed-module.js';

const MGR_REASONS = ['照片看不清门头，请补拍', '语音纪要没有讲清客户的顾虑，请补充', '决策链角色填写有误，请核实后重新提交', '下次接触时间太远，请约在两周内'];

/** The status a story has reached by now (its later times are NULL when they fall after "now"). */
const STATUS_SQL = `CASE
  WHEN w.plan IN ('open','overdue') THEN 'dispatched'
  WHEN w.plan = 'mgr_rejected' THEN CASE WHEN w.reject_at IS NULL THEN 'submitted' WHEN w.redo_at IS NULL THEN 'rejected'
                                        WHEN w.verify_at IS NULL THEN 'submitted' ELSE 'verified' END
  WHEN w.verify_at IS NULL THEN 'submitted' ELSE 'verified' END`;

export const actionsSeed = defineSeedModule<Record<string, never>>({
  name: 'actions',
  label: '事项与核验',
  after: ['visits', 'deal-tasks', 'processes'],
  knobs: { demo: {}, bench: {} },
  async run(ctx): Promise<SeedCounts> {
    // a story whose filing would come after now is still open work
    await ctx.pool.query(`UPDATE seed_work SET plan = CASE WHEN due_at > $1 THEN 'open' ELSE 'overdue' END, verify_at = NULL,
                                 reject_at = NULL, redo_at = NULL
                           WHERE plan NOT IN ('open','overdue') AND done_at IS NULL`, [ctx.window.now]);
    const actions = await ctx.exec(`
      INSERT INTO actions (id, definition_id, definition_code, definition_version, title, customer_id, opportunity_id, assignee_id,
                           assigner_id, department_id, process_instance_id, node_key, requirements, escalation, status, due_at,
                           completion_mode, completion_note, version, created_at, updated_at, submitted_at, verified_at)
      SELECT w.id, d.id, d.code, d.version, w.title, w.customer_id, w.opportunity_id, w.assignee_id, w.assigner_id, w.department_id,
             w.process_instance_id, w.node_key, w.requirements, w.escalation, ${STATUS_SQL}, w.due_at,
             CASE WHEN w.plan = 'phone' THEN 'phone_only' WHEN w.done_at IS NOT NULL THEN 'evidence' END,
             CASE WHEN w.plan = 'phone' THEN '电话沟通确认，客户暂不方便见面' END,
             1 + (w.done_at IS NOT NULL)::int + (w.verify_at IS NOT NULL)::int + 2 * (w.reject_at IS NOT NULL)::int,
             w.created_at, greatest(w.created_at, w.done_at, w.verify_at, w.reject_at, w.redo_at),
             CASE WHEN w.plan = 'mgr_rejected' AND w.redo_at IS NOT NULL THEN w.redo_at ELSE w.done_at END,
             w.verify_at
        FROM seed_work w JOIN action_definitions d ON d.code = w.def_code AND d.active
       ORDER BY w.id`, []);

    const events = await ctx.exec(`
      INSERT INTO events (at, actor_id, entity_type, entity_id, type, data)
      SELECT e.at, e.actor, 'action', w.id, e.type, e.data
        FROM seed_work w JOIN actions a ON a.id = w.id
        CROSS JOIN LATERAL (VALUES
          (w.created_at, w.assigner_id, 'action.dispatched',
           jsonb_build_object('to', 'dispatched', 'version', 1, 'title', w.title, 'definitionCode', w.def_code, 'customerId', w.customer_id,
                              'assigneeId', w.assignee_id, 'dueAt', w.due_at, 'requirements', w.requirements,
                              'selfAssigned', w.assignee_id = w.assigner_id)),
          (CASE WHEN w.plan = 'rule_rejected' THEN w.done_at - interval '35 minutes' END, w.assignee_id, 'action.submission_rejected',
           jsonb_build_object('from', 'dispatched', 'to', 'in_progress')),
          (w.done_at, w.assignee_id, 'action.submitted',
           jsonb_build_object('from', CASE WHEN w.plan = 'rule_rejected' THEN 'in_progress' ELSE 'dispatched' END, 'to', 'submitted',
                              'late', w.done_at > w.due_at) || CASE WHEN w.plan = 'phone' THEN '{"completionMode":"phone_only"}'::jsonb ELSE '{}'::jsonb END),
          (w.reject_at, w.assigner_id, 'action.rejected',
           jsonb_build_object('from', 'submitted', 'to', 'rejected', 'reason', ($1::text[])[1 + (w.id % ${MGR_REASONS.length})::int], 'by', w.assigner_id)),
          (w.redo_at, w.assignee_id, 'action.submitted', jsonb_build_object('from', 'rejected', 'to', 'submitted', 'late', w.redo_at > w.due_at)),
          (w.verify_at, coalesce((SELECT manager_id FROM users WHERE id = w.assignee_id), w.assigner_id), 'action.verified',
           jsonb_build_object('from', 'submitted', 'to', 'verified'))
        ) e(at, actor, type, data)
       WHERE e.at IS NOT NULL
       ORDER BY e.at`, [MGR_REASONS]);

    // the manager's queue: every filing to verify (done once verified), every refused report (done once fixed)
    const todos = await ctx.exec(`
      INSERT INTO supervisor_todos (action_id, supervisor_id, kind, day, failures, attempts, done_at, created_at, updated_at)
      SELECT w.id, m.id, t.kind, (t.at AT TIME ZONE 'Asia/Shanghai')::date, '[]'::jsonb, 1, t.done, t.at, coalesce(t.done, t.at)
        FROM seed_work w JOIN users u ON u.id = w.assignee_id JOIN users m ON m.id = coalesce(u.manager_id, w.assigner_id)
        CROSS JOIN LATERAL (VALUES
          ('verify_submission', coalesce(w.redo_at, w.done_at), w.verify_at),
          ('submission_rejected', CASE WHEN w.plan = 'rule_rejected' THEN w.done_at - interval '35 minutes' END, w.verify_at)
        ) t(kind, at, done)
       WHERE t.at IS NOT NULL AND m.id <> w.assignee_id
       ORDER BY w.id, t.kind
      ON CONFLICT (action_id, kind, day) DO NOTHING`, []);
    return { actions, events, supervisor_todos: todos };
  },
});
