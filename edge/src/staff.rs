//! Staff credentials: who may use `/api/v1/campaigns/:campaign/staff/...`, and as what.
//!
//! A credential is a random key the owner hands out (`cargo xtask dev` prints a first one); D1
//! keeps only its SHA-256. API clients send it as `Authorization: Bearer <key>`; the dashboard
//! exchanges it once for a session cookie (`HttpOnly; Secure; SameSite=Strict`, 12 hours; D1
//! keeps the SHA-256 of its value). Staff routes answer no CORS preflight, and a write carried by
//! the cookie must come from the edge's own origin, so other sites can neither read staff data
//! nor act as staff (CSRF). Every staff write is in the audit log.

use rally_api::ErrorCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{Method, Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{json, now, param, store};
use crate::store::{num, text, Store};

/// The session cookie's name.
const COOKIE: &str = "rally_staff";
/// How long a session lasts.
const SESSION_MS: f64 = 12.0 * 3_600_000.0;
/// Sign-in attempts per client network per minute (the `LOGIN_LIMITER` binding).
const LOGIN_PERIOD_SECS: u32 = 60;

/// What a staff member may do; each role includes the ones listed after it where it says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything, including managing staff.
    Owner,
    /// Widgets and exports.
    Organiser,
    /// The fact-check queue and hiding names.
    Moderator,
    /// Reads only.
    Viewer,
}

impl Role {
    fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "owner" => Role::Owner,
            "organiser" => Role::Organiser,
            "moderator" => Role::Moderator,
            "viewer" => Role::Viewer,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
struct StaffRow {
    id: u32,
    campaign_id: u32,
    role: String,
}

/// A signed-in staff member of the route's campaign.
pub struct Staff {
    pub id: u32,
    pub campaign_id: u32,
    pub role: Role,
}

impl Staff {
    /// Refuses unless the member's role is one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> AppResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::refused(
                ErrorCode::Forbidden,
                format!("your role may not {what}"),
            ))
        }
    }
}

/// The hex SHA-256 of a credential, as stored.
pub fn key_hash(key: &str) -> String {
    Sha256::digest(key.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The value of cookie `name`, if the request carries it.
fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("Cookie").ok().flatten()?;
    header.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Whether a browser says this request comes from another site. Browsers send `Sec-Fetch-Site`
/// and `Origin` with every cross-site write; clients that are not browsers carry no cookie.
fn cross_site(req: &Request) -> AppResult<bool> {
    let h = req.headers();
    if let Some(site) = h.get("Sec-Fetch-Site")? {
        return Ok(site != "same-origin" && site != "none");
    }
    match h.get("Origin")? {
        Some(origin) => Ok(origin != req.url()?.origin().ascii_serialization()),
        None => Ok(false),
    }
}

/// The staff member the request's credential (bearer key or session cookie) names, for the
/// route's campaign; `unauthorized` without one, or with one of another campaign; `forbidden`
/// for a cookie-carried write from another site.
pub async fn signed_in(req: &Request, ctx: &RouteContext<()>, store: &Store) -> AppResult<Staff> {
    let refused = || {
        AppError::refused(
            ErrorCode::Unauthorized,
            "sign in, or send a staff credential of this campaign as Authorization: Bearer",
        )
    };
    let campaign = param(ctx, "campaign")?;
    let row: StaffRow = match (crate::token::bearer(req), cookie(req, COOKIE)) {
        (Some(key), _) => store.staff(campaign, &key_hash(&key)).await?,
        (None, Some(session)) => {
            if !matches!(req.method(), Method::Get | Method::Head) && cross_site(req)? {
                return Err(AppError::refused(
                    ErrorCode::Forbidden,
                    "staff changes must come from the dashboard itself",
                ));
            }
            store.session(campaign, &key_hash(&session), now()).await?
        }
        (None, None) => None,
    }
    .ok_or_else(refused)?;
    Ok(Staff {
        id: row.id,
        campaign_id: row.campaign_id,
        role: Role::parse(&row.role).ok_or_else(refused)?,
    })
}

#[derive(Deserialize)]
struct SignIn {
    #[serde(default)]
    key: String,
}

#[derive(Serialize)]
struct SessionView {
    campaign: String,
    name: String,
    role: String,
    expires_at: u64,
}

/// `POST /api/v1/staff/session` `{ "key" }`: exchanges a credential for a session cookie.
pub async fn sign_in(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    guard::rate_limit(&req, &ctx.env, "LOGIN_LIMITER", LOGIN_PERIOD_SECS).await?;
    if cross_site(&req)? {
        return Err(AppError::refused(
            ErrorCode::Forbidden,
            "sign in from the dashboard itself",
        ));
    }
    let body: SignIn = guard::json_body(&mut req).await?;
    let store = store(&ctx)?;
    #[derive(Deserialize)]
    struct Row {
        id: u32,
        campaign_id: u32,
        campaign: String,
        name: String,
        role: String,
    }
    let row: Row = store
        .first(
            "SELECT s.id, s.campaign_id, c.slug AS campaign, s.name, s.role FROM staff s \
             JOIN campaigns c ON c.id = s.campaign_id WHERE s.key_hash = ?1 AND s.revoked_at IS NULL",
            &[text(&key_hash(&body.key))],
        )
        .await?
        .ok_or_else(|| {
            AppError::field(
                ErrorCode::Unauthorized,
                "key",
                "this credential is not valid",
            )
        })?;
    let value: String = guard::request_id()? + &guard::request_id()?;
    let at = now();
    let expires = at + SESSION_MS;
    store
        .batch(vec![
            store.stmt(
                "INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                &[text(&key_hash(&value)), num(row.id), num(at), num(expires)],
            )?,
            // Expired sessions of this member go.
            store.stmt(
                "DELETE FROM staff_sessions WHERE staff_id = ?1 AND expires_at <= ?2",
                &[num(row.id), num(at)],
            )?,
            audit_stmt(&store, row.campaign_id, row.id, "sign_in", "", at)?,
        ])
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
pub async fn current(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let refused = || AppError::refused(ErrorCode::Unauthorized, "not signed in");
    let value = cookie(&req, COOKIE).ok_or_else(refused)?;
    let store = store(&ctx)?;
    #[derive(Deserialize)]
    struct Row {
        campaign: String,
        name: String,
        role: String,
        expires_at: f64,
    }
    let row: Row = store
        .first(
            "SELECT c.slug AS campaign, s.name, s.role, ss.expires_at FROM staff_sessions ss \
             JOIN staff s ON s.id = ss.staff_id JOIN campaigns c ON c.id = s.campaign_id \
             WHERE ss.token_hash = ?1 AND ss.expires_at > ?2 AND s.revoked_at IS NULL",
            &[text(&key_hash(&value)), num(now())],
        )
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
pub async fn sign_out(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    if let Some(value) = cookie(&req, COOKIE) {
        let store = store(&ctx)?;
        store
            .stmt(
                "DELETE FROM staff_sessions WHERE token_hash = ?1",
                &[text(&key_hash(&value))],
            )?
            .run()
            .await?;
    }
    let mut resp = Response::empty()?.with_status(204);
    resp.headers_mut().set(
        "Set-Cookie",
        &format!("{COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0"),
    )?;
    Ok(resp)
}

/// An audit row: who did what, when, in which campaign.
pub fn audit_stmt(
    store: &Store,
    campaign_id: u32,
    staff_id: u32,
    action: &str,
    detail: &str,
    at: f64,
) -> AppResult<worker::D1PreparedStatement> {
    store.stmt(
        "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[num(campaign_id), num(staff_id), text(action), text(detail), num(at)],
    )
}

impl Staff {
    /// Records one of this member's actions in the audit log.
    pub async fn audit(&self, store: &Store, action: &str, detail: &str) -> AppResult<()> {
        audit_stmt(store, self.campaign_id, self.id, action, detail, now())?
            .run()
            .await?;
        Ok(())
    }
}

/// `GET /api/v1/campaigns/:campaign/staff/audit`: the latest 200 staff actions, newest first.
pub async fn audit_log(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    #[derive(Deserialize, Serialize)]
    struct Entry {
        at: f64,
        staff: String,
        role: String,
        action: String,
        detail: String,
    }
    let rows: Vec<Entry> = store
        .all(
            "SELECT a.at, s.name AS staff, s.role, a.action, a.detail FROM staff_audit a \
             JOIN staff s ON s.id = a.staff_id WHERE a.campaign_id = ?1 ORDER BY a.id DESC LIMIT 200",
            &[num(who.campaign_id)],
        )
        .await?;
    json(&rows, 200)
}

impl Store {
    async fn session(&self, campaign: &str, hash: &str, now: f64) -> AppResult<Option<StaffRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, s.role FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id \
             JOIN campaigns c ON c.id = s.campaign_id \
             WHERE ss.token_hash = ?1 AND ss.expires_at > ?2 AND c.slug = ?3 AND s.revoked_at IS NULL",
            &[hash.into(), num(now), campaign.into()],
        )
        .await
    }

    async fn staff(&self, campaign: &str, hash: &str) -> AppResult<Option<StaffRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, s.role FROM staff s \
             JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = ?1 AND s.key_hash = ?2 \
             AND s.revoked_at IS NULL",
            &[campaign.into(), hash.into()],
        )
        .await
    }
}

/// What an owner sees of a staff member (never the credential: D1 has only its hash).
#[derive(Deserialize, Serialize)]
struct Member {
    id: u32,
    name: String,
    role: String,
    created_at: f64,
    revoked_at: Option<f64>,
    /// Who issued the credential, if it was issued from the dashboard.
    created_by: Option<String>,
}

/// `GET /api/v1/campaigns/:campaign/staff/members`: owners only.
pub async fn members(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "manage staff")?;
    let rows: Vec<Member> = store
        .all(
            "SELECT s.id, s.name, s.role, s.created_at, s.revoked_at, b.name AS created_by FROM staff s \
             LEFT JOIN staff b ON b.id = s.created_by WHERE s.campaign_id = ?1 \
             ORDER BY s.revoked_at IS NOT NULL, s.id",
            &[num(who.campaign_id)],
        )
        .await?;
    json(&rows, 200)
}

#[derive(Serialize)]
struct Issued {
    id: u32,
    name: String,
    role: String,
    /// The credential itself: shown this once, stored only as its hash.
    key: String,
}

/// `POST /api/v1/campaigns/:campaign/staff/members` `{ "name", "role" }`: owners issue a
/// credential; the answer is the only time it is shown.
pub async fn issue(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "manage staff")?;
    let body: rally_api::staff::NewStaff = guard::json_body(&mut req).await?;
    let (name, role) = body.validate().map_err(AppError::Invalid)?;
    let key = format!("rs_{}", guard::request_id()?);
    let at = now();
    #[derive(Deserialize)]
    struct Id {
        id: u32,
    }
    let results = store
        .batch(vec![
            store.stmt(
                "INSERT INTO staff (campaign_id, name, role, key_hash, created_at, created_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                &[
                    num(who.campaign_id),
                    text(&name),
                    text(role),
                    text(&key_hash(&key)),
                    num(at),
                    num(who.id),
                ],
            )?,
            audit_stmt(
                &store,
                who.campaign_id,
                who.id,
                "staff_issue",
                &format!("{name} ({role})"),
                at,
            )?,
        ])
        .await?;
    let id = results
        .first()
        .map(|r| r.results::<Id>())
        .transpose()?
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| AppError::Internal("the new staff row was not returned".into()))?
        .id;
    json(
        &Issued {
            id,
            name,
            role: role.to_owned(),
            key,
        },
        201,
    )
}

/// `DELETE /api/v1/campaigns/:campaign/staff/members/:id`: owners revoke a credential; its
/// sessions end at once. Nobody revokes themselves, so a campaign always keeps an owner.
pub async fn revoke(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "manage staff")?;
    let id: u32 = ctx
        .param("id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::not_found("staff member"))?;
    if id == who.id {
        return Err(AppError::refused(
            ErrorCode::Forbidden,
            "you cannot revoke your own credential; another owner can",
        ));
    }
    let at = now();
    let results = store
        .batch(vec![
            store.stmt(
                "UPDATE staff SET revoked_at = ?3 WHERE id = ?2 AND campaign_id = ?1 AND revoked_at IS NULL \
                 RETURNING name, role",
                &[num(who.campaign_id), num(id), num(at)],
            )?,
            store.stmt(
                "DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE id = ?2 AND campaign_id = ?1)",
                &[num(who.campaign_id), num(id)],
            )?,
            store.stmt(
                "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) \
                 SELECT ?1, ?2, 'staff_revoke', name || ' (' || role || ')', ?4 FROM staff \
                 WHERE id = ?3 AND campaign_id = ?1 AND revoked_at = ?4",
                &[num(who.campaign_id), num(who.id), num(id), num(at)],
            )?,
        ])
        .await?;
    #[derive(Deserialize, Serialize)]
    struct Revoked {
        name: String,
        role: String,
    }
    let revoked = results
        .first()
        .map(|r| r.results::<Revoked>())
        .transpose()?
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| AppError::not_found("staff member"))?;
    json(&revoked, 200)
}
