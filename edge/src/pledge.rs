//! Pledges: the public view, committing (the petition's rules: one per person, idempotent
//! retries, points, recruits), and the add-to-calendar file.

use rally_api::calendar::{self, Event};
use rally_api::{
    next_goal, routes as paths, CalendarLinks, ErrorCode, PledgeResponse, PledgeStatus, PledgeView,
    Presented, RecentSigner, SignRequest,
};
use serde::Deserialize;
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{
    city, idempotency_key, json, now, param, store, view_cache, week_of, SIGN_LIMIT_PERIOD_SECS,
};
use crate::store::{ActInput, PledgeMeta, Store, Subject, PLEDGE};

async fn meta(store: &Store, ctx: &RouteContext<()>) -> AppResult<PledgeMeta> {
    store
        .pledge_meta(param(ctx, "campaign")?, param(ctx, "pledge")?)
        .await?
        .ok_or_else(|| AppError::not_found("pledge"))
}

/// The edge's own origin, for absolute links in calendar entries.
fn origin(req: &Request) -> AppResult<String> {
    let url = req.url()?;
    Ok(url.origin().ascii_serialization())
}

fn event<'a>(m: &'a PledgeMeta, url: &'a str, uid: &'a str, start: f64) -> Event<'a> {
    Event {
        uid,
        title: &m.statement,
        description: &m.body,
        location: m.place.as_deref(),
        url,
        start_ms: start as i64,
        end_ms: m.ends_at.map(|e| e as i64),
    }
}

fn links(m: &PledgeMeta, origin: &str) -> Option<CalendarLinks> {
    let start = m.starts_at?;
    let url = format!("{origin}{}", paths::pledge(&m.campaign, &m.slug));
    let uid = format!("pledge-{}@rally", m.id);
    Some(CalendarLinks {
        ics: format!("{origin}{}", paths::pledge_calendar(&m.campaign, &m.slug)),
        google: calendar::google_link(&event(m, &url, &uid, start)),
    })
}

fn view(
    m: &PledgeMeta,
    count: u32,
    recent: Vec<RecentSigner>,
    as_of: f64,
    origin: &str,
) -> Presented<PledgeView> {
    let view = PledgeView {
        campaign: m.campaign.clone(),
        slug: m.slug.clone(),
        statement: m.statement.clone(),
        body: m.body.clone(),
        starts_at: m.starts_at.map(|t| t as u64),
        ends_at: m.ends_at.map(|t| t as u64),
        place: m.place.clone(),
        status: crate::store::status(&m.status),
        count,
        goal: next_goal(count, m.base_goal),
        recent,
        as_of: as_of as u64,
        calendar: links(m, origin),
    };
    Presented {
        view,
        look: crate::store::look(&m.langs, &m.accent, &m.share_text),
    }
}

/// `GET /api/v1/campaigns/:campaign/pledges/:pledge`
pub async fn get(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let at = now();
    let cache = view_cache(&ctx)?;
    let campaign = param(&ctx, "campaign")?;
    // A view counts only for a pledge that is there (published).
    let viewed = || crate::views::count_if_view(&req, campaign, "pledge");
    let key = crate::cache::key("pledge", campaign, param(&ctx, "pledge")?);
    if let Some(v) = cache.fresh::<Presented<PledgeView>>(&key, at).await? {
        viewed();
        return json(&v, 200);
    }
    let store = store(&ctx)?;
    let m = meta(&store, &ctx).await?;
    viewed();
    let (count, recent, claimed) = store.live(PLEDGE, m.id, at).await?;
    let v = view(&m, count, recent, at, &origin(&req)?);
    if claimed {
        cache.store(&key, &v, at).await?;
    }
    json(&v, 200)
}

/// The pledge-only field of a commitment; the rest of the body is a [`SignRequest`].
#[derive(Deserialize, Default)]
struct Reminder {
    #[serde(default)]
    reminder: bool,
}

/// `POST /api/v1/campaigns/:campaign/pledges/:pledge/commitments`
pub async fn commit(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let idempotency_key = idempotency_key(&req)?;
    guard::rate_limit(&req, &ctx.env, "SIGN_LIMITER", SIGN_LIMIT_PERIOD_SECS).await?;
    let bytes = guard::json_bytes(&mut req).await?;
    let body: SignRequest = guard::parse_json(&bytes)?;
    let Reminder { reminder } = guard::parse_json(&bytes)?;
    let store = store(&ctx)?;
    let at = now();
    let m = meta(&store, &ctx).await?;
    let body = crate::routes::as_remembered(&req, &ctx, &store, m.campaign_id, body).await?;
    let person = body.validate().map_err(AppError::Invalid)?;
    if m.status != "open" {
        return Err(AppError::refused(
            ErrorCode::PetitionClosed,
            "this pledge is closed",
        ));
    }
    let outcome = store
        .act(&ActInput {
            subject: Subject {
                target: PLEDGE,
                id: m.id,
                campaign_id: m.campaign_id,
                points: m.points_pledge,
                points_recruit: m.points_recruit,
            },
            sig: &person,
            request_id: &guard::request_id()?,
            new_ref_code: &guard::ref_code()?,
            idempotency_key: idempotency_key.as_deref(),
            city: city(&req, &person.country).as_deref(),
            week: &week_of(at, &m.timezone),
            reminder: Some(reminder),
            now: at,
        })
        .await?;
    let origin = origin(&req)?;
    if let Some(recent) = outcome.claimed.clone() {
        let key = crate::cache::key("pledge", &m.campaign, &m.slug);
        view_cache(&ctx)?
            .store(&key, &view(&m, outcome.count, recent, at, &origin), at)
            .await?;
    }
    let (status, code) = if outcome.signed {
        (PledgeStatus::Pledged, 201)
    } else {
        (PledgeStatus::AlreadyPledged, 200)
    };
    json(
        &PledgeResponse {
            status,
            count: outcome.count,
            goal: next_goal(outcome.count, m.base_goal),
            ref_code: outcome.ref_code,
            supporter_token: outcome
                .new_supporter
                .map(|claims| crate::token::issue(&ctx.env, m.campaign_id, claims))
                .transpose()?,
            calendar: links(&m, &origin),
        },
        code,
    )
}

/// `GET /api/v1/campaigns/:campaign/pledges/:pledge/calendar.ics`
pub async fn ics(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let m = meta(&store, &ctx).await?;
    let start = m.starts_at.ok_or_else(|| {
        AppError::refused(
            ErrorCode::NotFound,
            "this pledge has no date to add to a calendar",
        )
    })?;
    let origin = origin(&req)?;
    let url = format!("{origin}{}", paths::pledge(&m.campaign, &m.slug));
    let uid = format!("pledge-{}@rally", m.id);
    let body = calendar::ics(&event(&m, &url, &uid, start), now() as i64);
    let mut resp = Response::ok(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "text/calendar; charset=utf-8")?;
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{}.ics\"", m.slug),
    )?;
    h.set("Cache-Control", "public, max-age=300")?;
    Ok(resp)
}
