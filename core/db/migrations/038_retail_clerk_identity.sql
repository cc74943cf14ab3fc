-- Clerks recognised by WeCom (#21 item 1): opened inside WeCom or WeChat, the join page and
-- the clerk entry go through WeCom's silent OAuth, which names a non-member by openid and,
-- when they are a 客户联系 contact, external_userid. The clerk's own ids sign them in again
-- without a new link; one WeChat person is one clerk.
ALTER TABLE retail_clerks
  ADD COLUMN wecom_external_userid text,
  ADD COLUMN wecom_openid          text;
CREATE UNIQUE INDEX retail_clerks_external_userid_idx ON retail_clerks (wecom_external_userid) WHERE wecom_external_userid IS NOT NULL;
CREATE UNIQUE INDEX retail_clerks_openid_idx ON retail_clerks (wecom_openid) WHERE wecom_openid IS NOT NULL;

-- A link re-issued for a clerk who has one already (lost the phone, never used WeChat):
-- it signs that clerk in, and issuing it revokes the clerk's earlier unused links.
ALTER TABLE retail_invitations
  ADD COLUMN clerk_id   bigint REFERENCES users(id),
  ADD COLUMN revoked_at timestamptz,
  ADD COLUMN revoked_by bigint REFERENCES users(id);
CREATE INDEX retail_invitations_clerk_idx ON retail_invitations (clerk_id) WHERE clerk_id IS NOT NULL;

ALTER TABLE sessions DROP CONSTRAINT sessions_method_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_method_check CHECK (method IN ('dev', 'wecom', 'invitation', 'wecom_clerk'));
