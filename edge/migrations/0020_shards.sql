-- A viral petition (issue 25): actions acknowledged in sharded Durable Objects
-- (edge/src/shard.rs) and drained here in set-based batches (edge/src/db/drain.rs).

-- How many shards take a petition's (pledge's) actions: 0, the direct path (one D1 batch an
-- action); N >= 1, one of N Durable Objects chosen by a hash of (campaign, email). Raised by
-- staff, or automatically (`shards_auto`) when a minute of direct actions passes the edge's
-- threshold, or when a shard reports its rate near its own limit.
ALTER TABLE petitions ADD COLUMN shards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE petitions ADD COLUMN shards_auto INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pledges ADD COLUMN shards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pledges ADD COLUMN shards_auto INTEGER NOT NULL DEFAULT 1;
-- The direct path's rate: the current minute (ms / 60000) and its actions so far.
ALTER TABLE petitions ADD COLUMN rate_minute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE petitions ADD COLUMN rate_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pledges ADD COLUMN rate_minute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pledges ADD COLUMN rate_n INTEGER NOT NULL DEFAULT 0;

-- How far each shard has been drained: every row of shard `shard` of `item` (`petition:12`)
-- with a sequence number up to `upto` is in D1. A drain stages only rows above it and raises
-- it in the same batch, so a drain retried after its commit (a crash, a lost answer) stages
-- nothing and every statement after it, reading the staged rows, does nothing.
CREATE TABLE shard_marks (
  item      TEXT    NOT NULL,
  shard     INTEGER NOT NULL,
  upto      INTEGER NOT NULL DEFAULT 0,
  drains    INTEGER NOT NULL DEFAULT 0,
  rows      INTEGER NOT NULL DEFAULT 0,
  at        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (item, shard)
) WITHOUT ROWID;

-- One drain's rows, staged from its JSON parameter: every set-based statement of the drain
-- reads them by `drain` (a random id per attempt). Kept until the shard's next drain (or the
-- cron's sweep) so a ladder evaluation raced by an edit can run again over them.
CREATE TABLE drain_rows (
  drain         TEXT    NOT NULL,
  seq           INTEGER NOT NULL,
  item          TEXT    NOT NULL,
  shard         INTEGER NOT NULL,
  request_id    TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  first_name    TEXT    NOT NULL,
  last_name     TEXT    NOT NULL,
  postal_code   TEXT    NOT NULL,
  country       TEXT    NOT NULL,
  region        TEXT    NOT NULL,
  contact_consent INTEGER NOT NULL,
  lang          TEXT    NOT NULL,
  ref_code      TEXT    NOT NULL,
  ref_alt       TEXT    NOT NULL,
  referral      TEXT,
  display_name  TEXT,
  city          TEXT,
  source        TEXT,
  utm_source    TEXT,
  utm_medium    TEXT,
  utm_campaign  TEXT,
  utm_term      TEXT,
  utm_content   TEXT,
  page_url      TEXT,
  channel       TEXT    NOT NULL,
  site          TEXT    NOT NULL,
  reminder      INTEGER,
  week          TEXT    NOT NULL,
  at            INTEGER NOT NULL,
  PRIMARY KEY (drain, seq)
) WITHOUT ROWID;
CREATE INDEX drain_rows_request ON drain_rows (request_id);
CREATE INDEX drain_rows_shard ON drain_rows (item, shard);

-- A pending supporter token (issued at a shard's acknowledgement, before the supporter's row
-- exists) names the request that will create them.
CREATE INDEX supporters_created_request ON supporters (campaign_id, created_request)
  WHERE created_request IS NOT NULL;

-- Pruning sent messages after their retention walks the outbox by id.
CREATE INDEX outbox_settled ON outbox (id) WHERE status IN ('sent', 'dropped', 'failed');
