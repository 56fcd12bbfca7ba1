-- Action Network sync and the OSDI API's tokens.

-- A staff credential is a person's (signs in to the dashboard, calls staff routes) or an API
-- token's (reads the OSDI API with `OSDI-API-Token`, nothing else). Both are issued by owners,
-- carry a role, are kept only as SHA-256 and are revoked the same way.
ALTER TABLE staff ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'api'));

-- The campaign's Action Network connector (one per campaign). The API key is sealed with the
-- edge's SYNC_KEY secret (AES-256-GCM, `hex(nonce || ciphertext)`); staff see its last four
-- characters, never the key.
CREATE TABLE connectors (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL UNIQUE REFERENCES campaigns (id),
  service     TEXT    NOT NULL DEFAULT 'action_network' CHECK (service IN ('action_network')),
  key_sealed  TEXT    NOT NULL,
  key_hint    TEXT    NOT NULL,
  -- Comma-separated tags added to each person recorded.
  tags        TEXT    NOT NULL DEFAULT '',
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_by  INTEGER REFERENCES staff (id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER
);

-- Which petition (`sign`) or pledge (`pledge`) is recorded on which Action Network petition or
-- event.
CREATE TABLE connector_targets (
  id           INTEGER PRIMARY KEY,
  connector_id INTEGER NOT NULL REFERENCES connectors (id),
  item_kind    TEXT    NOT NULL CHECK (item_kind IN ('sign', 'pledge')),
  item_id      INTEGER NOT NULL,
  remote_id    TEXT    NOT NULL,
  UNIQUE (connector_id, item_kind, item_id)
);

-- A sync is an outbox row of kind `sync` naming its target. Not a foreign key on purpose: a
-- mapping removed while a sync waits leaves the row, and the send drops it ("mapping removed").
ALTER TABLE outbox ADD COLUMN target_id INTEGER;

-- The OSDI API walks a petition's signatures and a pledge's commitments in id order, a page at
-- a time (keyset): each page is one range of these indexes, however many rows came before.
CREATE INDEX signatures_petition ON signatures (petition_id, id);
CREATE INDEX commitments_pledge ON commitments (pledge_id, id);
