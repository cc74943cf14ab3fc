-- Customer-facing document links (core/sharing, issue #20).

-- A rep shares one attachment with a customer: the link's token is `<id>.<HMAC>` (never
-- stored, recomputed from the id), so a forged or altered token matches no row. The
-- stage the deal stood in and the document's tags are kept as they were at sharing, for
-- the signal rules ("document tagged X shared in stage Y downloaded N times").
CREATE TABLE share_links (
  id               bigserial PRIMARY KEY,
  attachment_id    bigint NOT NULL REFERENCES attachments(id),
  opportunity_id   bigint NOT NULL REFERENCES opportunities(id),
  customer_id      bigint NOT NULL REFERENCES customers(id),
  -- who it was sent to, when the rep said so: their opens are attributed to them
  contact_id       bigint REFERENCES contacts(id),
  stage_code       text NOT NULL,
  tags             text[] NOT NULL DEFAULT '{}',
  created_by       bigint NOT NULL REFERENCES users(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  revoked_at       timestamptz,
  revoked_by       bigint REFERENCES users(id),
  -- the customer's first open: the rep's WeCom message is sent once, when this is set
  first_opened_at  timestamptz,
  CHECK (expires_at > created_at),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX share_links_opportunity_idx ON share_links (opportunity_id, id);
CREATE INDEX share_links_attachment_idx ON share_links (attachment_id);

-- Each counted open of the page or download of the file by someone outside the
-- organisation. Only what the page says it keeps: the time, the contact the link was
-- sent to, a hash of the device (user agent, languages, network prefix) and the network
-- prefix itself (IPv4 /24, IPv6 /48) — never the full address. A fetch repeating one
-- from the same device or network within the setting's seconds adds to `repeats` of
-- that row instead of counting again, so a scraper's hundreds of fetches are one open.
CREATE TABLE share_opens (
  id           bigserial PRIMARY KEY,
  link_id      bigint NOT NULL REFERENCES share_links(id),
  kind         text NOT NULL CHECK (kind IN ('open','download')),
  at           timestamptz NOT NULL DEFAULT now(),
  contact_id   bigint REFERENCES contacts(id),
  fingerprint  char(16) NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
  ip_prefix    text NOT NULL,
  repeats      int NOT NULL DEFAULT 0,
  last_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_opens_link_idx ON share_opens (link_id, kind, last_at);
