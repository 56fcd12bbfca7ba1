//! The staff overview's reads: one batch over `stats_hourly`, `stats_sources`, recruiters and
//! teams (never counting rows), with the campaign's time zone.

use rally_api::staff::{Recruiter, TeamTop, Unconfirmed};
use serde::Deserialize;

use crate::db::{num, Batch, Store};
use crate::error::{AppError, AppResult};

#[derive(Deserialize)]
pub struct Row {
    pub kind: String,
    pub hour: f64,
    pub n: f64,
}

#[derive(Deserialize)]
pub struct TotalRow {
    pub kind: String,
    pub n: f64,
}

#[derive(Deserialize)]
pub struct SourceRow {
    pub dim: String,
    pub value: String,
    pub n: f64,
}

/// Everything the overview reads, in one round trip.
pub struct OverviewRows {
    pub timezone: String,
    pub hours: Vec<Row>,
    pub totals: Vec<TotalRow>,
    pub week_tops: Vec<SourceRow>,
    pub all_tops: Vec<SourceRow>,
    pub recruiters: Vec<Recruiter>,
    pub teams: Vec<TeamTop>,
    pub unconfirmed: Unconfirmed,
}

#[derive(Deserialize)]
struct Campaign {
    timezone: String,
}

impl Store {
    /// The overview's rows: hours from `since` (UTC hour index), the week's tops from UTC day
    /// `week_from`, `top` rows per list.
    pub async fn overview(
        &self,
        campaign_id: u32,
        since: i64,
        week_from: f64,
        top: u32,
    ) -> AppResult<OverviewRows> {
        let c = num(campaign_id);
        // The last 7 days sum at most 7 rows a value (a primary key range per dim); all time is one
        // row a value (day -1, bumped beside the day's).
        let week_tops = "SELECT dim, value, n FROM (SELECT dim, value, SUM(n) AS n, \
                    ROW_NUMBER() OVER (PARTITION BY dim ORDER BY SUM(n) DESC, value) AS rk \
                    FROM stats_sources WHERE campaign_id = ?1 AND dim IN ('site', 'source') AND day >= ?2 \
                    GROUP BY dim, value) WHERE rk <= ?3 ORDER BY dim, n DESC, value";
        let all_tops = "SELECT dim, value, n FROM (SELECT dim, value, n, \
                    ROW_NUMBER() OVER (PARTITION BY dim ORDER BY n DESC, value) AS rk \
                    FROM stats_sources WHERE campaign_id = ?1 AND dim IN ('site', 'source') AND day = -1) \
                    WHERE rk <= ?2 ORDER BY dim, n DESC, value";
        let mut b = Batch::new();
        let campaign = b.read::<Campaign>(self.stmt(
            "SELECT timezone FROM campaigns WHERE id = ?1",
            std::slice::from_ref(&c),
        )?);
        let hours = b.read(self.stmt(
            "SELECT kind, hour, n FROM stats_hourly WHERE campaign_id = ?1 AND hour >= ?2",
            &[c.clone(), num(since as f64)],
        )?);
        let totals = b.read(self.stmt(
            "SELECT kind, SUM(n) AS n FROM stats_hourly WHERE campaign_id = ?1 GROUP BY kind",
            std::slice::from_ref(&c),
        )?);
        let week = b.read(self.stmt(week_tops, &[c.clone(), num(week_from), num(top)])?);
        let all = b.read(self.stmt(all_tops, &[c.clone(), num(top)])?);
        let recruiters = b.read(self.stmt(
            "SELECT id, first_name, last_name, recruits, points FROM supporters \
             WHERE campaign_id = ?1 AND recruits > 0 ORDER BY recruits DESC, id LIMIT ?2",
            &[c.clone(), num(top)],
        )?);
        let teams = b.read(self.stmt(
            "SELECT name, size, points FROM teams WHERE campaign_id = ?1 \
             ORDER BY points DESC, id LIMIT ?2",
            &[c.clone(), num(top)],
        )?);
        // Partial indexes hold only the unconfirmed rows: these read nothing else.
        let unconfirmed = b.read::<Unconfirmed>(self.stmt(
            "SELECT (SELECT COUNT(*) FROM signatures g JOIN petitions p ON p.id = g.petition_id \
                     WHERE g.confirmed = 0 AND p.campaign_id = ?1) AS signatures, \
                    (SELECT COUNT(*) FROM commitments m JOIN pledges p ON p.id = m.pledge_id \
                     WHERE m.confirmed = 0 AND p.campaign_id = ?1) AS commitments",
            &[c],
        )?);
        let r = b.run(self).await?;
        Ok(OverviewRows {
            timezone: r
                .first(campaign)?
                .ok_or_else(|| AppError::not_found("campaign"))?
                .timezone,
            hours: r.rows(hours)?,
            totals: r.rows(totals)?,
            week_tops: r.rows(week)?,
            all_tops: r.rows(all)?,
            recruiters: r.rows(recruiters)?,
            teams: r.rows(teams)?,
            unconfirmed: r.first(unconfirmed)?.unwrap_or_default(),
        })
    }
}
