//! Staff credentials: who may use `/api/v1/campaigns/:campaign/staff/...`, and as what.
//!
//! A credential is a random key the owner hands out (`cargo xtask dev` prints a first one); D1
//! keeps only its SHA-256. It is sent as `Authorization: Bearer <key>`. Staff routes answer no
//! CORS preflight, so another site's page cannot make a browser send one (CSRF-safe); the
//! dashboard's cookie sessions build on the same table.

use rally_api::ErrorCode;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::{Request, RouteContext};

use crate::error::{AppError, AppResult};
use crate::routes::param;
use crate::store::Store;

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

/// The staff member the request's credential names, for the route's campaign; `unauthorized`
/// without one, or with one of another campaign.
pub async fn signed_in(req: &Request, ctx: &RouteContext<()>, store: &Store) -> AppResult<Staff> {
    let refused = || {
        AppError::refused(
            ErrorCode::Unauthorized,
            "send a staff credential of this campaign as Authorization: Bearer",
        )
    };
    let key = crate::token::bearer(req).ok_or_else(refused)?;
    let row: StaffRow = store
        .staff(param(ctx, "campaign")?, &key_hash(&key))
        .await?
        .ok_or_else(refused)?;
    Ok(Staff {
        id: row.id,
        campaign_id: row.campaign_id,
        role: Role::parse(&row.role).ok_or_else(refused)?,
    })
}

impl Store {
    async fn staff(&self, campaign: &str, hash: &str) -> AppResult<Option<StaffRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, s.role FROM staff s \
             JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = ?1 AND s.key_hash = ?2",
            &[campaign.into(), hash.into()],
        )
        .await
    }
}
