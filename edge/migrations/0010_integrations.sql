-- Integrations: the campaign's webhook endpoints. Deliveries are outbox rows (kind `webhook`),
-- the same pipeline as follow-up messages.

CREATE TABLE endpoints (
  id               INTEGER PRIMARY KEY,
  campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
  url              TEXT    NOT NULL,
  -- Comma-separated event names (api/src/integrations.rs EVENTS).
  events           TEXT    NOT NULL,
  enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- The HMAC-SHA256 key of `Rally-Signature`: shown to the owner once, kept to sign.
  secret           TEXT    NOT NULL,
  -- After a rotation the previous secret also signs, until this moment (ms).
  previous_secret  TEXT,
  previous_until   INTEGER,
  created_by       INTEGER REFERENCES staff (id),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER
);
CREATE INDEX endpoints_campaign ON endpoints (campaign_id);

-- A delivery is an outbox row of kind `webhook`: which endpoint, which event, and the log of
-- its last attempt (status code, latency, the first bytes of the answer).
ALTER TABLE outbox ADD COLUMN endpoint_id INTEGER REFERENCES endpoints (id);
ALTER TABLE outbox ADD COLUMN event_type  TEXT;
ALTER TABLE outbox ADD COLUMN last_status INTEGER;
ALTER TABLE outbox ADD COLUMN latency_ms  INTEGER;
ALTER TABLE outbox ADD COLUMN response    TEXT;
CREATE INDEX outbox_endpoint ON outbox (endpoint_id, id) WHERE endpoint_id IS NOT NULL;
