-- Web Push (edge/src/mail/push.rs): each device's subscription, per supporter, with the kinds
-- it wants; two new kinds of outbox row (`push`, one notification to one device; `fanout`, a
-- notification for every subscriber of a campaign, written out a slice per queue message);
-- and the clicks on notifications.
--
-- SQLite cannot change a CHECK constraint, so `outbox` and `links` are rebuilt with their rows
-- as in 0017.
PRAGMA defer_foreign_keys = true;

CREATE TABLE push_subscriptions (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  supporter_id INTEGER NOT NULL REFERENCES supporters (id),
  -- The push service's address for this device (unique: a browser has one per origin).
  endpoint     TEXT    NOT NULL UNIQUE,
  -- The browser's P-256 key and authentication secret (RFC 8291), base64url.
  p256dh       TEXT    NOT NULL,
  auth         TEXT    NOT NULL,
  -- The kinds it wants, as bits (rally_api::push::PushKind::bit): 1 action, 2 nudge,
  -- 4 rebuttal, 8 reminder.
  types        INTEGER NOT NULL CHECK (types BETWEEN 0 AND 15),
  lang         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_supporter ON push_subscriptions (supporter_id);
-- The fan-out walks a campaign's subscriptions in id order, a slice at a time.
CREATE INDEX push_subscriptions_campaign ON push_subscriptions (campaign_id, id);

CREATE TABLE outbox_next (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  kind         TEXT    NOT NULL
               CHECK (kind IN ('confirm', 'confirm_reminder', 'pledge_eve', 'pledge_morning', 'outcome',
                               'webhook', 'sync', 'signin', 'nudge', 'push', 'fanout')),
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
  -- A nudge: who nudged and the team. A push or fan-out: what it is about
  -- (`{"kind": "action", "action": 12}`) and, for a fan-out, how far it has gone.
  detail       TEXT,
  -- A push: the device (no foreign key: a subscription the push service says is gone is
  -- deleted, and its pushes then drop).
  push_id      INTEGER
);
INSERT INTO outbox_next (id, campaign_id, kind, supporter_id, report_id, action, action_request, claim_id,
  lang, dedupe, status, due_at, expires_at, queued_at, claimed_at, attempts, sent_at, message_id, error,
  created_at, endpoint_id, event_type, last_status, latency_ms, response, target_id, next_step, detail)
SELECT id, campaign_id, kind, supporter_id, report_id, action, action_request, claim_id,
  lang, dedupe, status, due_at, expires_at, queued_at, claimed_at, attempts, sent_at, message_id, error,
  created_at, endpoint_id, event_type, last_status, latency_ms, response, target_id, next_step, detail FROM outbox;

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

-- A notification's click, once per notification (the hub's `/hub/:campaign/n/:id`).
CREATE TABLE push_clicks (
  outbox_id    INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  at           INTEGER NOT NULL
);
CREATE INDEX push_clicks_campaign ON push_clicks (campaign_id, at);
