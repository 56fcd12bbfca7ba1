//! The staff overview, in one D1 round trip and without counting rows:
//! - actions per kind today, this week and all time, and per hour and per day, from
//!   `stats_hourly` (kept in each action's own batch), in the campaign's time zone;
//! - widget views beside the actions they lead to (conversion), from the same table
//!   (`views.rs` writes them);
//! - top host sites and sources, from `stats_sources` (per UTC day);
//! - top recruiters (a partial index over supporters who recruited) and top teams.

use rally_api::staff::{Funnel, Overview, Point, Top, Tops, Totals};
use worker::{Request, Response};

use crate::auth::staff;
use crate::db::overview::SourceRow;
use crate::error::AppResult;
use crate::http::{self, json, now, store, Ctx};

const HOUR_MS: f64 = 3_600_000.0;
/// The hourly series covers two days; the daily one five weeks.
const HOURS: i64 = 48;
const DAYS: i64 = 35;
/// How many rows each top list has.
const TOP: u32 = 10;

/// The kinds of action the overview counts.
const KINDS: [&str; 4] = ["sign", "pledge", "report", "recruit"];
/// Each widget's views, and the action a view may lead to.
const FUNNELS: [(&str, &str, &str); 3] = [
    ("petition", "view_petition", "sign"),
    ("pledge", "view_pledge", "pledge"),
    ("factcheck", "view_factcheck", "report"),
];

/// The offset of `timezone` from UTC at `at`, in whole hours, from the runtime's `Intl` data
/// (UTC for a zone it does not know).
fn utc_offset_hours(at: f64, timezone: &str) -> i64 {
    (http::utc_offset_ms(at, timezone) / HOUR_MS).round() as i64
}

fn label_day(local_hour: i64) -> String {
    let (y, m, d) = rally_api::week::civil_from_days(local_hour.div_euclid(24));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `GET /api/v1/campaigns/:campaign/staff/overview`: any role.
pub async fn overview(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let at = now();
    // Hour indexes are UTC (ms / 3 600 000). The campaign's zone is read in the same batch as
    // the counts, so the hours asked for cover the widest day its offset (at most 14 h) allows.
    let hour = (at / HOUR_MS).floor() as i64;
    let since = hour - DAYS * 24 - 14;
    let today_utc_day = (at / 86_400_000.0).floor();
    let o = store
        .overview(who.campaign_id, since, today_utc_day - 6.0, TOP)
        .await?;
    let off = utc_offset_hours(at, &o.timezone);
    // Local hours are UTC ones shifted by the offset.
    let local = hour + off;
    let day_start = local - local.rem_euclid(24) - off;
    // 1970-01-01 was a Thursday: Monday is three days before the epoch's weekday zero.
    let days = (day_start + off) / 24;
    let week_start = (days - (days + 3).rem_euclid(7)) * 24 - off;
    let (rows, totals_rows) = (o.hours, o.totals);

    // Every kind the table holds, actions and views: index by name.
    let mut names: Vec<String> = KINDS.iter().map(|k| (*k).to_owned()).collect();
    names.extend(FUNNELS.iter().map(|f| f.1.to_owned()));
    let k = |kind: &str| names.iter().position(|x| x == kind);
    let mut totals = vec![Totals::default(); names.len()];
    for r in &totals_rows {
        if let Some(i) = k(&r.kind) {
            totals[i].all = r.n as u64;
        }
    }
    let mut hourly: Vec<Point> = (0..HOURS)
        .map(|i| {
            let h = hour - HOURS + 1 + i;
            Point {
                at: (h as f64 * HOUR_MS) as u64,
                label: format!("{} {:02}:00", label_day(h + off), (h + off).rem_euclid(24)),
                counts: vec![0; KINDS.len()],
            }
        })
        .collect();
    let mut daily: Vec<Point> = (0..DAYS)
        .map(|i| {
            let h = day_start - (DAYS - 1 - i) * 24;
            Point {
                at: (h as f64 * HOUR_MS) as u64,
                label: label_day(h + off),
                counts: vec![0; KINDS.len()],
            }
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
        if i >= KINDS.len() {
            continue;
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
    let funnels = FUNNELS
        .iter()
        .map(|(widget, view, action)| Funnel {
            widget: (*widget).to_owned(),
            action: (*action).to_owned(),
            views: k(view).map(|i| totals[i]).unwrap_or_default(),
            actions: k(action).map(|i| totals[i]).unwrap_or_default(),
        })
        .collect();
    totals.truncate(KINDS.len());
    let split = |rows: Vec<SourceRow>, sites: &mut Tops, sources: &mut Tops, week: bool| {
        for r in rows {
            let top = Top {
                value: r.value,
                n: r.n as u64,
            };
            let into = if r.dim == "site" {
                &mut *sites
            } else {
                &mut *sources
            };
            if week {
                into.week.push(top);
            } else {
                into.all.push(top);
            }
        }
    };
    let (mut sites, mut sources) = (Tops::default(), Tops::default());
    split(o.week_tops, &mut sites, &mut sources, true);
    split(o.all_tops, &mut sites, &mut sources, false);
    json(
        &Overview {
            kinds: KINDS.iter().map(|k| (*k).to_owned()).collect(),
            totals,
            hourly,
            daily,
            funnels,
            sites,
            sources,
            recruiters: o.recruiters,
            teams: o.teams,
            unconfirmed: o.unconfirmed,
            timezone: o.timezone,
            utc_offset_hours: off,
            as_of: at as u64,
        },
        200,
    )
}
