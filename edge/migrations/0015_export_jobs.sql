-- Exports too big for one invocation run as background jobs: each queue message (`EXPORTS`)
-- carries one bounded slice, which reads the next rows after `after_id` (the keyset boundary,
-- recorded here with each slice) and writes them into an R2 multipart upload; the last slice
-- completes the object. `seq` counts the slices done: a slice commits only where `seq` is
-- still what it read, so a redelivered or duplicated slice writes nothing twice. `parts` holds
-- the uploaded parts as JSON `[[number, "etag"], ...]`.
CREATE TABLE export_jobs (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  what TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'running',     -- running | done | failed
  rows_expected INTEGER NOT NULL,
  rows_done INTEGER NOT NULL DEFAULT 0,
  after_id REAL NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  object_key TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  parts TEXT NOT NULL DEFAULT '[]',
  created_by INTEGER NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  finished_at REAL,
  expires_at REAL NOT NULL,
  error TEXT
);
CREATE INDEX export_jobs_campaign ON export_jobs (campaign_id, id);
CREATE INDEX export_jobs_status ON export_jobs (status, updated_at);
CREATE INDEX export_jobs_expiry ON export_jobs (expires_at);
