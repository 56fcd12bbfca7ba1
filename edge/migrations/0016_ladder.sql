-- The engagement ladder (rally_api::ladder): each campaign's ordered rungs, where each supporter
-- stands, every move between rungs, and the aggregates the ladder report reads. A supporter is
-- evaluated inside the D1 batch of each action that can move them (edge/src/db/ladder.rs), and
-- by a background job after a ladder edit or when a week ends (time windows).

-- The ladder as JSON (NULL: the default ladder) and its version, bumped by every edit.
ALTER TABLE campaigns ADD COLUMN ladder TEXT;
ALTER TABLE campaigns ADD COLUMN ladder_version INTEGER NOT NULL DEFAULT 0;
-- The campaign week whose time windows everyone was last evaluated in.
ALTER TABLE campaigns ADD COLUMN ladder_week TEXT NOT NULL DEFAULT '';

-- Where the supporter stands ('' = on no rung yet), and the report's dimensions as the
-- aggregates last counted them (so a change of team or region moves their count exactly).
ALTER TABLE supporters ADD COLUMN rung TEXT NOT NULL DEFAULT '';
ALTER TABLE supporters ADD COLUMN l_region TEXT NOT NULL DEFAULT '';
ALTER TABLE supporters ADD COLUMN l_team TEXT NOT NULL DEFAULT '';
-- Fixed when the supporter is created (`NULL` for those from before the ladder): the channel (`?source=`, else utm_source) and item
-- (`petition:<slug>`, `pledge:<slug>`, `report`).
ALTER TABLE supporters ADD COLUMN first_source TEXT;
ALTER TABLE supporters ADD COLUMN first_item TEXT;

-- A confirmation carries the ladder's next step as the action's answer showed it (JSON
-- `rally_api::ladder::NextStep`), so the message asks for the same.
ALTER TABLE outbox ADD COLUMN next_step TEXT;

-- Staff list the people on a rung (the report's numbers link there).
CREATE INDEX supporters_rung ON supporters (campaign_id, rung, id) WHERE rung != '';

-- A team's leader is looked up by the "leads a team" condition.
CREATE INDEX teams_leader ON teams (leader_id);

-- The report's dimensions, one row each: every aggregate row is written once per dimension.
CREATE TABLE ladder_dims (dim TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO ladder_dims (dim) VALUES ('all'), ('source'), ('region'), ('team'), ('item');

-- Scratch rows of one evaluation, keyed by the batch's own fresh id (each batch reads only its
-- own); the cron removes them a minute later, off the action's path.
CREATE TABLE ladder_evals (
  request_id   TEXT    NOT NULL,
  supporter_id INTEGER NOT NULL,
  campaign_id  INTEGER NOT NULL,
  old_rung     TEXT    NOT NULL,
  new_rung     TEXT    NOT NULL,
  old_region   TEXT    NOT NULL,
  new_region   TEXT    NOT NULL,
  old_team     TEXT    NOT NULL,
  new_team     TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  item         TEXT    NOT NULL,
  at           REAL    NOT NULL,
  PRIMARY KEY (request_id, supporter_id)
) WITHOUT ROWID;

-- Every change of rung: the history the report reads. `request_id` is the action's request (or
-- the background job's slice), so a retried batch records nothing twice.
CREATE TABLE rung_moves (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL,
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  from_rung    TEXT    NOT NULL,
  to_rung      TEXT    NOT NULL,
  at           REAL    NOT NULL,
  week         TEXT    NOT NULL,
  cause        TEXT    NOT NULL CHECK (cause IN ('action', 'team', 'profile', 'undo', 'window', 'ladder_changed', 'erased')),
  request_id   TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  region       TEXT    NOT NULL,
  team         TEXT    NOT NULL,
  item         TEXT    NOT NULL,
  UNIQUE (request_id, supporter_id)
);
CREATE INDEX rung_moves_supporter ON rung_moves (supporter_id, id);

-- People on each rung now, per dimension value ('all' has the value '').
CREATE TABLE ladder_now (
  campaign_id INTEGER NOT NULL,
  dim         TEXT    NOT NULL,
  val         TEXT    NOT NULL,
  rung        TEXT    NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, dim, val, rung)
) WITHOUT ROWID;

-- Moves per campaign week between each pair of rungs, per dimension value.
CREATE TABLE ladder_flows (
  campaign_id INTEGER NOT NULL,
  dim         TEXT    NOT NULL,
  val         TEXT    NOT NULL,
  week        TEXT    NOT NULL,
  from_rung   TEXT    NOT NULL,
  to_rung     TEXT    NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, dim, val, week, from_rung, to_rung)
) WITHOUT ROWID;

-- The first time each supporter reached each rung, and whether they moved higher within
-- rally_api::ladder::CONVERSION_WEEKS of it.
CREATE TABLE rung_entries (
  supporter_id INTEGER NOT NULL,
  rung         TEXT    NOT NULL,
  campaign_id  INTEGER NOT NULL,
  at           REAL    NOT NULL,
  source       TEXT    NOT NULL,
  region       TEXT    NOT NULL,
  team         TEXT    NOT NULL,
  item         TEXT    NOT NULL,
  converted    INTEGER NOT NULL DEFAULT 0,
  request_id   TEXT    NOT NULL,
  conv_request TEXT,
  PRIMARY KEY (supporter_id, rung)
);
CREATE INDEX rung_entries_request ON rung_entries (request_id);
CREATE INDEX rung_entries_conv ON rung_entries (conv_request) WHERE conv_request IS NOT NULL;

-- Entered and converted counts per rung, per dimension value.
CREATE TABLE ladder_conv (
  campaign_id INTEGER NOT NULL,
  dim         TEXT    NOT NULL,
  val         TEXT    NOT NULL,
  rung        TEXT    NOT NULL,
  entered     INTEGER NOT NULL DEFAULT 0,
  converted   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, dim, val, rung)
) WITHOUT ROWID;

-- Ladder edits, marked on the report's timeline.
CREATE TABLE ladder_edits (
  campaign_id INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  at          REAL    NOT NULL,
  week        TEXT    NOT NULL,
  PRIMARY KEY (campaign_id, version)
) WITHOUT ROWID;

-- Background re-evaluations of a whole campaign (after an edit, or when a week ends): one
-- bounded slice of supporters a LADDER queue message, keyset boundary `after_id`; a slice
-- commits only where `seq` is still what it read.
CREATE TABLE ladder_jobs (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  cause       TEXT    NOT NULL CHECK (cause IN ('window', 'ladder_changed')),
  week        TEXT    NOT NULL,
  status      TEXT    NOT NULL DEFAULT 'running',
  after_id    INTEGER NOT NULL DEFAULT 0,
  seq         INTEGER NOT NULL DEFAULT 0,
  done        INTEGER NOT NULL DEFAULT 0,
  created_at  REAL    NOT NULL,
  updated_at  REAL    NOT NULL
);
CREATE INDEX ladder_jobs_status ON ladder_jobs (status, updated_at);
CREATE INDEX ladder_jobs_campaign ON ladder_jobs (campaign_id, id);
