-- Follow-up messages: one outbox for every message that leaves the edge, written in the same
-- batch as the action that causes it; the links those messages carry; confirmation of actions;
-- unsubscribing; and the cron's housekeeping record. See edge/src/mail/.

-- Who the campaign's messages come from, and whether actions are confirmed by email.
-- Empty sender address: the deployment's MAIL_FROM.
ALTER TABLE campaigns ADD COLUMN sender_name  TEXT    NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN sender_email TEXT    NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN reply_to     TEXT    NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN confirm      INTEGER NOT NULL DEFAULT 0 CHECK (confirm IN (0, 1));

-- When the supporter withdrew consent from a message's unsubscribe link (kept, and exported).
ALTER TABLE supporters ADD COLUMN unsubscribed_at INTEGER;
-- When the supporter was erased (staff) or removed by "it wasn't me": nothing is sent to them.
ALTER TABLE supporters ADD COLUMN erased_at INTEGER;

-- NULL: not asked (confirmation was off); 0: waiting for the signer; 1: confirmed.
ALTER TABLE signatures  ADD COLUMN confirmed    INTEGER CHECK (confirmed IN (0, 1));
ALTER TABLE signatures  ADD COLUMN confirmed_at INTEGER;
ALTER TABLE commitments ADD COLUMN confirmed    INTEGER CHECK (confirmed IN (0, 1));
ALTER TABLE commitments ADD COLUMN confirmed_at INTEGER;
CREATE INDEX signatures_unconfirmed  ON signatures  (petition_id) WHERE confirmed = 0;
CREATE INDEX commitments_unconfirmed ON commitments (pledge_id)   WHERE confirmed = 0;

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
  -- Messages to people, and (integrations) deliveries to the campaign's other tools.
  kind         TEXT    NOT NULL
               CHECK (kind IN ('confirm', 'confirm_reminder', 'pledge_eve', 'pledge_morning', 'outcome',
                               'webhook', 'sync')),
  -- Whom it is for: a supporter, or (outcomes) the report whose reporter asked. The address is
  -- read when sending, never copied here, so an erasure or an unsubscribe takes effect at once.
  supporter_id INTEGER REFERENCES supporters (id),
  report_id    INTEGER REFERENCES reports (id),
  -- What it is about: `sign` or `pledge` and the request that wrote the signature or commitment
  -- (unique forever, unlike a row id, which SQLite may give again after "it wasn't me" deletes
  -- a row), or a claim.
  action         TEXT    CHECK (action IN ('sign', 'pledge')),
  action_request TEXT,
  claim_id     INTEGER REFERENCES claims (id),
  lang         TEXT    NOT NULL,
  -- One message per purpose, whatever the retries, re-publishing or cron runs.
  dedupe       TEXT    NOT NULL UNIQUE,
  status       TEXT    NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'queued', 'sending', 'sent', 'failed', 'dropped')),
  due_at       INTEGER NOT NULL,
  -- After this it is no longer worth sending (a reminder for a pledge that has begun).
  expires_at   INTEGER,
  queued_at    INTEGER,
  claimed_at   INTEGER,
  attempts     INTEGER NOT NULL DEFAULT 0,
  sent_at      INTEGER,
  message_id   TEXT,
  -- The last failure, or why it was dropped.
  error        TEXT,
  created_at   INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, due_at) WHERE status IN ('pending', 'queued', 'sending');
CREATE INDEX outbox_confirm_sent ON outbox (sent_at) WHERE kind = 'confirm' AND status = 'sent';
CREATE INDEX outbox_campaign ON outbox (campaign_id, created_at);
CREATE INDEX outbox_supporter ON outbox (supporter_id) WHERE supporter_id IS NOT NULL;
CREATE INDEX outbox_action ON outbox (action_request) WHERE action_request IS NOT NULL;

-- What fact-check reporters asked to be told before this migration.
INSERT INTO outbox (campaign_id, kind, report_id, claim_id, lang, dedupe, due_at, created_at,
                    status, sent_at)
SELECT c.campaign_id, 'outcome', n.report_id, n.claim_id, n.lang, 'outcome:' || n.report_id,
       n.created_at, n.created_at, CASE WHEN n.sent_at IS NULL THEN 'pending' ELSE 'sent' END, n.sent_at
FROM notify_outbox n JOIN claims c ON c.id = n.claim_id;
DROP TABLE notify_outbox;

-- The links a message carries: only a SHA-256 of the token is kept. A token names no email and
-- is an HMAC of the message's id, so the same message always carries the same link.
CREATE TABLE links (
  token_hash   TEXT    PRIMARY KEY,
  purpose      TEXT    NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
  outbox_id    INTEGER NOT NULL REFERENCES outbox (id),
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  created_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX links_expiry ON links (expires_at);

-- Each cron run's housekeeping, for staff.
CREATE TABLE sweeps (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  enqueued      INTEGER NOT NULL,
  reminders     INTEGER NOT NULL,
  expired       INTEGER NOT NULL,
  keys_dropped  INTEGER NOT NULL,
  sessions_dropped INTEGER NOT NULL,
  links_dropped INTEGER NOT NULL
);

CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
