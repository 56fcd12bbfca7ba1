//! A campaign's webhook endpoints: list, create, change, remove, rotate the secret.

use rally_api::integrations::{Delivery, Endpoint, ValidEndpoint};
use serde::Deserialize;
use worker::D1PreparedStatement;

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// How long a rotated-out secret keeps signing, so receivers can switch without losing
/// deliveries.
pub const ROTATION_GRACE_MS: f64 = 24.0 * 3_600_000.0;

#[derive(Deserialize)]
struct Row {
    id: f64,
    url: String,
    events: String,
    enabled: f64,
    created_at: f64,
    previous_until: Option<f64>,
}

impl Row {
    fn view(self, now: f64) -> Endpoint {
        Endpoint {
            id: self.id as u64,
            url: self.url,
            events: self
                .events
                .split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            enabled: self.enabled != 0.0,
            created_at: self.created_at as u64,
            previous_secret_until: self.previous_until.filter(|u| *u > now).map(|u| u as u64),
        }
    }
}

const COLUMNS: &str = "id, url, events, enabled, created_at, previous_until";

impl Store {
    /// Runs one endpoint write (`RETURNING` its columns) with its audit row, in one batch.
    async fn write_endpoint(
        &self,
        sql: &str,
        args: &[wasm_bindgen::JsValue],
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<Option<Endpoint>> {
        let mut b = Batch::new();
        let row = b.read::<Row>(self.stmt(sql, args)?);
        b.add(audit);
        Ok(b.run(self).await?.first(row)?.map(|r| r.view(now)))
    }

    /// The campaign's endpoints, oldest first.
    pub async fn endpoints(&self, campaign_id: u32, now: f64) -> AppResult<Vec<Endpoint>> {
        let rows: Vec<Row> = self
            .all(
                &format!("SELECT {COLUMNS} FROM endpoints WHERE campaign_id = ?1 ORDER BY id"),
                &[num(campaign_id)],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.view(now)).collect())
    }

    /// A new endpoint with its secret, and its audit row, in one batch.
    pub async fn create_endpoint(
        &self,
        campaign_id: u32,
        staff_id: u32,
        e: &ValidEndpoint,
        secret: &str,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<Option<Endpoint>> {
        self.write_endpoint(
            &format!(
                "INSERT INTO endpoints (campaign_id, url, events, enabled, secret, created_by, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING {COLUMNS}"
            ),
            &[
                num(campaign_id),
                text(&e.url),
                text(&e.events.join(",")),
                num(u8::from(e.enabled)),
                text(secret),
                num(staff_id),
                num(now),
            ], audit, now)
            .await
    }

    /// Changes endpoint `id` of the campaign (address, events, on/off), with its audit row.
    pub async fn update_endpoint(
        &self,
        campaign_id: u32,
        id: u32,
        e: &ValidEndpoint,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<Option<Endpoint>> {
        self.write_endpoint(
            &format!(
                "UPDATE endpoints SET url = ?3, events = ?4, enabled = ?5, updated_at = ?6 \
                 WHERE campaign_id = ?1 AND id = ?2 RETURNING {COLUMNS}"
            ),
            &[
                num(campaign_id),
                num(id),
                text(&e.url),
                text(&e.events.join(",")),
                num(u8::from(e.enabled)),
                num(now),
            ],
            audit,
            now,
        )
        .await
    }

    /// Removes endpoint `id` of the campaign; whether there was one.
    pub async fn delete_endpoint(
        &self,
        campaign_id: u32,
        id: u32,
        audit: D1PreparedStatement,
    ) -> AppResult<bool> {
        let mut b = Batch::new();
        // Its deliveries stay in no log once it is gone; those still waiting are dropped.
        b.add(self.stmt(
            "UPDATE outbox SET endpoint_id = NULL, \
               status = CASE WHEN status IN ('pending', 'queued') THEN 'dropped' ELSE status END, \
               error = CASE WHEN status IN ('pending', 'queued') THEN 'endpoint removed' ELSE error END \
             WHERE endpoint_id = (SELECT id FROM endpoints WHERE campaign_id = ?1 AND id = ?2)",
            &[num(campaign_id), num(id)],
        )?);
        let gone = b.read::<crate::db::Any>(self.stmt(
            "DELETE FROM endpoints WHERE campaign_id = ?1 AND id = ?2 RETURNING id",
            &[num(campaign_id), num(id)],
        )?);
        b.add(audit);
        b.run(self).await?.any(gone)
    }

    /// A new secret for endpoint `id`; the old one keeps signing for [`ROTATION_GRACE_MS`].
    pub async fn rotate_endpoint(
        &self,
        campaign_id: u32,
        id: u32,
        secret: &str,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<Option<Endpoint>> {
        self.write_endpoint(
            &format!(
                "UPDATE endpoints SET previous_secret = secret, previous_until = ?4, secret = ?3, updated_at = ?5 \
                 WHERE campaign_id = ?1 AND id = ?2 RETURNING {COLUMNS}"
            ),
            &[
                num(campaign_id),
                num(id),
                text(secret),
                num(now + ROTATION_GRACE_MS),
                num(now),
            ], audit, now)
            .await
    }

    /// The latest 100 deliveries of endpoint `id`, newest first.
    pub async fn deliveries(&self, campaign_id: u32, id: u32) -> AppResult<Vec<Delivery>> {
        self.all(
            "SELECT id, 'evt_' || id AS event_id, event_type AS kind, status, attempts, last_status, latency_ms, \
                    response, error, created_at, sent_at \
             FROM outbox WHERE campaign_id = ?1 AND endpoint_id = ?2 ORDER BY id DESC LIMIT 100",
            &[num(campaign_id), num(id)],
        )
        .await
    }

    /// Dead deliveries of endpoint `id` (one, or all) waiting again with their attempts reset;
    /// their ids, for the queue.
    pub async fn redeliver(
        &self,
        campaign_id: u32,
        id: u32,
        delivery: Option<u64>,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<Vec<crate::db::outbox::Written>> {
        let mut b = Batch::new();
        let again = b.read(self.stmt(
            "UPDATE outbox SET status = 'queued', queued_at = ?4, attempts = 0, due_at = ?4, error = NULL \
             WHERE campaign_id = ?1 AND endpoint_id = ?2 AND status = 'failed' AND (?3 IS NULL OR id = ?3) \
             RETURNING id, due_at",
            &[
                num(campaign_id),
                num(id),
                delivery.map_or(wasm_bindgen::JsValue::NULL, |d| num(d as f64)),
                num(now),
            ],
        )?);
        b.add(audit);
        b.run(self).await?.rows(again)
    }
}
