//! The campaign's Action Network connector (owners only): its key (sealed at rest with the
//! edge's `SYNC_KEY`, shown back only as its last four characters), on/off, tags, which
//! petitions and pledges are recorded where; its sync log and redelivery. Syncs themselves are
//! outbox rows of kind `sync` (`mail/action_network.rs`).

use rally_api::integrations::ActionNetworkDraft;
use rally_api::ErrorCode;
use worker::{Request, Response};

use crate::db::integrations::{Channel, ConnectorWrite};
use crate::error::{AppError, AppResult};
use crate::http::{self, json, no_content, now, Ctx};
use crate::staff::integrations::owner;

/// `GET /api/v1/campaigns/:campaign/staff/action-network`
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    json(&store.connector(who.campaign_id).await?, 200)
}

/// `PUT /api/v1/campaigns/:campaign/staff/action-network`: saves the connector (an empty
/// `api_key` keeps the stored one) and replaces its targets.
pub async fn put(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let body: ActionNetworkDraft = http::json_body(&mut req).await?;
    let current = store.connector(who.campaign_id).await?;
    let draft = body
        .validate(current.configured)
        .map_err(AppError::Invalid)?;
    let items = store.items(who.campaign_id).await?;
    let mut targets = Vec::with_capacity(draft.targets.len());
    for t in &draft.targets {
        let found = items.iter().find(|i| i.kind == t.kind && i.slug == t.slug);
        let Some(item) = found else {
            return Err(AppError::field(
                ErrorCode::InvalidValue,
                "targets",
                format!("this campaign has no {} {}", t.kind, t.slug),
            ));
        };
        let kind = if t.kind == "petition" {
            "sign"
        } else {
            "pledge"
        };
        targets.push((kind, item.id, t.remote_id.clone()));
    }
    let sealed = crate::auth::seal::seal_typed(&ctx.env, &draft.api_key)?;
    let at = now();
    let detail = format!(
        "{} target(s){}{}",
        targets.len(),
        if draft.enabled { ", on" } else { ", off" },
        if sealed.is_some() { ", new key" } else { "" }
    );
    let audit = store.audit_stmt(who.campaign_id, who.id, "action_network_save", &detail, at)?;
    store
        .save_connector(
            who.campaign_id,
            who.id,
            ConnectorWrite {
                sealed,
                enabled: draft.enabled,
                tags: &draft.tags,
                targets,
            },
            audit,
            at,
        )
        .await?;
    json(&store.connector(who.campaign_id).await?, 200)
}

/// `DELETE /api/v1/campaigns/:campaign/staff/action-network`: forgets the key and the targets;
/// waiting syncs are dropped.
pub async fn delete(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let audit = store.audit_stmt(who.campaign_id, who.id, "action_network_delete", "", now())?;
    if !store.delete_connector(who.campaign_id, audit).await? {
        return Err(AppError::not_found("Action Network connector"));
    }
    no_content()
}

/// `GET /api/v1/campaigns/:campaign/staff/action-network/deliveries`: the latest 100 syncs.
pub async fn deliveries(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    json(
        &store
            .deliveries(who.campaign_id, Channel::ActionNetwork)
            .await?,
        200,
    )
}

/// `POST /api/v1/campaigns/:campaign/staff/action-network/redeliver`: dead syncs (one, or
/// all) go out again.
pub async fn redeliver(req: Request, ctx: Ctx) -> AppResult<Response> {
    crate::staff::integrations::redeliver_channel(
        req,
        &ctx,
        Channel::ActionNetwork,
        "action_network_redeliver",
        "",
    )
    .await
}
