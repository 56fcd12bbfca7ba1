//! Staff and a viral petition's shards (issue 25): raising how many Durable Objects take an
//! item's actions, and draining them now (the alarm does it a second after each action; the
//! cron every minute).

use rally_api::shards::{DrainView, ShardSetting};
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role};
use crate::db::act::{forget_meta, Target, PETITION, PLEDGE};
use crate::db::drain::Sharded;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, param, store, Ctx};

/// The route's `:kind` (`petitions`, `pledges`) and `:slug`, found in the signed-in campaign.
async fn item(store: &Store, ctx: &Ctx, campaign_id: u32) -> AppResult<(Target, Sharded)> {
    let t = match param(ctx, "kind")? {
        "petitions" => PETITION,
        "pledges" => PLEDGE,
        _ => return Err(AppError::not_found("kind")),
    };
    let slug = param(ctx, "slug")?;
    let found = store
        .sharded_item(campaign_id, t, slug)
        .await?
        .ok_or_else(|| {
            AppError::not_found(if t.kind == "sign" {
                "petition"
            } else {
                "pledge"
            })
        })?;
    Ok((t, found))
}

/// `PUT /api/v1/campaigns/:campaign/staff/shards/:kind/:slug`
pub async fn put(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(
        &[Role::Owner, Role::Organiser],
        "change how actions are taken",
    )?;
    let setting: ShardSetting = http::json_body(&mut req).await?;
    let (t, found) = item(&store, &ctx, who.campaign_id).await?;
    setting.validate(found.shards).map_err(AppError::Invalid)?;
    store
        .set_shards(t, found.id, setting.shards, setting.auto)
        .await?;
    who.audit(
        &store,
        "shards.set",
        &format!("{}:{} shards={}", found.kind, found.id, setting.shards),
    )
    .await?;
    forget_meta(param(&ctx, "campaign")?, param(&ctx, "slug")?);
    json(&setting, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/shards/:kind/:slug/drain`: drains every shard now.
/// `?fail_after_commit=1` (on test edges with `RALLY_FAULTS=1` only) stops each drain after its
/// D1 commit, before the shard marks its rows, as a crash there would.
pub async fn drain(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "drain shards")?;
    let (_, found) = item(&store, &ctx, who.campaign_id).await?;
    let fail = req
        .url()?
        .query_pairs()
        .any(|(k, v)| k == "fail_after_commit" && v == "1");
    let mut view = DrainView::default();
    for shard in 0..found.shards {
        ctx.meter.fetch();
        match crate::shard::drain_now(&ctx.env, &found.kind, found.id, shard, fail).await {
            Ok(r) => {
                view.batches += r.batches;
                view.staged += r.staged;
                view.written += r.written;
                view.remaining += r.remaining;
                view.d1 = view.d1.max(r.meter.d1);
                view.statements = view.statements.max(r.meter.statements);
            }
            // A fault asked for is the error it stands for (a 500), as a crash would be.
            Err(e) => return Err(e),
        }
    }
    json(&view, 200)
}
