//! The staff overview, in one D1 round trip and without counting rows:
//! - actions per kind today, this week and all time, and per hour and per day, from
//!   `stats_hourly` (kept in each action's own batch), in the campaign's time zone;
//! - widget views beside the actions they lead to (conversion), from the same table
//!   (`views.rs` writes them);
//! - top host sites and sources, from `stats_sources` (per UTC day);
//! - top recruiters (a partial index over supporters who recruited) and top teams.

use serde::{Deserialize, Serialize};
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::routes::{json, now, store};
use crate::staff;
use crate::store::num;

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

#[derive(Serialize, Default, Clone, Copy)]
struct Totals {
    today: u64,
    week: u64,
    all: u64,
}

#[derive(Serialize)]
struct Point {
    /// The start of the hour or day (ms since the epoch).
    at: u64,
    /// The date (`2026-11-21`) or hour (`14:00`) in the campaign's time zone.
    label: String,
    /// Counts in the order of `kinds`.
    counts: Vec<u64>,
}

#[derive(Serialize)]
struct Funnel {
    widget: &'static str,
    action: &'static str,
    views: Totals,
    actions: Totals,
}

#[derive(Serialize, Deserialize)]
struct Top {
    value: String,
    n: u64,
}

#[derive(Serialize, Default)]
struct Tops {
    week: Vec<Top>,
    all: Vec<Top>,
}

#[derive(Serialize, Deserialize)]
struct Recruiter {
    id: u32,
    first_name: String,
    last_name: String,
    recruits: u32,
    points: u32,
}

#[derive(Serialize, Deserialize)]
struct TeamRow {
    name: String,
    size: u32,
    points: u32,
}

#[derive(Serialize)]
struct Overview {
    /// `sign`, `pledge`, `report`, `recruit`.
    kinds: Vec<&'static str>,
    totals: Vec<Totals>,
    hourly: Vec<Point>,
    daily: Vec<Point>,
    /// Views of each widget beside the actions they lead to. Views are counted from this
    /// version on, and slightly under (see `views.rs`).
    funnels: Vec<Funnel>,
    /// Top host sites (`site`) and sources (`source`), this week (by UTC day) and all time.
    sites: Tops,
    sources: Tops,
    recruiters: Vec<Recruiter>,
    teams: Vec<TeamRow>,
    /// The campaign's IANA time zone: today starts at its midnight, the week on its Monday.
    timezone: String,
    /// Its offset from UTC now, in whole hours (the buckets are hours).
    utc_offset_hours: i64,
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

#[derive(Deserialize)]
struct SourceRow {
    dim: String,
    value: String,
    n: f64,
}

/// The offset of `timezone` from UTC at `at`, in whole hours, from the runtime's `Intl` data
/// (UTC for a zone it does not know).
fn utc_offset_hours(at: f64, timezone: &str) -> i64 {
    let date = js_sys::Date::new(&at.into());
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &timezone.into());
    let _ = js_sys::Reflect::set(&opts, &"hourCycle".into(), &"h23".into());
    let local: String = date.to_locale_string("en-US", &opts).into();
    // The local wall time read back as if it were UTC (workers run in UTC).
    let wall = js_sys::Date::parse(&local);
    if wall.is_nan() {
        return 0;
    }
    ((wall - at) / HOUR_MS).round() as i64
}

fn label_day(local_hour: i64) -> String {
    let (y, m, d) = rally_api::week::civil_from_days(local_hour.div_euclid(24));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `GET /api/v1/campaigns/:campaign/staff/overview`: any role.
pub async fn overview(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let at = now();
    // Hour indexes are UTC (ms / 3 600 000). The campaign's zone is read in the same batch as
    // the counts, so the hours asked for cover the widest day its offset (at most 14 h) allows.
    let hour = (at / HOUR_MS).floor() as i64;
    let since = hour - DAYS * 24 - 14;
    let today_utc_day = (at / 86_400_000.0).floor();
    let c = num(who.campaign_id);
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
    let results = store
        .batch(vec![
            store.stmt(
                "SELECT timezone FROM campaigns WHERE id = ?1",
                std::slice::from_ref(&c),
            )?,
            store.stmt(
                "SELECT kind, hour, n FROM stats_hourly WHERE campaign_id = ?1 AND hour >= ?2",
                &[c.clone(), num(since as f64)],
            )?,
            store.stmt(
                "SELECT kind, SUM(n) AS n FROM stats_hourly WHERE campaign_id = ?1 GROUP BY kind",
                std::slice::from_ref(&c),
            )?,
            store.stmt(week_tops, &[c.clone(), num(today_utc_day - 6.0), num(TOP)])?,
            store.stmt(all_tops, &[c.clone(), num(TOP)])?,
            store.stmt(
                "SELECT id, first_name, last_name, recruits, points FROM supporters \
                 WHERE campaign_id = ?1 AND recruits > 0 ORDER BY recruits DESC, id LIMIT ?2",
                &[c.clone(), num(TOP)],
            )?,
            store.stmt(
                "SELECT name, size, points FROM teams WHERE campaign_id = ?1 \
                 ORDER BY points DESC, id LIMIT ?2",
                &[c, num(TOP)],
            )?,
        ])
        .await?;
    let [campaign, rows, totals_rows, week_tops, all_tops, recruiters, teams] =
        <[_; 7]>::try_from(results).map_err(|_| {
            AppError::Internal("overview batch returned the wrong number of results".into())
        })?;
    #[derive(Deserialize)]
    struct Campaign {
        timezone: String,
    }
    let campaign = campaign
        .results::<Campaign>()?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("campaign"))?;
    let off = utc_offset_hours(at, &campaign.timezone);
    // Local hours are UTC ones shifted by the offset.
    let local = hour + off;
    let day_start = local - local.rem_euclid(24) - off;
    // 1970-01-01 was a Thursday: Monday is three days before the epoch's weekday zero.
    let days = (day_start + off) / 24;
    let week_start = (days - (days + 3).rem_euclid(7)) * 24 - off;
    let rows: Vec<Row> = rows.results()?;
    let totals_rows: Vec<TotalRow> = totals_rows.results()?;

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
            widget,
            action,
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
    split(week_tops.results()?, &mut sites, &mut sources, true);
    split(all_tops.results()?, &mut sites, &mut sources, false);
    json(
        &Overview {
            kinds: KINDS.to_vec(),
            totals,
            hourly,
            daily,
            funnels,
            sites,
            sources,
            recruiters: recruiters.results()?,
            teams: teams.results()?,
            timezone: campaign.timezone,
            utc_offset_hours: off,
            as_of: at as u64,
        },
        200,
    )
}
