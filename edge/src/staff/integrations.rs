//! The campaign's webhook endpoints (owners only): add one (its signing secret is shown once),
//! change its address, events or on/off, remove it, rotate its secret. An address is checked
//! when saved (`rally_api::integrations::check_url`): public `https://` on 443 only, unless the
//! edge's local-only `WEBHOOKS_ALLOW_LOOPBACK` lets a test's receiver on loopback through.

use rally_api::integrations::{
    EndpointDraft, EndpointSecret, Redeliver, Redelivered, ValidEndpoint,
};
use rally_api::ErrorBody;
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role, Staff};
use crate::db::integrations::Channel;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, no_content, now, param, store, Ctx};

/// Whether this edge lets loopback addresses receive webhooks (tests on one machine only).
fn local_only(ctx: &Ctx) -> bool {
    ctx.env
        .var("WEBHOOKS_ALLOW_LOOPBACK")
        .is_ok_and(|v| v.to_string() == "1")
}

/// The signed-in owner, and the store.
pub async fn owner(req: &Request, ctx: &Ctx) -> AppResult<(Store, Staff)> {
    let store = store(ctx)?;
    let who = signed_in(req, ctx, &store).await?;
    who.require(&[Role::Owner], "manage integrations")?;
    Ok((store, who))
}

/// The body as a valid endpoint, or a refusal naming each field (an address with its reason).
async fn draft(req: &mut Request, ctx: &Ctx) -> AppResult<ValidEndpoint> {
    let body: EndpointDraft = http::json_body(req).await?;
    body.validate(local_only(ctx)).map_err(|problems| {
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        let mut body = ErrorBody::from_fields(&fields);
        for (detail, (_, why)) in body.errors.iter_mut().zip(&problems) {
            if let Some(why) = why {
                detail.message = why.message().to_owned();
            }
        }
        body.error = body.errors[0].clone();
        AppError::Explained(body)
    })
}

fn id(ctx: &Ctx) -> AppResult<u32> {
    param(ctx, "id")?
        .parse()
        .map_err(|_| AppError::not_found("endpoint"))
}

/// `GET /api/v1/campaigns/:campaign/staff/endpoints`
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    json(&store.endpoints(who.campaign_id, now()).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/endpoints`: `201` with the secret, shown this once.
pub async fn create(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let e = draft(&mut req, &ctx).await?;
    let secret = http::webhook_secret()?;
    let at = now();
    let audit = store.audit_stmt(who.campaign_id, who.id, "endpoint_create", &e.url, at)?;
    let endpoint = store
        .create_endpoint(who.campaign_id, who.id, &e, &secret, audit, at)
        .await?
        .ok_or_else(|| AppError::Internal("the new endpoint was not returned".into()))?;
    json(&EndpointSecret { endpoint, secret }, 201)
}

/// `PUT /api/v1/campaigns/:campaign/staff/endpoints/:id`
pub async fn update(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let e = draft(&mut req, &ctx).await?;
    let at = now();
    let audit = store.audit_stmt(who.campaign_id, who.id, "endpoint_update", &e.url, at)?;
    let endpoint = store
        .update_endpoint(who.campaign_id, id(&ctx)?, &e, audit, at)
        .await?
        .ok_or_else(|| AppError::not_found("endpoint"))?;
    json(&endpoint, 200)
}

/// `DELETE /api/v1/campaigns/:campaign/staff/endpoints/:id`
pub async fn delete(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let id = id(&ctx)?;
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        "endpoint_delete",
        &id.to_string(),
        now(),
    )?;
    if !store.delete_endpoint(who.campaign_id, id, audit).await? {
        return Err(AppError::not_found("endpoint"));
    }
    no_content()
}

/// `POST /api/v1/campaigns/:campaign/staff/endpoints/:id/rotate`: a new secret, shown this
/// once; the previous one keeps signing for a day.
pub async fn rotate(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    let id = id(&ctx)?;
    let secret = http::webhook_secret()?;
    let at = now();
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        "endpoint_rotate",
        &id.to_string(),
        at,
    )?;
    let endpoint = store
        .rotate_endpoint(who.campaign_id, id, &secret, audit, at)
        .await?
        .ok_or_else(|| AppError::not_found("endpoint"))?;
    json(&EndpointSecret { endpoint, secret }, 200)
}

/// `GET /api/v1/campaigns/:campaign/staff/endpoints/:id/deliveries`: the endpoint's log.
pub async fn deliveries(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (store, who) = owner(&req, &ctx).await?;
    json(
        &store
            .deliveries(who.campaign_id, Channel::Endpoint(id(&ctx)?))
            .await?,
        200,
    )
}

/// `POST /api/v1/campaigns/:campaign/staff/endpoints/:id/redeliver`: dead deliveries (one, or
/// all of the endpoint's) go out again, with the same event ids.
pub async fn redeliver(req: Request, ctx: Ctx) -> AppResult<Response> {
    let id = id(&ctx)?;
    redeliver_channel(
        req,
        &ctx,
        Channel::Endpoint(id),
        "endpoint_redeliver",
        &id.to_string(),
    )
    .await
}

/// Dead deliveries of `channel` (the body names one, or none for all) go out again: `202` with
/// how many. Owners only; audited as `action`.
pub async fn redeliver_channel(
    mut req: Request,
    ctx: &Ctx,
    channel: Channel,
    action: &str,
    detail: &str,
) -> AppResult<Response> {
    let (store, who) = owner(&req, ctx).await?;
    let body: Redeliver = http::json_body(&mut req).await?;
    let at = now();
    let audit = store.audit_stmt(who.campaign_id, who.id, action, detail, at)?;
    let again = store
        .redeliver(who.campaign_id, channel, body.delivery, audit, at)
        .await?;
    crate::mail::enqueue(&again);
    json(
        &Redelivered {
            count: again.len() as u64,
        },
        202,
    )
}
