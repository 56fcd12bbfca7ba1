//! A campaign's settings: the row every route of a campaign starts from, and the settings
//! owners change (name, time zone, weekly goal, team size, points per action).

use rally_api::staff::CampaignSettings;
use serde::Deserialize;

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// A campaign's settings that routes need: its name, calendar, goals and team size.
#[derive(Deserialize)]
pub struct CampaignRow {
    pub id: u32,
    pub name: String,
    pub timezone: String,
    pub weekly_goal: u32,
    pub team_size: u32,
    /// The Turnstile site key when the campaign asks for the check, else empty.
    pub turnstile: String,
    /// The engagement ladder as stored (JSON; `None`: the default), its version, and the
    /// first open pledge the default ladder asks for.
    pub ladder: Option<String>,
    pub ladder_version: u32,
    pub first_pledge: Option<String>,
    /// The campaign's slug and its colour (its first petition's accent, `''` when none).
    pub slug: String,
    pub accent: Option<String>,
}

impl CampaignRow {
    pub fn ladder(&self) -> crate::db::ladder::Live {
        crate::db::ladder::Live::from_row(
            self.ladder.as_deref(),
            self.ladder_version,
            self.first_pledge.as_deref(),
        )
    }
}

#[derive(Deserialize)]
struct SettingsRow {
    name: String,
    timezone: String,
    weekly_goal: f64,
    team_size: f64,
    points_sign: f64,
    points_pledge: f64,
    points_report: f64,
    points_recruit: f64,
    sender_name: String,
    sender_email: String,
    reply_to: String,
    confirm: f64,
}

impl From<SettingsRow> for CampaignSettings {
    fn from(r: SettingsRow) -> Self {
        CampaignSettings {
            name: r.name,
            timezone: r.timezone,
            weekly_goal: Some(r.weekly_goal as u64),
            team_size: Some(r.team_size as u64),
            points_sign: Some(r.points_sign as u64),
            points_pledge: Some(r.points_pledge as u64),
            points_report: Some(r.points_report as u64),
            points_recruit: Some(r.points_recruit as u64),
            sender_name: r.sender_name,
            sender_email: r.sender_email,
            reply_to: r.reply_to,
            confirm: r.confirm != 0.0,
        }
    }
}

const COLUMNS: &str =
    "name, timezone, weekly_goal, team_size, points_sign, points_pledge, points_report, \
     points_recruit, sender_name, sender_email, reply_to, confirm";

impl Store {
    /// The campaign called `slug`.
    pub async fn campaign(&self, slug: &str) -> AppResult<Option<CampaignRow>> {
        self.first(
            &format!(
                "SELECT id, name, slug, timezone, weekly_goal, team_size, ladder, ladder_version, \
                 {} AS first_pledge, \
                 (SELECT p.accent FROM petitions p WHERE p.campaign_id = c.id AND p.accent != '' ORDER BY p.id LIMIT 1) AS accent, \
                 CASE WHEN turnstile_enabled = 1 THEN turnstile_site_key ELSE '' END AS turnstile \
                 FROM campaigns c WHERE slug = ?1",
                crate::db::ladder::FIRST_PLEDGE
            ),
            &[text(slug)],
        )
        .await
    }

    /// The time zone of campaign `id` (its weeks are counted there).
    pub async fn timezone_of(&self, id: u32) -> AppResult<String> {
        #[derive(Deserialize)]
        struct Row {
            timezone: String,
        }
        let row: Option<Row> = self
            .first("SELECT timezone FROM campaigns WHERE id = ?1", &[num(id)])
            .await?;
        Ok(row.map_or_else(|| "UTC".to_owned(), |r| r.timezone))
    }

    /// Every setting of campaign `id`.
    pub async fn settings(&self, id: u32) -> AppResult<Option<CampaignSettings>> {
        let row: Option<SettingsRow> = self
            .first(
                &format!("SELECT {COLUMNS} FROM campaigns WHERE id = ?1"),
                &[num(id)],
            )
            .await?;
        Ok(row.map(CampaignSettings::from))
    }

    /// Writes validated settings with their audit row (`audit`, built by the caller) in one
    /// batch; the settings as stored.
    pub async fn save_settings(
        &self,
        id: u32,
        s: &CampaignSettings,
        audit: worker::D1PreparedStatement,
    ) -> AppResult<Option<CampaignSettings>> {
        let n = |v: Option<u64>| num(v.unwrap_or(0) as f64);
        let mut b = Batch::new();
        let saved = b.read::<SettingsRow>(self.stmt(
            &format!(
                "UPDATE campaigns SET name = ?2, timezone = ?3, weekly_goal = ?4, team_size = ?5, \
                 points_sign = ?6, points_pledge = ?7, points_report = ?8, points_recruit = ?9, \
                 sender_name = ?10, sender_email = ?11, reply_to = ?12, confirm = ?13 \
                 WHERE id = ?1 RETURNING {COLUMNS}"
            ),
            &[
                num(id),
                text(&s.name),
                text(&s.timezone),
                n(s.weekly_goal),
                n(s.team_size),
                n(s.points_sign),
                n(s.points_pledge),
                n(s.points_report),
                n(s.points_recruit),
                text(&s.sender_name),
                text(&s.sender_email),
                text(&s.reply_to),
                num(u8::from(s.confirm)),
            ],
        )?);
        b.add(audit);
        Ok(b.run(self).await?.first(saved)?.map(CampaignSettings::from))
    }
}
