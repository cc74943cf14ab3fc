-- Store-bound invitations (#21): a clerk works for the retailer, not the brand, so they
-- are not in the brand's WeCom; they join a store through a link a rep or manager makes.
ALTER TABLE sessions DROP CONSTRAINT sessions_method_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_method_check CHECK (method IN ('dev', 'wecom', 'invitation'));

CREATE TABLE retail_invitations (
  id           bigserial PRIMARY KEY,
  -- sha256 of the link's token: the link itself is never stored
  token_hash   text NOT NULL UNIQUE,
  store_id     bigint NOT NULL REFERENCES retail_stores(customer_id),
  created_by   bigint NOT NULL REFERENCES users(id),
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  accepted_by  bigint REFERENCES users(id),
  accepted_at  timestamptz
);
CREATE INDEX retail_invitations_store_idx ON retail_invitations (store_id, created_at);
