-- The base layer of the customer profile: licences read by OCR (core/profile/licence/).
-- A scan is one photo or PDF read (queued → reading → read | refused | unavailable | failed);
-- a rep confirms or corrects each field, which makes it a customer licence. What OCR read
-- is kept beside what was confirmed, so corrections measure OCR's accuracy per field.
CREATE TABLE licence_scans (
  id             bigserial PRIMARY KEY,
  customer_id    bigint NOT NULL REFERENCES customers(id),
  attachment_id  bigint NOT NULL REFERENCES attachments(id),
  requested_by   bigint NOT NULL REFERENCES users(id),
  source         text NOT NULL CHECK (source IN ('app','bot')),
  status         text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued','reading','read','refused','unavailable','failed','confirmed')),
  kind           text CHECK (kind IN ('business_licence','medical_device_permit','drug_permit')),
  -- the fields as read, before anyone corrected them
  fields         jsonb NOT NULL DEFAULT '{}',
  refusal        text,
  message        text,
  -- how it was read: turned, skew, confidence, timings, the text line by line
  summary        jsonb,
  attempts       int NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz
);
CREATE INDEX licence_scans_queue_idx ON licence_scans (id) WHERE status IN ('queued','reading');
CREATE INDEX licence_scans_customer_idx ON licence_scans (customer_id, id DESC);

CREATE TABLE customer_licences (
  id                  bigserial PRIMARY KEY,
  customer_id         bigint NOT NULL REFERENCES customers(id),
  scan_id             bigint UNIQUE REFERENCES licence_scans(id),
  -- the photo, kept as the licence's attachment
  attachment_id       bigint NOT NULL REFERENCES attachments(id),
  kind                text NOT NULL CHECK (kind IN ('business_licence','medical_device_permit','drug_permit')),
  credit_code         text,
  name                text,
  type                text,
  legal_rep           text,
  registered_capital  text,
  established_on      date,
  term_from           date,
  term_to             date,
  long_term           boolean NOT NULL DEFAULT false,
  address             text,
  scope               text,
  permit_no           text,
  valid_from          date,
  valid_to            date,
  -- term_to of a business licence, valid_to of a permit; NULL: 长期
  expires_on          date,
  -- { field: { read, confirmed } } for each field the rep changed
  corrections         jsonb NOT NULL DEFAULT '{}',
  confirmed_by        bigint REFERENCES users(id),
  confirmed_at        timestamptz NOT NULL DEFAULT now(),
  -- a newer licence of the same kind for the customer replaces this one
  superseded_at       timestamptz
);
CREATE INDEX customer_licences_current_idx ON customer_licences (customer_id, kind) WHERE superseded_at IS NULL;
CREATE INDEX customer_licences_credit_code_idx ON customer_licences (credit_code) WHERE superseded_at IS NULL;
CREATE INDEX customer_licences_expiry_idx ON customer_licences (expires_on) WHERE superseded_at IS NULL;
