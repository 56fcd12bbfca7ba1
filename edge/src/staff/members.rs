//! Staff management and the audit log: owners issue a credential (shown once) and revoke one
//! (its sessions end at once; its row stays so the log still names who did what).

use rally_api::staff::{Issued, NewStaff};
use rally_api::ErrorCode;
use worker::{Request, Response};

use crate::auth::staff::{key_hash, signed_in, Role};
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, store, Ctx};

/// `GET /api/v1/campaigns/:campaign/staff/audit`: the latest 200 staff actions, newest first.
pub async fn audit_log(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    json(&store.audit_log(who.campaign_id).await?, 200)
}

/// `GET /api/v1/campaigns/:campaign/staff/members`: owners only.
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "manage staff")?;
    json(&store.members(who.campaign_id).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/members` `{ "name", "role", "kind" }`: owners issue
/// a credential (`person`) or an API token (`api`); the answer is the only time it is shown.
pub async fn issue(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "manage staff")?;
    let body: NewStaff = http::json_body(&mut req).await?;
    let (name, role, kind) = body.validate().map_err(AppError::Invalid)?;
    // The prefix says what a leaked key is: a person's credential or an API token.
    let prefix = if kind == "api" { "osdi" } else { "rs" };
    let key = format!("{prefix}_{}", http::request_id()?);
    let id = store
        .issue_staff(
            who.campaign_id,
            who.id,
            &name,
            (role, kind),
            &key_hash(&key),
            now(),
        )
        .await?
        .ok_or_else(|| AppError::Internal("the new staff row was not returned".into()))?;
    json(
        &Issued {
            id,
            name,
            role: role.to_owned(),
            kind: kind.to_owned(),
            key,
        },
        201,
    )
}

/// `DELETE /api/v1/campaigns/:campaign/staff/members/:id`: owners revoke a credential; its
/// sessions end at once. Nobody revokes themselves, so a campaign always keeps an owner.
pub async fn revoke(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "manage staff")?;
    let id: u32 = ctx
        .param("id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::not_found("staff member"))?;
    if id == who.id {
        return Err(AppError::refused(
            ErrorCode::Forbidden,
            "you cannot revoke your own credential; another owner can",
        ));
    }
    let revoked = store
        .revoke_staff(who.campaign_id, who.id, id, now())
        .await?
        .ok_or_else(|| AppError::not_found("staff member"))?;
    json(&revoked, 200)
}
