//! The outbox: every message that leaves the edge is a row here first, written in the same
//! batch as the action that causes it (see [`Store::confirm_stmt`], [`Store::reminder_stmts`],
//! and the fact-check outcomes in `claims.rs`). Sending claims the row in D1 before calling
//! the email binding, so a redelivered queue message, a second cron run or a retry never sends
//! it twice; the links a message carries; confirming, "it wasn't me" and unsubscribing; the
//! cron's sweep and housekeeping; the staff's view.

use rally_api::staff::{MessageDay, MessageFailure, Sweep};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use crate::db::act::{Scope, Target};
use crate::db::{num, text, Any, Batch, Store};
use crate::error::AppResult;

/// Attempts before a message stops as `failed`.
pub const MAX_ATTEMPTS: u32 = 5;
/// A message written with its action is handed to the queue by that request; the sweep takes
/// it only after this long (the request may have died before `send`).
pub const FRESH_MS: f64 = 10_000.0;
/// How many messages one sweep hands to the queue (each a message of its own).
const SWEEP_LIMIT: u32 = 500;
/// Unconfirmed actions are reminded once, this long after the first message was sent...
const CONFIRM_REMINDER_AFTER_MS: f64 = 2.0 * 86_400_000.0;
/// ...and not any more once the first message is this old.
const CONFIRM_REMINDER_UNTIL_MS: f64 = 7.0 * 86_400_000.0;
/// A sign-in message's hub link works this long.
pub const SIGNIN_LINK_MS: f64 = 3_600_000.0;
/// How long housekeeping keeps idempotency keys and spent links.
const DAY_MS: f64 = 86_400_000.0;
/// How long a sent (dropped, failed) message stays in the outbox: staff see it on the
/// person's page until then.
pub const OUTBOX_RETENTION_MS: f64 = 30.0 * DAY_MS;
/// How many old rows of each kind one sweep deletes (the rest wait for the next minute).
const HOUSEKEEPING_LIMIT: u32 = 5_000;

/// The signature or commitment (and its petition or pledge) an outbox row `o` is about, found
/// through the request that wrote it: `g`/`p` for a signature, `m`/`pl` for a commitment.
const ACTION_JOINS: &str =
    "LEFT JOIN signatures g ON o.action = 'sign' AND g.request_id = o.action_request \
     LEFT JOIN petitions p ON p.id = g.petition_id \
     LEFT JOIN commitments m ON o.action = 'pledge' AND m.request_id = o.action_request \
     LEFT JOIN pledges pl ON pl.id = m.pledge_id";

/// An outbox row just written, and when it is due.
#[derive(Deserialize)]
pub struct Written {
    pub id: f64,
    pub due_at: f64,
}

/// Everything a message is rendered from, read when sending (never copied at writing time, so
/// an erasure, an unsubscribe or an edit is seen).
#[derive(Deserialize, Debug, Default)]
pub struct Outgoing {
    pub id: f64,
    pub kind: String,
    pub lang: String,
    pub attempts: u32,
    pub expires_at: Option<f64>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub ref_code: Option<String>,
    pub erased_at: Option<f64>,
    pub unsubscribed_at: Option<f64>,
    /// The signature or commitment (gone after "it wasn't me").
    pub action: Option<String>,
    pub action_row: Option<f64>,
    pub confirmed: Option<f64>,
    pub page_url: Option<String>,
    pub campaign: String,
    pub campaign_name: String,
    pub sender_name: String,
    pub sender_email: String,
    pub reply_to: String,
    pub timezone: String,
    pub title: Option<String>,
    pub accent: Option<String>,
    pub pledge_id: Option<f64>,
    pub pledge_body: Option<String>,
    pub starts_at: Option<f64>,
    pub ends_at: Option<f64>,
    pub place: Option<String>,
    pub claim_text: Option<String>,
    pub claim_public_id: Option<String>,
    pub verdict: Option<String>,
    pub explanation: Option<String>,
    // Deliveries (kind `webhook`).
    pub created_at: f64,
    pub event_type: Option<String>,
    pub endpoint_url: Option<String>,
    pub secret: Option<String>,
    pub previous_secret: Option<String>,
    pub previous_until: Option<f64>,
    pub supporter_id: Option<f64>,
    pub last_name: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub contact_consent: Option<f64>,
    pub action_at: Option<f64>,
    pub source: Option<String>,
    pub referrer: Option<String>,
    pub slug: Option<String>,
    // A report (`report.created`).
    pub report_row: Option<f64>,
    pub report_text: Option<String>,
    pub report_seen_on: Option<String>,
    pub report_link: Option<String>,
    /// The ladder's next step a confirmation asks for (JSON `NextStep`).
    pub next_step: Option<String>,
    /// Where the supporter stands on the ladder when it is sent (an Action Network tag).
    pub rung: Option<String>,
    /// The staff's tags on the supporter (JSON array; webhooks and syncs only).
    pub tags: Option<String>,
    // A move between rungs (`rung.changed`).
    pub rung_from: Option<String>,
    pub rung_to: Option<String>,
    pub rung_cause: Option<String>,
    pub rung_at: Option<f64>,
    // Action Network syncs (kind `sync`).
    pub remote_id: Option<String>,
    pub sync_key: Option<String>,
    pub sync_tags: Option<String>,
    pub sync_enabled: Option<f64>,
    /// A nudge's leader and team; a push's kind and what it is about (JSON).
    pub detail: Option<String>,
    // A push (kind `push`): the device, gone when its service said so.
    pub push_endpoint: Option<String>,
    pub push_p256dh: Option<String>,
    pub push_auth: Option<String>,
    // A push about a campaign action.
    pub action_id: Option<f64>,
    pub action_title: Option<String>,
    pub action_text: Option<String>,
    pub action_translations: Option<String>,
}

/// A link a claimed message carries: its token's SHA-256, purpose, message and expiry.
pub struct NewLink {
    pub hash: String,
    pub purpose: &'static str,
    pub outbox_id: f64,
    pub expires_at: f64,
}

/// What became of a claimed message or delivery.
pub enum Outcome {
    /// Taken: the binding's message id, or the receiver's answer.
    Sent(String, Option<Log>),
    /// Refused: why, when to try again, after how many attempts to stop, the receiver's answer.
    Failed(String, f64, u32, Option<Log>),
    /// Not to be sent: why.
    Dropped(&'static str),
    /// A push whose service says the subscription is gone (404, 410): dropped, and the
    /// device's subscription deleted in the same batch.
    Gone(Log),
    /// Settled already by its own batch (a fan-out slice).
    Settled,
}

/// A delivery's last attempt, for the endpoint's log.
pub struct Log {
    pub status: u16,
    pub latency_ms: f64,
    /// The first bytes of the answer.
    pub response: String,
}

fn log_json(log: Option<&Log>) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    match log {
        Some(l) => (
            l.status.into(),
            (l.latency_ms.round() as i64).into(),
            l.response.clone().into(),
        ),
        None => (
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::Value::Null,
        ),
    }
}

/// What an event delivery is about.
pub enum About {
    Supporter(u32),
    Claim(u32),
}

/// Ids as a JSON array of integers, for `json_each` (one bound parameter for any number).
pub(crate) fn json_ids(ids: &[f64]) -> String {
    serde_json::Value::Array(ids.iter().map(|i| (*i as i64).into()).collect()).to_string()
}

/// What a link token leads to.
#[derive(Deserialize, Debug)]
pub struct LinkTarget {
    pub purpose: String,
    pub expires_at: f64,
    pub lang: String,
    pub campaign_id: u32,
    pub campaign_name: String,
    pub supporter_id: Option<u32>,
    pub report_id: Option<u32>,
    pub erased_at: Option<f64>,
    pub action: Option<String>,
    pub action_request: Option<String>,
    pub action_exists: Option<f64>,
    pub confirmed: Option<f64>,
    pub title: Option<String>,
}

#[derive(Deserialize)]
struct Id {
    id: f64,
}

impl Store {
    /// A delivery of event `event` about the action `request_id` wrote (to `t`'s table) to each
    /// enabled endpoint of the campaign that asked for it. Part of the action's batch.
    pub fn webhook_stmt(
        &self,
        t: Target,
        event: &str,
        campaign_id: u32,
        scope: Scope<'_>,
        now: f64,
    ) -> AppResult<D1PreparedStatement> {
        let (kind, rows) = (t.kind, t.rows);
        let mine = scope.is("x.request_id", 2);
        self.stmt(
            &format!(
                "INSERT INTO outbox (campaign_id, kind, supporter_id, action, action_request, lang, dedupe, due_at, \
                                     created_at, endpoint_id, event_type) \
                 SELECT ?1, 'webhook', x.supporter_id, '{kind}', x.request_id, x.lang, \
                        'webhook:' || e.id || ':' || x.request_id, ?3, ?3, e.id, ?4 \
                 FROM {rows} x JOIN endpoints e ON e.campaign_id = ?1 AND e.enabled = 1 \
                   AND instr(',' || e.events || ',', ',' || ?4 || ',') > 0 \
                 WHERE {mine} \
                 ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
            ),
            &[num(campaign_id), text(scope.key()), num(now), text(event)],
        )
    }

    /// The Action Network sync of the action `request_id` wrote (to `t`'s table), if the
    /// campaign's connector is on and maps its petition or pledge, and the person agreed to be
    /// contacted (Action Network subscribes new people to the campaign's list). Part of the
    /// action's batch, after the supporter's own row.
    pub fn sync_stmt(
        &self,
        t: Target,
        campaign_id: u32,
        scope: Scope<'_>,
        now: f64,
    ) -> AppResult<D1PreparedStatement> {
        let (kind, rows, fk) = (t.kind, t.rows, t.fk);
        let mine = scope.is("x.request_id", 2);
        self.stmt(
            &format!(
                "INSERT INTO outbox (campaign_id, kind, supporter_id, action, action_request, lang, dedupe, due_at, \
                                     created_at, target_id) \
                 SELECT ?1, 'sync', x.supporter_id, '{kind}', x.request_id, x.lang, \
                        'sync:' || t.id || ':' || x.request_id, ?3, ?3, t.id \
                 FROM {rows} x JOIN connectors k ON k.campaign_id = ?1 AND k.enabled = 1 \
                 JOIN connector_targets t ON t.connector_id = k.id AND t.item_kind = '{kind}' AND t.item_id = x.{fk} \
                 JOIN supporters s ON s.id = x.supporter_id AND s.contact_consent = 1 \
                 WHERE {mine} \
                 ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
            ),
            &[num(campaign_id), text(scope.key()), num(now)],
        )
    }

    /// A delivery of `event` (about a supporter, or a claim) to each enabled endpoint of the
    /// campaign that asked for it, once per `key`. Part of the batch of what causes it: an
    /// erasure (`supporter.erased`, which carries the Rally id and nothing else), an
    /// unsubscribe, a claim's publication.
    pub fn event_webhook_stmt(
        &self,
        campaign_id: u32,
        about: About,
        event: &str,
        key: &str,
        now: f64,
    ) -> AppResult<D1PreparedStatement> {
        let (supporter, claim) = match about {
            About::Supporter(s) => (num(s), JsValue::NULL),
            About::Claim(c) => (JsValue::NULL, num(c)),
        };
        self.stmt(
            "INSERT INTO outbox (campaign_id, kind, supporter_id, claim_id, lang, dedupe, due_at, created_at, \
                                 endpoint_id, event_type) \
             SELECT ?1, 'webhook', ?2, ?3, 'en', 'webhook:' || e.id || ':' || ?4 || ':' || ?5, ?6, ?6, e.id, ?4 \
             FROM endpoints e WHERE e.campaign_id = ?1 AND e.enabled = 1 \
               AND instr(',' || e.events || ',', ',' || ?4 || ',') > 0 \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
            &[num(campaign_id), supporter, claim, text(event), text(key), num(now)],
        )
    }

    /// The "confirm your action" message of the action `request_id` wrote, if the campaign
    /// confirms actions (the row was written unconfirmed). Part of the action's batch.
    pub fn confirm_stmt(
        &self,
        t: Target,
        campaign_id: u32,
        scope: Scope<'_>,
        now: f64,
    ) -> AppResult<D1PreparedStatement> {
        let (kind, rows) = (t.kind, t.rows);
        let mine = scope.is("x.request_id", 2);
        self.stmt(
            &format!(
                "INSERT INTO outbox (campaign_id, kind, supporter_id, action, action_request, lang, dedupe, due_at, created_at) \
                 SELECT ?1, 'confirm', x.supporter_id, '{kind}', x.request_id, x.lang, 'confirm:' || x.request_id, ?3, ?3 \
                 FROM {rows} x WHERE {mine} AND x.confirmed = 0 \
                 ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
            ),
            &[num(campaign_id), text(scope.key()), num(now)],
        )
    }

    /// The two reminders of a commitment whose pledger asked for them (the evening before and
    /// the morning of), each with the moment after which it is no longer worth sending: as
    /// pushes to each of the pledger's devices that wants reminders, else as emails. Part of
    /// the commitment's batch; nothing if the commitment was not written by `request_id`.
    pub fn reminder_stmts(
        &self,
        campaign_id: u32,
        scope: Scope<'_>,
        [(eve_due, eve_until), (morning_due, morning_until)]: [(f64, f64); 2],
        now: f64,
    ) -> AppResult<[D1PreparedStatement; 2]> {
        // `k`: each reminder's kind, due time and limit; `?1` the campaign, `?2` the
        // commitment's request, `?3` now.
        const TIMES: &str = "(SELECT 'pledge_eve' AS kind, ?4 AS due, ?5 AS until \
                             UNION ALL SELECT 'pledge_morning', ?6, ?7) k";
        const WANTS: &str = "ps.supporter_id = x.supporter_id AND (ps.types & 8) != 0";
        let mine = format!(
            "{} AND x.reminder = 1 AND k.until > ?3",
            scope.is("x.request_id", 2)
        );
        let args = [
            num(campaign_id),
            text(scope.key()),
            num(now),
            num(eve_due),
            num(eve_until),
            num(morning_due),
            num(morning_until),
        ];
        Ok([
            self.stmt(
                &format!(
                    "INSERT INTO outbox (campaign_id, kind, supporter_id, action, action_request, lang, dedupe, \
                                         due_at, expires_at, created_at) \
                     SELECT ?1, k.kind, x.supporter_id, 'pledge', x.request_id, x.lang, k.kind || ':' || x.request_id, \
                            k.due, k.until, ?3 \
                     FROM commitments x, {TIMES} \
                     WHERE {mine} AND NOT EXISTS (SELECT 1 FROM push_subscriptions ps WHERE {WANTS}) \
                     ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
                ),
                &args,
            )?,
            self.stmt(
                &format!(
                    "INSERT INTO outbox (campaign_id, kind, supporter_id, push_id, action, action_request, lang, dedupe, \
                                         due_at, expires_at, created_at, detail) \
                     SELECT ?1, 'push', x.supporter_id, ps.id, 'pledge', x.request_id, ps.lang, \
                            'push:' || k.kind || ':' || x.request_id || ':' || ps.id, k.due, k.until, ?3, \
                            json_object('kind', 'reminder', 'when', k.kind) \
                     FROM commitments x JOIN push_subscriptions ps ON {WANTS}, {TIMES} \
                     WHERE {mine} \
                     ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
                ),
                &args,
            )?,
        ])
    }

    /// Claims messages `ids` for sending (each once: a second claimer finds it taken), writes
    /// the links they carry, and reads what each is rendered from, in one batch of three
    /// statements whatever the number of messages. Messages not returned are not ours to send
    /// (sent, being sent, dropped, not yet due).
    ///
    /// A message claimed more than `stale_ms` ago and never settled was lost with its isolate
    /// (a crash during the send): it may be claimed again. That is the one window where a
    /// message can reach someone twice (the binding may have taken it before the crash).
    pub async fn claim_messages(
        &self,
        ids: &[f64],
        links: &[NewLink],
        now: f64,
        stale_ms: f64,
    ) -> AppResult<Vec<Outgoing>> {
        let ids = json_ids(ids);
        let links = serde_json::Value::Array(
            links
                .iter()
                .map(|l| serde_json::json!({ "h": l.hash, "p": l.purpose, "o": l.outbox_id as i64, "e": l.expires_at as i64 }))
                .collect(),
        )
        .to_string();
        let mut b = Batch::new();
        b.add(self.stmt(
            "UPDATE outbox SET status = 'sending', claimed_at = ?2, attempts = attempts + 1 \
             WHERE id IN (SELECT value FROM json_each(?1)) AND ((status IN ('pending', 'queued') AND due_at <= ?2) \
                                OR (status = 'sending' AND claimed_at < ?2 - ?3)) \
               AND (endpoint_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox q \
                     WHERE q.endpoint_id = outbox.endpoint_id AND q.supporter_id = outbox.supporter_id \
                       AND q.id < outbox.id AND q.status IN ('pending', 'queued', 'sending')))",
            &[text(&ids), num(now), num(stale_ms)],
        )?);
        b.add(self.stmt(
            "INSERT INTO links (token_hash, purpose, outbox_id, expires_at, created_at) \
             SELECT json_extract(j.value, '$.h'), json_extract(j.value, '$.p'), o.id, \
                    CASE WHEN o.kind = 'signin' AND json_extract(j.value, '$.p') = 'hub' THEN ?2 + ?3 \
                         ELSE json_extract(j.value, '$.e') END, ?2 \
             FROM json_each(?1) j JOIN outbox o ON o.id = json_extract(j.value, '$.o') \
             WHERE o.status = 'sending' AND o.claimed_at = ?2 \
               AND (json_extract(j.value, '$.p') != 'hub' OR o.supporter_id IS NOT NULL) \
               AND o.kind NOT IN ('push', 'fanout', 'webhook', 'sync') \
             ON CONFLICT (token_hash) DO NOTHING",
            &[text(&links), num(now), num(SIGNIN_LINK_MS)],
        )?);
        let rows = b.read::<Outgoing>(self.stmt(
            &format!("SELECT o.id, o.kind, o.lang, o.attempts, o.expires_at, \
                    COALESCE(s.email, r.email) AS email, s.first_name, s.ref_code, s.erased_at, s.unsubscribed_at, \
                    o.action, COALESCE(g.id, m.id) AS action_row, COALESCE(g.confirmed, m.confirmed) AS confirmed, \
                    COALESCE(g.page_url, m.page_url) AS page_url, \
                    c.slug AS campaign, c.name AS campaign_name, c.sender_name, c.sender_email, c.reply_to, c.timezone, \
                    COALESCE(p.title, pl.statement) AS title, \
                    COALESCE(p.accent, pl.accent) AS accent, pl.id AS pledge_id, pl.body AS pledge_body, \
                    pl.starts_at, pl.ends_at, pl.place, \
                    cl.text AS claim_text, cl.public_id AS claim_public_id, cl.verdict, cl.explanation, \
                    r.id AS report_row, r.claim AS report_text, r.seen_on AS report_seen_on, r.link AS report_link, \
                    o.created_at, o.event_type, e.url AS endpoint_url, e.secret, e.previous_secret, e.previous_until, \
                    o.supporter_id, s.last_name, s.postal_code, s.country, s.contact_consent, \
                    COALESCE(g.created_at, m.created_at) AS action_at, COALESCE(g.source, m.source) AS source, \
                    (SELECT ref_code FROM supporters x WHERE x.id = COALESCE(g.referrer_id, m.referrer_id)) AS referrer, \
                    COALESCE(p.slug, pl.slug) AS slug, \
                    t.remote_id, k.key_sealed AS sync_key, k.tags AS sync_tags, k.enabled AS sync_enabled, \
                    o.next_step, s.rung, CASE WHEN o.kind IN ('webhook', 'sync') THEN \
                      (SELECT json_group_array(tag) FROM (SELECT tag FROM supporter_tags WHERE supporter_id = o.supporter_id ORDER BY tag)) END AS tags, \
                    rm.from_rung AS rung_from, rm.to_rung AS rung_to, rm.cause AS rung_cause, \
                    rm.at AS rung_at, o.detail, \
                    ps.endpoint AS push_endpoint, ps.p256dh AS push_p256dh, ps.auth AS push_auth, \
                    ca.id AS action_id, ca.title AS action_title, ca.body AS action_text, \
                    ca.translations AS action_translations \
             FROM outbox o JOIN campaigns c ON c.id = o.campaign_id \
             LEFT JOIN push_subscriptions ps ON o.kind = 'push' AND ps.id = o.push_id \
             LEFT JOIN campaign_actions ca ON o.kind = 'push' AND json_extract(o.detail, '$.kind') = 'action' \
               AND ca.id = json_extract(o.detail, '$.about') \
             LEFT JOIN rung_moves rm ON o.event_type = 'rung.changed' AND rm.request_id = o.action_request \
               AND rm.supporter_id = o.supporter_id \
             LEFT JOIN endpoints e ON e.id = o.endpoint_id \
             LEFT JOIN connector_targets t ON t.id = o.target_id \
             LEFT JOIN connectors k ON k.id = t.connector_id \
             LEFT JOIN supporters s ON s.id = o.supporter_id \
             LEFT JOIN reports r ON r.id = o.report_id {ACTION_JOINS} \
             LEFT JOIN claims cl ON cl.id = o.claim_id \
             WHERE o.id IN (SELECT value FROM json_each(?1)) AND o.status = 'sending' AND o.claimed_at = ?2"),
            &[text(&ids), num(now)],
        )?);
        b.run(self).await?.rows(rows)
    }

    /// Records what became of claimed messages, in one batch of at most three statements:
    /// sent (with the binding's message id), refused (waiting until its retry time, or
    /// `failed` after the last attempt), or dropped (with why).
    pub async fn settle(&self, outcomes: &[(f64, Outcome)], now: f64) -> AppResult<()> {
        let (mut sent, mut failed, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
        for (id, o) in outcomes {
            let id = *id as i64;
            match o {
                Outcome::Sent(message_id, log) => {
                    let (st, ms, r) = log_json(log.as_ref());
                    sent.push(serde_json::json!({ "id": id, "v": message_id, "st": st, "ms": ms, "r": r }))
                }
                Outcome::Failed(error, retry_at, max, log) => {
                    let (st, ms, r) = log_json(log.as_ref());
                    failed.push(
                        serde_json::json!({ "id": id, "v": error, "at": *retry_at as i64,
                        "max": max, "st": st, "ms": ms, "r": r }),
                    )
                }
                Outcome::Dropped(reason) => dropped.push(
                    serde_json::json!({ "id": id, "v": reason, "st": null, "ms": null, "r": null }),
                ),
                Outcome::Gone(log) => {
                    let (st, ms, r) = log_json(Some(log));
                    dropped.push(serde_json::json!({ "id": id, "v": format!("subscription gone (HTTP {})", log.status), "st": st, "ms": ms, "r": r }))
                }
                Outcome::Settled => {}
            }
        }
        // `?1` is a JSON array of `{ id, v, at }`; each row reads its own entry.
        const MINE: &str = "FROM json_each(?1) j WHERE json_extract(j.value, '$.id') = outbox.id";
        const ALL: &str = "id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))";
        // A delivery's answer, for its endpoint's log (NULL for messages).
        let log = format!(
            "last_status = (SELECT json_extract(j.value, '$.st') {MINE}), \
             latency_ms = (SELECT json_extract(j.value, '$.ms') {MINE}), \
             response = (SELECT json_extract(j.value, '$.r') {MINE})"
        );
        let mut b = Batch::new();
        if !sent.is_empty() {
            b.add(self.stmt(
                &format!(
                    "UPDATE outbox SET status = 'sent', sent_at = ?2, error = NULL, \
                       message_id = (SELECT json_extract(j.value, '$.v') {MINE}), {log} WHERE {ALL}"
                ),
                &[text(&serde_json::Value::Array(sent).to_string()), num(now)],
            )?);
        }
        if !failed.is_empty() {
            b.add(self.stmt(
                &format!(
                    "UPDATE outbox SET status = CASE WHEN attempts >= (SELECT json_extract(j.value, '$.max') {MINE}) \
                         THEN 'failed' ELSE 'pending' END, \
                       queued_at = NULL, due_at = (SELECT json_extract(j.value, '$.at') {MINE}), \
                       error = (SELECT json_extract(j.value, '$.v') {MINE}), {log} WHERE {ALL}"
                ),
                &[text(&serde_json::Value::Array(failed).to_string())],
            )?);
        }
        if !dropped.is_empty() {
            b.add(self.stmt(
                &format!(
                    "UPDATE outbox SET status = 'dropped', error = (SELECT json_extract(j.value, '$.v') {MINE}), \
                       {log} WHERE {ALL}"
                ),
                &[text(&serde_json::Value::Array(dropped).to_string())],
            )?);
        }
        // A push service that says a subscription is gone: the device is forgotten.
        let gone: Vec<f64> = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Gone(_)))
            .map(|(id, _)| *id)
            .collect();
        if !gone.is_empty() {
            b.add(self.stmt(
                "DELETE FROM push_subscriptions WHERE id IN (SELECT push_id FROM outbox \
                   WHERE id IN (SELECT value FROM json_each(?1)) AND kind = 'push')",
                &[text(&json_ids(&gone))],
            )?);
        }
        if !b.is_empty() {
            b.run(self).await?;
        }
        Ok(())
    }

    /// The cron's run: unconfirmed actions get their one reminder, messages past their moment
    /// are dropped, everything due and not in the queue (a retry, a reminder, a message whose
    /// request died before `send`, a queue message lost) is handed to it, and what grows
    /// forever is trimmed. One batch; the run is recorded for staff. The ids to hand to the
    /// queue. A message queued or claimed more than `stale_ms` ago and not sent was lost with
    /// the queue or the isolate: it is handed over again.
    pub async fn sweep(&self, now: f64, stale_ms: f64) -> AppResult<Vec<f64>> {
        let mut b = Batch::new();
        let reminders = b.read::<Id>(self.stmt(
            "INSERT INTO outbox (campaign_id, kind, supporter_id, action, action_request, lang, dedupe, due_at, created_at, \
                                 status, queued_at) \
             SELECT o.campaign_id, 'confirm_reminder', o.supporter_id, o.action, o.action_request, o.lang, \
                    'confirm_reminder:' || o.action_request, ?1, ?1, 'queued', ?1 \
             FROM outbox o \
             WHERE o.kind = 'confirm' AND o.status = 'sent' AND o.sent_at < ?1 - ?2 AND o.sent_at > ?1 - ?3 \
               AND ((o.action = 'sign' AND EXISTS (SELECT 1 FROM signatures g WHERE g.request_id = o.action_request AND g.confirmed = 0)) \
                 OR (o.action = 'pledge' AND EXISTS (SELECT 1 FROM commitments m WHERE m.request_id = o.action_request AND m.confirmed = 0))) \
             LIMIT 200 \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id",
            &[
                num(now),
                num(CONFIRM_REMINDER_AFTER_MS),
                num(CONFIRM_REMINDER_UNTIL_MS),
            ],
        )?);
        let expired = b.read::<Any>(self.stmt(
            "UPDATE outbox SET status = 'dropped', error = 'too late' \
             WHERE status IN ('pending', 'queued') AND due_at <= ?1 AND expires_at <= ?1 RETURNING id",
            &[num(now)],
        )?);
        let enqueue = b.read::<Id>(self.stmt(
            "UPDATE outbox SET status = 'queued', queued_at = ?1 WHERE id IN ( \
               SELECT id FROM outbox WHERE \
                 (status = 'pending' AND due_at <= ?1 AND (due_at > created_at OR queued_at IS NOT NULL OR attempts > 0 OR created_at < ?1 - ?2)) \
                 OR (status = 'queued' AND queued_at < ?1 - ?3) \
                 OR (status = 'sending' AND claimed_at < ?1 - ?4) \
               ORDER BY due_at LIMIT ?5) RETURNING id",
            &[
                num(now),
                num(FRESH_MS),
                num(stale_ms),
                num(stale_ms),
                num(SWEEP_LIMIT),
            ],
        )?);
        let keys = b.read::<Any>(self.stmt(
            "DELETE FROM idempotency_keys WHERE key IN \
               (SELECT key FROM idempotency_keys WHERE created_at < ?1 - ?2 LIMIT ?3) RETURNING 1",
            &[num(now), num(DAY_MS), num(HOUSEKEEPING_LIMIT)],
        )?);
        let sessions = b.read::<Any>(self.stmt(
            "DELETE FROM staff_sessions WHERE token_hash IN \
               (SELECT token_hash FROM staff_sessions WHERE expires_at < ?1 LIMIT ?2) RETURNING 1",
            &[num(now), num(HOUSEKEEPING_LIMIT)],
        )?);
        let links = b.read::<Any>(self.stmt(
            "DELETE FROM links WHERE token_hash IN \
               (SELECT token_hash FROM links WHERE expires_at < ?1 OR used_at < ?1 - ?2 LIMIT ?3) RETURNING 1",
            &[num(now), num(DAY_MS), num(HOUSEKEEPING_LIMIT)],
        )?);
        // Settled messages are kept for their retention, then pruned (issue 25: the outbox is
        // most of a signature's bytes). A message a link still points at stays until the link
        // is dropped above.
        b.add(self.stmt(
            "DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o \
               WHERE o.status IN ('sent', 'dropped', 'failed') AND COALESCE(o.sent_at, o.created_at) < ?1 - ?2 \
                 AND NOT EXISTS (SELECT 1 FROM links l WHERE l.outbox_id = o.id) LIMIT ?3)",
            &[num(now), num(OUTBOX_RETENTION_MS), num(HOUSEKEEPING_LIMIT)],
        )?);
        // A drain's staged rows (db/drain.rs) are kept only for its own re-evaluation.
        b.add(self.prune_drains_stmt(now - 3_600_000.0)?);
        let r = b.run(self).await?;
        // The reminders this run wrote go to the queue with everything else due.
        let reminders = r.rows(reminders)?;
        let n_reminders = reminders.len() as u64;
        let enqueue: Vec<f64> = reminders
            .into_iter()
            .chain(r.rows(enqueue)?)
            .map(|i| i.id)
            .collect();
        let counts = Sweep {
            at: now as u64,
            enqueued: enqueue.len() as u64,
            reminders: n_reminders,
            expired: r.rows(expired)?.len() as u64,
            keys_dropped: r.rows(keys)?.len() as u64,
            sessions_dropped: r.rows(sessions)?.len() as u64,
            links_dropped: r.rows(links)?.len() as u64,
        };
        self.stmt(
            "INSERT INTO sweeps (at, enqueued, reminders, expired, keys_dropped, sessions_dropped, links_dropped) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                num(now),
                num(counts.enqueued as f64),
                num(counts.reminders as f64),
                num(counts.expired as f64),
                num(counts.keys_dropped as f64),
                num(counts.sessions_dropped as f64),
                num(counts.links_dropped as f64),
            ],
        )?
        .run()
        .await?;
        Ok(enqueue)
    }

    /// The message and the person a link token (its SHA-256) leads to, if it exists.
    pub async fn link(&self, token_hash: &str) -> AppResult<Option<LinkTarget>> {
        self.first(
            &format!("SELECT l.purpose, l.expires_at, o.lang, o.campaign_id, \
                    c.name AS campaign_name, o.supporter_id, o.report_id, s.erased_at, o.action, o.action_request, \
                    COALESCE(g.id, m.id) AS action_exists, COALESCE(g.confirmed, m.confirmed) AS confirmed, \
                    COALESCE(p.title, pl.statement) AS title \
             FROM links l JOIN outbox o ON o.id = l.outbox_id JOIN campaigns c ON c.id = o.campaign_id \
             LEFT JOIN supporters s ON s.id = o.supporter_id {ACTION_JOINS} \
             WHERE l.token_hash = ?1"),
            &[text(token_hash)],
        )
        .await
    }

    /// Confirms the action a confirmation link is for, and spends the link (and the other
    /// confirmation links of the same action). Whether this call confirmed it.
    pub async fn confirm_action(&self, t: Target, request: &str, now: f64) -> AppResult<bool> {
        let mut b = Batch::new();
        let done = b.read::<Any>(self.stmt(
            &format!(
                "UPDATE {} SET confirmed = 1, confirmed_at = ?2 WHERE request_id = ?1 AND confirmed = 0 RETURNING id",
                t.rows
            ),
            &[text(request), num(now)],
        )?);
        b.add(self.spend_links_stmt(request, now)?);
        b.run(self).await?.any(done)
    }

    fn spend_links_stmt(&self, request: &str, now: f64) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "UPDATE links SET used_at = ?2 WHERE purpose = 'confirm' AND used_at IS NULL AND outbox_id IN \
               (SELECT id FROM outbox WHERE action_request = ?1)",
            &[text(request), num(now)],
        )
    }

    /// "It wasn't me": removes the action a confirmation link is for, its points and every
    /// aggregate it moved, and the messages still waiting about it. A supporter left with no
    /// signature or commitment is erased (no trace of the address stays). Whether this call
    /// removed it.
    pub async fn reject_action(
        &self,
        t: Target,
        (rid, campaign_id): (&str, u32),
        supporter_id: u32,
        (now, week): (f64, &str),
    ) -> AppResult<(bool, Vec<Written>)> {
        let mut b = Batch::new();
        for kind in ["recruit", t.kind] {
            b.extend(self.unaward_stmts(rid, kind)?);
        }
        b.extend([
            self.stmt(
                "UPDATE supporters SET recruits = recruits - 1 \
                 WHERE id = (SELECT supporter_id FROM actions WHERE request_id = ?1 AND kind = 'recruit')",
                &[text(rid)],
            )?,
            self.stmt(
                "UPDATE supporters SET recruit_credited = 0 \
                 WHERE id = (SELECT subject_id FROM actions WHERE request_id = ?1 AND kind = 'recruit')",
                &[text(rid)],
            )?,
            // The hub's cards the action (or its recruit) ticked.
            self.stmt(
                "UPDATE campaign_actions SET done = done - 1 \
                 WHERE id IN (SELECT action_id FROM action_done WHERE request_id = ?1)",
                &[text(rid)],
            )?,
            self.stmt("DELETE FROM action_done WHERE request_id = ?1", &[text(rid)])?,
            self.stmt(
                "DELETE FROM actions WHERE request_id = ?1 AND kind IN ('recruit', ?2)",
                &[text(rid), text(t.kind)],
            )?,
            self.stmt(
                &format!(
                    "UPDATE {parent} SET {count} = {count} - 1 WHERE id = (SELECT {fk} FROM {rows} WHERE request_id = ?1)",
                    parent = t.parent,
                    count = t.count,
                    fk = t.fk,
                    rows = t.rows
                ),
                &[text(rid)],
            )?,
            self.stmt(
                "UPDATE outbox SET status = 'dropped', error = 'it was not them' \
                 WHERE action_request = ?1 AND status IN ('pending', 'queued')",
                &[text(rid)],
            )?,
            self.spend_links_stmt(rid, now)?,
        ]);
        let gone = b.read::<Any>(self.stmt(
            &format!("DELETE FROM {} WHERE request_id = ?1 RETURNING id", t.rows),
            &[text(rid)],
        )?);
        b.add(self.stmt(
            "UPDATE supporters SET email = 'erased-' || id || '@erased.invalid', first_name = 'Erased', \
               last_name = '', postal_code = '', nickname = NULL, listed = 0, hidden = 1, contact_consent = 0, \
               token_version = token_version + 1, erased_at = ?2 \
             WHERE id = ?1 AND erased_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM signatures WHERE supporter_id = ?1) \
               AND NOT EXISTS (SELECT 1 FROM commitments WHERE supporter_id = ?1)",
            &[num(supporter_id), num(now)],
        )?);
        // The rung the action raised is lowered again in the same batch (and the referrer's,
        // whose recruit it was), like the points.
        let live = self.ladder(campaign_id).await?;
        let (who, eval_id) = (
            crate::db::ladder::Who::with_referrer(supporter_id),
            format!("undo:{rid}:{}", crate::http::request_id()?),
        );
        let at = crate::db::ladder::At {
            campaign_id,
            request_id: &eval_id,
            now,
            week,
            cause: crate::db::ladder::Cause::Undo,
        };
        let (r, hooks) = self.run_evaluated(b, &live, &who, &at).await?;
        Ok((r.any(gone)?, hooks))
    }

    /// One-click unsubscribe: the supporter's contact consent is withdrawn (and when), every
    /// message still waiting for them is dropped; for a reporter, every report of theirs in the
    /// campaign forgets the address. Spends nothing: the link keeps answering the same.
    pub async fn unsubscribe(
        &self,
        campaign_id: u32,
        supporter_id: Option<u32>,
        report_id: Option<u32>,
        now: f64,
    ) -> AppResult<Vec<Written>> {
        let mut b = Batch::new();
        let mut hooks = None;
        if let Some(s) = supporter_id {
            hooks = Some(b.read::<Written>(self.event_webhook_stmt(
                campaign_id,
                About::Supporter(s),
                "supporter.unsubscribed",
                &s.to_string(),
                now,
            )?));
            b.extend([
                self.stmt(
                    "UPDATE supporters SET contact_consent = 0, unsubscribed_at = COALESCE(unsubscribed_at, ?2) WHERE id = ?1",
                    &[num(s), num(now)],
                )?,
                self.stmt(
                    "UPDATE outbox SET status = 'dropped', error = 'unsubscribed' \
                     WHERE supporter_id = ?1 AND status IN ('pending', 'queued')",
                    &[num(s)],
                )?,
            ]);
        }
        if let Some(r) = report_id {
            b.extend([
                self.stmt(
                    "UPDATE outbox SET status = 'dropped', error = 'unsubscribed' \
                     WHERE status IN ('pending', 'queued') AND report_id IN (SELECT id FROM reports \
                       WHERE campaign_id = ?1 AND email = (SELECT email FROM reports WHERE id = ?2))",
                    &[num(campaign_id), num(r)],
                )?,
                self.stmt(
                    "UPDATE supporters SET contact_consent = 0, unsubscribed_at = COALESCE(unsubscribed_at, ?3) \
                     WHERE campaign_id = ?1 AND email = (SELECT email FROM reports WHERE id = ?2)",
                    &[num(campaign_id), num(r), num(now)],
                )?,
                self.stmt(
                    "UPDATE reports SET email = NULL WHERE campaign_id = ?1 AND email = \
                       (SELECT email FROM reports WHERE id = ?2)",
                    &[num(campaign_id), num(r)],
                )?,
            ]);
        }
        let r = b.run(self).await?;
        match hooks {
            Some(slot) => r.rows(slot),
            None => Ok(Vec::new()),
        }
    }

    /// The staff's view of campaign `campaign_id`'s messages: counts per UTC day and kind over
    /// the last 14 days, the latest failures, the cron's last runs.
    pub async fn messages(
        &self,
        campaign_id: u32,
        now: f64,
    ) -> AppResult<(Vec<MessageDay>, Vec<MessageFailure>, Vec<Sweep>)> {
        #[derive(Deserialize)]
        struct DayRow {
            day: f64,
            kind: String,
            queued: f64,
            sent: f64,
            failed: f64,
            dropped: f64,
        }
        let mut b = Batch::new();
        let days = b.read::<DayRow>(self.stmt(
            "SELECT CAST(created_at / 86400000 AS INTEGER) AS day, kind, \
                    SUM(status IN ('pending', 'queued', 'sending')) AS queued, SUM(status = 'sent') AS sent, \
                    SUM(status = 'failed') AS failed, SUM(status = 'dropped') AS dropped \
             FROM outbox WHERE campaign_id = ?1 AND created_at >= ?2 \
             GROUP BY day, kind ORDER BY day DESC, kind",
            &[num(campaign_id), num(now - 14.0 * DAY_MS)],
        )?);
        let failures = b.read::<MessageFailure>(self.stmt(
            "SELECT id, kind, created_at, attempts, COALESCE(error, '') AS error FROM outbox \
             WHERE campaign_id = ?1 AND status = 'failed' ORDER BY id DESC LIMIT 20",
            &[num(campaign_id)],
        )?);
        let sweeps = b.read::<Sweep>(self.stmt(
            "SELECT at, enqueued, reminders, expired, keys_dropped, sessions_dropped, links_dropped \
             FROM sweeps ORDER BY id DESC LIMIT 10",
            &[],
        )?);
        let r = b.run(self).await?;
        let days = r
            .rows(days)?
            .into_iter()
            .map(|d| MessageDay {
                day: crate::http::iso_date(d.day * DAY_MS),
                kind: d.kind,
                queued: d.queued as u64,
                sent: d.sent as u64,
                failed: d.failed as u64,
                dropped: d.dropped as u64,
            })
            .collect();
        Ok((days, r.rows(failures)?, r.rows(sweeps)?))
    }

    /// A failed message of the campaign waits again, its attempts reset; `false` if there is no
    /// such failed message.
    pub async fn resend(
        &self,
        campaign_id: u32,
        id: f64,
        audit: D1PreparedStatement,
        now: f64,
    ) -> AppResult<bool> {
        let mut b = Batch::new();
        let done = b.read::<Any>(self.stmt(
            "UPDATE outbox SET status = 'queued', queued_at = ?3, attempts = 0, due_at = ?3 \
             WHERE id = ?2 AND campaign_id = ?1 AND status = 'failed' RETURNING id",
            &[num(campaign_id), num(id), num(now)],
        )?);
        b.add(audit);
        b.run(self).await?.any(done)
    }
}
