//! Staff: credentials (stored only as SHA-256), sessions, the audit log, issuing and revoking.

use rally_api::staff::{AuditEntry, Member, Revoked};
use serde::Deserialize;
use worker::D1PreparedStatement;

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// A credential or session that holds, for the route's campaign.
#[derive(Deserialize)]
pub struct StaffRow {
    pub id: u32,
    pub campaign_id: u32,
    pub role: String,
}

/// A credential as sign-in finds it, with its campaign's slug.
#[derive(Deserialize)]
pub struct CredentialRow {
    pub id: u32,
    pub campaign_id: u32,
    pub campaign: String,
    pub name: String,
    pub role: String,
}

/// A live session, as the dashboard asks after a reload.
#[derive(Deserialize)]
pub struct SessionRow {
    pub campaign: String,
    pub name: String,
    pub role: String,
    pub expires_at: f64,
}

#[derive(Deserialize)]
struct Id {
    id: u32,
}

impl Store {
    /// The session with this hash, for `campaign`, if it is live and its credential holds.
    pub async fn session(
        &self,
        campaign: &str,
        hash: &str,
        now: f64,
    ) -> AppResult<Option<StaffRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, s.role FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id \
             JOIN campaigns c ON c.id = s.campaign_id \
             WHERE ss.token_hash = ?1 AND ss.expires_at > ?2 AND c.slug = ?3 AND s.revoked_at IS NULL",
            &[text(hash), num(now), text(campaign)],
        )
        .await
    }

    /// The credential with this hash, for `campaign`, if it is not revoked.
    pub async fn staff(&self, campaign: &str, hash: &str) -> AppResult<Option<StaffRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, s.role FROM staff s \
             JOIN campaigns c ON c.id = s.campaign_id WHERE c.slug = ?1 AND s.key_hash = ?2 \
             AND s.revoked_at IS NULL AND s.kind = 'person'",
            &[text(campaign), text(hash)],
        )
        .await
    }

    /// The credential with this hash, in any campaign (sign-in names no campaign).
    pub async fn credential(&self, hash: &str) -> AppResult<Option<CredentialRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, c.slug AS campaign, s.name, s.role FROM staff s \
             JOIN campaigns c ON c.id = s.campaign_id WHERE s.key_hash = ?1 AND s.revoked_at IS NULL \
             AND s.kind = 'person'",
            &[text(hash)],
        )
        .await
    }

    /// The live API token with this hash, whatever its campaign.
    pub async fn api_token(&self, hash: &str) -> AppResult<Option<CredentialRow>> {
        self.first(
            "SELECT s.id, s.campaign_id, c.slug AS campaign, s.name, s.role FROM staff s \
             JOIN campaigns c ON c.id = s.campaign_id WHERE s.key_hash = ?1 AND s.revoked_at IS NULL \
             AND s.kind = 'api'",
            &[text(hash)],
        )
        .await
    }

    /// Opens a session for `who` (its value stored as `hash`), drops their expired ones, and
    /// writes the sign-in to the audit log, in one batch.
    pub async fn open_session(
        &self,
        who: &CredentialRow,
        hash: &str,
        now: f64,
        expires: f64,
    ) -> AppResult<()> {
        let mut b = Batch::new();
        b.add(self.stmt(
            "INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            &[text(hash), num(who.id), num(now), num(expires)],
        )?)
        .add(self.stmt(
            "DELETE FROM staff_sessions WHERE staff_id = ?1 AND expires_at <= ?2",
            &[num(who.id), num(now)],
        )?)
        .add(self.audit_stmt(who.campaign_id, who.id, "sign_in", "", now)?);
        b.run(self).await?;
        Ok(())
    }

    /// The live session with this hash, whatever its campaign.
    pub async fn live_session(&self, hash: &str, now: f64) -> AppResult<Option<SessionRow>> {
        self.first(
            "SELECT c.slug AS campaign, s.name, s.role, ss.expires_at FROM staff_sessions ss \
             JOIN staff s ON s.id = ss.staff_id JOIN campaigns c ON c.id = s.campaign_id \
             WHERE ss.token_hash = ?1 AND ss.expires_at > ?2 AND s.revoked_at IS NULL",
            &[text(hash), num(now)],
        )
        .await
    }

    /// Ends the session with this hash.
    pub async fn close_session(&self, hash: &str) -> AppResult<()> {
        self.stmt(
            "DELETE FROM staff_sessions WHERE token_hash = ?1",
            &[text(hash)],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// An audit row: who did what, when, in which campaign (to put in the batch of the change).
    pub fn audit_stmt(
        &self,
        campaign_id: u32,
        staff_id: u32,
        action: &str,
        detail: &str,
        at: f64,
    ) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[num(campaign_id), num(staff_id), text(action), text(detail), num(at)],
        )
    }

    /// The latest 200 staff actions of a campaign, newest first.
    pub async fn audit_log(&self, campaign_id: u32) -> AppResult<Vec<AuditEntry>> {
        self.all(
            "SELECT a.at, s.name AS staff, s.role, a.action, a.detail FROM staff_audit a \
             JOIN staff s ON s.id = a.staff_id WHERE a.campaign_id = ?1 ORDER BY a.id DESC LIMIT 200",
            &[num(campaign_id)],
        )
        .await
    }

    /// A campaign's staff, live ones first.
    pub async fn members(&self, campaign_id: u32) -> AppResult<Vec<Member>> {
        self.all(
            "SELECT s.id, s.name, s.role, s.kind, s.created_at, s.revoked_at, b.name AS created_by FROM staff s \
             LEFT JOIN staff b ON b.id = s.created_by WHERE s.campaign_id = ?1 \
             ORDER BY s.revoked_at IS NOT NULL, s.id",
            &[num(campaign_id)],
        )
        .await
    }

    /// Stores a new credential (as its hash) issued by `by`, with its audit row; its id.
    pub async fn issue_staff(
        &self,
        campaign_id: u32,
        by: u32,
        name: &str,
        (role, kind): (&str, &str),
        hash: &str,
        now: f64,
    ) -> AppResult<Option<u32>> {
        let mut b = Batch::new();
        let id = b.read::<Id>(self.stmt(
            "INSERT INTO staff (campaign_id, name, role, kind, key_hash, created_at, created_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            &[
                num(campaign_id),
                text(name),
                text(role),
                text(kind),
                text(hash),
                num(now),
                num(by),
            ],
        )?);
        let what = if kind == "api" { "API token" } else { "" };
        b.add(self.audit_stmt(
            campaign_id,
            by,
            "staff_issue",
            &format!(
                "{name} ({role}{}{what})",
                if what.is_empty() { "" } else { ", " }
            ),
            now,
        )?);
        Ok(b.run(self).await?.first(id)?.map(|r| r.id))
    }

    /// Revokes credential `id` of the campaign and ends its sessions, with the audit row; what
    /// was revoked, if it was live.
    pub async fn revoke_staff(
        &self,
        campaign_id: u32,
        by: u32,
        id: u32,
        now: f64,
    ) -> AppResult<Option<Revoked>> {
        let mut b = Batch::new();
        let revoked = b.read::<Revoked>(self.stmt(
            "UPDATE staff SET revoked_at = ?3 WHERE id = ?2 AND campaign_id = ?1 AND revoked_at IS NULL \
             RETURNING name, role",
            &[num(campaign_id), num(id), num(now)],
        )?);
        b.add(self.stmt(
            "DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE id = ?2 AND campaign_id = ?1)",
            &[num(campaign_id), num(id)],
        )?)
        .add(self.stmt(
            "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) \
             SELECT ?1, ?2, 'staff_revoke', name || ' (' || role || ')', ?4 FROM staff \
             WHERE id = ?3 AND campaign_id = ?1 AND revoked_at = ?4",
            &[num(campaign_id), num(by), num(id), num(now)],
        )?);
        b.run(self).await?.first(revoked)
    }
}
