//! Pledges as visitors read them: the public view and the add-to-calendar file. Committing is
//! [`super::act`], the same handler as signing.

use rally_api::calendar::{self, Event};
use rally_api::{
    next_goal, routes as paths, CalendarLinks, ErrorCode, PledgeView, Presented, RecentSigner,
};
use worker::{Request, Response};

use crate::db::act::{PledgeMeta, PLEDGE};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{json, now, origin, param, store, view_cache, Ctx};

async fn meta(store: &Store, ctx: &Ctx) -> AppResult<PledgeMeta> {
    store
        .pledge_meta(param(ctx, "campaign")?, param(ctx, "pledge")?)
        .await?
        .ok_or_else(|| AppError::not_found("pledge"))
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

pub fn links(m: &PledgeMeta, origin: &str) -> Option<CalendarLinks> {
    let start = m.starts_at?;
    let url = format!("{origin}{}", paths::pledge(&m.campaign, &m.slug));
    let uid = format!("pledge-{}@rally", m.id);
    Some(CalendarLinks {
        ics: format!("{origin}{}", paths::pledge_calendar(&m.campaign, &m.slug)),
        google: calendar::google_link(&event(m, &url, &uid, start)),
    })
}

pub fn view(
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
        timezone: m.timezone.clone(),
        status: crate::db::act::status(&m.status),
        count,
        goal: next_goal(count, m.base_goal),
        recent,
        as_of: as_of as u64,
        calendar: links(m, origin),
    };
    Presented {
        view,
        look: crate::db::act::look(&m.langs, &m.accent, &m.share_text),
        turnstile: m.turnstile.clone(),
        translations: serde_json::from_str(&m.translations).unwrap_or_default(),
    }
}

/// `GET /api/v1/campaigns/:campaign/pledges/:pledge`
/// With `?lang=` one of its languages, the pledge's words in that language.
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let lang = crate::http::lang_param(&req)?;
    let v = view_of(&req, &ctx).await?;
    json(&lang.map_or(v.clone(), |l| v.in_lang(l)), 200)
}

/// The route's pledge as the public sees it (a KV snapshot while fresh), counting a view when
/// the request asks (`?view=1`).
pub async fn view_of(req: &Request, ctx: &Ctx) -> AppResult<Presented<PledgeView>> {
    let at = now();
    let cache = view_cache(ctx)?;
    let campaign = param(ctx, "campaign")?;
    // A view counts only for a pledge that is there (published).
    let viewed = || crate::views::count_if_view(req, campaign, "pledge");
    let key = crate::cache::key("pledge", campaign, param(ctx, "pledge")?);
    if let Some(v) = cache.fresh::<Presented<PledgeView>>(&key, at).await? {
        viewed();
        return Ok(v);
    }
    let store = store(ctx)?;
    let m = meta(&store, ctx).await?;
    viewed();
    let mark_key = crate::shard::item("pledge", m.id);
    let sharded = (m.shards > 0).then_some(mark_key.as_str());
    let live = store.live(PLEDGE, m.id, at, sharded).await?;
    let item = ("pledge", m.id, m.shards);
    let count = crate::shard::shown(ctx, &cache, &key, item, &live).await?;
    let (recent, claimed) = (live.recent, live.claimed);
    let v = view(&m, count, recent, at, &origin(req)?);
    if claimed {
        cache.store(&key, &v, at).await?;
    }
    Ok(v)
}

/// `GET /api/v1/campaigns/:campaign/pledges/:pledge/calendar.ics`
pub async fn ics(req: Request, ctx: Ctx) -> AppResult<Response> {
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
