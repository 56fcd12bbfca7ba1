-- Fact-checks: reports of rumours, grouped into claims; staff verdicts with their history; an
-- outbox of people to tell when a claim is answered; staff credentials.

-- Staff of a campaign. A credential is stored only as its SHA-256 hash.
CREATE TABLE staff (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  name        TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('owner', 'organiser', 'moderator', 'viewer')),
  key_hash    TEXT    NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);

-- A claim: one rumour, however many people reported it and however they worded it.
CREATE TABLE claims (
  id              INTEGER PRIMARY KEY,
  campaign_id     INTEGER NOT NULL REFERENCES campaigns (id),
  public_id       TEXT    NOT NULL UNIQUE,
  -- The first report's words, until staff rephrase it for publishing.
  text            TEXT    NOT NULL,
  -- The representative word set (api/src/cluster.rs), space-separated: what new reports are
  -- compared with.
  words           TEXT    NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'in_review', 'published', 'dismissed')),
  reports         INTEGER NOT NULL DEFAULT 0,
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  verdict         TEXT CHECK (verdict IN ('false', 'misleading', 'missing_context', 'true', 'unverified')),
  explanation     TEXT,
  -- JSON array of { "title", "url" }.
  sources         TEXT    NOT NULL DEFAULT '[]',
  published_at    INTEGER,
  merged_into     INTEGER REFERENCES claims (id),
  -- The request that created the claim: how a batch finds the row it just inserted.
  created_request TEXT    NOT NULL UNIQUE
);
CREATE INDEX claims_queue ON claims (campaign_id, status, reports DESC) WHERE merged_into IS NULL;
CREATE INDEX claims_published ON claims (campaign_id, published_at DESC) WHERE status = 'published';

-- MinHash LSH bands of each claim's words: candidates for a new report are found by index.
CREATE TABLE claim_bands (
  campaign_id INTEGER NOT NULL,
  band        INTEGER NOT NULL,
  hash        INTEGER NOT NULL,
  claim_id    INTEGER NOT NULL REFERENCES claims (id),
  PRIMARY KEY (campaign_id, band, hash, claim_id)
) WITHOUT ROWID;

-- One report of a rumour. The email is kept only with consent, to tell the reporter the outcome;
-- it never leaves D1 except through the outbox.
CREATE TABLE reports (
  id              INTEGER PRIMARY KEY,
  campaign_id     INTEGER NOT NULL REFERENCES campaigns (id),
  claim_id        INTEGER NOT NULL REFERENCES claims (id),
  request_id      TEXT    NOT NULL UNIQUE,
  -- A fresh value per request: a retry whose row already exists changes no counts.
  nonce           TEXT    NOT NULL,
  claim           TEXT    NOT NULL,
  link            TEXT,
  seen_on         TEXT    NOT NULL,
  screenshot_text TEXT,
  email           TEXT,
  lang            TEXT    NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX reports_claim ON reports (claim_id, id DESC);

-- How often each claim was seen where.
CREATE TABLE claim_seen (
  claim_id INTEGER NOT NULL REFERENCES claims (id),
  seen_on  TEXT    NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (claim_id, seen_on)
) WITHOUT ROWID;

-- Every staff change to a claim: who, what, when.
CREATE TABLE claim_events (
  id       INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims (id),
  staff_id INTEGER NOT NULL REFERENCES staff (id),
  action   TEXT    NOT NULL,
  detail   TEXT    NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX claim_events_claim ON claim_events (claim_id, id);

-- People to tell that a claim they reported is answered. A sender (not part of this edge yet)
-- takes rows with sent_at NULL.
CREATE TABLE notify_outbox (
  id         INTEGER PRIMARY KEY,
  claim_id   INTEGER NOT NULL REFERENCES claims (id),
  report_id  INTEGER NOT NULL UNIQUE REFERENCES reports (id),
  email      TEXT    NOT NULL,
  lang       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at    INTEGER
);
