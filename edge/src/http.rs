//! Request plumbing every handler uses: the route's parameters and bindings ([`Ctx`]), JSON
//! bodies in and JSON answers out, the clock and calendar weeks, the per-network rate limit,
//! idempotency keys and random identifiers. Nothing here knows a route or a table.

use rally_api::{validate, ErrorCode};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use worker::{Env, Request, Response};

use crate::cache::ViewCache;
use crate::db::Store;
use crate::error::{AppError, AppResult};

/// What a handler gets beside its request: the worker's bindings and the path's parameters,
/// as the route table's row named them.
pub struct Ctx {
    pub env: Env,
    params: Vec<(&'static str, String)>,
    /// What this invocation asks of D1, KV and the network (`crate::meter`).
    pub meter: crate::meter::Shared,
}

impl Ctx {
    pub fn new(env: Env, params: Vec<(&'static str, String)>) -> Self {
        Ctx {
            env,
            params,
            meter: crate::meter::Meter::new(),
        }
    }

    /// The raw value of path parameter `name` (`:name` in the route's pattern).
    pub fn param(&self, name: &str) -> Option<&String> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// A slug parameter (`:campaign`, `:petition`, ...); anything that is not a slug is `not_found`
/// naming the parameter.
pub fn param<'a>(ctx: &'a Ctx, name: &str) -> AppResult<&'a str> {
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

/// A JSON answer that intermediaries must revalidate.
pub fn json<T: serde::Serialize>(value: &T, status: u16) -> AppResult<Response> {
    let mut resp = Response::from_json(value)?.with_status(status);
    resp.headers_mut().set("Cache-Control", "no-cache")?;
    Ok(resp)
}

/// `204 No Content`.
pub fn no_content() -> AppResult<Response> {
    Ok(Response::empty()?.with_status(204))
}

/// The D1 database (`DB`), the truth.
pub fn store(ctx: &Ctx) -> AppResult<Store> {
    Store::open(&ctx.env, &ctx.meter)
}

/// The KV namespace of public snapshots (`CACHE`).
pub fn view_cache(ctx: &Ctx) -> AppResult<ViewCache> {
    let kv = ctx
        .env
        .kv("CACHE")
        .map_err(|e| AppError::Internal(format!("KV binding CACHE: {e}")))?;
    Ok(ViewCache::new(kv, ctx.meter.clone()))
}

thread_local! {
    /// How far a test edge's clock runs ahead of the platform's (ms); 0 everywhere else.
    static TEST_CLOCK: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Milliseconds since the epoch, from the platform clock (moved ahead on test edges only, by
/// [`set_test_clock`]).
pub fn now() -> f64 {
    js_sys::Date::now() + TEST_CLOCK.with(|c| c.get())
}

/// On an edge whose `RALLY_TEST_CLOCK` is `1` (test edges; never `wrangler.toml`), a cron run
/// whose cron is `at:<ms since the epoch>` (`/__scheduled?cron=at:1796290957348`, the local
/// runtime's test hook, which passes the cron string through) moves this isolate's clock ahead
/// to that time before the run, so tests let weeks pass without sleeping. Production crons come
/// from `wrangler.toml` only; elsewhere this does nothing.
pub fn set_test_clock(env: &Env, cron: &str) {
    let on = env
        .var("RALLY_TEST_CLOCK")
        .is_ok_and(|v| v.to_string() == "1");
    let Some(at) = cron.strip_prefix("at:").and_then(|t| t.parse::<f64>().ok()) else {
        return;
    };
    let ahead = at - js_sys::Date::now();
    if on && ahead > 1_000.0 {
        TEST_CLOCK.with(|c| c.set(ahead));
    }
}

/// A moment's UTC date, `2026-11-21`.
pub fn iso_date(ms: f64) -> String {
    let (y, m, d) = rally_api::week::civil_from_days((ms / 86_400_000.0).floor() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first of the browser's languages (`Accept-Language`) that Rally speaks, else English.
pub fn browser_lang(req: &Request) -> rally_api::Lang {
    let accept = req
        .headers()
        .get("Accept-Language")
        .ok()
        .flatten()
        .unwrap_or_default();
    rally_api::Lang::pick(
        accept
            .split(',')
            .map(|t| t.split(';').next().unwrap_or("").trim()),
    )
}

/// The date of `at` in `timezone`, `2026-11-21` (campaign actions run by these dates).
pub fn local_date(at: f64, timezone: &str) -> String {
    iso_date(at + utc_offset_ms(at, timezone))
}

/// The moment `date` (`YYYY-MM-DD`) begins in `timezone`.
pub fn local_midnight(date: &str, timezone: &str) -> Option<f64> {
    let (y, m, d) = rally_api::week::parse_date(date)?;
    let utc = rally_api::week::days_from_civil(y, m, d) as f64 * 86_400_000.0;
    Some(utc - utc_offset_ms(utc, timezone))
}

/// The Monday and the Sunday of the week `date` (`YYYY-MM-DD`) is in.
pub fn week_bounds(date: &str) -> Option<(String, String)> {
    let (y, m, d) = rally_api::week::parse_date(date)?;
    let days = rally_api::week::days_from_civil(y, m, d);
    let monday = days - (days + 3).rem_euclid(7);
    let day = |n: i64| iso_date(n as f64 * 86_400_000.0);
    Some((day(monday), day(monday + 6)))
}

/// The ISO week key of `at` in the campaign's time zone (`2026-W47`), using the runtime's
/// `Intl` time zone data; an unknown zone falls back to UTC.
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

/// The offset of `timezone` from UTC at `at`, in ms, from the runtime's `Intl` data (0 for a
/// zone it does not know).
pub fn utc_offset_ms(at: f64, timezone: &str) -> f64 {
    let date = js_sys::Date::new(&at.into());
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &timezone.into());
    let _ = js_sys::Reflect::set(&opts, &"hourCycle".into(), &"h23".into());
    let local: String = date.to_locale_string("en-US", &opts).into();
    // The local wall time read back as if it were UTC (workers run in UTC); whole minutes.
    let wall = js_sys::Date::parse(&local);
    if wall.is_nan() {
        return 0.0;
    }
    ((wall - (at / 1000.0).floor() * 1000.0) / 60_000.0).round() * 60_000.0
}

/// A moment as people read it (`Tuesday, 6 October 2026 at 08:00`), in `timezone` and
/// `locale`, from the runtime's `Intl`.
pub fn local_datetime(at: f64, timezone: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&at.into());
    let opts = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", timezone),
        ("dateStyle", "full"),
        ("timeStyle", "short"),
    ] {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    let s: String = date.to_locale_string(locale, &opts).into();
    if s.is_empty() || s == "Invalid Date" {
        iso_date(at)
    } else {
        s
    }
}

/// The language a read asks its words in (`?lang=`), when it names one Rally speaks.
pub fn lang_param(req: &Request) -> AppResult<Option<rally_api::Lang>> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| rally_api::Lang::from_tag(&v)))
}

/// The edge's own origin (`https://rally.example.org`), for absolute links.
pub fn origin(req: &Request) -> AppResult<String> {
    Ok(req.url()?.origin().ascii_serialization())
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

/// The public write limiter (`SIGN_LIMITER`) and its period, as configured in `wrangler.toml`.
pub const SIGN_LIMITER: (&str, u32) = ("SIGN_LIMITER", 60);

/// The largest JSON body a public route accepts.
pub const MAX_BODY: usize = 8 * 1024;

/// The client's address as Cloudflare gives it (only ever passed on to siteverify, never
/// stored).
pub fn client_ip(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The client network, hashed with a secret salt: the raw IP is never stored or passed on.
///
/// `CF-Connecting-IP` is set by Cloudflare (and by the local runtime) and cannot be forged by a
/// client in production.
pub fn client_key(req: &Request, env: &Env) -> String {
    let ip = client_ip(req);
    let salt = env
        .secret("IP_SALT")
        .map(|s| s.to_string())
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{salt}\0{ip}").as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies a rate limit binding (`(name, period in seconds)`, e.g. [`SIGN_LIMITER`]) to this
/// client's network.
pub async fn rate_limit(
    req: &Request,
    env: &Env,
    (binding, period_secs): (&str, u32),
) -> AppResult<()> {
    let limiter = env
        .rate_limiter(binding)
        .map_err(|e| AppError::Internal(format!("rate limiter binding {binding}: {e}")))?;
    let outcome = limiter.limit(client_key(req, env)).await?;
    if outcome.success {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after: period_secs,
        })
    }
}

/// Reads a JSON body under the public routes' rules: `application/json`, at most [`MAX_BODY`]
/// bytes, and a type error names the field it happened in.
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    parse_json(&json_bytes(req).await?)
}

/// The bytes of a JSON body, checked for content type and size but not parsed.
pub async fn json_bytes(req: &mut Request) -> AppResult<Vec<u8>> {
    let ctype = req.headers().get("Content-Type")?.unwrap_or_default();
    if !ctype.to_ascii_lowercase().starts_with("application/json") {
        return Err(AppError::refused(
            ErrorCode::UnsupportedMediaType,
            "the body must be JSON, sent with Content-Type: application/json",
        ));
    }
    let too_large = || {
        AppError::refused(
            ErrorCode::PayloadTooLarge,
            format!("the body must be at most {MAX_BODY} bytes"),
        )
    };
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses JSON, telling a malformed body (`invalid_json`) from a field of the wrong type
/// (`wrong_type`, with the field's path).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    // serde accepts a JSON array for a struct (as a tuple); the API promises objects only.
    if let Some(first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        if *first != b'{' && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
            return Err(AppError::refused(
                ErrorCode::WrongType,
                "the body must be a JSON object",
            ));
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            if path == "." {
                AppError::refused(ErrorCode::WrongType, "the body must be a JSON object")
            } else {
                AppError::field(ErrorCode::WrongType, &path, format!("{path}: {inner}"))
            }
        } else {
            AppError::refused(
                ErrorCode::InvalidJson,
                format!("the body is not valid JSON: {inner}"),
            )
        }
    })
}

/// `n` random bytes from the platform's CSPRNG.
fn random<const N: usize>() -> AppResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
    Ok(buf)
}

/// A fresh request id: 128 random bits, hex.
pub fn request_id() -> AppResult<String> {
    Ok(random::<16>()?.iter().map(|b| format!("{b:02x}")).collect())
}

/// A fresh webhook signing secret: `whsec_` and 256 random bits, hex.
pub fn webhook_secret() -> AppResult<String> {
    let hex: String = random::<32>()?.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("whsec_{hex}"))
}

/// A fresh referral code: 8 characters of the referral alphabet (40 random bits).
pub fn ref_code() -> AppResult<String> {
    let alphabet = rally_api::validate::REF_ALPHABET;
    Ok(random::<8>()?
        .iter()
        .map(|b| alphabet[usize::from(b & 31)] as char)
        .collect())
}

/// The route's campaign (`:campaign`), with the settings routes need; `not_found` if none.
pub async fn campaign(store: &Store, ctx: &Ctx) -> AppResult<crate::db::settings::CampaignRow> {
    store
        .campaign(param(ctx, "campaign")?)
        .await?
        .ok_or_else(|| AppError::not_found("campaign"))
}

/// A code parameter (a claim's public id, an invite): referral-code alphabet, normalised;
/// `not_found` naming `what` otherwise.
pub fn code_param(ctx: &Ctx, name: &str, what: &str) -> AppResult<String> {
    ctx.param(name)
        .and_then(|v| validate::ref_code(v))
        .ok_or_else(|| AppError::not_found(what))
}
