-- The regions board: a supporter's region is derived from country and postal code where
-- possible (a Brazilian CEP gives the state), else their country, unless they choose one.
-- Points count for the region the supporter was in when they earned them.

ALTER TABLE supporters ADD COLUMN region TEXT;

CREATE TABLE region_points (
  campaign_id INTEGER NOT NULL,
  region      TEXT    NOT NULL,
  period      TEXT    NOT NULL,
  points      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, period, region)
);
CREATE INDEX region_points_board ON region_points (campaign_id, period, points DESC, region);
