//! Draining a shard (issue 25): the actions a petition's or pledge's Durable Object shard
//! acknowledged (`crate::shard`) move to D1 in one batch of about 75 statements however many
//! rows it carries (up to [`MAX_ROWS`]). The rows travel as one JSON parameter, are staged into
//! `drain_rows` with `json_each`, and every statement after the staging reads them set-based:
//! the supporters, the signatures (commitments), the counter, the actions, the stats, recruit
//! credit, the boards, teams, regions and weeks, the hub's cards, the ladder and the outbox.
//!
//! The staging is the guard: it takes only rows above the shard's mark in `shard_marks` and
//! raises the mark in the same batch, so a drain retried after its commit (a crash between the
//! commit and the shard marking its rows, a lost answer, a redelivered alarm) stages nothing and
//! every statement after it finds nothing to do.

use serde::{Deserialize, Serialize};
use worker::D1PreparedStatement;

use crate::db::act::{Scope, Subject, PLEDGE};
use crate::db::ladder::{At, Cause, Live, Who};
use crate::db::outbox::Written;
use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// The most rows one drain carries: one JSON parameter of about 200 KB, far inside D1's 2 MB
/// value limit, and a batch that stays short for D1's single writer.
pub const MAX_ROWS: usize = 500;

/// One acknowledged action as a shard keeps it until it is drained: everything the direct path
/// would have written, computed by the route when it was acknowledged.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DrainRow {
    pub request_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub postal_code: String,
    pub country: String,
    pub region: String,
    pub contact_consent: bool,
    pub lang: String,
    /// The referral code the signer was told (new supporters), and the one tried when it is
    /// taken (see `auth::token::ref_codes`).
    pub ref_code: String,
    pub ref_alt: String,
    pub referral: Option<String>,
    pub display_name: Option<String>,
    pub city: Option<String>,
    /// The attribution, flattened: its fields are columns like the rest.
    #[serde(flatten)]
    pub tracking: rally_api::Tracking,
    /// The overview's channel and site of the action.
    pub channel: String,
    pub site: String,
    /// A pledge's "remind me".
    pub reminder: Option<bool>,
    /// The campaign week and the time of the acknowledgement.
    pub week: String,
    pub at: f64,
}

/// The staged columns: `DrainRow`'s fields as serde names them (the JSON the shard keeps is the
/// same type serialised), so a field and its column cannot drift apart. `drain_rows` has a
/// column of each name (a unit test reads the migration).
fn columns() -> Vec<String> {
    match serde_json::to_value(DrainRow::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// One drain, gathered by the shard.
pub struct DrainInput<'a> {
    pub subject: Subject,
    /// The mark's item: `petition:12`.
    pub item: &'a str,
    pub shard: u32,
    /// The report's "first action" item: `petition:<slug>`.
    pub label: &'a str,
    /// A random id of this attempt: it keys the staged rows.
    pub drain: &'a str,
    /// `[{"seq": 7, "r": <DrainRow>}, ...]`, ascending by `seq`.
    pub rows: &'a str,
    /// The campaign date of the rows (a drain never mixes dates): the hub's cards run by dates.
    pub today: &'a str,
    /// The campaign week of the drain (the ladder's windows end with it).
    pub week: &'a str,
    /// For a dated pledge: when its reminders are due (rows that asked get them).
    pub reminders: Option<[(f64, f64); 2]>,
    pub ladder: &'a Live,
    pub now: f64,
}

/// What a drain did.
#[derive(Default)]
pub struct Drained {
    /// The shard's mark after the batch: every row up to it is in D1.
    pub upto: f64,
    /// Rows this attempt staged (0 for a replay) and signatures (commitments) it wrote.
    pub staged: u32,
    pub written: u32,
    /// The outbox rows it wrote, for the queue.
    pub messages: Vec<Written>,
    /// False when a ladder edit raced the drain: evaluate again (the staged rows are kept).
    pub ladder_held: bool,
}

/// How far one shard of an item is drained (`shard_marks`).
#[derive(Deserialize, Clone, Copy, Debug)]
pub struct Mark {
    pub shard: u32,
    pub upto: f64,
}

#[derive(Deserialize)]
struct MarkRow {
    upto: f64,
    staged: u32,
    written: u32,
}

impl Store {
    /// Moves one shard's rows to D1 in one batch (see the module's comment).
    pub async fn drain(&self, d: &DrainInput<'_>) -> AppResult<Drained> {
        let m = &d.subject;
        let tg = m.target;
        let (rows, fk, parent, count, kind) = (tg.rows, tg.fk, tg.parent, tg.count, tg.kind);
        let scope = Scope::Drain(d.drain);
        let mine = scope.is("x.request_id", 1);
        let cid = num(m.campaign_id);
        let mut b = Batch::new();
        let cols = columns();
        let extract: Vec<String> = cols
            .iter()
            .map(|c| format!("json_extract(j.value, '$.r.{c}')"))
            .collect();
        b.extend([
            // Earlier attempts' rows of this shard are done with (their ladder ran again, if it
            // had to, before this drain could start).
            self.stmt(
                "DELETE FROM drain_rows WHERE item = ?1 AND shard = ?2",
                &[text(d.item), num(d.shard)],
            )?,
            // The guard: only rows above the mark are staged. The mark counts every attempt
            // that reached D1 (`drains`, a replay included) and the rows staged (`rows`).
            self.stmt(
                &format!(
                    "INSERT INTO drain_rows (drain, seq, item, shard, {cols}) \
                     SELECT ?1, json_extract(j.value, '$.seq'), ?2, ?3, {vals} FROM json_each(?4) j \
                     WHERE json_extract(j.value, '$.seq') > \
                       COALESCE((SELECT upto FROM shard_marks WHERE item = ?2 AND shard = ?3), 0)",
                    cols = cols.join(", "),
                    vals = extract.join(", ")
                ),
                &[text(d.drain), text(d.item), num(d.shard), text(d.rows)],
            )?,
            self.stmt(
                "INSERT INTO shard_marks (item, shard, upto, drains, rows, at) \
                 SELECT ?2, ?3, COALESCE(MAX(seq), 0), 1, COUNT(*), ?4 FROM drain_rows WHERE drain = ?1 \
                 ON CONFLICT (item, shard) DO UPDATE SET upto = MAX(upto, excluded.upto), \
                   drains = drains + 1, rows = rows + excluded.rows, at = excluded.at",
                &[text(d.drain), text(d.item), num(d.shard), num(d.now)],
            )?,
        ]);
        // New supporters, as the direct path makes them (an existing one is left untouched). A
        // referral code already taken is skipped here and tried with the row's second code.
        for code in ["ref_code", "ref_alt"] {
            b.add(self.stmt(
                &format!(
                    "INSERT INTO supporters (campaign_id, email, first_name, last_name, postal_code, country, \
                         contact_consent, consent_at, ref_code, referrer_id, lang, created_at, created_request, region, \
                         first_source, first_item) \
                     SELECT ?2, d.email, d.first_name, d.last_name, d.postal_code, d.country, d.contact_consent, d.at, \
                         d.{code}, (SELECT r.id FROM supporters r WHERE r.campaign_id = ?2 AND r.ref_code = d.referral), \
                         d.lang, d.at, d.request_id, d.region, d.channel, ?3 \
                     FROM drain_rows d WHERE d.drain = ?1 \
                       AND NOT EXISTS (SELECT 1 FROM supporters x WHERE x.campaign_id = ?2 AND x.ref_code = d.{code}) \
                     ON CONFLICT (campaign_id, email) DO NOTHING"
                ),
                &[text(d.drain), cid.clone(), text(d.label)],
            )?);
        }
        let reminder = if tg.kind == PLEDGE.kind {
            (", reminder", ", COALESCE(d.reminder, 0)")
        } else {
            ("", "")
        };
        b.extend([
            // The signatures (commitments): one per supporter per item, whatever else wrote one.
            self.stmt(
                &format!(
                    "INSERT INTO {rows} ({fk}, supporter_id, request_id, display_name, city, country, \
                         referrer_id, source, utm_source, utm_medium, utm_campaign, utm_term, utm_content, \
                         page_url, lang, created_at, confirmed{rc}) \
                     SELECT ?3, s.id, d.request_id, d.display_name, d.city, s.country, r.id, d.source, \
                         d.utm_source, d.utm_medium, d.utm_campaign, d.utm_term, d.utm_content, d.page_url, \
                         d.lang, d.at, (SELECT CASE WHEN confirm = 1 THEN 0 END FROM campaigns WHERE id = ?2){rv} \
                     FROM drain_rows d JOIN supporters s ON s.campaign_id = ?2 AND s.email = d.email \
                     LEFT JOIN supporters r ON r.campaign_id = ?2 AND r.ref_code = d.referral AND r.id != s.id \
                     WHERE d.drain = ?1 ORDER BY d.seq \
                     ON CONFLICT ({fk}, supporter_id) DO NOTHING",
                    rc = reminder.0,
                    rv = reminder.1
                ),
                &[text(d.drain), cid.clone(), num(m.id)],
            )?,
            self.stmt(
                &format!(
                    "UPDATE {parent} SET {count} = {count} + \
                       (SELECT COUNT(*) FROM {rows} x WHERE {mine}) WHERE id = ?2"
                ),
                &[text(d.drain), num(m.id)],
            )?,
            self.stmt(
                &format!(
                    "INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
                     SELECT ?2, x.supporter_id, '{kind}', x.{fk}, x.request_id, ?3, d.week, d.at \
                     FROM drain_rows d JOIN {rows} x ON x.request_id = d.request_id WHERE d.drain = ?1"
                ),
                &[text(d.drain), cid.clone(), num(m.points)],
            )?,
            self.stmt(
                &format!(
                    "WITH w AS (SELECT CAST(d.at / 86400000 AS INTEGER) AS day, d.site, d.channel \
                       FROM drain_rows d JOIN {rows} x ON x.request_id = d.request_id WHERE d.drain = ?1) \
                     INSERT INTO stats_sources (campaign_id, dim, day, value, n) \
                     SELECT * FROM (SELECT ?2, g.dim, g.day, g.value, COUNT(*) FROM ( \
                         SELECT 'site' AS dim, day, site AS value FROM w \
                         UNION ALL SELECT 'site', -1, site FROM w \
                         UNION ALL SELECT 'source', day, channel FROM w \
                         UNION ALL SELECT 'source', -1, channel FROM w) g GROUP BY 2, 3, 4) WHERE true \
                     ON CONFLICT (campaign_id, dim, day, value) DO UPDATE SET n = n + excluded.n"
                ),
                &[text(d.drain), cid.clone()],
            )?,
            // Recruit credit, once per recruited person, as in the direct path.
            self.stmt(
                &format!(
                    "INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
                     SELECT ?2, s.referrer_id, 'recruit', s.id, a.request_id, ?3, a.week, a.created_at FROM supporters s \
                     JOIN actions a ON a.supporter_id = s.id AND a.kind = '{kind}' AND {} \
                     WHERE s.referrer_id IS NOT NULL AND s.recruit_credited = 0",
                    scope.is("a.request_id", 1)
                ),
                &[text(d.drain), cid.clone(), num(m.points_recruit)],
            )?,
            self.stmt(
                &format!(
                    "UPDATE supporters SET recruit_credited = 1 WHERE id IN \
                       (SELECT subject_id FROM actions a WHERE a.kind = 'recruit' AND {})",
                    scope.is("a.request_id", 1)
                ),
                &[text(d.drain)],
            )?,
            self.stmt(
                &format!(
                    "UPDATE supporters SET recruits = recruits + c.n FROM \
                       (SELECT a.supporter_id AS id, COUNT(*) AS n FROM actions a \
                        WHERE a.kind = 'recruit' AND {} GROUP BY 1) c WHERE supporters.id = c.id",
                    scope.is("a.request_id", 1)
                ),
                &[text(d.drain)],
            )?,
        ]);
        // The messages, in the drain's own batch: never lost between the drain and the queue.
        let confirm = b.read::<Written>(self.confirm_stmt(tg, m.campaign_id, scope, d.now)?);
        let event = if tg.kind == "sign" {
            "signature.created"
        } else {
            "commitment.created"
        };
        let hooks = b.read::<Written>(self.webhook_stmt(tg, event, m.campaign_id, scope, d.now)?);
        let syncs = b.read::<Written>(self.sync_stmt(tg, m.campaign_id, scope, d.now)?);
        let reminders = match d.reminders {
            Some(times) => Some(
                self.reminder_stmts(m.campaign_id, scope, times, d.now)?
                    .map(|st| b.read::<Written>(st)),
            ),
            None => None,
        };
        for k in [kind, "recruit"] {
            b.extend(self.score_stmts(scope, k, 1)?);
        }
        b.extend(self.tick_cards_stmts(scope, d.today, d.now)?);
        let at = At {
            campaign_id: m.campaign_id,
            request_id: d.drain,
            now: d.now,
            week: d.week,
            cause: Cause::Action,
        };
        let who = Who::drained(m.campaign_id, d.drain);
        let eval = self.add_evaluation(&mut b, d.ladder, &who, &at)?;
        let mark = b.read::<MarkRow>(self.stmt(
            &format!(
                "SELECT COALESCE((SELECT upto FROM shard_marks WHERE item = ?2 AND shard = ?3), 0) AS upto, \
                   (SELECT COUNT(*) FROM drain_rows WHERE drain = ?1) AS staged, \
                   (SELECT COUNT(*) FROM {rows} x WHERE {mine}) AS written"
            ),
            &[text(d.drain), text(d.item), num(d.shard)],
        )?);
        let results = b.run(self).await?;
        let mark = results.first(mark)?.unwrap_or(MarkRow {
            upto: 0.0,
            staged: 0,
            written: 0,
        });
        let mut messages = results.rows(confirm)?;
        messages.extend(results.rows(hooks)?);
        messages.extend(results.rows(syncs)?);
        for r in reminders.into_iter().flatten() {
            messages.extend(results.rows(r)?);
        }
        messages.extend(crate::db::ladder::hooks_of(&results, &eval)?);
        Ok(Drained {
            upto: mark.upto,
            staged: mark.staged,
            written: mark.written,
            messages,
            ladder_held: crate::db::ladder::held(&results, &eval, d.ladder)?,
        })
    }

    /// Drops staged rows older than `before` (a drain's rows are kept only until its shard's
    /// next drain, or this sweep).
    pub fn prune_drains_stmt(&self, before: f64) -> AppResult<D1PreparedStatement> {
        self.stmt("DELETE FROM drain_rows WHERE at < ?1", &[num(before)])
    }
}

/// A JSON parameter's value for a row.
pub fn row_json(row: &DrainRow) -> AppResult<String> {
    serde_json::to_string(row).map_err(|e| crate::error::AppError::Internal(format!("row: {e}")))
}

/// What D1 knows of a person about to act on a sharded item: the item's count and, if they
/// are a supporter, their id, code and whether they already acted on it.
#[derive(Deserialize)]
pub struct Known {
    pub n: u32,
    pub id: Option<u32>,
    pub ref_code: Option<String>,
    pub acted: u32,
}

impl Store {
    /// The one D1 read of the shard path (no write).
    pub async fn known(
        &self,
        t: crate::db::act::Target,
        item_id: u32,
        campaign_id: u32,
        email: &str,
    ) -> AppResult<Option<Known>> {
        let (rows, fk, parent, count) = (t.rows, t.fk, t.parent, t.count);
        self.first(
            &format!(
                "SELECT p.{count} AS n, s.id, s.ref_code, \
                   (SELECT COUNT(*) FROM {rows} x WHERE x.{fk} = p.id AND x.supporter_id = s.id) AS acted \
                 FROM {parent} p LEFT JOIN supporters s ON s.campaign_id = ?2 AND s.email = ?3 WHERE p.id = ?1"
            ),
            &[num(item_id), num(campaign_id), text(email)],
        )
        .await
    }

    /// The supporter request `request` created (a pending token's), once it is in D1.
    pub async fn created_by(&self, campaign_id: u32, request: &str) -> AppResult<Option<u32>> {
        #[derive(Deserialize)]
        struct Id {
            id: u32,
        }
        Ok(self
            .first::<Id>(
                "SELECT id FROM supporters WHERE campaign_id = ?1 AND created_request = ?2",
                &[num(campaign_id), text(request)],
            )
            .await?
            .map(|r| r.id))
    }
}

/// A petition or pledge that takes its actions in shards.
#[derive(Deserialize, Clone, Debug)]
pub struct Sharded {
    /// `petition` or `pledge`.
    pub kind: String,
    pub id: u32,
    pub shards: u32,
}

impl Store {
    /// The item `slug` of `kind` in the campaign, with its shards.
    pub async fn sharded_item(
        &self,
        campaign_id: u32,
        t: crate::db::act::Target,
        slug: &str,
    ) -> AppResult<Option<Sharded>> {
        let kind = if t.kind == PLEDGE.kind {
            "pledge"
        } else {
            "petition"
        };
        self.first(
            &format!(
                "SELECT '{kind}' AS kind, id, shards FROM {} WHERE campaign_id = ?1 AND slug = ?2",
                t.parent
            ),
            &[num(campaign_id), text(slug)],
        )
        .await
    }

    /// Sets an item's shards (staff), and whether the edge may raise them.
    pub async fn set_shards(
        &self,
        t: crate::db::act::Target,
        id: u32,
        shards: u32,
        auto: bool,
    ) -> AppResult<()> {
        self.stmt(
            &format!(
                "UPDATE {} SET shards = ?2, shards_auto = ?3 WHERE id = ?1",
                t.parent
            ),
            &[num(id), num(shards), num(u8::from(auto))],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Every item that takes its actions in shards (the cron drains them all).
    pub async fn sharded_items(&self) -> AppResult<Vec<Sharded>> {
        self.all(
            "SELECT 'petition' AS kind, id, shards FROM petitions WHERE shards > 0 \
             UNION ALL SELECT 'pledge', id, shards FROM pledges WHERE shards > 0",
            &[],
        )
        .await
    }

    /// The sharded items of a campaign (erasure purges a person from each).
    pub async fn campaign_sharded(&self, campaign_id: u32) -> AppResult<Vec<Sharded>> {
        self.all(
            "SELECT 'petition' AS kind, id, shards FROM petitions WHERE shards > 0 AND campaign_id = ?1 \
             UNION ALL SELECT 'pledge', id, shards FROM pledges WHERE shards > 0 AND campaign_id = ?1",
            &[num(campaign_id)],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_a_row_is_a_column_of_drain_rows() {
        let migration = include_str!("../../migrations/0020_shards.sql");
        let table = &migration[migration.find("CREATE TABLE drain_rows").unwrap()..];
        let table = &table[..table.find(");").unwrap()];
        let declared: Vec<&str> = table
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        let cols = columns();
        assert_eq!(cols.len(), 26);
        for c in &cols {
            assert!(
                declared.contains(&c.as_str()),
                "drain_rows has no column {c}"
            );
        }
        for fixed in ["drain", "seq", "item", "shard"] {
            assert!(declared.contains(&fixed));
        }
        assert_eq!(declared.len(), cols.len() + 4, "{declared:?}");
    }
}
