//! The widget builder's routes: staff create and edit petitions and pledges (owners and
//! organisers), and list them with their counts (any role).
//!
//! Both kinds are saved by one function, [`save`]; what differs (the table, the draft, the
//! columns) is an [`Item`] (in `db/widgets.rs`). An edit takes effect for readers at once in this isolate (its cached
//! metadata and the KV snapshot are dropped); other isolates keep their cached metadata for up
//! to 30 s.

use rally_api::builder::Widgets;
use rally_api::ErrorCode;
use worker::{Request, Response};

use crate::auth::staff::{self, Role};
use crate::db::widgets::{all, Item, Save};
pub use crate::db::widgets::{Petition, Pledge};
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, param, store, view_cache, Ctx};

/// Who may build widgets.
const BUILDERS: [Role; 2] = [Role::Owner, Role::Organiser];

/// `GET /api/v1/campaigns/:campaign/staff/widgets`: every petition and pledge, newest first.
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let widgets = Widgets {
        petitions: all::<Petition>(&store, who.campaign_id).await?,
        pledges: all::<Pledge>(&store, who.campaign_id).await?,
    };
    json(&widgets, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/{petitions,pledges}` creates;
/// `PUT .../staff/petitions/:petition` and `.../staff/pledges/:pledge` edit. Owners and
/// organisers. The write and its audit row are one batch.
pub async fn save<I: Item>(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&BUILDERS, "create or edit widgets")?;
    let mut draft: I::Draft = http::json_body(&mut req).await?;
    let editing = ctx.param(I::KIND).is_some();
    if editing {
        // The slug is the path's: embeds and shared links name it, so it cannot change.
        let path = param(&ctx, I::KIND)?;
        let slug = I::slug(&mut draft);
        if !slug.trim().is_empty() && slug.trim() != path {
            return Err(AppError::field(
                ErrorCode::InvalidValue,
                "slug",
                "slug cannot change once created: embeds and shared links use it",
            ));
        }
        *slug = path.to_owned();
    }
    let (slug, columns) = I::columns(&draft).map_err(AppError::Invalid)?;
    let row = store
        .save_item::<I>(Save {
            campaign_id: who.campaign_id,
            staff_id: who.id,
            slug: &slug,
            columns,
            editing,
            at: now(),
        })
        .await?;
    let row = row.ok_or_else(|| {
        if editing {
            AppError::not_found(I::KIND)
        } else {
            AppError::field(
                ErrorCode::Taken,
                "slug",
                format!(
                    "another {} of this campaign already uses this slug",
                    I::KIND
                ),
            )
        }
    })?;
    // Readers read the edit from D1 from now on.
    let campaign = param(&ctx, "campaign")?;
    crate::db::act::forget_meta(campaign, &slug);
    view_cache(&ctx)?
        .drop_key(&crate::cache::key(I::KIND, campaign, &slug))
        .await;
    json(&I::built(row), if editing { 200 } else { 201 })
}
