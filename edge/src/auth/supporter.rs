//! Supporters: the one check of a supporter token, used by every route that acts as one.
//!
//! A token names `(supporter id, version)` under an HMAC (see [`super::token`]). [`claims`]
//! checks the MAC; the caller then loads the supporter *with that version*, so a token revoked
//! by "forget me" (a bumped version) never holds. Whether a token that does not hold refuses the
//! request (acting, `/me`) or only earns nothing (a fact-check report) is the caller's choice.

use rally_api::{ErrorCode, SignRequest};
use worker::{Env, Request};

use super::token::{self, Claims};
use crate::db::boards::StandingRow;
use crate::db::settings::CampaignRow;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{campaign, now, week_of, Ctx};

/// The refusal of a token that does not hold (bad MAC, other campaign, revoked).
pub fn invalid() -> AppError {
    AppError::refused(
        ErrorCode::Unauthorized,
        "the supporter token is invalid or was revoked",
    )
}

/// The claims of the request's bearer token for this campaign: `None` without a token,
/// [`invalid`] when its MAC does not hold.
pub async fn claims(
    req: &Request,
    env: &Env,
    store: &Store,
    campaign_id: u32,
) -> AppResult<Option<Claims>> {
    match token::bearer(req) {
        None => Ok(None),
        Some(bearer) => match resolve(env, store, campaign_id, &bearer).await? {
            Resolved::Holds(c) => Ok(Some(c)),
            Resolved::Pending => Ok(None),
            Resolved::Invalid => Err(invalid()),
        },
    }
}

/// What a token comes to.
pub enum Resolved {
    /// A supporter and version (still to be checked against the stored version).
    Holds(Claims),
    /// A valid pending token whose supporter a shard has not drained to D1 yet: as if there
    /// were no token (for a second or so), never a refusal that makes the browser forget it.
    Pending,
    Invalid,
}

/// Checks a token's MAC and turns a pending token (issue 25) into the supporter its request
/// created, once D1 has them.
pub async fn resolve(env: &Env, store: &Store, campaign_id: u32, t: &str) -> AppResult<Resolved> {
    Ok(match token::verify_bearer(env, campaign_id, t)? {
        None => Resolved::Invalid,
        Some(token::Bearer::Supporter(c)) => Resolved::Holds(c),
        Some(token::Bearer::Pending(request, version)) => {
            match store.created_by(campaign_id, &request).await? {
                Some(id) => Resolved::Holds((id, version)),
                None => Resolved::Pending,
            }
        }
    })
}

/// The supporter a request's token names, with their standing this week; `None` without a
/// token, [`invalid`] when it does not hold.
pub async fn standing(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
    week: &str,
) -> AppResult<Option<StandingRow>> {
    let Some((id, version)) = claims(req, &ctx.env, store, c.id).await? else {
        return Ok(None);
    };
    let row = store.standing(c.id, id, week).await?;
    row.filter(|r| r.token_version == version)
        .map(Some)
        .ok_or_else(invalid)
}

/// The campaign, its current week and the supporter the request's token names; `unauthorized`
/// without a valid token. The prologue of every route that acts as a supporter.
pub async fn signed_in(
    req: &Request,
    ctx: &Ctx,
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

/// A supporter this browser remembers acts without typing themselves again: with their token
/// and no email, the request is theirs: the stored person (name, email, postal code, country)
/// replaces whatever person fields it has, and the stored consent stands unless it gives one.
/// A token that does not hold is refused, so the widget can forget it and ask for the form.
pub async fn as_remembered(
    req: &Request,
    env: &Env,
    store: &Store,
    campaign_id: u32,
    mut body: SignRequest,
) -> AppResult<SignRequest> {
    if !body.email.trim().is_empty() {
        return Ok(body);
    }
    let Some((id, version)) = claims(req, env, store, campaign_id).await? else {
        return Ok(body);
    };
    let p = store
        .person(campaign_id, id, version)
        .await?
        .ok_or_else(invalid)?;
    body.first_name = p.first_name;
    body.last_name = p.last_name;
    body.postal_code = p.postal_code;
    body.country = p.country;
    body.email = p.email;
    body.contact_consent = body.contact_consent.or(Some(p.contact_consent == 1));
    Ok(body)
}

/// The supporter a fact-check report's token names, if it holds. A report is never refused
/// for its token: one that does not hold only earns no points.
pub async fn reporter(
    req: &Request,
    env: &Env,
    store: &Store,
    campaign_id: u32,
) -> AppResult<Option<u32>> {
    let (id, version) = match claims(req, env, store, campaign_id).await {
        Ok(Some(c)) => c,
        // No token, or one that does not hold: an anonymous report.
        Ok(None) | Err(AppError::Refused { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(store.person(campaign_id, id, version).await?.map(|_| id))
}
