//! Leaderboards and a supporter's own standing: `/leaderboards/mobilisers` and `/me`.

use rally_api::{Board, BoardEntry, ErrorCode, SupporterView, WeekProgress};
use serde::{Deserialize, Serialize};
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::routes::{json, now, param, store, view_cache, week_of};
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
    let board = match ctx.param("board").map(String::as_str) {
        Some("mobilisers") => "mobilisers",
        Some("teams") => "teams",
        Some("regions") => "regions",
        _ => return Err(AppError::not_found("leaderboard")),
    };
    let rows = top(
        &ctx,
        &store,
        &c,
        board,
        weekly.then_some(week.as_str()),
        &period,
    )
    .await?;
    // The asker's own row is always read fresh from D1; the top may be up to 3 s old.
    let (mine, me) = match (&me, board) {
        (None, _) => (None, None),
        (Some(m), "mobilisers") => {
            let (rank, points) = if weekly {
                (m.week_rank, m.week_points)
            } else {
                (m.rank, m.points)
            };
            (
                Some(m.id),
                Some(BoardEntry {
                    rank,
                    name: m.name(),
                    points,
                    me: true,
                }),
            )
        }
        (Some(m), "regions") => match &m.region {
            Some(region) => {
                let own = store.region_board(c.id, &period, 0, Some(region)).await?.1;
                (
                    own.as_ref().map(|r| r.id),
                    own.map(|r| BoardEntry {
                        rank: r.rank,
                        name: r.name,
                        points: r.points,
                        me: true,
                    }),
                )
            }
            None => (None, None),
        },
        (Some(m), _) => match store.team_of(c.id, m.id).await? {
            Some(t) => {
                let row = store
                    .team_standing(c.id, t.id, weekly.then_some(week.as_str()))
                    .await?;
                (
                    Some(t.id),
                    row.map(|r| BoardEntry {
                        rank: r.rank,
                        name: r.name,
                        points: r.points,
                        me: true,
                    }),
                )
            }
            None => (None, None),
        },
    };
    let entries = rows
        .into_iter()
        .map(|r| BoardEntry {
            me: Some(r.id) == mine,
            rank: r.rank,
            name: r.name,
            points: r.points,
        })
        .collect();
    json(
        &Board {
            board: board.into(),
            period,
            entries,
            me,
        },
        200,
    )
}

/// A row of a board as cached in KV: the supporter's or team's id stays inside the edge, so
/// "you" can be marked without a query per row.
#[derive(Serialize, Deserialize)]
struct Row {
    id: u32,
    rank: u32,
    name: String,
    points: u32,
}

impl From<crate::store::RankedRow> for Row {
    fn from(r: crate::store::RankedRow) -> Row {
        Row {
            id: r.id,
            rank: r.rank,
            name: r.name,
            points: r.points,
        }
    }
}

/// The top of a board, from its KV snapshot while fresh, else from D1 (and then written back
/// to KV by the one request a second that wins the claim).
async fn top(
    ctx: &RouteContext<()>,
    store: &Store,
    c: &CampaignRow,
    board: &str,
    week: Option<&str>,
    period: &str,
) -> AppResult<Vec<Row>> {
    let cache = view_cache(ctx)?;
    let key = format!("board:v1:{}:{board}:{period}", c.id);
    let at = now();
    if let Some(rows) = cache.fresh::<Vec<Row>>(&key, at).await? {
        return Ok(rows);
    }
    let rows: Vec<Row> = if board == "regions" {
        let (top, _) = store.region_board(c.id, period, TOP, None).await?;
        top.into_iter().map(Row::from).collect()
    } else if board == "teams" {
        store
            .team_board(c.id, week, TOP)
            .await?
            .into_iter()
            .map(Row::from)
            .collect()
    } else {
        store
            .board(c.id, week, TOP)
            .await?
            .iter()
            .map(|r| Row {
                id: r.id,
                rank: r.rank,
                name: r.name(),
                points: r.points,
            })
            .collect()
    };
    if store.claim_kv(&key, at).await? {
        cache.store(&key, &rows, at).await?;
    }
    Ok(rows)
}

/// The campaign, its current week and the supporter the request's token names; `unauthorized`
/// without a valid token. The prologue of every route that acts as a supporter.
pub async fn signed_in(
    req: &Request,
    ctx: &RouteContext<()>,
    store: &Store,
) -> AppResult<(CampaignRow, String, StandingRow)> {
    let c = campaign(store, ctx).await?;
    let week = week_of(now(), &c.timezone);
    let m = standing(req, ctx, store, &c, &week).await?.ok_or_else(|| {
        AppError::refused(
            ErrorCode::Unauthorized,
            "send the supporter token as Authorization: Bearer",
        )
    })?;
    Ok((c, week, m))
}

/// `GET /api/v1/campaigns/:campaign/me`
pub async fn me(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, week, m) = signed_in(&req, &ctx, &store).await?;
    let team = match m.team_id {
        Some(_) => match store.team_of(c.id, m.id).await? {
            Some(t) => Some(crate::teams::member_view(&store, &c, t).await?),
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
        },
        200,
    )
}

/// `PATCH /api/v1/campaigns/:campaign/me`: opt out of (or back into) public boards, set or
/// clear a nickname.
pub async fn update_me(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, _, m) = signed_in(&req, &ctx, &store).await?;
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
