//! Staff authentication: who may use the staff routes, and as what.
//!
//! A credential is a random key the owner hands out (`cargo xtask dev` prints a first one); D1
//! keeps only its SHA-256. API clients send it as `Authorization: Bearer <key>`; the dashboard
//! exchanges it once for a session cookie (`HttpOnly; Secure; SameSite=Strict`, 12 hours; D1
//! keeps the SHA-256 of its value). Staff routes answer no CORS preflight, and a write carried by
//! the cookie must come from the edge's own origin, so other sites can neither read staff data
//! nor act as staff (CSRF). Every staff write is in the audit log.

use rally_api::ErrorCode;
use sha2::{Digest, Sha256};
use worker::{Method, Request};

use crate::db::staff::StaffRow;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{now, param, Ctx};

/// The session cookie's name.
pub const COOKIE: &str = "rally_staff";
/// How long a session lasts.
pub const SESSION_MS: f64 = 12.0 * 3_600_000.0;

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
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "owner" => Role::Owner,
            "organiser" => Role::Organiser,
            "moderator" => Role::Moderator,
            "viewer" => Role::Viewer,
            _ => return None,
        })
    }
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
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("Cookie").ok().flatten()?;
    header.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Whether a browser says this request comes from another site. Browsers send `Sec-Fetch-Site`
/// and `Origin` with every cross-site write; clients that are not browsers carry no cookie.
pub fn cross_site(req: &Request) -> AppResult<bool> {
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
pub async fn signed_in(req: &Request, ctx: &Ctx, store: &Store) -> AppResult<Staff> {
    let refused = || {
        AppError::refused(
            ErrorCode::Unauthorized,
            "sign in, or send a staff credential of this campaign as Authorization: Bearer",
        )
    };
    let campaign = param(ctx, "campaign")?;
    let row: StaffRow = match (super::token::bearer(req), cookie(req, COOKIE)) {
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

/// The API token a request carries in `OSDI-API-Token` (the OSDI API's header), as the staff
/// member it is, with its campaign's slug; `unauthorized` without a live one. A person's
/// credential is not an API token (and an API token signs nobody in to the dashboard).
pub async fn api_token(req: &Request, store: &Store) -> AppResult<(Staff, String)> {
    let refused = || {
        AppError::refused(
            ErrorCode::Unauthorized,
            "send an API token of the campaign (issued by an owner) as OSDI-API-Token",
        )
    };
    let key = req
        .headers()
        .get("OSDI-API-Token")?
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(refused)?;
    let row = store
        .api_token(&key_hash(&key))
        .await?
        .ok_or_else(refused)?;
    Ok((
        Staff {
            id: row.id,
            campaign_id: row.campaign_id,
            role: Role::parse(&row.role).ok_or_else(refused)?,
        },
        row.campaign,
    ))
}

impl Staff {
    /// Records one of this member's actions in the audit log.
    pub async fn audit(&self, store: &Store, action: &str, detail: &str) -> AppResult<()> {
        store
            .audit_stmt(self.campaign_id, self.id, action, detail, now())?
            .run()
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::key_hash;

    #[test]
    fn key_hash_is_sha256_hex_of_the_trimmed_key() {
        for (key, hash) in [
            (
                "",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                " abc\n",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ] {
            assert_eq!(key_hash(key), hash, "{key:?}");
        }
    }
}
