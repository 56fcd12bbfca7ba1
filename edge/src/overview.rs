//! The staff overview: actions per kind today, this week and all time, and per hour and per day,
//! read from `stats_hourly` (kept in each action's own batch), never by counting rows.

use serde::{Deserialize, Serialize};
use worker::{Request, Response, RouteContext};

use crate::error::AppResult;
use crate::routes::{json, now, store};
use crate::staff;
use crate::store::num;

const HOUR_MS: f64 = 3_600_000.0;
/// The hourly series covers two days; the daily one five weeks.
const HOURS: i64 = 48;
const DAYS: i64 = 35;

/// The kinds of action the overview counts.
const KINDS: [&str; 4] = ["sign", "pledge", "report", "recruit"];

#[derive(Serialize, Default, Clone)]
struct Totals {
    today: u64,
    week: u64,
    all: u64,
}

#[derive(Serialize)]
struct Point {
    /// The start of the hour or day (ms since the epoch, UTC).
    at: u64,
    /// Counts in the order of `kinds`.
    counts: Vec<u64>,
}

#[derive(Serialize)]
struct Overview {
    /// `sign`, `pledge`, `report`, `recruit`.
    kinds: Vec<&'static str>,
    totals: Vec<Totals>,
    hourly: Vec<Point>,
    daily: Vec<Point>,
    /// Periods are UTC: today since 00:00 UTC, this week since Monday 00:00 UTC.
    as_of: u64,
}

#[derive(Deserialize)]
struct Row {
    kind: String,
    hour: f64,
    n: f64,
}

#[derive(Deserialize)]
struct TotalRow {
    kind: String,
    n: f64,
}

/// `GET /api/v1/campaigns/:campaign/staff/overview`: any role.
pub async fn overview(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let at = now();
    let hour = (at / HOUR_MS).floor() as i64;
    let day_start = hour - hour.rem_euclid(24);
    // 1970-01-01 was a Thursday: Monday is three days before the epoch's weekday zero.
    let days = day_start / 24;
    let week_start = (days - (days + 3).rem_euclid(7)) * 24;
    let since = (day_start - (DAYS - 1) * 24).min(week_start);
    let rows: Vec<Row> = store
        .all(
            "SELECT kind, hour, n FROM stats_hourly WHERE campaign_id = ?1 AND hour >= ?2",
            &[num(who.campaign_id), num(since as f64)],
        )
        .await?;
    let totals_rows: Vec<TotalRow> = store
        .all(
            "SELECT kind, SUM(n) AS n FROM stats_hourly WHERE campaign_id = ?1 GROUP BY kind",
            &[num(who.campaign_id)],
        )
        .await?;
    let k = |kind: &str| KINDS.iter().position(|x| *x == kind);
    let mut totals = vec![Totals::default(); KINDS.len()];
    for r in &totals_rows {
        if let Some(i) = k(&r.kind) {
            totals[i].all = r.n as u64;
        }
    }
    let mut hourly: Vec<Point> = (0..HOURS)
        .map(|i| Point {
            at: ((hour - HOURS + 1 + i) as f64 * HOUR_MS) as u64,
            counts: vec![0; KINDS.len()],
        })
        .collect();
    let mut daily: Vec<Point> = (0..DAYS)
        .map(|i| Point {
            at: ((day_start - (DAYS - 1 - i) * 24) as f64 * HOUR_MS) as u64,
            counts: vec![0; KINDS.len()],
        })
        .collect();
    for r in &rows {
        let (Some(i), h, n) = (k(&r.kind), r.hour as i64, r.n as u64) else {
            continue;
        };
        if h >= day_start {
            totals[i].today += n;
        }
        if h >= week_start {
            totals[i].week += n;
        }
        if let Some(p) = usize::try_from(h - (hour - HOURS + 1))
            .ok()
            .and_then(|j| hourly.get_mut(j))
        {
            p.counts[i] += n;
        }
        if let Some(p) = usize::try_from((h - (day_start - (DAYS - 1) * 24)).div_euclid(24))
            .ok()
            .and_then(|j| daily.get_mut(j))
        {
            p.counts[i] += n;
        }
    }
    json(
        &Overview {
            kinds: KINDS.to_vec(),
            totals,
            hourly,
            daily,
            as_of: at as u64,
        },
        200,
    )
}
