//! Web Push in D1: each device's subscription (per supporter, with the kinds it wants), the
//! outbox rows that carry notifications (`push`: one device; `fanout`: every subscriber of a
//! campaign, written out a slice per queue message), and notification clicks.
//!
//! A push is written in the same batch as what causes it: [`Store::fanout_stmt`] when staff
//! publish an action or a rebuttal, [`Store::person_push_stmt`] for a nudge and a pledge's
//! reminders. The fan-out walks the campaign's subscriptions in id order ([`Store::fanout_slices`],
//! [`FANOUT_SLICE`] at a time, one D1 batch), so any number of subscribers costs each queue
//! invocation the same.

use rally_api::push::{PushKind, ValidSubscription};
use serde::Deserialize;
use worker::D1PreparedStatement;

use crate::db::outbox::Written;
use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// Subscriptions one fan-out slice writes pushes for (one statement; five queue sends).
pub const FANOUT_SLICE: u32 = 500;
/// Fan-outs sliced in one queue invocation; more in the same batch wait for the next one.
pub const FANOUTS_AT_ONCE: usize = 2;
/// A notification is worth sending this long after it was written (push services keep it a
/// day more for a device that is off).
pub const PUSH_EXPIRES_MS: f64 = 2.0 * 86_400_000.0;

/// The columns every `push` row is written with (the caller's `SELECT` gives them in order).
pub const PUSH_COLUMNS: &str = "campaign_id, kind, supporter_id, push_id, claim_id, lang, dedupe, \
                                due_at, expires_at, created_at, detail";

/// A slice's result: the pushes written, and the fan-outs to queue again (those with
/// subscribers left, and those this invocation did not get to).
pub struct Slice {
    pub written: Vec<f64>,
    pub again: Vec<f64>,
}

#[derive(Deserialize)]
struct Status {
    status: String,
}

/// Where a notification's click goes: the campaign and what it was about.
#[derive(Deserialize)]
pub struct Clicked {
    pub detail: Option<String>,
    pub claim_public_id: Option<String>,
}

impl Store {
    /// Stores (or moves to this person, with these kinds) a device's subscription.
    pub async fn subscribe(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        s: &ValidSubscription,
        lang: &str,
        now: f64,
    ) -> AppResult<()> {
        self.stmt(
            "INSERT INTO push_subscriptions (campaign_id, supporter_id, endpoint, p256dh, auth, types, lang, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) \
             ON CONFLICT (endpoint) DO UPDATE SET campaign_id = ?1, supporter_id = ?2, p256dh = ?4, auth = ?5, \
               types = ?6, lang = ?7, updated_at = ?8",
            &[
                num(campaign_id),
                num(supporter_id),
                text(&s.endpoint),
                text(&s.p256dh),
                text(&s.auth),
                num(s.types),
                text(lang),
                num(now),
            ],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Forgets a device's subscription (the person turned notifications off there).
    pub async fn unsubscribe_device(&self, supporter_id: u32, endpoint: &str) -> AppResult<()> {
        self.stmt(
            "DELETE FROM push_subscriptions WHERE supporter_id = ?1 AND endpoint = ?2",
            &[num(supporter_id), text(endpoint.trim())],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Sets the kinds every device of the person wants.
    pub async fn set_push_types(&self, supporter_id: u32, types: u32, now: f64) -> AppResult<()> {
        self.stmt(
            "UPDATE push_subscriptions SET types = ?2, updated_at = ?3 WHERE supporter_id = ?1",
            &[num(supporter_id), num(types), num(now)],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// The kinds of each of the person's devices (for the hub's checkboxes), as a statement of
    /// the hub's own batch.
    pub fn push_types_stmt(&self, supporter_id: u32) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "SELECT types FROM push_subscriptions WHERE supporter_id = ?1",
            &[num(supporter_id)],
        )
    }

    /// A notification to every subscriber of the campaign who wants `kind`, about claim
    /// `claim_id`, once, due at `due_at`. Part of the batch of what causes it.
    pub fn fanout_stmt(
        &self,
        campaign_id: u32,
        kind: PushKind,
        claim_id: u32,
        due_at: f64,
        now: f64,
    ) -> AppResult<D1PreparedStatement> {
        self.stmt(
            &fanout_insert(kind, ("?2", "?2"), ("?3", "?4"), ""),
            &[
                num(campaign_id),
                num(claim_id),
                num(due_at.max(now)),
                num(now),
            ],
        )
    }

    /// Pushes of `kind` to each device of person `supporter_id` that wants it, once per
    /// device (`key`), when `guard` (SQL over `ps`, the subscription, and the bound `?1`..`?8`)
    /// holds. Part of the batch of what causes them.
    #[allow(clippy::too_many_arguments)]
    pub fn person_push_stmt(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        kind: PushKind,
        key: &str,
        detail: &serde_json::Value,
        (due_at, expires_at, now): (f64, f64, f64),
        guard: &str,
    ) -> AppResult<D1PreparedStatement> {
        self.stmt(
            &format!(
                "INSERT INTO outbox ({PUSH_COLUMNS}) \
                 SELECT ?1, 'push', ps.supporter_id, ps.id, NULL, ps.lang, 'push:' || ?3 || ':' || ps.id, ?4, ?5, ?6, ?7 \
                 FROM push_subscriptions ps \
                 WHERE ps.campaign_id = ?1 AND ps.supporter_id = ?2 AND (ps.types & ?8) != 0 AND ({guard}) \
                 ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
            ),
            &[
                num(campaign_id),
                num(supporter_id),
                text(key),
                num(due_at),
                num(expires_at),
                num(now),
                text(&detail.to_string()),
                num(kind.bit()),
            ],
        )
    }

    /// One slice of each of the first [`FANOUTS_AT_ONCE`] fan-outs `ids` (claimed for sending
    /// at `now`): pushes for the next [`FANOUT_SLICE`] subscriptions that want its kind, and
    /// the fan-out moved on (`queued` again for the next slice, or `sent` when none are left);
    /// the other fan-outs are handed back, untouched. One batch of three statements a
    /// fan-out, whatever the number of subscribers; a slice run twice writes nothing twice
    /// (each push's `dedupe` names the fan-out and the device).
    pub async fn fanout_slices(&self, ids: &[f64], now: f64) -> AppResult<Slice> {
        const MINE: &str = "o.id = ?1 AND o.status = 'sending' AND o.claimed_at = ?2";
        // The kind's bit, as `fanout_insert` wrote it.
        let bit = "json_extract(o.detail, '$.bit')";
        let (now_ids, later) = ids.split_at(ids.len().min(FANOUTS_AT_ONCE));
        let mut b = Batch::new();
        let mut slots = Vec::new();
        for &id in now_ids {
            b.add(self.stmt(
                &format!(
                    "UPDATE outbox AS o SET detail = json_set(o.detail, '$.upto', \
                       (SELECT MAX(id) FROM (SELECT ps.id FROM push_subscriptions ps \
                         WHERE ps.campaign_id = o.campaign_id AND ps.id > json_extract(o.detail, '$.from') \
                           AND (ps.types & {bit}) != 0 ORDER BY ps.id LIMIT ?3))) \
                     WHERE {MINE}"
                ),
                &[num(id), num(now), num(FANOUT_SLICE)],
            )?);
            let written = b.read::<Written>(self.stmt(
                &format!(
                    "INSERT INTO outbox ({PUSH_COLUMNS}, status, queued_at) \
                     SELECT o.campaign_id, 'push', ps.supporter_id, ps.id, o.claim_id, ps.lang, \
                            'push:' || o.id || ':' || ps.id, ?2, ?2 + ?3, ?2, \
                            json_remove(o.detail, '$.from', '$.upto'), 'queued', ?2 \
                     FROM outbox o JOIN push_subscriptions ps ON ps.campaign_id = o.campaign_id \
                       AND ps.id > json_extract(o.detail, '$.from') AND ps.id <= json_extract(o.detail, '$.upto') \
                       AND (ps.types & {bit}) != 0 \
                     WHERE {MINE} \
                     ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at"
                ),
                &[num(id), num(now), num(PUSH_EXPIRES_MS)],
            )?);
            let status = b.read::<Status>(self.stmt(
                "UPDATE outbox AS o SET \
                   status = CASE WHEN json_extract(o.detail, '$.upto') IS NULL THEN 'sent' ELSE 'queued' END, \
                   sent_at = CASE WHEN json_extract(o.detail, '$.upto') IS NULL THEN ?2 END, \
                   queued_at = ?2, attempts = 0, error = NULL, \
                   message_id = CASE WHEN json_extract(o.detail, '$.upto') IS NULL THEN 'fan-out done' END, \
                   detail = json_remove(json_set(o.detail, '$.from', \
                     COALESCE(json_extract(o.detail, '$.upto'), json_extract(o.detail, '$.from'))), '$.upto') \
                 WHERE o.id = ?1 AND o.status = 'sending' AND o.claimed_at = ?2 RETURNING status",
                &[num(id), num(now)],
            )?);
            slots.push((id, written, status));
        }
        if !later.is_empty() {
            let ids = crate::db::outbox::json_ids(later);
            b.add(self.stmt(
                "UPDATE outbox SET status = 'queued', queued_at = ?2, attempts = attempts - 1 \
                 WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'sending' AND claimed_at = ?2",
                &[text(&ids), num(now)],
            )?);
        }
        let r = b.run(self).await?;
        let mut out = Slice {
            written: Vec::new(),
            again: later.to_vec(),
        };
        for (id, written, status) in slots {
            out.written
                .extend(r.rows(written)?.into_iter().map(|w| w.id));
            if r.rows(status)?
                .first()
                .is_some_and(|s| s.status == "queued")
            {
                out.again.push(id);
            }
        }
        Ok(out)
    }

    /// Counts a click on notification `id` (once) and says what it was about; `None` when it
    /// is not one of the campaign's notifications.
    pub async fn push_click(
        &self,
        campaign_id: u32,
        id: u32,
        now: f64,
    ) -> AppResult<Option<Clicked>> {
        let mut b = Batch::new();
        b.add(self.stmt(
            "INSERT INTO push_clicks (outbox_id, campaign_id, at) \
             SELECT id, campaign_id, ?3 FROM outbox WHERE id = ?2 AND campaign_id = ?1 AND kind = 'push' \
             ON CONFLICT (outbox_id) DO NOTHING",
            &[num(campaign_id), num(id), num(now)],
        )?);
        let about = b.read::<Clicked>(self.stmt(
            "SELECT o.detail, cl.public_id AS claim_public_id FROM outbox o \
             LEFT JOIN claims cl ON cl.id = o.claim_id \
             WHERE o.id = ?2 AND o.campaign_id = ?1 AND o.kind = 'push'",
            &[num(campaign_id), num(id)],
        )?);
        b.run(self).await?.first(about)
    }

    /// What erasure removes of a person's notifications: their devices.
    pub fn forget_push_stmt(&self, supporter_id: u32) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "DELETE FROM push_subscriptions WHERE supporter_id = ?1",
            &[num(supporter_id)],
        )
    }
}

/// The `INSERT` of a fan-out row of `kind` about `about` (an SQL expression: an action's or a
/// claim's id) with claim `claim` (SQL), due at `due` and written at `now` (placeholders),
/// selecting from `rest` (the statement's `FROM` and `WHERE`, if any); `?1` is the campaign.
/// Its detail carries the kind's bit, which the slices test subscriptions with.
pub fn fanout_insert(
    kind: PushKind,
    (about, claim): (&str, &str),
    (due, now): (&str, &str),
    rest: &str,
) -> String {
    format!(
        "INSERT INTO outbox (campaign_id, kind, claim_id, lang, dedupe, due_at, created_at, detail) \
         SELECT ?1, 'fanout', {claim}, 'en', 'fanout:{k}:' || ({about}), {due}, {now}, \
                json_object('kind', '{k}', 'bit', {bit}, 'about', {about}, 'from', 0) {rest} \
         ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
        k = kind.as_str(),
        bit = kind.bit(),
    )
}

/// The kinds a person's devices want together (each device's bits OR-ed), from the rows of
/// [`Store::push_types_stmt`]; `None` with no device.
pub fn types_of_devices(rows: &[u32]) -> Option<u32> {
    (!rows.is_empty()).then(|| rows.iter().fold(0, |a, t| a | t))
}

/// Each `types` row of [`Store::push_types_stmt`].
#[derive(Deserialize)]
pub struct DeviceTypes {
    pub types: u32,
}
