//! Follow-up messages as staff see them: what was sent, what waits and what failed (with the
//! reason), the cron's housekeeping, and a resend for a failed message (owners and
//! organisers).

use rally_api::staff::{Messages, Resent};
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role};
use crate::error::{AppError, AppResult};
use crate::http::{json, now, param, store, Ctx};

/// `GET /api/v1/campaigns/:campaign/staff/messages`: any role.
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let (days, failures, sweeps) = store.messages(who.campaign_id, now()).await?;
    json(
        &Messages {
            days,
            failures,
            sweeps,
        },
        200,
    )
}

/// `POST /api/v1/campaigns/:campaign/staff/messages/:id/resend`: a failed message is handed to
/// the queue again with its attempts reset.
pub async fn resend(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "resend messages")?;
    let id: f64 = param(&ctx, "id")?
        .parse::<u32>()
        .map_err(|_| AppError::not_found("message"))?
        .into();
    let at = now();
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        "message_resend",
        &format!("{id}"),
        at,
    )?;
    if !store.resend(who.campaign_id, id, audit, at).await? {
        return Err(AppError::not_found("failed message"));
    }
    crate::mail::enqueue(&[crate::db::outbox::Written { id, due_at: at }]);
    json(&Resent { id: id as u64 }, 202)
}
