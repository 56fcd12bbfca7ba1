//! Staff sessions: a credential exchanged once for a cookie (`HttpOnly; Secure;
//! SameSite=Strict`, 12 hours; D1 keeps only the SHA-256 of its value), who the cookie is, and
//! signing out.

use rally_api::staff::{SessionView, SignIn};
use rally_api::ErrorCode;
use worker::{Request, Response};

use crate::auth::staff::{cookie, cross_site, key_hash, COOKIE, SESSION_MS};
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, store, Ctx};

/// Sign-in attempts per client network per minute (the `LOGIN_LIMITER` binding).
const LOGIN_LIMITER: (&str, u32) = ("LOGIN_LIMITER", 60);

/// `POST /api/v1/staff/session` `{ "key" }`: exchanges a credential for a session cookie.
pub async fn sign_in(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    http::rate_limit(&req, &ctx.env, LOGIN_LIMITER).await?;
    if cross_site(&req)? {
        return Err(AppError::refused(
            ErrorCode::Forbidden,
            "sign in from the dashboard itself",
        ));
    }
    let body: SignIn = http::json_body(&mut req).await?;
    let store = store(&ctx)?;
    let row = store
        .credential(&key_hash(&body.key))
        .await?
        .ok_or_else(|| {
            AppError::field(
                ErrorCode::Unauthorized,
                "key",
                "this credential is not valid",
            )
        })?;
    let value: String = http::request_id()? + &http::request_id()?;
    let at = now();
    let expires = at + SESSION_MS;
    store
        .open_session(&row, &key_hash(&value), at, expires)
        .await?;
    let mut resp = json(
        &SessionView {
            campaign: row.campaign,
            name: row.name,
            role: row.role,
            expires_at: expires as u64,
        },
        201,
    )?;
    resp.headers_mut().set(
        "Set-Cookie",
        &format!(
            "{COOKIE}={value}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
            (SESSION_MS / 1000.0) as u64
        ),
    )?;
    Ok(resp)
}

/// `GET /api/v1/staff/session`: who the session cookie is (the dashboard after a reload).
pub async fn current(req: Request, ctx: Ctx) -> AppResult<Response> {
    let refused = || AppError::refused(ErrorCode::Unauthorized, "not signed in");
    let value = cookie(&req, COOKIE).ok_or_else(refused)?;
    let row = store(&ctx)?
        .live_session(&key_hash(&value), now())
        .await?
        .ok_or_else(refused)?;
    json(
        &SessionView {
            campaign: row.campaign,
            name: row.name,
            role: row.role,
            expires_at: row.expires_at as u64,
        },
        200,
    )
}

/// `DELETE /api/v1/staff/session`: signs out (the session stops working at once).
pub async fn sign_out(req: Request, ctx: Ctx) -> AppResult<Response> {
    if let Some(value) = cookie(&req, COOKIE) {
        store(&ctx)?.close_session(&key_hash(&value)).await?;
    }
    let mut resp = Response::empty()?.with_status(204);
    resp.headers_mut().set(
        "Set-Cookie",
        &format!("{COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0"),
    )?;
    Ok(resp)
}
