-- Evidence that proves itself (core/evidence, issue #19).

-- What the server read from each file at upload: the facts the evidence rules read, so
-- no rule opens a file. `version` is the analysis that wrote the row; the backfill job
-- (re)computes attachments without a row or with an older version.
CREATE TABLE attachment_evidence (
  attachment_id  bigint PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
  version        smallint NOT NULL,
  facts          jsonb NOT NULL,
  -- the 64-bit perceptual hash of a photo (DCT pHash), signed
  phash          bigint,
  analysed_at    timestamptz NOT NULL DEFAULT now()
);

-- The duplicate index, in plain btree: each photo's hash as four 16-bit bands, the key
-- being band << 16 | value. Two hashes k bits apart share a band within ⌊k/4⌋ bits, so a
-- lookup probes the few keys around its own (core/evidence/photo-hash.ts probeKeys) and
-- reads the full hash from the index alone.
CREATE TABLE photo_hash_bands (
  key            integer NOT NULL CHECK (key >= 0 AND key < 262144),
  attachment_id  bigint NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
  phash          bigint NOT NULL
);
CREATE UNIQUE INDEX photo_hash_bands_key_idx ON photo_hash_bands (key, attachment_id) INCLUDE (phash);
CREATE INDEX photo_hash_bands_attachment_idx ON photo_hash_bands (attachment_id);

-- Audio landmarks of voice memos (core/evidence/analyse-speech.ts): hash and time of each
-- spectral peak pair. Earlier memos sharing many hashes are candidates; a copy shares them
-- at one time offset, which the comparison checks.
CREATE TABLE voice_prints (
  value          integer NOT NULL,
  t              integer NOT NULL,
  attachment_id  bigint NOT NULL REFERENCES attachments(id) ON DELETE CASCADE
);
CREATE INDEX voice_prints_value_idx ON voice_prints (value) INCLUDE (attachment_id, t);
CREATE INDEX voice_prints_attachment_idx ON voice_prints (attachment_id);

-- Check-ins as filed with each report attempt, for checkin.plausible's history: speed from
-- the rep's previous check-in, coordinates reused to the sixth decimal, repeated accuracy.
CREATE TABLE checkins (
  id             bigserial PRIMARY KEY,
  submission_id  bigint NOT NULL UNIQUE REFERENCES submissions(id),
  action_id      bigint NOT NULL REFERENCES actions(id),
  user_id        bigint NOT NULL REFERENCES users(id),
  customer_id    bigint NOT NULL REFERENCES customers(id),
  at             timestamptz NOT NULL,
  lat            double precision NOT NULL,
  lng            double precision NOT NULL,
  coord_system   text NOT NULL CHECK (coord_system IN ('wgs84','gcj02')),
  accuracy       double precision,
  received_at    timestamptz NOT NULL
);
CREATE INDEX checkins_user_at_idx ON checkins (user_id, at);
CREATE INDEX checkins_spot_idx ON checkins (round(lat::numeric, 6), round(lng::numeric, 6));

INSERT INTO checkins (submission_id, action_id, user_id, customer_id, at, lat, lng, coord_system, accuracy, received_at)
SELECT s.id, s.action_id, s.submitted_by, a.customer_id, (s.payload->'checkIn'->>'at')::timestamptz,
       (s.payload->'checkIn'->>'lat')::double precision, (s.payload->'checkIn'->>'lng')::double precision,
       coalesce(s.payload->'checkIn'->>'coordSystem', 'wgs84'), (s.payload->'checkIn'->>'accuracy')::double precision, s.created_at
  FROM submissions s JOIN actions a ON a.id = s.action_id
 WHERE s.kind = 'visit_report' AND jsonb_typeof(s.payload->'checkIn') = 'object'
   AND s.payload->'checkIn' ?& ARRAY['at','lat','lng'];

-- The trust verdict of each submission (core/flow/evidence/verdict.ts) and its review by a
-- supervisor. status: 'none' = nothing to review (trusted, or a refused attempt the rep
-- must redo); 'pending' = in the review queue; 'accepted' / 'rejected' = decided (may be
-- changed later; the follow-up it counted as moves with it).
CREATE TABLE evidence_reviews (
  submission_id  bigint PRIMARY KEY REFERENCES submissions(id),
  action_id      bigint NOT NULL REFERENCES actions(id),
  user_id        bigint NOT NULL REFERENCES users(id),
  department_id  bigint REFERENCES departments(id),
  customer_id    bigint NOT NULL REFERENCES customers(id),
  followup_id    bigint REFERENCES followups(id),
  score          smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  verdict        text NOT NULL CHECK (verdict IN ('trusted','review','rejected')),
  findings       jsonb NOT NULL DEFAULT '[]',
  status         text NOT NULL CHECK (status IN ('none','pending','accepted','rejected')),
  decided_by     bigint REFERENCES users(id),
  decided_at     timestamptz,
  comment        text,
  -- the rep's explanations: [{ code, target, text, at }]
  appeals        jsonb NOT NULL DEFAULT '[]',
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL
);
CREATE INDEX evidence_reviews_queue_idx ON evidence_reviews (score, created_at) WHERE status = 'pending';
CREATE INDEX evidence_reviews_department_idx ON evidence_reviews (department_id, created_at);
CREATE INDEX evidence_reviews_user_idx ON evidence_reviews (user_id, created_at);
CREATE INDEX evidence_reviews_action_idx ON evidence_reviews (action_id);
