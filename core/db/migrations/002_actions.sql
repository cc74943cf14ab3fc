-- Actions (行动/事项) and everything their lifecycle writes ---------------------------
-- Owned by the action-flow engine (core/actions). Rules, transitions and deadlines
-- are decided in core/flow; these tables only record what was decided.

-- Mandatory process templates (e.g. 入院准入): nodes are validated JSON
-- [{ key, title, definitionCode, dueWorkingDays, escalation }] (core/actions/process-templates.ts)
CREATE TABLE process_templates (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  nodes       jsonb NOT NULL,
  version     int NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE process_instances (
  id                bigserial PRIMARY KEY,
  template_code     text NOT NULL REFERENCES process_templates(code),
  template_version  int NOT NULL DEFAULT 1,
  customer_id       bigint NOT NULL REFERENCES customers(id),
  opportunity_id    bigint REFERENCES opportunities(id),
  started_by        bigint NOT NULL REFERENCES users(id),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX process_instances_customer_idx ON process_instances (customer_id);

CREATE TABLE actions (
  id                   bigserial PRIMARY KEY,
  definition_id        bigint NOT NULL REFERENCES action_definitions(id),
  definition_code      text NOT NULL,
  definition_version   int NOT NULL,
  title                text NOT NULL,
  customer_id          bigint NOT NULL REFERENCES customers(id),
  opportunity_id       bigint REFERENCES opportunities(id),
  assignee_id          bigint NOT NULL REFERENCES users(id),
  assigner_id          bigint REFERENCES users(id),
  -- the assignee's department at dispatch: manager scope is a path prefix match on it
  department_id        bigint REFERENCES departments(id),
  process_instance_id  bigint REFERENCES process_instances(id),
  node_key             text,
  -- the upstream action this one was created from (createDownstreamAction)
  parent_action_id     bigint REFERENCES actions(id),
  status               text NOT NULL DEFAULT 'dispatched' CHECK (status IN
                         ('dispatched','in_progress','submitted','verified','archived','rejected','overdue','escalated')),
  -- extra evidence the dispatcher named: [{ tag, min, kind? }] → attachments.min rules at evaluation
  requirements         jsonb NOT NULL DEFAULT '[]',
  -- per-action escalation policy (process nodes); NULL = the definition's policy
  escalation           jsonb,
  due_at               timestamptz,
  completion_mode      text CHECK (completion_mode IN ('evidence','phone_only')),
  completion_note      text,
  -- optimistic locking: every transition bumps it; clients send expectedVersion
  version              int NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  submitted_at         timestamptz,
  verified_at          timestamptz,
  archived_at          timestamptz,
  UNIQUE (process_instance_id, node_key)
);
CREATE INDEX actions_assignee_idx ON actions (assignee_id, id);
CREATE INDEX actions_department_idx ON actions (department_id, id);
CREATE INDEX actions_customer_idx ON actions (customer_id, definition_code, status);
CREATE INDEX actions_open_due_idx ON actions (due_at) WHERE status NOT IN ('submitted','verified','archived');

CREATE TABLE action_drafts (
  action_id   bigint PRIMARY KEY REFERENCES actions(id),
  payload     jsonb NOT NULL,
  updated_by  bigint NOT NULL REFERENCES users(id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every submission attempt, accepted or not, with the facts needed to replay the rules
-- (dry-run of a new definition version replays these).
-- payload: { fields, attachments:[{id,kind,tags,capturedAt}], checkIn, transcript,
--            linkedOrderIds, checklist, visitWindow, requirements, facts:{customer, recentOrderIds,
--            satisfiedPrerequisites, now} }
CREATE TABLE submissions (
  id                  bigserial PRIMARY KEY,
  action_id           bigint NOT NULL REFERENCES actions(id),
  kind                text NOT NULL CHECK (kind IN ('visit_report','phone_only')),
  payload             jsonb NOT NULL,
  outcome             text NOT NULL CHECK (outcome IN ('accepted','rejected')),
  failures            jsonb NOT NULL DEFAULT '[]',
  definition_id       bigint REFERENCES action_definitions(id),
  definition_version  int NOT NULL,
  submitted_by        bigint NOT NULL REFERENCES users(id),
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX submissions_action_idx ON submissions (action_id, id);
CREATE INDEX submissions_definition_idx ON submissions (definition_id, id);

-- 跟进 records; effective/reasons come from core/flow/followup.ts classifyFollowUp.
-- has_evidence = any document, attachment, decision-chain update or dated next step:
-- a non-effective follow-up without evidence is a 伪跟进 (bare status update).
CREATE TABLE followups (
  id            bigserial PRIMARY KEY,
  customer_id   bigint NOT NULL REFERENCES customers(id),
  action_id     bigint REFERENCES actions(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  department_id bigint REFERENCES departments(id),
  channel       text NOT NULL,
  summary       text NOT NULL DEFAULT '',
  payload       jsonb NOT NULL DEFAULT '{}',
  effective     boolean NOT NULL,
  has_evidence  boolean NOT NULL DEFAULT false,
  reasons       jsonb NOT NULL DEFAULT '[]',
  unmet         text[] NOT NULL DEFAULT '{}',
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX followups_customer_idx ON followups (customer_id, at);
CREATE INDEX followups_user_idx ON followups (user_id, at);
CREATE INDEX followups_department_idx ON followups (department_id, at);

-- A supervisor's to-do: one per action, kind and Shanghai day, however many attempts.
CREATE TABLE supervisor_todos (
  id             bigserial PRIMARY KEY,
  action_id      bigint NOT NULL REFERENCES actions(id),
  supervisor_id  bigint NOT NULL REFERENCES users(id),
  kind           text NOT NULL DEFAULT 'submission_rejected'
                   CHECK (kind IN ('submission_rejected','verify_submission','handle_escalation')),
  day            date NOT NULL,
  failures       jsonb NOT NULL DEFAULT '[]',
  attempts       int NOT NULL DEFAULT 1,
  done_at        timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (action_id, kind, day)
);
CREATE INDEX supervisor_todos_open_idx ON supervisor_todos (supervisor_id, day) WHERE done_at IS NULL;

-- Escalation plan of an action, computed at creation by core/flow/escalation.ts;
-- the alert job sends each step whose due_at has passed and sets done_at.
CREATE TABLE action_escalation_steps (
  action_id   bigint NOT NULL REFERENCES actions(id),
  step        int NOT NULL,
  due_at      timestamptz NOT NULL,
  notify      text[] NOT NULL,
  cc          text[] NOT NULL DEFAULT '{}',
  -- roles resolved at creation: [{ role, userId, wecomUserid }]
  recipients  jsonb NOT NULL DEFAULT '[]',
  escalate    boolean NOT NULL DEFAULT false,
  done_at     timestamptz,
  PRIMARY KEY (action_id, step)
);
CREATE INDEX action_escalation_steps_due_idx ON action_escalation_steps (due_at) WHERE done_at IS NULL;
