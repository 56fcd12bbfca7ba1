-- Teams (the "snowflake" model): a supporter starts a team and leads it, others join through
-- an invite link, up to the campaign's team size (default 8); one team per supporter.

ALTER TABLE campaigns ADD COLUMN team_size INTEGER NOT NULL DEFAULT 8;

CREATE TABLE teams (
  id              INTEGER PRIMARY KEY,
  campaign_id     INTEGER NOT NULL REFERENCES campaigns (id),
  name            TEXT    NOT NULL,
  leader_id       INTEGER REFERENCES supporters (id),
  invite_code     TEXT    NOT NULL UNIQUE,
  size            INTEGER NOT NULL DEFAULT 0,
  -- Points earned by members while they were members.
  points          INTEGER NOT NULL DEFAULT 0,
  created_request TEXT    NOT NULL UNIQUE,
  created_at      INTEGER NOT NULL
);
CREATE INDEX teams_board ON teams (campaign_id, points DESC, id);

CREATE TABLE team_weeks (
  campaign_id INTEGER NOT NULL,
  team_id     INTEGER NOT NULL REFERENCES teams (id),
  week        TEXT    NOT NULL,
  points      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, week)
);
CREATE INDEX team_weeks_board ON team_weeks (campaign_id, week, points DESC, team_id);

ALTER TABLE supporters ADD COLUMN team_id INTEGER REFERENCES teams (id);
-- The request that last changed team_id: how a batch knows its own change happened.
ALTER TABLE supporters ADD COLUMN team_request TEXT;
