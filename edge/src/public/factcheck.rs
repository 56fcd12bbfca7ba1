//! Fact-checks as visitors meet them: reporting a rumour (grouped into a claim as it
//! arrives) and the published rebuttals (a KV snapshot, also searched for "this may already be
//! answered" while typing).

use rally_api::{cluster, Rebuttal, RebuttalFeed, ReportRequest, ValidReport};
use worker::{Request, Response};

use crate::auth::supporter;
use crate::db::claims::NewReport;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{
    self, campaign, idempotency_key, json, now, origin, param, store, view_cache, Ctx,
};

/// The words a report is grouped by: its claim and any screenshot text.
fn report_words(r: &ValidReport) -> Vec<String> {
    let mut all = r.claim.clone();
    if let Some(s) = &r.screenshot_text {
        all.push(' ');
        all.push_str(s);
    }
    cluster::words(&all)
}

/// `POST /api/v1/campaigns/:campaign/reports`
pub async fn report(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let key = idempotency_key(&req)?;
    http::rate_limit(&req, &ctx.env, http::SIGN_LIMITER).await?;
    let bytes = http::json_bytes(&mut req).await?;
    let body: ReportRequest = http::parse_json(&bytes)?;
    let challenge: crate::auth::turnstile::Token = http::parse_json(&bytes)?;
    crate::auth::turnstile::check(
        &req,
        &ctx,
        param(&ctx, "campaign")?,
        &challenge.turnstile,
        key.as_deref(),
    )
    .await?;
    // A filled honeypot is answered as a new claim would be, so a bot learns nothing; nothing
    // is stored.
    if !body.website.is_empty() {
        let decoy = rally_api::ReportResponse {
            claim_id: http::ref_code()?,
            reports: 1,
            rebuttal: None,
        };
        return json(&decoy, 201);
    }
    let valid = body.validate().map_err(AppError::Invalid)?;
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let request_id = match &key {
        Some(k) => format!("report:{}:{k}", c.id),
        None => http::request_id()?,
    };
    let origin = origin(&req)?;
    let campaign_slug = param(&ctx, "campaign")?.to_owned();
    // A retry of a report already stored is answered as the first time. (Only a request with
    // an idempotency key can be a retry: without one its id is fresh.)
    if key.is_some() {
        if let Some(done) = store.report_outcome(&request_id).await? {
            return json(&done.response(&origin, &campaign_slug), 200);
        }
    }
    let words = report_words(&valid);
    let bands = cluster::bands(&words);
    let best = store
        .candidates(c.id, &bands)
        .await?
        .into_iter()
        .filter(|cand| cluster::same_claim(&words, &cand.words()))
        .max_by_key(|cand| cand.reports);
    let at = now();
    let nonce = http::request_id()?;
    let reporter = supporter::reporter(&req, &ctx.env, &store, c.id).await?;
    let week = http::week_of(at, &c.timezone);
    let hooks = store
        .add_report(&NewReport {
            reporter,
            week: &week,
            campaign_id: c.id,
            claim: best.as_ref().map(|b| b.id),
            new_public_id: &http::ref_code()?,
            report: &valid,
            words: &words,
            bands: &bands,
            request_id: &request_id,
            nonce: &nonce,
            at,
            ladder: &c.ladder(),
        })
        .await?;
    crate::mail::enqueue(&hooks);
    let done = store
        .report_outcome(&request_id)
        .await?
        .ok_or_else(|| AppError::Internal("report not stored".into()))?;
    // The feed's report counts catch up when its snapshot is next rebuilt (within ~3 s).
    json(&done.response(&origin, &campaign_slug), 201)
}

/// request wins the second's claim on its key.
pub async fn refresh_feed(
    ctx: &Ctx,
    store: &Store,
    campaign_id: u32,
    campaign: &str,
    origin: &str,
    at: f64,
) -> AppResult<RebuttalFeed> {
    let key = format!("rebuttals:v1:{campaign_id}");
    let feed = RebuttalFeed {
        rebuttals: store
            .published(campaign_id)
            .await?
            .iter()
            .filter_map(|c| c.rebuttal(origin, campaign))
            .collect(),
        as_of: at as u64,
        turnstile: String::new(),
    };
    if store.claim_kv(&key, at).await? {
        view_cache(ctx)?.store(&key, &feed, at).await?;
    }
    Ok(feed)
}

/// The published rebuttals: the KV snapshot while fresh, else D1.
async fn feed(
    ctx: &Ctx,
    store: &Store,
    campaign_id: u32,
    campaign: &str,
    origin: &str,
) -> AppResult<RebuttalFeed> {
    let at = now();
    let key = format!("rebuttals:v1:{campaign_id}");
    if let Some(f) = view_cache(ctx)?.fresh::<RebuttalFeed>(&key, at).await? {
        return Ok(f);
    }
    refresh_feed(ctx, store, campaign_id, campaign, origin, at).await
}

/// `GET /api/v1/campaigns/:campaign/rebuttals?q=`: published rebuttals, newest first; with `q`,
/// those answering at least half of the query's words, best first (the search box and "this may
/// already be answered" while typing).
pub async fn rebuttals(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    crate::views::count_if_view(&req, param(&ctx, "campaign")?, "factcheck");
    let origin = origin(&req)?;
    let mut f = feed(&ctx, &store, c.id, param(&ctx, "campaign")?, &origin).await?;
    f.turnstile = c.turnstile.clone();
    let q = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| {
            v.chars()
                .take(rally_api::factcheck::CLAIM_MAX)
                .collect::<String>()
        })
        .unwrap_or_default();
    let query = cluster::words(&q);
    if !query.is_empty() {
        let mut scored: Vec<(f64, Rebuttal)> = f
            .rebuttals
            .into_iter()
            .map(|r| {
                let words = cluster::words(&format!("{} {}", r.claim, r.explanation));
                (cluster::match_score(&query, &words), r)
            })
            .filter(|(s, _)| *s >= 0.5)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        f.rebuttals = scored.into_iter().map(|(_, r)| r).collect();
    }
    let mut resp = json(&f, 200)?;
    resp.headers_mut()
        .set("Cache-Control", "public, max-age=5")?;
    Ok(resp)
}
