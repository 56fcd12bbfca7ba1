//! The supporter's own standing (`/me`): points, ranks, weekly goal, personal link and team;
//! leaving public boards or taking a nickname; "forget me", which revokes every token.

use rally_api::{SupporterView, WeekProgress};
use worker::{Request, Response};

use crate::auth::supporter::{signed_in, standing};
use crate::error::{AppError, AppResult};
use crate::http::{self, campaign, json, no_content, now, store, week_of, Ctx};
use crate::public::{ladder, teams};

/// `GET /api/v1/campaigns/:campaign/me`
pub async fn me(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, week, m) = signed_in(&req, &ctx, &store).await?;
    let live = c.ladder();
    let (standing, asks) = store.standing_and_asks(&live, c.id, &week, m.id).await?;
    let origin = http::origin(&req)?;
    let asked = http::lang_param(&req)?;
    let campaign_slug = http::param(&ctx, "campaign")?;
    let ladder = standing.as_ref().and_then(|standing| {
        let lang = asked
            .or_else(|| rally_api::Lang::from_tag(&standing.lang))
            .unwrap_or_default();
        ladder::step(
            &ladder::Seen {
                live: &live,
                standing,
                asks: &asks,
            },
            lang,
            &origin,
            campaign_slug,
        )
    });
    let team = match m.team_id {
        Some(_) => match store.team_of(c.id, m.id).await? {
            Some(t) => Some(teams::member_view(&store, &c, t).await?),
            None => None,
        },
        None => None,
    };
    json(
        &SupporterView {
            name: m.name(),
            points: m.points,
            rank: m.rank,
            listed: m.listed == 1,
            region: m.region.clone(),
            week: WeekProgress {
                week,
                actions: m.week_actions,
                goal: c.weekly_goal,
                points: m.week_points,
                rank: m.week_rank,
            },
            ref_code: m.ref_code.clone(),
            team,
            ladder,
        },
        200,
    )
}

/// `PATCH /api/v1/campaigns/:campaign/me`: opt out of (or back into) public boards, set or
/// clear a nickname.
pub async fn update(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, week, m) = signed_in(&req, &ctx, &store).await?;
    let update: rally_api::MeUpdate = http::json_body(&mut req).await?;
    let update = update.validate().map_err(AppError::Invalid)?;
    let hooks = store
        .update_me(c.id, m.id, &update, (now(), &week), &c.ladder())
        .await?;
    crate::mail::enqueue(&hooks);
    me(req, ctx).await
}

/// `DELETE /api/v1/campaigns/:campaign/me/token`: "forget me on this device", made to stick:
/// every token of this supporter stops working.
pub async fn forget(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let week = week_of(now(), &c.timezone);
    if let Some(m) = standing(&req, &ctx, &store, &c, &week).await? {
        store.revoke_tokens(c.id, m.id, m.token_version).await?;
    }
    no_content()
}
