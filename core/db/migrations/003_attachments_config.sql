-- Attachments (附件) -------------------------------------------------------------------
-- Files are stored content-addressed (sha256) behind core/attachments/storage.ts; a row
-- per upload, so the same photo uploaded twice is one file and two rows, each with its
-- own uploader, tags and action.
CREATE TABLE attachments (
  id              bigserial PRIMARY KEY,
  sha256          char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  kind            text NOT NULL CHECK (kind IN ('photo','voice','document')),
  -- from the content's magic bytes (core/attachments/sniff.ts), never from the name or header
  mime            text NOT NULL,
  size            bigint NOT NULL CHECK (size > 0),
  filename        text,
  tags            text[] NOT NULL DEFAULT '{}',
  -- EXIF DateTimeOriginal of photos (core/flow/exif.ts); NULL when the file carries none
  captured_at     timestamptz,
  uploaded_by     bigint NOT NULL REFERENCES users(id),
  -- the uploader's department at upload: a manager's scope is a path prefix match on it
  department_id   bigint REFERENCES departments(id),
  customer_id     bigint REFERENCES customers(id),
  action_id       bigint REFERENCES actions(id),
  source          text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload','wecom_media')),
  wecom_media_id  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((source = 'wecom_media') = (wecom_media_id IS NOT NULL))
);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);
CREATE INDEX attachments_uploader_idx ON attachments (uploaded_by, id);
CREATE INDEX attachments_department_idx ON attachments (department_id, id);
CREATE INDEX attachments_action_idx ON attachments (action_id) WHERE action_id IS NOT NULL;
CREATE INDEX attachments_customer_idx ON attachments (customer_id) WHERE customer_id IS NOT NULL;

-- Every fetch of a file's content: who and when (a win-score feature later).
CREATE TABLE attachment_downloads (
  id             bigserial PRIMARY KEY,
  attachment_id  bigint NOT NULL REFERENCES attachments(id),
  user_id        bigint NOT NULL REFERENCES users(id),
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachment_downloads_attachment_idx ON attachment_downloads (attachment_id, user_id);

-- Configuration ---------------------------------------------------------------------------
-- ActionDefinitionSchema (core/flow/action-definition.ts) carries a description admins edit.
ALTER TABLE action_definitions ADD COLUMN description text;
