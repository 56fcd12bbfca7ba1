-- The widget builder, staff management, and the rest of the overview (sources, recruiters).

-- How each widget looks and speaks (api/src/builder.rs, `Look`); empty means Rally's defaults.
-- `langs` is a comma-separated list of language tags, the default first.
ALTER TABLE petitions ADD COLUMN langs      TEXT NOT NULL DEFAULT '';
ALTER TABLE petitions ADD COLUMN accent     TEXT NOT NULL DEFAULT '';
ALTER TABLE petitions ADD COLUMN share_text TEXT NOT NULL DEFAULT '';
ALTER TABLE petitions ADD COLUMN updated_at INTEGER;
-- A draft (0) is for staff only: public routes answer 404 until it is published, so an embed
-- never shows an unpublished item.
ALTER TABLE petitions ADD COLUMN published  INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1));
ALTER TABLE pledges   ADD COLUMN langs      TEXT NOT NULL DEFAULT '';
ALTER TABLE pledges   ADD COLUMN accent     TEXT NOT NULL DEFAULT '';
ALTER TABLE pledges   ADD COLUMN share_text TEXT NOT NULL DEFAULT '';
ALTER TABLE pledges   ADD COLUMN updated_at INTEGER;
ALTER TABLE pledges   ADD COLUMN published  INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1));

-- An owner issues and revokes credentials. A revoked member's row stays, so the audit log still
-- says who did what.
ALTER TABLE staff ADD COLUMN revoked_at INTEGER;
ALTER TABLE staff ADD COLUMN created_by INTEGER REFERENCES staff (id);

-- Where actions came from, per campaign and UTC day (ms since the epoch / 86 400 000): `site` is
-- the host page's host name, `source` the link's `?source=` or `utm_source` (see
-- `Tracking::site` and `Tracking::channel`). Bumped in each action's own batch, together with
-- the all-time row of the same value (day -1), so no overview ever sums a campaign's history.
CREATE TABLE stats_sources (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  dim         TEXT    NOT NULL CHECK (dim IN ('site', 'source')),
  day         INTEGER NOT NULL,
  value       TEXT    NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, dim, day, value)
) WITHOUT ROWID;

-- What was counted before this migration. The edge computes the keys in Rust; this is the same
-- rule in SQL, for existing rows only.
INSERT INTO stats_sources (campaign_id, dim, day, value, n)
SELECT campaign_id, 'source', day, value, COUNT(*) FROM (
  SELECT p.campaign_id, CAST(x.created_at / 86400000 AS INTEGER) AS day,
         lower(COALESCE(NULLIF(x.source, ''), NULLIF(x.utm_source, ''), '(none)')) AS value
  FROM signatures x JOIN petitions p ON p.id = x.petition_id
  UNION ALL
  SELECT p.campaign_id, CAST(x.created_at / 86400000 AS INTEGER),
         lower(COALESCE(NULLIF(x.source, ''), NULLIF(x.utm_source, ''), '(none)'))
  FROM commitments x JOIN pledges p ON p.id = x.pledge_id
) GROUP BY campaign_id, day, value;

INSERT INTO stats_sources (campaign_id, dim, day, value, n)
SELECT campaign_id, dim, -1, value, SUM(n) FROM stats_sources GROUP BY campaign_id, dim, value;

-- The overview's top recruiters: an index range read, only over supporters who recruited.
CREATE INDEX supporters_recruits ON supporters (campaign_id, recruits DESC, id) WHERE recruits > 0;
