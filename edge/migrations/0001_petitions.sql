-- Rally's first schema: campaigns, petitions, supporters and their signatures.
-- Counters are columns updated in the same batch as the row they count; nothing on a request
-- path counts rows by scanning.

CREATE TABLE campaigns (
  id          INTEGER PRIMARY KEY,
  slug        TEXT    NOT NULL UNIQUE,
  name        TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE petitions (
  id               INTEGER PRIMARY KEY,
  campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
  slug             TEXT    NOT NULL,
  title            TEXT    NOT NULL,
  body             TEXT    NOT NULL,
  target           TEXT    NOT NULL,
  base_goal        INTEGER NOT NULL DEFAULT 100,
  status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  signature_count  INTEGER NOT NULL DEFAULT 0,
  -- When the KV snapshot was last claimed for rewriting (ms); at most one claim a second.
  cache_written_ms INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  UNIQUE (campaign_id, slug)
);

-- One row per person per campaign, keyed by normalised email. Emails never leave D1 except
-- through authenticated staff exports.
CREATE TABLE supporters (
  id              INTEGER PRIMARY KEY,
  campaign_id     INTEGER NOT NULL REFERENCES campaigns (id),
  email           TEXT    NOT NULL,
  first_name      TEXT    NOT NULL,
  last_name       TEXT    NOT NULL,
  postal_code     TEXT    NOT NULL,
  country         TEXT    NOT NULL,
  contact_consent INTEGER NOT NULL CHECK (contact_consent IN (0, 1)),
  consent_at      INTEGER NOT NULL,
  ref_code        TEXT    NOT NULL UNIQUE,
  referrer_id     INTEGER REFERENCES supporters (id),
  recruits        INTEGER NOT NULL DEFAULT 0,
  lang            TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  UNIQUE (campaign_id, email)
);

CREATE TABLE signatures (
  id            INTEGER PRIMARY KEY,
  petition_id   INTEGER NOT NULL REFERENCES petitions (id),
  supporter_id  INTEGER NOT NULL REFERENCES supporters (id),
  -- The random id of the request that wrote the row: how a batch knows it was the writer.
  request_id    TEXT    NOT NULL UNIQUE,
  -- First name and initial, set only when the signer chose to be shown publicly.
  display_name  TEXT,
  city          TEXT,
  country       TEXT    NOT NULL,
  referrer_id   INTEGER REFERENCES supporters (id),
  source        TEXT,
  utm_source    TEXT,
  utm_medium    TEXT,
  utm_campaign  TEXT,
  utm_term      TEXT,
  utm_content   TEXT,
  page_url      TEXT,
  lang          TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  UNIQUE (petition_id, supporter_id)
);

-- "Latest signers" is an index range read, newest first.
CREATE INDEX signatures_public_recent ON signatures (petition_id, id) WHERE display_name IS NOT NULL;

-- The first request with an Idempotency-Key decides how every retry of it is answered.
CREATE TABLE idempotency_keys (
  key         TEXT    PRIMARY KEY,
  request_id  TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);
