//! The engagement ladder for staff: reading and editing it (a live ladder can be edited: every
//! edit re-evaluates everyone in the background), the ladder report (from aggregates only) and
//! its CSV, and the background jobs that re-evaluate a whole campaign: after an edit, and when a
//! campaign week ends (people who stopped acting drop from rungs with time windows).
//!
//! A job is a row in `ladder_jobs`; each `LADDER` queue message is one slice of
//! [`SLICE_PEOPLE`] supporters after the job's keyset boundary, evaluated and committed in one
//! D1 batch that holds only where no other delivery committed the same slice (see
//! `Store::ladder_slice`), so a million supporters take about 200 bounded invocations. The cron
//! starts the weekly jobs and requeues a slice whose message was lost.

use rally_api::ladder::{
    FilterValue, Items, Ladder, LadderReport, LadderView, Move, RungReport, WeekReport, DIMS,
};
use rally_api::{ErrorBody, ErrorDetail, Lang};
use serde::{Deserialize, Serialize};

use worker::{Env, Request, Response};

use crate::auth::staff::{signed_in, Role};
use crate::db::ladder::JobRow;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, store, week_of, Ctx};
use crate::meter::Shared;

/// The queue of slices, as `wrangler.toml` names it.
pub const QUEUE: &str = "rally-ladder";
/// Supporters per slice: one D1 batch of 12 statements whose evaluation reads each person's
/// actions and weeks by index.
pub const SLICE_PEOPLE: u32 = 5_000;
/// Weeks the report shows.
pub const REPORT_WEEKS: i64 = 12;

/// One slice to do: the job, and how many slices it had done when this one was queued.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Slice {
    pub ladder_job: u32,
    pub seq: u32,
}

async fn queue_slice(env: &Env, meter: &Shared, s: Slice) -> AppResult<()> {
    meter.fetch();
    env.queue("LADDER")
        .map_err(|e| AppError::Internal(format!("queue LADDER: {e}")))?
        .send(s)
        .await
        .map_err(|e| AppError::Internal(format!("queue LADDER: {e}")))
}

async fn view(store: &Store, campaign_id: u32) -> AppResult<LadderView> {
    let live = store.ladder(campaign_id).await?;
    let total = store.supporter_total(campaign_id).await?;
    let job = store.latest_ladder_job(campaign_id).await?;
    let evaluated = match &job {
        Some(j) if j.status == "running" && j.version == live.version => j.done.min(total),
        _ => total,
    };
    Ok(LadderView {
        ladder: live.ladder,
        version: live.version,
        evaluated,
        total,
    })
}

/// `GET /api/v1/campaigns/:campaign/staff/ladder`: any role.
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    json(&view(&store, who.campaign_id).await?, 200)
}

/// `PUT /api/v1/campaigns/:campaign/staff/ladder` `{ "rungs": [...] }`: owners and organisers.
/// Refusals name their field (`rungs[2].ask.pledge`); a saved ladder re-evaluates everyone.
pub async fn put(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "edit the ladder")?;
    let draft: Ladder = http::json_body(&mut req).await?;
    let (petitions, pledges) = store.item_slugs(who.campaign_id).await?;
    let ladder = draft
        .validate(Items {
            petitions: &petitions,
            pledges: &pledges,
        })
        .map_err(|problems| {
            let details: Vec<ErrorDetail> = problems
                .iter()
                .map(|p| ErrorDetail {
                    code: p.code,
                    message: p.message(),
                    field: Some(p.path.clone()),
                })
                .collect();
            AppError::Explained(ErrorBody {
                error: details[0].clone(),
                errors: details,
            })
        })?;
    let at = now();
    let timezone = store.timezone_of(who.campaign_id).await?;
    let week = week_of(at, &timezone);
    let slugs: Vec<&str> = ladder.rungs.iter().map(|r| r.slug.as_str()).collect();
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        "ladder_update",
        &slugs.join(" < "),
        at,
    )?;
    let (job, _) = store
        .save_ladder(who.campaign_id, &ladder, (at, &week), audit)
        .await?;
    queue_slice(
        &ctx.env,
        &ctx.meter,
        Slice {
            ladder_job: job,
            seq: 0,
        },
    )
    .await?;
    crate::db::act::forget_campaign_meta(http::param(&ctx, "campaign")?);
    json(&view(&store, who.campaign_id).await?, 200)
}

/// The filter `?dim=&val=` names (`all` when none), refused by field when unknown.
fn filter(req: &Request) -> AppResult<(String, String)> {
    let url = req.url()?;
    let get = |k: &str| {
        url.query_pairs()
            .find(|(q, _)| q == k)
            .map(|(_, v)| v.into_owned())
    };
    let dim = get("dim").unwrap_or_else(|| "all".into());
    if !DIMS.contains(&dim.as_str()) {
        return Err(AppError::field(
            rally_api::ErrorCode::InvalidValue,
            "dim",
            "dim must be all, source, region, team or item",
        ));
    }
    let val = if dim == "all" {
        String::new()
    } else {
        get("val").unwrap_or_default()
    };
    if val.len() > 200 {
        return Err(AppError::field(
            rally_api::ErrorCode::TooLong,
            "val",
            "val is too long",
        ));
    }
    Ok((dim, val))
}

async fn report(req: &Request, ctx: &Ctx) -> AppResult<LadderReport> {
    let store = store(ctx)?;
    let who = signed_in(req, ctx, &store).await?;
    let (dim, val) = filter(req)?;
    let lang = http::lang_param(req)?.unwrap_or_default();
    let live = store.ladder(who.campaign_id).await?;
    let timezone = store.timezone_of(who.campaign_id).await?;
    let week = week_of(now(), &timezone);
    let from = rally_api::week::earlier(&week, REPORT_WEEKS - 1).unwrap_or_default();
    let rows = store
        .ladder_report(who.campaign_id, (&dim, &val), (&from, &week))
        .await?;
    Ok(assemble(&live.ladder, lang, (dim, val), &week, rows))
}

/// The report from its aggregate rows.
fn assemble(
    l: &Ladder,
    lang: Lang,
    (dim, val): (String, String),
    week: &str,
    rows: crate::db::ladder::ReportRows,
) -> LadderReport {
    let count = |n: f64| n.max(0.0) as u32;
    let rungs = l
        .rungs
        .iter()
        .map(|r| {
            let conv = rows.conv.iter().find(|c| c.rung == r.slug);
            RungReport {
                slug: r.slug.clone(),
                name: r.name_in(lang).to_owned(),
                now: rows
                    .now
                    .iter()
                    .filter(|n| n.rung == r.slug)
                    .map(|n| count(n.n))
                    .sum(),
                entered: conv.map_or(0, |c| count(c.entered)),
                converted: conv.map_or(0, |c| count(c.converted)),
            }
        })
        .collect();
    let weeks = (0..REPORT_WEEKS)
        .rev()
        .filter_map(|k| rally_api::week::earlier(week, k))
        .map(|w| {
            let moves: Vec<Move> = rows
                .flows
                .iter()
                .filter(|f| f.week == w && f.n > 0.0)
                .map(|f| Move {
                    from: f.from_rung.clone(),
                    to: f.to_rung.clone(),
                    n: count(f.n),
                })
                .collect();
            let up = moves
                .iter()
                .filter(|m| l.is_up(&m.from, &m.to))
                .map(|m| m.n)
                .sum();
            let down = moves
                .iter()
                .filter(|m| l.is_up(&m.to, &m.from))
                .map(|m| m.n)
                .sum();
            WeekReport {
                edits: rows
                    .edits
                    .iter()
                    .filter(|e| e.week == w)
                    .map(|e| e.version)
                    .collect(),
                week: w,
                moves,
                up,
                down,
            }
        })
        .collect();
    LadderReport {
        dim,
        val,
        rungs,
        weeks,
        filters: rows
            .values
            .into_iter()
            .map(|v| FilterValue {
                label: v.label.unwrap_or_else(|| v.val.clone()),
                dim: v.dim,
                val: v.val,
                n: count(v.n),
            })
            .collect(),
    }
}

/// `GET /api/v1/campaigns/:campaign/staff/ladder/report?dim=&val=&lang=`: any role (counts
/// only, no person).
pub async fn get_report(req: Request, ctx: Ctx) -> AppResult<Response> {
    json(&report(&req, &ctx).await?, 200)
}

/// `GET /api/v1/campaigns/:campaign/staff/ladder/report/export?dim=&val=`: the same as CSV
/// (formula cells neutralised), one row per number.
pub async fn export(req: Request, ctx: Ctx) -> AppResult<Response> {
    let r = report(&req, &ctx).await?;
    let cell = crate::format::csv_cell;
    let mut out = String::from("section,week,rung,from_rung,to_rung,people\r\n");
    let mut line = |section: &str, week: &str, rung: &str, from: &str, to: &str, n: u32| {
        out.push_str(&format!(
            "{},{},{},{},{},{n}\r\n",
            cell(section),
            cell(week),
            cell(rung),
            cell(from),
            cell(to)
        ));
    };
    for g in &r.rungs {
        line("now", "", &g.slug, "", "", g.now);
        line("entered", "", &g.slug, "", "", g.entered);
        line("converted_4_weeks", "", &g.slug, "", "", g.converted);
    }
    for w in &r.weeks {
        for m in &w.moves {
            line("moves", &w.week, "", &m.from, &m.to, m.n);
        }
    }
    let mut resp = Response::ok(out)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "text/csv; charset=utf-8")?;
    h.set(
        "Content-Disposition",
        "attachment; filename=\"ladder-report.csv\"",
    )?;
    h.set("Cache-Control", "no-store")?;
    Ok(resp)
}

impl crate::staff::slices::Slice for Slice {
    const LABEL: &'static str = "ladder slice";
    async fn run(self, env: &Env, meter: &Shared) -> AppResult<()> {
        slice(env, meter, self).await
    }
}

/// Does slice `s` of its job if the job is still at it, then queues the next.
pub async fn slice(env: &Env, meter: &Shared, s: Slice) -> AppResult<()> {
    let store = Store::open(env, meter)?;
    let Some(job) = store.ladder_job(s.ladder_job).await? else {
        return Ok(());
    };
    if job.status != "running" || job.seq != s.seq {
        return Ok(());
    }
    run_slice(env, meter, &store, &job).await
}

async fn run_slice(env: &Env, meter: &Shared, store: &Store, job: &JobRow) -> AppResult<()> {
    let live = store.ladder(job.campaign_id).await?;
    let at = now();
    let week = week_of(at, &job.timezone);
    let (status, hooks) = store
        .ladder_slice(job, &live, (at, &week), SLICE_PEOPLE)
        .await?;
    if !hooks.is_empty() {
        crate::mail::hand_over(env, hooks.iter().map(|w| w.id).collect()).await;
    }
    if status.as_deref() == Some("running") {
        queue_slice(
            env,
            meter,
            Slice {
                ladder_job: job.id,
                seq: job.seq + 1,
            },
        )
        .await?;
    }
    Ok(())
}

/// Campaigns whose week turned that one cron run starts sweeps for (the rest wait a minute).
pub const SWEEPS_PER_RUN: usize = 20;

async fn queue_slices(env: &Env, meter: &Shared, slices: &[Slice]) -> AppResult<()> {
    if slices.is_empty() {
        return Ok(());
    }
    meter.fetch();
    env.queue("LADDER")
        .map_err(|e| AppError::Internal(format!("queue LADDER: {e}")))?
        .send_batch(
            slices
                .iter()
                .map(|s| worker::MessageBuilder::new(*s).build()),
        )
        .await
        .map_err(|e| AppError::Internal(format!("queue LADDER: {e}")))
}

/// The cron's part: campaigns whose week changed since their last sweep get a job that
/// re-evaluates everyone (time windows moved), at most [`SWEEPS_PER_RUN`] a run, in one D1
/// batch; slices whose message was lost are queued again; evaluations' scratch rows from more
/// than a minute ago are removed. Four D1 calls and one queue send at most, whatever the
/// number of campaigns.
pub async fn sweep(env: &Env, meter: &Shared, stale_ms: f64) -> AppResult<()> {
    let store = Store::open(env, meter)?;
    let at = now();
    let due: Vec<(u32, String, bool)> = store
        .ladder_weeks()
        .await?
        .into_iter()
        .filter_map(|c| {
            let week = week_of(at, &c.timezone);
            (c.ladder_week != week).then_some((c.id, week, c.ladder_week.is_empty()))
        })
        .take(SWEEPS_PER_RUN)
        .collect();
    store.forget_evaluations(at - 60_000.0).await?;
    let mut slices: Vec<Slice> = store
        .start_window_jobs(&due, at)
        .await?
        .into_iter()
        .map(|ladder_job| Slice { ladder_job, seq: 0 })
        .collect();
    slices.extend(
        store
            .stalled_ladder_jobs(at - stale_ms)
            .await?
            .into_iter()
            .map(|j| Slice {
                ladder_job: j.id,
                seq: j.seq,
            }),
    );
    queue_slices(env, meter, &slices).await
}
