//! Leaderboards and a supporter's own standing: `/leaderboards/mobilisers` and `/me`.

use rally_api::{Board, BoardEntry, ErrorCode, SupporterView, WeekProgress};
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::routes::{json, now, param, store, week_of};
use crate::store::{CampaignRow, StandingRow, Store};
use crate::token;

/// How many rows a board shows.
const TOP: u32 = 10;

pub async fn campaign(store: &Store, ctx: &RouteContext<()>) -> AppResult<CampaignRow> {
    store
        .campaign(param(ctx, "campaign")?)
        .await?
        .ok_or_else(|| AppError::not_found("campaign"))
}

/// The supporter a request's bearer token names, if the token is valid and not revoked.
pub async fn standing(
    req: &Request,
    ctx: &RouteContext<()>,
    store: &Store,
    c: &CampaignRow,
    week: &str,
) -> AppResult<Option<StandingRow>> {
    let Some(bearer) = token::bearer(req) else {
        return Ok(None);
    };
    let refused = || {
        AppError::refused(
            ErrorCode::Unauthorized,
            "the supporter token is invalid or was revoked",
        )
    };
    let (id, version) = token::verify(&ctx.env, c.id, &bearer)?.ok_or_else(refused)?;
    let row = store.standing(c.id, id, week).await?.ok_or_else(refused)?;
    if row.token_version != version {
        return Err(refused());
    }
    Ok(Some(row))
}

/// `GET /api/v1/campaigns/:campaign/leaderboards/:board?period=all|week`, where board is
/// `mobilisers` or `teams`. With a token, `me` is the supporter's row (or their team's).
pub async fn leaderboard(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let url = req.url()?;
    let period = url
        .query_pairs()
        .find(|(k, _)| k == "period")
        .map_or("all".to_owned(), |(_, v)| v.into_owned());
    let weekly = match period.as_str() {
        "all" => false,
        "week" => true,
        _ => {
            return Err(AppError::field(
                ErrorCode::InvalidValue,
                "period",
                "period must be all or week",
            ))
        }
    };
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let week = week_of(now(), &c.timezone);
    let me = standing(&req, &ctx, &store, &c, &week).await?;
    let period = if weekly { week.clone() } else { period };
    match ctx.param("board").map(String::as_str) {
        Some("mobilisers") => {}
        Some("teams") => {
            let mine = match &me {
                Some(m) => store.team_of(c.id, m.id).await?.map(|t| t.id),
                None => None,
            };
            return team_board(&store, &c, weekly.then_some(week.as_str()), mine, period).await;
        }
        _ => return Err(AppError::not_found("leaderboard")),
    }
    let rows = store
        .board(c.id, weekly.then_some(week.as_str()), TOP)
        .await?;
    let my_id = me.as_ref().map(|m| m.id);
    let entries = rows
        .iter()
        .map(|r| BoardEntry {
            rank: r.rank,
            name: r.name(),
            points: r.points,
            me: Some(r.id) == my_id,
        })
        .collect();
    let me = me.map(|m| {
        let (rank, points) = if weekly {
            (m.week_rank, m.week_points)
        } else {
            (m.rank, m.points)
        };
        BoardEntry {
            rank,
            name: m.name(),
            points,
            me: true,
        }
    });
    json(
        &Board {
            board: "mobilisers".into(),
            period,
            entries,
            me,
        },
        200,
    )
}

/// The team board: teams with members, by points their members earned while members.
async fn team_board(
    store: &Store,
    c: &CampaignRow,
    week: Option<&str>,
    mine: Option<u32>,
    period: String,
) -> AppResult<Response> {
    let rows = store.team_board(c.id, week, TOP).await?;
    let entry = |r: &crate::store::TeamBoardRow, me: bool| BoardEntry {
        rank: r.rank,
        name: r.name.clone(),
        points: r.points,
        me,
    };
    let entries = rows.iter().map(|r| entry(r, Some(r.id) == mine)).collect();
    let me = match mine {
        Some(id) => store
            .team_standing(c.id, id, week)
            .await?
            .map(|r| entry(&r, true)),
        None => None,
    };
    json(
        &Board {
            board: "teams".into(),
            period,
            entries,
            me,
        },
        200,
    )
}

/// `GET /api/v1/campaigns/:campaign/me`
pub async fn me(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let week = week_of(now(), &c.timezone);
    let m = standing(&req, &ctx, &store, &c, &week)
        .await?
        .ok_or_else(|| {
            AppError::refused(
                ErrorCode::Unauthorized,
                "send the supporter token as Authorization: Bearer",
            )
        })?;
    json(
        &SupporterView {
            name: m.name(),
            points: m.points,
            rank: m.rank,
            listed: m.listed == 1,
            week: WeekProgress {
                week,
                actions: m.week_actions,
                goal: c.weekly_goal,
                points: m.week_points,
                rank: m.week_rank,
            },
        },
        200,
    )
}

/// `PATCH /api/v1/campaigns/:campaign/me`: opt out of (or back into) public boards, set or
/// clear a nickname.
pub async fn update_me(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let week = week_of(now(), &c.timezone);
    let m = standing(&req, &ctx, &store, &c, &week)
        .await?
        .ok_or_else(|| {
            AppError::refused(
                ErrorCode::Unauthorized,
                "send the supporter token as Authorization: Bearer",
            )
        })?;
    let update: rally_api::MeUpdate = crate::guard::json_body(&mut req).await?;
    let update = update.validate().map_err(AppError::Invalid)?;
    store.update_me(c.id, m.id, &update).await?;
    me(req, ctx).await
}

/// `DELETE /api/v1/campaigns/:campaign/me/token`: "forget me on this device", made to stick:
/// every token of this supporter stops working.
pub async fn forget(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let week = week_of(now(), &c.timezone);
    if let Some(m) = standing(&req, &ctx, &store, &c, &week).await? {
        store.revoke_tokens(c.id, m.id, m.token_version).await?;
    }
    Ok(Response::empty()?.with_status(204))
}
