//! `cargo xtask seed-scale --state DIR [--supporters N]`: a campaign `scale` with N supporters
//! (default one million), one action each, this week's points for half of them, and the board
//! histograms the edge maintains, generated inside SQLite (recursive CTEs), not row by row.
//!
//! Each supporter also signed the campaign's petition (a million signatures to export), the
//! overview's hourly counters are filled from the actions, and the bench gets a staff credential
//! (`rs_bench_scale_owner`).
//!
//! Points are deterministic: supporter i has `10 * ((i * 7919) % 500)`, so 500 distinct scores
//! with about N / 500 ties each, the worst case for tie handling.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Result;

/// The ISO week of today in UTC (the `scale` campaign's time zone).
fn this_week() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = rally_api::week::civil_from_days((secs / 86_400) as i64);
    rally_api::week::week_key(y, m, d)
}

/// SHA-256 of the bench's staff credential for the `scale` campaign, `rs_bench_scale_owner`
/// (`tests/bench/bench.mjs`; local, throwaway state only).
const KEY_HASH: &str = "4a3996a5ecf21630891044a653ac6f393c60090faadaf5e26f60acb1c7885516";

pub fn sql(n: u32, week: &str) -> String {
    format!(
        "INSERT INTO campaigns (slug, name, created_at, timezone) VALUES ('scale', 'Scale test', 0, 'UTC') \
           ON CONFLICT (slug) DO NOTHING;
INSERT INTO petitions (campaign_id, slug, title, body, target, base_goal, created_at) \
  SELECT id, 'scale-petition', 'Scale', 'Scale test petition.', 'Nobody', 100, 0 FROM campaigns WHERE slug = 'scale' \
  ON CONFLICT (campaign_id, slug) DO NOTHING;
INSERT INTO supporters (campaign_id, email, first_name, last_name, postal_code, country, contact_consent, \
    consent_at, ref_code, lang, created_at, points, recruit_credited, region) \
  WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) \
  SELECT c.id, 'scale' || i || '@example.org', 'Scale', 'S' || i, '01310-100', 'BR', 0, 0, \
    'S' || printf('%07d', i), 'en', i, 10 * ((i * 7919) % 500), 1, \
    CASE WHEN i % 10 = 0 THEN 'BR-SP' ELSE 'BR-RJ' END \
  FROM seq, campaigns c WHERE c.slug = 'scale' \
  ON CONFLICT (campaign_id, email) DO NOTHING;
INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
  SELECT campaign_id, id, 'sign', NULL, 'scale-' || id, points, '{week}', created_at FROM supporters \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND email LIKE 'scale%@example.org' \
  ON CONFLICT (request_id, kind) DO NOTHING;
INSERT INTO supporter_weeks (campaign_id, supporter_id, week, points, actions) \
  SELECT campaign_id, id, '{week}', points / 2, 1 FROM supporters \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND id % 2 = 0 AND points > 0 \
  ON CONFLICT (supporter_id, week) DO NOTHING;
DELETE FROM board_scores WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale');
INSERT INTO board_scores (campaign_id, board, period, points, n) \
  SELECT campaign_id, 'mobilisers', 'all', points, COUNT(*) FROM supporters \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND points > 0 GROUP BY points;
INSERT INTO board_scores (campaign_id, board, period, points, n) \
  SELECT campaign_id, 'mobilisers', week, points, COUNT(*) FROM supporter_weeks \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND week = '{week}' AND points > 0 \
  GROUP BY points;
INSERT INTO signatures (petition_id, supporter_id, request_id, country, lang, created_at) \
  SELECT p.id, s.id, 'scale-' || s.id, 'BR', 'en', s.created_at FROM supporters s \
  JOIN petitions p ON p.campaign_id = s.campaign_id AND p.slug = 'scale-petition' \
  WHERE s.campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND s.email LIKE 'scale%@example.org' \
  ON CONFLICT DO NOTHING;
UPDATE petitions SET signature_count = (SELECT COUNT(*) FROM signatures WHERE petition_id = petitions.id) \
  WHERE slug = 'scale-petition';
DELETE FROM stats_hourly WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale');
INSERT INTO stats_hourly (campaign_id, kind, hour, n) \
  SELECT campaign_id, kind, CAST(created_at / 3600000 AS INTEGER), COUNT(*) FROM actions \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') GROUP BY kind, CAST(created_at / 3600000 AS INTEGER);
DELETE FROM stats_sources WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale');
INSERT INTO stats_sources (campaign_id, dim, day, value, n) \
  WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 399), \
    src(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM src WHERE j < 49) \
  SELECT c.id, dim.v, CAST(strftime('%s', 'now') AS INTEGER) / 86400 - i, \
    CASE dim.v WHEN 'site' THEN 'site' || j || '.example' ELSE 'source-' || j END, 1 + (i * 31 + j * 17) % 50 \
  FROM d, src, campaigns c, (SELECT 'site' AS v UNION ALL SELECT 'source' AS v) dim WHERE c.slug = 'scale';
INSERT INTO stats_sources (campaign_id, dim, day, value, n) \
  SELECT campaign_id, dim, -1, value, SUM(n) FROM stats_sources \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') GROUP BY dim, value;
UPDATE supporters SET recruits = id % 97 \
  WHERE campaign_id = (SELECT id FROM campaigns WHERE slug = 'scale') AND id % 1000 = 0;
INSERT INTO staff (campaign_id, name, role, key_hash, created_at) \
  SELECT id, 'Bench owner', 'owner', '{KEY_HASH}', 0 FROM campaigns WHERE slug = 'scale' \
  ON CONFLICT (key_hash) DO NOTHING;
"
    )
}

pub fn seed(state: &Path, n: u32) -> Result<()> {
    let file = state.join("scale-seed.sql");
    std::fs::write(&file, sql(n, &this_week()))
        .map_err(|e| format!("writing {}: {e}", file.display()))?;
    let started = std::time::Instant::now();
    crate::edge::execute_file(state, &file)?;
    eprintln!(
        "xtask: seeded {n} supporters in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
