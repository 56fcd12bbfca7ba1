-- Staff sessions (the dashboard's cookie), the staff audit log, and hourly action counts for the
-- overview (kept in each action's own batch, so the overview never counts rows).

CREATE TABLE staff_sessions (
  -- SHA-256 of the cookie's random value: the value itself is never stored.
  token_hash TEXT    PRIMARY KEY,
  staff_id   INTEGER NOT NULL REFERENCES staff (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE staff_audit (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  staff_id    INTEGER NOT NULL REFERENCES staff (id),
  action      TEXT    NOT NULL,
  detail      TEXT    NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX staff_audit_campaign ON staff_audit (campaign_id, id DESC);

-- Actions per campaign, kind and hour (ms since the epoch / 3 600 000, UTC).
CREATE TABLE stats_hourly (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  kind        TEXT    NOT NULL,
  hour        INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, kind, hour)
) WITHOUT ROWID;

-- What was counted before this migration, so totals stay right on an existing database.
INSERT INTO stats_hourly (campaign_id, kind, hour, n)
SELECT campaign_id, kind, CAST(created_at / 3600000 AS INTEGER), COUNT(*) FROM actions
GROUP BY campaign_id, kind, CAST(created_at / 3600000 AS INTEGER);
