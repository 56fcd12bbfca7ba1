//! The `/api/v1` handlers. Each reads like the API it serves; storage is in [`crate::store`].

use rally_api::{validate, ErrorCode, PetitionStatus, ReferralView, SignRequest, SignResponse};
use worker::{Request, Response, RouteContext};

use crate::cache::ViewCache;
use crate::error::{AppError, AppResult};
use crate::guard;
use crate::store::{ActInput, PetitionMeta, Store, Subject, PETITION};

/// The sign limiter's period, as configured in `wrangler.toml`.
pub const SIGN_LIMIT_PERIOD_SECS: u32 = 60;

pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The ISO week key of `at` in the campaign's time zone (`2026-W47`), using the runtime's
/// `Intl` time zone data; an unknown zone falls back to UTC.
/// A moment's UTC date, `2026-11-21`.
pub fn iso_date(ms: f64) -> String {
    let (y, m, d) = rally_api::week::civil_from_days((ms / 86_400_000.0).floor() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn week_of(at: f64, timezone: &str) -> String {
    let date = js_sys::Date::new(&at.into());
    let local = |tz: &str| {
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &tz.into());
        let s: String = date.to_locale_date_string("en-CA", &opts).into();
        rally_api::week::parse_date(&s)
    };
    let (y, m, d) = local(timezone)
        .or_else(|| local("UTC"))
        .unwrap_or((1970, 1, 1));
    rally_api::week::week_key(y, m, d)
}

pub fn param<'a>(ctx: &'a RouteContext<()>, name: &str) -> AppResult<&'a str> {
    let v = ctx.param(name).map(String::as_str).unwrap_or_default();
    if validate::is_slug(v) {
        Ok(v)
    } else {
        Err(AppError::field(
            ErrorCode::NotFound,
            name,
            format!("no {name} called {v:?}"),
        ))
    }
}

pub fn json<T: serde::Serialize>(value: &T, status: u16) -> AppResult<Response> {
    let mut resp = Response::from_json(value)?.with_status(status);
    resp.headers_mut().set("Cache-Control", "no-cache")?;
    Ok(resp)
}

pub fn store(ctx: &RouteContext<()>) -> AppResult<Store> {
    Ok(Store::new(ctx.env.d1("DB").map_err(|e| {
        AppError::Internal(format!("D1 binding DB: {e}"))
    })?))
}

pub fn view_cache(ctx: &RouteContext<()>) -> AppResult<ViewCache> {
    Ok(ViewCache::new(ctx.env.kv("CACHE").map_err(|e| {
        AppError::Internal(format!("KV binding CACHE: {e}"))
    })?))
}

async fn petition_meta(store: &Store, ctx: &RouteContext<()>, at: f64) -> AppResult<PetitionMeta> {
    let campaign = param(ctx, "campaign")?;
    let petition = param(ctx, "petition")?;
    store
        .petition_meta(campaign, petition, at)
        .await?
        .ok_or_else(|| AppError::not_found("petition"))
}

/// The request's `Idempotency-Key`, if it sent a well-formed one.
pub fn idempotency_key(req: &Request) -> AppResult<Option<String>> {
    let key = req.headers().get("Idempotency-Key")?;
    match &key {
        Some(k) if !validate::is_idempotency_key(k) => Err(AppError::refused(
            ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key must be 8 to 64 letters, digits, '-' or '_'",
        )),
        _ => Ok(key),
    }
}

/// Cloudflare's idea of the city, shown beside a public name, only when its idea of the
/// country agrees with the person's own (a VPN must not put a signer somewhere else).
pub fn city(req: &Request, country: &str) -> Option<String> {
    req.cf()
        .filter(|cf| cf.country().as_deref() == Some(country))
        .and_then(|cf| cf.city())
}

/// `GET /api/v1/health`: touches no storage; the baseline of every benchmark.
pub fn health() -> AppResult<Response> {
    json(&serde_json::json!({ "ok": true }), 200)
}

/// `GET /api/v1/campaigns/:campaign/petitions/:petition`
pub async fn get_petition(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let at = now();
    let cache = view_cache(&ctx)?;
    let campaign = param(&ctx, "campaign")?;
    // A view counts only for a petition that is there (published).
    let viewed = || crate::views::count_if_view(&req, campaign, "petition");
    let key = crate::cache::key("petition", campaign, param(&ctx, "petition")?);
    if let Some(view) = cache
        .fresh::<rally_api::Presented<rally_api::PetitionView>>(&key, at)
        .await?
    {
        viewed();
        return json(&view, 200);
    }
    let store = store(&ctx)?;
    let meta = petition_meta(&store, &ctx, at).await?;
    viewed();
    let (view, claimed) = store.petition_view(&meta, at).await?;
    if claimed {
        cache.store(&key, &view, at).await?;
    }
    json(&view, 200)
}

/// A supporter this browser remembers acts without typing themselves again: with their token
/// (`Authorization: Bearer`) and no email, the request is theirs: the stored person (name,
/// email, postal code, country) replaces whatever person fields it has, and the stored consent
/// stands unless it gives one. A token that does not hold is refused, so the widget can forget it
/// and ask for the whole form.
pub async fn as_remembered(
    req: &Request,
    ctx: &RouteContext<()>,
    store: &Store,
    campaign_id: u32,
    mut body: SignRequest,
) -> AppResult<SignRequest> {
    let Some(bearer) = crate::token::bearer(req).filter(|_| body.email.trim().is_empty()) else {
        return Ok(body);
    };
    let refused = || {
        AppError::refused(
            ErrorCode::Unauthorized,
            "the supporter token is invalid or was revoked",
        )
    };
    let (id, version) =
        crate::token::verify(&ctx.env, campaign_id, &bearer)?.ok_or_else(refused)?;
    let p = store
        .person(campaign_id, id, version)
        .await?
        .ok_or_else(refused)?;
    body.first_name = p.first_name;
    body.last_name = p.last_name;
    body.postal_code = p.postal_code;
    body.country = p.country;
    body.email = p.email;
    body.contact_consent = body.contact_consent.or(Some(p.contact_consent == 1));
    Ok(body)
}

/// `POST /api/v1/campaigns/:campaign/petitions/:petition/signatures`
pub async fn sign(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let idempotency_key = idempotency_key(&req)?;
    guard::rate_limit(&req, &ctx.env, "SIGN_LIMITER", SIGN_LIMIT_PERIOD_SECS).await?;
    let body: SignRequest = guard::json_body(&mut req).await?;
    let store = store(&ctx)?;
    let at = now();
    let meta = petition_meta(&store, &ctx, at).await?;
    let body = as_remembered(&req, &ctx, &store, meta.campaign_id, body).await?;
    let sig = body.validate().map_err(AppError::Invalid)?;
    if meta.status() == PetitionStatus::Closed {
        return Err(AppError::refused(
            ErrorCode::PetitionClosed,
            "this petition is closed",
        ));
    }
    let city = city(&req, &sig.country);
    let outcome = store
        .act(&ActInput {
            subject: Subject {
                target: PETITION,
                id: meta.id,
                campaign_id: meta.campaign_id,
                points: meta.points_sign,
                points_recruit: meta.points_recruit,
            },
            sig: &sig,
            request_id: &guard::request_id()?,
            new_ref_code: &guard::ref_code()?,
            idempotency_key: idempotency_key.as_deref(),
            city: city.as_deref(),
            week: &week_of(at, &meta.timezone),
            reminder: None,
            now: at,
        })
        .await?;
    if let Some(recent) = outcome.claimed.clone() {
        let key = crate::cache::key("petition", &meta.campaign, &meta.slug);
        view_cache(&ctx)?
            .store(&key, &meta.view(outcome.count, recent, at as u64), at)
            .await?;
    }
    let (status, code) = if outcome.signed {
        (rally_api::SignStatus::Signed, 201)
    } else {
        (rally_api::SignStatus::AlreadySigned, 200)
    };
    json(
        &SignResponse {
            status,
            count: outcome.count,
            goal: rally_api::next_goal(outcome.count, meta.base_goal),
            ref_code: outcome.ref_code,
            supporter_token: outcome
                .new_supporter
                .map(|claims| crate::token::issue(&ctx.env, meta.campaign_id, claims))
                .transpose()?,
        },
        code,
    )
}

/// `GET /api/v1/campaigns/:campaign/referrals/:code`
pub async fn referral(_req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let campaign = param(&ctx, "campaign")?;
    let raw = ctx.param("code").map(String::as_str).unwrap_or_default();
    let code = validate::ref_code(raw).ok_or_else(|| AppError::not_found("referral code"))?;
    let recruits = store(&ctx)?
        .recruits(campaign, &code)
        .await?
        .ok_or_else(|| AppError::not_found("referral code"))?;
    json(&ReferralView { code, recruits }, 200)
}
