-- Issue #23: sessions the server can end, and the sign-in log admins read.
-- A token names its session (signed, so it cannot be forged); every request
-- checks the row, so logout, deactivation and an admin's "sign out everywhere"
-- take effect at once rather than when the token expires.
CREATE TABLE sessions (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users(id),
  method        text NOT NULL CHECK (method IN ('dev', 'wecom')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ip            text,
  user_agent    text,
  revoked_at    timestamptz,
  revoked_by    bigint REFERENCES users(id),
  revoke_reason text CHECK (revoke_reason IN ('logout', 'deactivated', 'admin'))
);
CREATE INDEX sessions_user_open_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Append-only: sign-ins, failed attempts, sign-outs and revocations.
CREATE TABLE auth_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  kind       text NOT NULL CHECK (kind IN ('sign_in', 'sign_in_failed', 'sign_out', 'revoked')),
  user_id    bigint REFERENCES users(id),
  actor_id   bigint REFERENCES users(id),
  session_id bigint REFERENCES sessions(id),
  method     text,
  reason     text,
  attempted  text,
  sessions   int,
  ip         text,
  user_agent text
);
CREATE INDEX auth_log_at_idx ON auth_log (at DESC, id DESC);
CREATE INDEX auth_log_user_idx ON auth_log (user_id, at DESC);
-- the sign-in throttle counts an address's recent failures
CREATE INDEX auth_log_failed_ip_idx ON auth_log (ip, at) WHERE kind = 'sign_in_failed';
