//! A campaign's Turnstile setting: on or off, the site key, the sealed secret.

use rally_api::integrations::Turnstile;
use serde::Deserialize;

use crate::db::{num, opt, text, Batch, Store};
use crate::error::AppResult;

#[derive(Deserialize)]
struct Row {
    turnstile_enabled: f64,
    turnstile_site_key: String,
    turnstile_secret: Option<String>,
    turnstile_hint: String,
}

/// What a public write checks: whether the campaign asks for Turnstile, and the sealed secret.
pub struct Gate {
    pub enabled: bool,
    pub sealed_secret: Option<String>,
}

const COLUMNS: &str = "turnstile_enabled, turnstile_site_key, turnstile_secret, turnstile_hint";

impl Store {
    /// The setting as staff see it (the secret only as its hint).
    pub async fn turnstile(&self, campaign_id: u32) -> AppResult<Turnstile> {
        let row: Option<Row> = self
            .first(
                &format!("SELECT {COLUMNS} FROM campaigns WHERE id = ?1"),
                &[num(campaign_id)],
            )
            .await?;
        Ok(row.map(shown).unwrap_or_default())
    }

    /// The gate of the campaign called `slug` (`None`: no such campaign).
    pub async fn turnstile_gate(&self, slug: &str) -> AppResult<Option<Gate>> {
        let row: Option<Row> = self
            .first(
                &format!("SELECT {COLUMNS} FROM campaigns WHERE slug = ?1"),
                &[text(slug)],
            )
            .await?;
        Ok(row.map(|r| Gate {
            enabled: r.turnstile_enabled != 0.0,
            sealed_secret: r.turnstile_secret,
        }))
    }

    /// Saves the setting (`sealed`: a new secret, sealed, and its hint; `None` keeps the
    /// stored one) with its audit row, in one batch.
    pub async fn save_turnstile(
        &self,
        campaign_id: u32,
        enabled: bool,
        site_key: &str,
        sealed: Option<(String, String)>,
        audit: worker::D1PreparedStatement,
    ) -> AppResult<Turnstile> {
        let (secret, hint) = match &sealed {
            Some((s, h)) => (Some(s.as_str()), Some(h.as_str())),
            None => (None, None),
        };
        let mut b = Batch::new();
        let saved = b.read::<Row>(self.stmt(
            &format!(
                "UPDATE campaigns SET turnstile_enabled = ?2, turnstile_site_key = ?3, \
                 turnstile_secret = COALESCE(?4, turnstile_secret), \
                 turnstile_hint = COALESCE(?5, turnstile_hint) \
                 WHERE id = ?1 RETURNING {COLUMNS}"
            ),
            &[
                num(campaign_id),
                num(u8::from(enabled)),
                text(site_key),
                opt(secret),
                opt(hint),
            ],
        )?);
        b.add(audit);
        Ok(b.run(self)
            .await?
            .first(saved)?
            .map(shown)
            .unwrap_or_default())
    }
}

fn shown(r: Row) -> Turnstile {
    Turnstile {
        enabled: r.turnstile_enabled != 0.0,
        site_key: r.turnstile_site_key,
        configured: r.turnstile_secret.is_some(),
        secret_hint: r.turnstile_hint,
    }
}
