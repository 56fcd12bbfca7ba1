-- The mobiliser hub (edge/src/pages/hub.rs): campaign actions staff publish for a date range,
-- who did which, the leader-contact consent, leaders' changes to their team, and the two new
-- kinds of message (a sign-in link asked for, a nudge from one's leader) with the hub link
-- every message to a supporter carries.
--
-- SQLite cannot change a CHECK constraint, so `actions`, `outbox` and `links` are rebuilt with
-- their rows; `defer_foreign_keys` lets `links` point at the rebuilt `outbox` (D1's way).
PRAGMA defer_foreign_keys = true;

-- `done`: a campaign action (a self-reported one, or a rebuttal shared from the hub), worth
-- the action's points; the same award and undo statements as every other kind.
CREATE TABLE actions_next (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  kind         TEXT    NOT NULL CHECK (kind IN ('sign', 'pledge', 'report', 'recruit', 'done')),
  -- The petition, pledge or report the action was about; for a recruit, the recruited
  -- supporter; for `done`, the campaign action.
  subject_id   INTEGER,
  request_id   TEXT    NOT NULL,
  points       INTEGER NOT NULL,
  week         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (request_id, kind)
);
INSERT INTO actions_next (id, campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at)
SELECT id, campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at FROM actions;
DROP TABLE actions;
ALTER TABLE actions_next RENAME TO actions;
CREATE INDEX actions_supporter ON actions (supporter_id, id);

CREATE TABLE outbox_next (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  kind         TEXT    NOT NULL
               CHECK (kind IN ('confirm', 'confirm_reminder', 'pledge_eve', 'pledge_morning', 'outcome',
                               'webhook', 'sync', 'signin', 'nudge')),
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
  -- A nudge: who nudged (their public name) and the team, JSON, as the leader's page had them.
  detail       TEXT
);
INSERT INTO outbox_next (id, campaign_id, kind, supporter_id, report_id, action, action_request, claim_id,
  lang, dedupe, status, due_at, expires_at, queued_at, claimed_at, attempts, sent_at, message_id, error,
  created_at, endpoint_id, event_type, last_status, latency_ms, response, target_id, next_step)
SELECT id, campaign_id, kind, supporter_id, report_id, action, action_request, claim_id,
  lang, dedupe, status, due_at, expires_at, queued_at, claimed_at, attempts, sent_at, message_id, error,
  created_at, endpoint_id, event_type, last_status, latency_ms, response, target_id, next_step FROM outbox;

-- `hub`: opens the person's hub once (a sign-in), like the confirmation links.
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

-- Campaign actions: staff publish them for a date range (in the campaign's zone, inclusive).
-- `how`: `self` (a Done button), `sign` / `pledge` (a Rally item, done by acting on it),
-- `share` (a rebuttal shared from the hub), `invite` (done by a credited recruit).
CREATE TABLE campaign_actions (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  title        TEXT    NOT NULL,
  body         TEXT    NOT NULL DEFAULT '',
  link         TEXT    NOT NULL DEFAULT '',
  points       INTEGER NOT NULL,
  how          TEXT    NOT NULL CHECK (how IN ('self', 'sign', 'pledge', 'share', 'invite')),
  -- The petition's or pledge's id, or the claim's, for `sign`, `pledge` and `share`.
  item_id      INTEGER,
  starts_on    TEXT    NOT NULL,
  ends_on      TEXT    NOT NULL,
  pinned       INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  -- Other languages' title and text, JSON `{"pt-BR": {"title", "text"}}`.
  translations TEXT    NOT NULL DEFAULT '{}',
  done         INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX campaign_actions_running ON campaign_actions (campaign_id, ends_on);

-- Who did which campaign action: once per person per action. `request_id` is the request that
-- wrote it (a `done` action in `actions` for those worth points).
CREATE TABLE action_done (
  action_id    INTEGER NOT NULL REFERENCES campaign_actions (id),
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  request_id   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (supporter_id, action_id)
) WITHOUT ROWID;

-- A member agrees to be contacted by their team's leader (asked when joining; off by default).
ALTER TABLE supporters ADD COLUMN leader_contact INTEGER NOT NULL DEFAULT 0 CHECK (leader_contact IN (0, 1));

-- What leaders did to their team: removals, new invite links, handovers, nudges.
CREATE TABLE team_events (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  team_id     INTEGER NOT NULL,
  actor_id    INTEGER NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('remove', 'renew', 'handover', 'nudge')),
  subject_id  INTEGER,
  at          INTEGER NOT NULL
);
CREATE INDEX team_events_team ON team_events (team_id, id);
CREATE INDEX supporters_team ON supporters (team_id) WHERE team_id IS NOT NULL;
