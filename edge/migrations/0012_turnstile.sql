-- Cloudflare Turnstile against bots, per campaign: on or off for every public write
-- (signatures, commitments, reports, team joins). The site key is public (widgets render with
-- it); the secret is sealed with the edge's SYNC_KEY like the Action Network key, and shown to
-- staff only as its last four characters.
ALTER TABLE campaigns ADD COLUMN turnstile_enabled INTEGER NOT NULL DEFAULT 0 CHECK (turnstile_enabled IN (0, 1));
ALTER TABLE campaigns ADD COLUMN turnstile_site_key TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN turnstile_secret TEXT;
ALTER TABLE campaigns ADD COLUMN turnstile_hint TEXT NOT NULL DEFAULT '';
