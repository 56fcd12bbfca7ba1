//! Leaderboards and a supporter's standing: campaign settings boards need, the top rows,
//! ranks from score counts, the regions board, "me", opting out, nicknames, revoking tokens.

use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::db::{num, opt, text, Batch, Store};
use crate::error::AppResult;

/// A supporter as boards show them, with their rank on that board.
#[derive(Deserialize)]
pub struct BoardRow {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub nickname: Option<String>,
    pub points: u32,
    pub rank: u32,
}

/// What boards call a supporter: their nickname, else first name and initial.
pub fn public_name(nickname: &Option<String>, first: &str, last: &str) -> String {
    match nickname {
        Some(n) => n.clone(),
        None => rally_api::validate::display_name(first, last),
    }
}

impl BoardRow {
    pub fn name(&self) -> String {
        public_name(&self.nickname, &self.first_name, &self.last_name)
    }
}

/// A supporter's own standing, all time and this week. (Flat rather than `#[serde(flatten)]`:
/// flattening buffers D1's numbers as floats, which then refuse to become integers.)
#[derive(Deserialize)]
pub struct StandingRow {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub nickname: Option<String>,
    pub points: u32,
    pub rank: u32,
    pub token_version: u32,
    pub listed: u32,
    pub region: Option<String>,
    pub week_points: u32,
    pub week_actions: u32,
    pub week_rank: u32,
    pub ref_code: String,
    pub team_id: Option<u32>,
}

/// What a remembered supporter acts with: their stored person, for a request that names them
/// by token instead of typing it again.
#[derive(Deserialize)]
pub struct PersonRow {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub postal_code: String,
    pub country: String,
    pub contact_consent: u32,
}

impl StandingRow {
    pub fn name(&self) -> String {
        public_name(&self.nickname, &self.first_name, &self.last_name)
    }
}

/// `1 + entries above`, from the board's score histogram (an index range, never a row count).
const RANK_ALL: &str =
    "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = s.campaign_id \
     AND b.board = 'mobilisers' AND b.period = 'all' AND b.points > s.points), 0)";
const RANK_WEEK: &str =
    "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = s.campaign_id \
     AND b.board = 'mobilisers' AND b.period = ?2 AND b.points > COALESCE(w.points, 0)), 0)";

impl Store {
    /// The top `limit` listed supporters, all time (`week` is `None`) or in one week; ties by
    /// who joined first.
    pub async fn board(
        &self,
        campaign_id: u32,
        week: Option<&str>,
        limit: u32,
    ) -> AppResult<Vec<BoardRow>> {
        let stmt = match week {
            None => self.stmt(
                &format!(
                    "SELECT s.id, s.first_name, s.last_name, s.nickname, s.points, {RANK_ALL} AS rank \
                     FROM supporters s WHERE s.campaign_id = ?1 AND s.listed = 1 AND s.hidden = 0 AND s.points > 0 \
                     ORDER BY s.points DESC, s.id ASC LIMIT ?2"
                ),
                &[num(campaign_id), num(limit)],
            )?,
            Some(week) => self.stmt(
                &format!(
                    "SELECT s.id, s.first_name, s.last_name, s.nickname, w.points, {RANK_WEEK} AS rank \
                     FROM supporter_weeks w JOIN supporters s ON s.id = w.supporter_id \
                     WHERE w.campaign_id = ?1 AND w.week = ?2 AND s.listed = 1 AND s.hidden = 0 AND w.points > 0 \
                     ORDER BY w.points DESC, w.supporter_id ASC LIMIT ?3"
                ),
                &[num(campaign_id), text(week), num(limit)],
            )?,
        };
        Ok(stmt.all().await?.results()?)
    }

    /// One supporter's standing, all time and in `week`.
    pub async fn standing(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        week: &str,
    ) -> AppResult<Option<StandingRow>> {
        Ok(self
            .stmt(
                &format!(
                    "SELECT s.id, s.first_name, s.last_name, s.nickname, s.points, {RANK_ALL} AS rank, \
                         s.token_version, s.listed, s.region, COALESCE(w.points, 0) AS week_points, \
                         COALESCE(w.actions, 0) AS week_actions, {RANK_WEEK} AS week_rank, s.ref_code, s.team_id \
                     FROM supporters s LEFT JOIN supporter_weeks w ON w.supporter_id = s.id AND w.week = ?2 \
                     WHERE s.campaign_id = ?1 AND s.id = ?3"
                ),
                &[num(campaign_id), text(week), num(supporter_id)],
            )?
            .first(None)
            .await?)
    }

    /// The stored person of supporter `id`, if `version` is still their token version.
    pub async fn person(
        &self,
        campaign_id: u32,
        id: u32,
        version: u32,
    ) -> AppResult<Option<PersonRow>> {
        Ok(self
            .stmt(
                "SELECT first_name, last_name, email, postal_code, country, contact_consent \
                 FROM supporters WHERE campaign_id = ?1 AND id = ?2 AND token_version = ?3",
                &[num(campaign_id), num(id), num(version)],
            )?
            .first(None)
            .await?)
    }

    /// Applies a supporter's own changes to how boards show them.
    pub async fn update_me(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        u: &rally_api::MeUpdate,
        (now, week): (f64, &str),
        live: &crate::db::ladder::Live,
    ) -> AppResult<Vec<crate::db::outbox::Written>> {
        let mut b = crate::db::Batch::new();
        // ?3 / ?4: NULL means "leave as is"; ?5 says whether ?4 (possibly NULL) is to be written.
        b.add(self.stmt(
            "UPDATE supporters SET listed = COALESCE(?3, listed), \
                 nickname = CASE WHEN ?5 = 1 THEN ?4 ELSE nickname END, region = COALESCE(?6, region) \
             WHERE campaign_id = ?1 AND id = ?2",
            &[
                num(campaign_id),
                num(supporter_id),
                u.listed.map_or(JsValue::NULL, |l| num(u8::from(l))),
                opt(u.nickname.clone().flatten().as_deref()),
                num(u8::from(u.nickname.is_some())),
                opt(u.region.as_deref()),
            ],
        )?);
        // The campaign's tools hear of the change (once per change: keyed by its moment).
        let hooks = b.read(self.event_webhook_stmt(
            campaign_id,
            crate::db::outbox::About::Supporter(supporter_id),
            "supporter.updated",
            &format!("{}", now as u64),
            now,
        )?);
        // A new region moves the person's count on the ladder report.
        let rid = crate::http::request_id()?;
        let who = crate::db::ladder::Who::one(supporter_id);
        let at = crate::db::ladder::At {
            campaign_id,
            request_id: &rid,
            now,
            week,
            cause: crate::db::ladder::Cause::Profile,
        };
        let (r, evaluated) = self.run_evaluated(b, live, &who, &at).await?;
        let mut hooks = r.rows(hooks)?;
        hooks.extend(evaluated);
        Ok(hooks)
    }

    /// Claims the right to rewrite KV `key` now: true for at most one caller a second per key,
    /// because D1's single writer decides.
    pub async fn claim_kv(&self, key: &str, now: f64) -> AppResult<bool> {
        let claimed: Option<crate::db::Any> = self
            .stmt(
                "INSERT INTO kv_claims (key, written_ms) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET written_ms = excluded.written_ms \
                 WHERE kv_claims.written_ms <= excluded.written_ms - 1000 RETURNING key",
                &[text(key), num(now)],
            )?
            .first(None)
            .await?;
        Ok(claimed.is_some())
    }

    /// Revokes every token of a supporter (if `version` is still current).
    pub async fn revoke_tokens(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        version: u32,
    ) -> AppResult<()> {
        self.stmt(
            "UPDATE supporters SET token_version = token_version + 1 \
             WHERE campaign_id = ?1 AND id = ?2 AND token_version = ?3",
            &[num(campaign_id), num(supporter_id), num(version)],
        )?
        .run()
        .await?;
        Ok(())
    }
}

/// A ranked row of a board of teams or regions: id, name, points and rank.
#[derive(Deserialize)]
pub struct RankedRow {
    pub id: u32,
    pub name: String,
    pub points: u32,
    pub rank: u32,
}

impl Store {
    /// The top `limit` regions in `period` (`all` or a week key), and the supporter's own
    /// region's row when `mine` names it.
    pub async fn region_board(
        &self,
        campaign_id: u32,
        period: &str,
        limit: u32,
        mine: Option<&str>,
    ) -> AppResult<(Vec<RankedRow>, Option<RankedRow>)> {
        const RANK: &str = "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = rp.campaign_id \
             AND b.board = 'regions' AND b.period = rp.period AND b.points > rp.points), 0)";
        let mut b = Batch::new();
        let top = b.read::<RankedRow>(self.stmt(
            &format!(
                "SELECT rp.rowid AS id, rp.region AS name, rp.points, {RANK} AS rank FROM region_points rp \
                 WHERE rp.campaign_id = ?1 AND rp.period = ?2 AND rp.points > 0 \
                 ORDER BY rp.points DESC, rp.region ASC LIMIT ?3"
            ),
            &[num(campaign_id), text(period), num(limit)],
        )?);
        let own = b.read::<RankedRow>(self.stmt(
            &format!(
                "SELECT rp.rowid AS id, rp.region AS name, rp.points, {RANK} AS rank FROM region_points rp \
                 WHERE rp.campaign_id = ?1 AND rp.period = ?2 AND rp.region = ?3"
            ),
            &[num(campaign_id), text(period), opt(mine)],
        )?);
        let results = b.run(self).await?;
        Ok((results.rows(top)?, results.first(own)?))
    }
}
