-- 客户联系 sync (issue #20): the external contacts WeCom lists for our members, bound to our contacts
-- (contacts.wecom_external_userid) when the match is sure; otherwise a question the rep answers here —
-- 企业微信客户 王建国（某某医院）是这位联系人吗？ — asked once per (external contact, candidate).
CREATE TABLE wecom_contact_matches (
  id              bigserial PRIMARY KEY,
  external_userid text NOT NULL,
  external_name   text NOT NULL,
  -- the company as WeCom or the member's remark gives it (remark_corp_name, corp_name)
  corp_name       text,
  mobiles         text[] NOT NULL DEFAULT '{}',
  -- the members who have them as a customer (follow_info.userid), as our users
  follower_ids    bigint[] NOT NULL DEFAULT '{}',
  -- the contact asked about; null: nobody of ours fits, 新建联系人 under customer_id is offered
  contact_id      bigint REFERENCES contacts(id),
  customer_id     bigint NOT NULL REFERENCES customers(id),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected', 'created', 'superseded')),
  decided_by      bigint REFERENCES users(id),
  decided_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- asked once: a 不是 is remembered across syncs
CREATE UNIQUE INDEX wecom_contact_matches_once_idx ON wecom_contact_matches (external_userid, customer_id, coalesce(contact_id, 0));
CREATE INDEX wecom_contact_matches_pending_idx ON wecom_contact_matches (customer_id) WHERE status = 'pending';
