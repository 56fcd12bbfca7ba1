-- Pledges: a commitment to act ("I will vote on 6 October"), with an optional time and place,
-- counted toward a goal like a petition. Commitments mirror signatures column for column (so
-- one set of statements records both) and add the reminder opt-in.

CREATE TABLE pledges (
  id               INTEGER PRIMARY KEY,
  campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
  slug             TEXT    NOT NULL,
  statement        TEXT    NOT NULL,
  body             TEXT    NOT NULL DEFAULT '',
  starts_at        INTEGER,
  ends_at          INTEGER,
  place            TEXT,
  base_goal        INTEGER NOT NULL DEFAULT 100,
  status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  commitment_count INTEGER NOT NULL DEFAULT 0,
  cache_written_ms INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  UNIQUE (campaign_id, slug)
);

CREATE TABLE commitments (
  id            INTEGER PRIMARY KEY,
  pledge_id     INTEGER NOT NULL REFERENCES pledges (id),
  supporter_id  INTEGER NOT NULL REFERENCES supporters (id),
  request_id    TEXT    NOT NULL UNIQUE,
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
  -- Asked to be reminded before the pledge's date (recorded for staff).
  reminder      INTEGER NOT NULL DEFAULT 0 CHECK (reminder IN (0, 1)),
  UNIQUE (pledge_id, supporter_id)
);
CREATE INDEX commitments_public_recent ON commitments (pledge_id, id) WHERE display_name IS NOT NULL;
