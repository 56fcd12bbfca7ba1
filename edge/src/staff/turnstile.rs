//! The campaign's Turnstile setting (owners only): on or off for every public write, the site
//! key, the secret (sealed at rest with the edge's `SYNC_KEY`, shown back only as its last four
//! characters). The check itself is `auth/turnstile.rs`.

use rally_api::integrations::TurnstileDraft;
use worker::{Request, Response};

use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, Ctx};
use crate::staff::integrations::owner;

/// `GET /api/v1/campaigns/:campaign/staff/turnstile`
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    json(&store.turnstile(who.campaign_id).await?, 200)
}

/// `PUT /api/v1/campaigns/:campaign/staff/turnstile`: an empty `secret` keeps the stored one.
pub async fn put(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let body: TurnstileDraft = http::json_body(&mut req).await?;
    let current = store.turnstile(who.campaign_id).await?;
    let draft = body
        .validate(current.configured)
        .map_err(AppError::Invalid)?;
    let sealed = crate::auth::seal::seal_typed(&ctx.env, &draft.secret)?;
    let detail = format!(
        "{}{}",
        if draft.enabled { "on" } else { "off" },
        if sealed.is_some() { ", new secret" } else { "" }
    );
    let audit = store.audit_stmt(who.campaign_id, who.id, "turnstile_save", &detail, now())?;
    let saved = store
        .save_turnstile(
            who.campaign_id,
            draft.enabled,
            &draft.site_key,
            sealed,
            audit,
        )
        .await?;
    // This isolate's cached petition fields carry the site key: read them again.
    crate::db::act::forget_campaign_meta(crate::http::param(&ctx, "campaign")?);
    json(&saved, 200)
}
