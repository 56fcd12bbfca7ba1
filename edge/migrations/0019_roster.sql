-- The staff's supporter list (issue 24): filters, sorting by last action, tags, saved filters
-- and bulk jobs over a filter; and a new kind of message, `leader` (staff replaced a team's
-- leader: the old and the new one are told), so `outbox` and `links` are rebuilt with their
-- rows as in 0018 (SQLite cannot change a CHECK constraint).
PRAGMA defer_foreign_keys = true;

-- When the person last acted (ms): kept by a trigger on `actions`, so every path that writes an
-- action (sign, pledge, report, recruit, done) keeps it without a statement of its own. The
-- list sorts by it and the Teams tab counts stalled members with it.
-- 0 for someone who never acted (so the list's keyset compares plain numbers).
ALTER TABLE supporters ADD COLUMN last_action_at INTEGER NOT NULL DEFAULT 0;
UPDATE supporters SET last_action_at = COALESCE((SELECT MAX(created_at) FROM actions a WHERE a.supporter_id = supporters.id), 0);
CREATE TRIGGER actions_last_action AFTER INSERT ON actions
BEGIN
  UPDATE supporters SET last_action_at = NEW.created_at
   WHERE id = NEW.supporter_id AND last_action_at < NEW.created_at;
END;
-- The list's two orders are index walks: by last action here, by points on `supporters_board`.
CREATE INDEX supporters_last_action ON supporters (campaign_id, last_action_at DESC, id DESC);
-- Filters on a place read an index range.
CREATE INDEX supporters_region ON supporters (campaign_id, region) WHERE region IS NOT NULL;
-- "Did X (in a date range)" and "did not do X" are one covering index lookup per person. (An
-- index led by the campaign and kind would tempt SQLite to scan every action of that kind for
-- each person: measured at a million, minutes instead of milliseconds.)
CREATE INDEX actions_person_kind ON actions (supporter_id, kind, subject_id, created_at);

-- "Came through utm_source X" and "confirmed" read a person's own signatures and commitments.
CREATE INDEX signatures_supporter ON signatures (supporter_id);
CREATE INDEX commitments_supporter ON commitments (supporter_id);

-- Tags staff put on people (by hand or on a filter's people in bulk). A set: tagging twice is
-- tagging once, so a redelivered bulk slice changes nothing.
CREATE TABLE supporter_tags (
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  tag          TEXT    NOT NULL,
  campaign_id  INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (supporter_id, tag)
) WITHOUT ROWID;
CREATE INDEX supporter_tags_tag ON supporter_tags (campaign_id, tag, supporter_id);

-- Filters staff named and kept, as the canonical query string the list reads.
CREATE TABLE saved_filters (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  name        TEXT    NOT NULL,
  filter      TEXT    NOT NULL,
  created_by  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (campaign_id, name)
);

-- Bulk work on a filter's people (tag, untag), one bounded slice a
-- queue message (`PEOPLE`), walking supporters by id after `after_id`. `seq` counts the slices
-- committed: a slice commits only where `seq` is what it read, so a redelivery does nothing.
CREATE TABLE people_jobs (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  op          TEXT    NOT NULL CHECK (op IN ('tag', 'untag')),
  tag         TEXT    NOT NULL,
  filter      TEXT    NOT NULL,
  status      TEXT    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  expected    INTEGER NOT NULL,
  done        INTEGER NOT NULL DEFAULT 0,
  after_id    INTEGER NOT NULL DEFAULT 0,
  -- The range (prev_after, after_id] the last committed slice covered, and its row count.
  prev_after  INTEGER NOT NULL DEFAULT 0,
  slice_rows  INTEGER NOT NULL DEFAULT 0,
  -- The random mark of the delivery that took the last slice: only it writes that slice.
  mark        TEXT,
  seq         INTEGER NOT NULL DEFAULT 0,
  created_by  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  finished_at INTEGER,
  error       TEXT
);
CREATE INDEX people_jobs_campaign ON people_jobs (campaign_id, id);
CREATE INDEX people_jobs_status ON people_jobs (status, updated_at);

-- An export of a filter's people (`what` = 'people') keeps its filter here.
ALTER TABLE export_jobs ADD COLUMN filter TEXT;

CREATE TABLE outbox_next (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  kind         TEXT    NOT NULL
               CHECK (kind IN ('confirm', 'confirm_reminder', 'pledge_eve', 'pledge_morning', 'outcome',
                               'webhook', 'sync', 'signin', 'nudge', 'push', 'fanout',
                               'leader')),
  supporter_id INTEGER REFERENCES supporters (id),
  report_id    INTEGER REFERENCES reports (id),
  action         TEXT    CHECK (action IN ('sign', 'pledge')),
  action_request TEXT,
  claim_id     INTEGER REFERENCES claims (id),
  lang         TEXT    NOT NULL,
  dedupe       TEXT    NOT NULL UNIQUE,
  status       TEXT    NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'queued', 'sending', 'sent', 'failed', 'dropped')),
  due_at       INTEGER NOT NULL,
  expires_at   INTEGER,
  queued_at    INTEGER,
  claimed_at   INTEGER,
  attempts     INTEGER NOT NULL DEFAULT 0,
  sent_at      INTEGER,
  message_id   TEXT,
  error        TEXT,
  created_at   INTEGER NOT NULL,
  endpoint_id  INTEGER REFERENCES endpoints (id),
  event_type   TEXT,
  last_status  INTEGER,
  latency_ms   INTEGER,
  response     TEXT,
  target_id    INTEGER,
  next_step    TEXT,
  -- A nudge: who nudged and the team. A change of leader: the team, the new leader, and
  -- whether the person is the new or the old one. A push or fan-out: what it is about
  -- (`{"kind": "action", "action": 12}`) and, for a fan-out, how far it has gone.
  detail       TEXT,
  -- A push: the device (no foreign key: a subscription the push service says is gone is
  -- deleted, and its pushes then drop).
  push_id      INTEGER
);
INSERT INTO outbox_next (id, campaign_id, kind, supporter_id, report_id, action, action_request, claim_id,
  lang, dedupe, status, due_at, expires_at, queued_at, claimed_at, attempts, sent_at, message_id, error,
  created_at, endpoint_id, event_type, last_status, latency_ms, response, target_id, next_step, detail, push_id)
SELECT id, campaign_id, kind, supporter_id, report_id, action, action_request, claim_id,
  lang, dedupe, status, due_at, expires_at, queued_at, claimed_at, attempts, sent_at, message_id, error,
  created_at, endpoint_id, event_type, last_status, latency_ms, response, target_id, next_step, detail, push_id FROM outbox;

CREATE TABLE links_next (
  token_hash   TEXT    PRIMARY KEY,
  purpose      TEXT    NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe', 'hub')),
  outbox_id    INTEGER NOT NULL REFERENCES outbox (id),
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO links_next SELECT token_hash, purpose, outbox_id, expires_at, used_at, created_at FROM links;
DROP TABLE links;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
ALTER TABLE links_next RENAME TO links;
CREATE INDEX links_expiry ON links (expires_at);
CREATE INDEX outbox_due ON outbox (status, due_at) WHERE status IN ('pending', 'queued', 'sending');
CREATE INDEX outbox_confirm_sent ON outbox (sent_at) WHERE kind = 'confirm' AND status = 'sent';
CREATE INDEX outbox_campaign ON outbox (campaign_id, created_at);
CREATE INDEX outbox_supporter ON outbox (supporter_id) WHERE supporter_id IS NOT NULL;
CREATE INDEX outbox_action ON outbox (action_request) WHERE action_request IS NOT NULL;
CREATE INDEX outbox_endpoint ON outbox (endpoint_id, id) WHERE endpoint_id IS NOT NULL;


-- The request that last changed a team's leader (staff replacing one): how the statements of
-- its batch (the event, the two messages) know the change was theirs.
ALTER TABLE teams ADD COLUMN leader_request TEXT;
