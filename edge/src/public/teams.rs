//! Teams: start one and lead it, join through an invite code, leave, and the public invite view.

use rally_api::{ErrorCode, JoinTeam, NewTeam, TeamView};
use worker::{Request, Response};

use crate::auth::supporter::signed_in;
use crate::db::settings::CampaignRow;
use crate::db::teams::{TeamRefusal, TeamRow};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, campaign, json, no_content, now, param, store, Ctx};

fn refused(r: TeamRefusal, limit: u32) -> AppError {
    match r {
        TeamRefusal::AlreadyInTeam => AppError::refused(
            ErrorCode::AlreadyInTeam,
            "you are already in a team in this campaign; leave it first",
        ),
        TeamRefusal::Full => AppError::refused(
            ErrorCode::TeamFull,
            format!("this team is full: teams have at most {limit} members"),
        ),
        TeamRefusal::NoSuchTeam => AppError::not_found("team"),
        TeamRefusal::NotInTeam => AppError::refused(ErrorCode::NotInTeam, "you are not in a team"),
    }
}

/// The team as a member sees it: with every member's public name.
pub async fn member_view(store: &Store, c: &CampaignRow, t: TeamRow) -> AppResult<TeamView> {
    let members = store
        .team_members(t.id)
        .await?
        .iter()
        .map(|m| m.name())
        .collect();
    Ok(view(c, &t, members))
}

fn view(c: &CampaignRow, t: &TeamRow, members: Vec<String>) -> TeamView {
    TeamView {
        name: t.name.clone(),
        invite: t.invite_code.clone(),
        size: t.size,
        limit: c.team_size,
        leader: t.leader(),
        points: t.points,
        members,
    }
}

/// The body, once the campaign's Turnstile check (if it asks for one) has passed.
async fn challenged<T: serde::de::DeserializeOwned>(req: &mut Request, ctx: &Ctx) -> AppResult<T> {
    let bytes = http::json_bytes(req).await?;
    let challenge: crate::auth::turnstile::Token = http::parse_json(&bytes)?;
    let key = http::idempotency_key(req)?;
    crate::auth::turnstile::check(
        req,
        ctx,
        param(ctx, "campaign")?,
        &challenge.turnstile,
        key.as_deref(),
    )
    .await?;
    http::parse_json(&bytes)
}

/// `POST /api/v1/campaigns/:campaign/teams` `{ "name" }`: start a team and lead it.
pub async fn create(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, week, m) = signed_in(&req, &ctx, &store).await?;
    let body: NewTeam = challenged(&mut req, &ctx).await?;
    let name = body.validate().map_err(AppError::Invalid)?;
    let (made, hooks) = store
        .create_team(
            &c,
            m.id,
            &name,
            &http::ref_code()?,
            &http::request_id()?,
            (now(), &week),
        )
        .await?;
    crate::mail::enqueue(&hooks);
    let team = made.map_err(|r| refused(r, c.team_size))?;
    json(&member_view(&store, &c, team).await?, 201)
}

/// `POST /api/v1/campaigns/:campaign/teams/join` `{ "invite", "leader_contact" }`
pub async fn join(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, week, m) = signed_in(&req, &ctx, &store).await?;
    let body: JoinTeam = challenged(&mut req, &ctx).await?;
    let invite =
        rally_api::validate::ref_code(&body.invite).ok_or_else(|| AppError::not_found("team"))?;
    let (joined, hooks) = store
        .join_team(&c, m.id, &invite, &http::request_id()?, (now(), &week))
        .await?;
    crate::mail::enqueue(&hooks);
    let team = joined.map_err(|r| refused(r, c.team_size))?;
    store.set_leader_contact(m.id, body.leader_contact).await?;
    json(&member_view(&store, &c, team).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/teams/leave`
pub async fn leave(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (c, week, m) = signed_in(&req, &ctx, &store).await?;
    let (left, hooks) = store
        .leave_team(&c, m.id, m.team_id, &http::request_id()?, (now(), &week))
        .await?;
    crate::mail::enqueue(&hooks);
    left.map_err(|r| refused(r, c.team_size))?;
    no_content()
}

/// `GET /api/v1/campaigns/:campaign/teams/:invite`: what an invite link shows before joining
/// (no member list).
pub async fn invite(_req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let code = http::code_param(&ctx, "invite", "team")?;
    let team = store
        .team_by_invite(c.id, &code)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    json(&view(&c, &team, Vec::new()), 200)
}
