//! Campaign actions for staff: the list (pinned first, with how many did each and whether it
//! runs today), and creating or editing one. Refusals name their field; an action that names
//! an item names one of this campaign's (a petition or pledge by slug, a published rebuttal by
//! its id).

use rally_api::hub::{ActionDraft, ActionView, Actions, How};
use rally_api::{ErrorCode, FieldError};
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role};
use crate::db::hub::ActionRow;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, store, Ctx};

fn view(r: ActionRow, today: &str) -> ActionView {
    ActionView {
        running: r.starts_on.as_str() <= today && today <= r.ends_on.as_str(),
        id: r.id,
        title: r.title,
        text: r.body,
        link: r.link,
        points: r.points,
        how: How::parse(&r.how).unwrap_or_default(),
        item: r.item.unwrap_or_default(),
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        pinned: r.pinned == 1,
        translations: serde_json::from_str(&r.translations).unwrap_or_default(),
        done: r.done,
    }
}

/// `GET /api/v1/campaigns/:campaign/staff/actions`: any role.
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let timezone = store.timezone_of(who.campaign_id).await?;
    let today = http::local_date(now(), &timezone);
    let (week_starts, week_ends) = http::week_bounds(&today).unwrap_or_default();
    let actions = store
        .actions(who.campaign_id)
        .await?
        .into_iter()
        .map(|r| view(r, &today))
        .collect();
    json(
        &Actions {
            actions,
            today,
            week_starts,
            week_ends,
        },
        200,
    )
}

/// `POST /api/v1/campaigns/:campaign/staff/actions` and `PUT .../staff/actions/:id`: owners and
/// organisers; `201` with the action (`200` for an edit).
pub async fn save(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "edit campaign actions")?;
    let id = match ctx.param("id") {
        Some(v) => Some(
            v.parse::<u32>()
                .map_err(|_| AppError::not_found("action"))?,
        ),
        None => None,
    };
    let draft: ActionDraft = http::json_body(&mut req).await?;
    let valid = draft.validate().map_err(AppError::Invalid)?;
    let item_id = if valid.how.needs_item() {
        let found = store
            .action_item(who.campaign_id, valid.how, &valid.item)
            .await?;
        if found.is_none() {
            return Err(AppError::Invalid(vec![FieldError {
                field: "item",
                code: ErrorCode::InvalidValue,
            }]));
        }
        found
    } else {
        None
    };
    let at = now();
    let timezone = store.timezone_of(who.campaign_id).await?;
    let today = http::local_date(at, &timezone);
    // Subscribers hear of the action when it starts (midnight of its first day, there).
    let starts_at = http::local_midnight(&valid.starts_on, &timezone).unwrap_or(at);
    let (saved, fanout) = store
        .save_action(
            who.campaign_id,
            id,
            &valid,
            item_id,
            (who.id, at),
            (starts_at, &today),
        )
        .await?
        .ok_or_else(|| AppError::not_found("action"))?;
    crate::mail::enqueue(&fanout);
    let a = ActionView {
        running: valid.starts_on <= today && today <= valid.ends_on,
        id: saved.id,
        title: valid.title,
        text: valid.text,
        link: valid.link,
        points: valid.points,
        how: valid.how,
        item: valid.item,
        starts_on: valid.starts_on,
        ends_on: valid.ends_on,
        pinned: valid.pinned,
        translations: valid.translations,
        done: saved.done,
    };
    json(&a, if id.is_some() { 200 } else { 201 })
}
