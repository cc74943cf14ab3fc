-- The buying centre (core/flow/buying-centre.ts): one role list instead of the
-- decision_role enum and the visit form's six labels, plus attitude, the 内线 mark,
-- preferences, reporting lines, and contact events kept as history.

ALTER TABLE contacts
  ADD COLUMN buying_role   text CHECK (buying_role IN ('initiator','user','influencer','decider','buyer','gatekeeper')),
  ADD COLUMN attitude      text CHECK (attitude IN ('support','neutral','oppose')),
  ADD COLUMN is_coach      boolean NOT NULL DEFAULT false,
  ADD COLUMN preferences   text,
  ADD COLUMN reports_to_id bigint REFERENCES contacts(id),
  ADD COLUMN status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active','left')),
  ADD COLUMN left_on       date,
  ADD CONSTRAINT contacts_reports_to_self CHECK (reports_to_id IS NULL OR reports_to_id <> id);

-- champion → 影响者 + 支持 + 内线; unknown → no role. The old enum had no buyer, and
-- the bot filed 采购负责人 as gatekeeper: a gatekeeper in purchasing is the buyer.
UPDATE contacts SET
  buying_role = CASE decision_role
    WHEN 'decision_maker' THEN 'decider'
    WHEN 'influencer' THEN 'influencer'
    WHEN 'user' THEN 'user'
    WHEN 'champion' THEN 'influencer'
    WHEN 'gatekeeper' THEN CASE WHEN COALESCE(department, '') || COALESCE(title, '') LIKE '%采购%' THEN 'buyer' ELSE 'gatekeeper' END
  END,
  attitude = CASE WHEN decision_role = 'champion' THEN 'support' END,
  is_coach = (decision_role = 'champion')
WHERE decision_role IS NOT NULL;

DROP INDEX contacts_decision_maker_idx;
ALTER TABLE contacts DROP COLUMN decision_role;
CREATE INDEX contacts_decider_idx ON contacts (customer_id) WHERE buying_role = 'decider' AND status = 'active';
CREATE INDEX contacts_reports_to_idx ON contacts (reports_to_id) WHERE reports_to_id IS NOT NULL;

-- The visit form's labels onto the six, wherever a label was stored: the rule's options
-- (every version, so dry-runs replay), drafts, and the submissions dry-runs replay.
CREATE FUNCTION pg_temp.buying_label(label text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE label WHEN '决策人' THEN '决策者' WHEN '采购负责人' THEN '采购者' WHEN '使用部门' THEN '使用者'
                    WHEN '技术把关' THEN '影响者' WHEN '财务把关' THEN '把关者' WHEN '内部支持者' THEN '影响者' ELSE label END
$$;

UPDATE action_definitions d SET rules = (
  SELECT jsonb_agg(CASE WHEN r->>'kind' = 'fields.required' THEN jsonb_set(r, '{fields}', (
           SELECT jsonb_agg(CASE WHEN f ? 'options' AND f->'options' ? '决策人' AND f->'options' ? '内部支持者'
                                 THEN jsonb_set(f, '{options}', '["发起者","使用者","影响者","决策者","采购者","把关者"]'::jsonb)
                                 ELSE f END ORDER BY i)
             FROM jsonb_array_elements(r->'fields') WITH ORDINALITY AS x(f, i)))
         ELSE r END ORDER BY n)
    FROM jsonb_array_elements(d.rules) WITH ORDINALITY AS y(r, n))
WHERE d.rules::text LIKE '%内部支持者%';

UPDATE action_drafts SET payload = jsonb_set(payload, '{fields,decisionRole}', to_jsonb(pg_temp.buying_label(payload->'fields'->>'decisionRole')))
WHERE payload->'fields'->>'decisionRole' IN ('决策人','采购负责人','使用部门','技术把关','财务把关','内部支持者');

UPDATE submissions SET payload = jsonb_set(payload, '{fields,decisionRole}', to_jsonb(pg_temp.buying_label(payload->'fields'->>'decisionRole')))
WHERE payload->'fields'->>'decisionRole' IN ('决策人','采购负责人','使用部门','技术把关','财务把关','内部支持者');

-- Changes to the chain, each dated when it happened and kept as history. A follow-up
-- claims the unclaimed events its author recorded for the customer: that is a
-- decision-chain update for the effective-follow-up rule, counted once.
CREATE TABLE contact_events (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers(id),
  contact_id   bigint NOT NULL REFERENCES contacts(id),
  kind         text NOT NULL CHECK (kind IN ('added','role_changed','transferred','left','joined','reporting_changed')),
  occurred_on  date NOT NULL,
  before       jsonb NOT NULL DEFAULT '{}',
  after        jsonb NOT NULL DEFAULT '{}',
  note         text,
  source       text NOT NULL DEFAULT 'app' CHECK (source IN ('app','bot','import')),
  recorded_by  bigint REFERENCES users(id),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  followup_id  bigint REFERENCES followups(id)
);
CREATE INDEX contact_events_customer_idx ON contact_events (customer_id, occurred_on DESC, id DESC);
CREATE INDEX contact_events_contact_idx ON contact_events (contact_id, id);
CREATE INDEX contact_events_unclaimed_idx ON contact_events (customer_id, recorded_by) WHERE followup_id IS NULL;
