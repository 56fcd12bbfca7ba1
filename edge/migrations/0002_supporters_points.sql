-- One supporter across widgets: an action log, points, weekly goals and leaderboards.
--
-- Every award of points is a row in `actions`, written in the same batch as the signature (or
-- pledge, or report) that earned it; the aggregates below are updated in that batch too, guarded
-- by the action row's existence, so a retried or duplicate request changes nothing.

ALTER TABLE campaigns ADD COLUMN timezone       TEXT    NOT NULL DEFAULT 'UTC';
ALTER TABLE campaigns ADD COLUMN weekly_goal    INTEGER NOT NULL DEFAULT 3;
-- Points per action; recruiting is worth more than acting alone.
ALTER TABLE campaigns ADD COLUMN points_sign    INTEGER NOT NULL DEFAULT 10;
ALTER TABLE campaigns ADD COLUMN points_pledge  INTEGER NOT NULL DEFAULT 20;
ALTER TABLE campaigns ADD COLUMN points_report  INTEGER NOT NULL DEFAULT 10;
ALTER TABLE campaigns ADD COLUMN points_recruit INTEGER NOT NULL DEFAULT 50;

ALTER TABLE supporters ADD COLUMN points           INTEGER NOT NULL DEFAULT 0;
ALTER TABLE supporters ADD COLUMN nickname         TEXT;
-- The supporter's own choice to appear on public boards, and staff's power to hide a name.
ALTER TABLE supporters ADD COLUMN listed           INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1));
ALTER TABLE supporters ADD COLUMN hidden           INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
-- Bumped to revoke every browser token of this supporter.
ALTER TABLE supporters ADD COLUMN token_version    INTEGER NOT NULL DEFAULT 0;
-- The request that created the row: only that request is handed a browser token.
ALTER TABLE supporters ADD COLUMN created_request  TEXT;
-- 1 once this supporter's referrer has been credited for recruiting them (a recruit counts once).
ALTER TABLE supporters ADD COLUMN recruit_credited INTEGER NOT NULL DEFAULT 0;

CREATE INDEX supporters_board ON supporters (campaign_id, points DESC, id);

CREATE TABLE actions (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  kind         TEXT    NOT NULL CHECK (kind IN ('sign', 'pledge', 'report', 'recruit')),
  -- The petition, pledge or report the action was about; for a recruit, the recruited supporter.
  subject_id   INTEGER,
  request_id   TEXT    NOT NULL,
  points       INTEGER NOT NULL,
  week         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (request_id, kind)
);
CREATE INDEX actions_supporter ON actions (supporter_id, id);

-- Points and actions per supporter per ISO week of the campaign's calendar.
CREATE TABLE supporter_weeks (
  campaign_id  INTEGER NOT NULL,
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  week         TEXT    NOT NULL,
  points       INTEGER NOT NULL DEFAULT 0,
  actions      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (supporter_id, week)
);
CREATE INDEX supporter_weeks_board ON supporter_weeks (campaign_id, week, points DESC, supporter_id);

-- How many entries of a board hold each score: a rank is 1 + the entries above, summed over
-- the few distinct scores, never counted row by row. board: 'mobilisers' (later 'teams',
-- 'regions'); period: 'all' or a week key such as '2026-W47'.
CREATE TABLE board_scores (
  campaign_id INTEGER NOT NULL,
  board       TEXT    NOT NULL,
  period      TEXT    NOT NULL,
  points      INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, board, period, points)
) WITHOUT ROWID;

-- Claims to rewrite a KV key, at most one a second per key (see edge/src/cache.rs).
CREATE TABLE kv_claims (
  key        TEXT    PRIMARY KEY,
  written_ms INTEGER NOT NULL
) WITHOUT ROWID;
