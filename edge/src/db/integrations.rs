//! A campaign's integrations: webhook endpoints (list, create, change, remove, rotate the
//! secret), the Action Network connector, and the delivery log and redelivery of both.

use rally_api::integrations::{ActionNetwork, Delivery, Endpoint, SyncTarget, ValidEndpoint};
use serde::Deserialize;
use worker::D1PreparedStatement;

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// How long a rotated-out secret keeps signing, so receivers can switch without losing
/// deliveries.
pub const ROTATION_GRACE_MS: f64 = 24.0 * 3_600_000.0;

/// A petition or pledge of the campaign, for mapping slugs to ids.
#[derive(Deserialize)]
pub struct Item {
    pub kind: String,
    pub slug: String,
    pub id: u32,
}

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

/// Where deliveries go: a webhook endpoint, or the campaign's Action Network connector.
#[derive(Clone, Copy)]
pub enum Channel {
    Endpoint(u32),
    ActionNetwork,
}

impl Channel {
    /// The outbox rows of this channel (`?2` is [`Channel::id`]).
    fn rows(self) -> &'static str {
        match self {
            Channel::Endpoint(_) => "endpoint_id = ?2",
            Channel::ActionNetwork => "kind = 'sync' AND ?2 = 0",
        }
    }

    fn id(self) -> u32 {
        match self {
            Channel::Endpoint(id) => id,
            Channel::ActionNetwork => 0,
        }
    }
}

/// The connector as stored.
#[derive(Deserialize)]
pub struct ConnectorRow {
    pub key_hint: String,
    pub tags: String,
    pub enabled: f64,
}

/// What an owner's save resolves to: the sealed key and its hint when a new key was given, and
/// the targets as `(kind, item id, remote id)`.
pub struct ConnectorWrite<'a> {
    pub sealed: Option<(String, String)>,
    pub enabled: bool,
    pub tags: &'a [String],
    pub targets: Vec<(&'static str, u32, String)>,
}

impl Store {
    /// The campaign's Action Network connector and its targets (petitions and pledges by slug).
    pub async fn connector(&self, campaign_id: u32) -> AppResult<ActionNetwork> {
        let mut b = Batch::new();
        let row = b.read::<ConnectorRow>(self.stmt(
            "SELECT key_hint, tags, enabled FROM connectors WHERE campaign_id = ?1",
            &[num(campaign_id)],
        )?);
        let targets = b.read::<SyncTarget>(self.stmt(
            "SELECT CASE t.item_kind WHEN 'sign' THEN 'petition' ELSE 'pledge' END AS kind, \
                    COALESCE(p.slug, pl.slug) AS slug, t.remote_id \
             FROM connector_targets t JOIN connectors k ON k.id = t.connector_id \
             LEFT JOIN petitions p ON t.item_kind = 'sign' AND p.id = t.item_id \
             LEFT JOIN pledges pl ON t.item_kind = 'pledge' AND pl.id = t.item_id \
             WHERE k.campaign_id = ?1 AND COALESCE(p.slug, pl.slug) IS NOT NULL ORDER BY t.id",
            &[num(campaign_id)],
        )?);
        let r = b.run(self).await?;
        Ok(match r.first(row)? {
            Some(row) => ActionNetwork {
                configured: true,
                key_hint: row.key_hint,
                enabled: row.enabled != 0.0,
                tags: row
                    .tags
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect(),
                targets: r.rows(targets)?,
            },
            None => ActionNetwork::default(),
        })
    }

    /// The ids of the campaign's petitions and pledges by `(kind, slug)`.
    pub async fn items(&self, campaign_id: u32) -> AppResult<Vec<Item>> {
        self.all(
            "SELECT 'petition' AS kind, slug, id FROM petitions WHERE campaign_id = ?1 \
             UNION ALL SELECT 'pledge', slug, id FROM pledges WHERE campaign_id = ?1",
            &[num(campaign_id)],
        )
        .await
    }

    /// Saves the connector and replaces its targets, with the audit row, in one batch.
    pub async fn save_connector(
        &self,
        campaign_id: u32,
        by: u32,
        w: ConnectorWrite<'_>,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<()> {
        let (sealed, hint) = w.sealed.unzip();
        let targets = serde_json::Value::Array(
            w.targets
                .iter()
                .map(|(k, i, r)| serde_json::json!({ "k": k, "i": i, "r": r }))
                .collect(),
        )
        .to_string();
        let mut b = Batch::new();
        b.add(self.stmt(
            "INSERT INTO connectors (campaign_id, key_sealed, key_hint, tags, enabled, created_by, created_at) \
             VALUES (?1, COALESCE(?2, (SELECT key_sealed FROM connectors WHERE campaign_id = ?1)), \
                     COALESCE(?3, (SELECT key_hint FROM connectors WHERE campaign_id = ?1)), ?4, ?5, ?6, ?7) \
             ON CONFLICT (campaign_id) DO UPDATE SET key_sealed = excluded.key_sealed, key_hint = excluded.key_hint, \
               tags = excluded.tags, enabled = excluded.enabled, updated_at = ?7",
            &[
                num(campaign_id),
                crate::db::opt(sealed.as_deref()),
                crate::db::opt(hint.as_deref()),
                text(&w.tags.join(",")),
                num(u8::from(w.enabled)),
                num(by),
                num(now),
            ],
        )?)
        .add(self.stmt(
            "DELETE FROM connector_targets WHERE connector_id = (SELECT id FROM connectors WHERE campaign_id = ?1) \
               AND NOT EXISTS (SELECT 1 FROM json_each(?2) j WHERE json_extract(j.value, '$.k') = item_kind \
                                 AND json_extract(j.value, '$.i') = item_id)",
            &[num(campaign_id), text(&targets)],
        )?)
        .add(self.stmt(
            "INSERT INTO connector_targets (connector_id, item_kind, item_id, remote_id) \
             SELECT k.id, json_extract(j.value, '$.k'), json_extract(j.value, '$.i'), json_extract(j.value, '$.r') \
             FROM json_each(?2) j, connectors k WHERE k.campaign_id = ?1 \
             ON CONFLICT (connector_id, item_kind, item_id) DO UPDATE SET remote_id = excluded.remote_id",
            &[num(campaign_id), text(&targets)],
        )?)
        .add(audit);
        b.run(self).await?;
        Ok(())
    }

    /// Removes the connector (its key with it) and drops its waiting syncs; whether there was one.
    pub async fn delete_connector(
        &self,
        campaign_id: u32,
        audit: D1PreparedStatement,
    ) -> AppResult<bool> {
        let mut b = Batch::new();
        b.add(self.stmt(
            "UPDATE outbox SET status = 'dropped', error = 'connector removed' \
             WHERE campaign_id = ?1 AND kind = 'sync' AND status IN ('pending', 'queued')",
            &[num(campaign_id)],
        )?)
        .add(self.stmt(
            "DELETE FROM connector_targets WHERE connector_id = (SELECT id FROM connectors WHERE campaign_id = ?1)",
            &[num(campaign_id)],
        )?);
        let gone = b.read::<crate::db::Any>(self.stmt(
            "DELETE FROM connectors WHERE campaign_id = ?1 RETURNING id",
            &[num(campaign_id)],
        )?);
        b.add(audit);
        b.run(self).await?.any(gone)
    }

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

    /// The latest 100 deliveries of a channel, newest first.
    pub async fn deliveries(&self, campaign_id: u32, channel: Channel) -> AppResult<Vec<Delivery>> {
        self.all(
            &format!(
                "SELECT id, 'evt_' || id AS event_id, COALESCE(event_type, kind || '.' || action) AS kind, status, \
                        attempts, last_status, latency_ms, response, error, created_at, sent_at \
                 FROM outbox WHERE campaign_id = ?1 AND {} ORDER BY id DESC LIMIT 100",
                channel.rows()
            ),
            &[num(campaign_id), num(channel.id())],
        )
        .await
    }

    /// Dead deliveries of a channel (one, or all) waiting again with their attempts reset;
    /// their ids, for the queue.
    pub async fn redeliver(
        &self,
        campaign_id: u32,
        channel: Channel,
        delivery: Option<u64>,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<Vec<crate::db::outbox::Written>> {
        let mut b = Batch::new();
        let again = b.read(self.stmt(
            &format!(
                "UPDATE outbox SET status = 'queued', queued_at = ?4, attempts = 0, due_at = ?4, error = NULL \
                 WHERE campaign_id = ?1 AND {} AND status = 'failed' AND (?3 IS NULL OR id = ?3) \
                 RETURNING id, due_at",
                channel.rows()
            ),
            &[
                num(campaign_id),
                num(channel.id()),
                delivery.map_or(wasm_bindgen::JsValue::NULL, |d| num(d as f64)),
                num(now),
            ],
        )?);
        b.add(audit);
        b.run(self).await?.rows(again)
    }
}
