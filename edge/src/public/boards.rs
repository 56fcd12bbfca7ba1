//! Leaderboards: mobilisers, teams and regions, all time or this week, the top from a KV
//! snapshot and the asker's own row fresh from D1.

use rally_api::{Board, BoardEntry, ErrorCode};
use serde::{Deserialize, Serialize};
use worker::{Request, Response};

use crate::auth::supporter::standing;
use crate::db::boards::RankedRow;
use crate::db::settings::CampaignRow;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{campaign, json, now, store, view_cache, week_of, Ctx};

/// How many rows a board shows.
const TOP: u32 = 10;

/// `GET /api/v1/campaigns/:campaign/leaderboards/:board?period=all|week`, where board is
/// `mobilisers` or `teams`. With a token, `me` is the supporter's row (or their team's).
pub async fn leaderboard(req: Request, ctx: Ctx) -> AppResult<Response> {
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
            turnstile: c.turnstile.clone(),
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

impl From<RankedRow> for Row {
    fn from(r: RankedRow) -> Row {
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
    ctx: &Ctx,
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
