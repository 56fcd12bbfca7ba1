//! Petitions as visitors read them: the public view (a KV snapshot while fresh), referral
//! counts, and the health route every benchmark compares with. Signing is [`super::act`].

use rally_api::ReferralView;
use worker::{Request, Response};

use crate::db::act::{PetitionMeta, PETITION};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{code_param, json, now, param, store, view_cache, Ctx};

/// The route's published petition (a draft is not found).
pub async fn meta(store: &Store, ctx: &Ctx, at: f64) -> AppResult<PetitionMeta> {
    store
        .petition_meta(param(ctx, "campaign")?, param(ctx, "petition")?, at)
        .await?
        .ok_or_else(|| AppError::not_found("petition"))
}

/// `GET /api/v1/health`: touches no storage; the baseline of every benchmark.
pub async fn health(_req: Request, _ctx: Ctx) -> AppResult<Response> {
    json(&serde_json::json!({ "ok": true }), 200)
}

/// `GET /api/v1/meter`: on an edge that meters itself (`RALLY_METER=1`, local only), the largest
/// D1, KV and subrequest counts this isolate has seen per route, queue batch and cron run
/// (`crate::meter`); `404` everywhere else.
pub async fn meter(_req: Request, ctx: Ctx) -> AppResult<Response> {
    if !crate::meter::on(&ctx.env) {
        return Err(AppError::not_found("meter"));
    }
    json(&crate::meter::most(), 200)
}

/// `GET /api/v1/campaigns/:campaign/petitions/:petition`
/// With `?lang=` one of its languages, the petition's words in that language.
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let lang = crate::http::lang_param(&req)?;
    let v = view(&req, &ctx).await?;
    json(&lang.map_or(v.clone(), |l| v.in_lang(l)), 200)
}

/// The route's petition as the public sees it (a KV snapshot while fresh), counting a view
/// when the request asks (`?view=1`).
pub async fn view(
    req: &Request,
    ctx: &Ctx,
) -> AppResult<rally_api::Presented<rally_api::PetitionView>> {
    let at = now();
    let cache = view_cache(ctx)?;
    let campaign = param(ctx, "campaign")?;
    // A view counts only for a petition that is there (published).
    let viewed = || crate::views::count_if_view(req, campaign, "petition");
    let key = crate::cache::key("petition", campaign, param(ctx, "petition")?);
    if let Some(view) = cache
        .fresh::<rally_api::Presented<rally_api::PetitionView>>(&key, at)
        .await?
    {
        viewed();
        return Ok(view);
    }
    let store = store(ctx)?;
    let meta = meta(&store, ctx, at).await?;
    viewed();
    let mark_key = crate::shard::item("petition", meta.id);
    let sharded = (meta.shards > 0).then_some(mark_key.as_str());
    let live = store.live(PETITION, meta.id, at, sharded).await?;
    let item = ("petition", meta.id, meta.shards);
    let count = crate::shard::shown(ctx, &cache, &key, item, &live).await?;
    let (recent, claimed) = (live.recent, live.claimed);
    let view = meta.view(count, recent, at as u64);
    if claimed {
        cache.store(&key, &view, at).await?;
    }
    Ok(view)
}

/// `GET /api/v1/campaigns/:campaign/referrals/:code`
pub async fn referral(_req: Request, ctx: Ctx) -> AppResult<Response> {
    let campaign = param(&ctx, "campaign")?;
    let code = code_param(&ctx, "code", "referral code")?;
    let recruits = store(&ctx)?
        .recruits(campaign, &code)
        .await?
        .ok_or_else(|| AppError::not_found("referral code"))?;
    json(&ReferralView { code, recruits }, 200)
}
