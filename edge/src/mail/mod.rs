//! Follow-up messages, on Cloudflare's own parts:
//!
//! 1. an action writes its messages to the D1 outbox in its own batch (`db/outbox.rs`), and
//!    the request hands the ids of those due now to the `OUTBOX` queue ([`enqueue`]);
//! 2. the queue consumer ([`consume`]) claims each message in D1 (so a redelivery, a retry or
//!    a second cron run finds it taken or sent), renders it in the person's language
//!    ([`render`]) and sends it through the Email Service binding (`EMAIL`);
//! 3. the cron ([`sweep`], every minute) hands the queue what is due and not in it: reminders,
//!    retries after a backoff, messages whose request died before `send`; and trims what grows.
//!
//! Attempts, failures and reasons are kept in D1 (workers-rs 0.8.7 does not expose a queue
//! message's attempt count), where staff read them (`staff/messages.rs`).

pub mod action_network;
pub mod links;
pub mod pages;
pub mod push;
pub mod render;
pub mod webhook;
pub mod words;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use worker::{EmailAddress, Env, MessageBatch, SendEmailBuilder};

use crate::db::outbox::{NewLink, Outcome, Outgoing, Written, MAX_ATTEMPTS};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::now;

/// Confirmation links work this long.
const CONFIRM_LINK_MS: f64 = 14.0 * 86_400_000.0;
/// Unsubscribe links work this long (RFC 8058 asks for a long time).
const UNSUBSCRIBE_LINK_MS: f64 = 90.0 * 86_400_000.0;
/// A message's hub link signs in once within this long (a sign-in message's: one hour).
const HUB_LINK_MS: f64 = 7.0 * 86_400_000.0;

/// The edge's settings for messages, from its vars.
pub struct Config {
    /// `https://rally.example.org`: links in messages point here.
    pub public_url: String,
    /// The default sender address.
    pub mail_from: String,
    /// The first retry's wait; each next one is 4 times longer.
    pub retry_ms: f64,
    /// How long a message may stay handed to the queue or claimed for sending before it is
    /// taken as lost (with the queue, or with an isolate that died mid-send).
    pub stale_ms: f64,
    /// A webhook delivery's first retry wait; each next one is twice as long.
    pub webhook_retry_ms: f64,
    /// Attempts before a delivery is dead (12 at 30 s doubling: about 34 hours).
    pub webhook_attempts: u32,
    /// Action Network's API address ([`action_network::DEFAULT_URL`] unless set).
    pub action_network_url: String,
}

impl Config {
    pub fn from_env(env: &Env) -> Config {
        let var = |name: &str| env.var(name).map(|v| v.to_string()).ok();
        Config {
            public_url: var("PUBLIC_URL")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            mail_from: var("MAIL_FROM").unwrap_or_default(),
            retry_ms: var("MAIL_RETRY_MS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(300_000.0),
            stale_ms: var("MAIL_STALE_MS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(600_000.0),
            webhook_retry_ms: var("WEBHOOK_RETRY_MS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30_000.0),
            webhook_attempts: var("WEBHOOK_ATTEMPTS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(12),
            action_network_url: var("ACTION_NETWORK_URL")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| action_network::DEFAULT_URL.to_owned()),
        }
    }
}

thread_local! {
    /// Ids written by this request and due now, handed to the queue after the response.
    static DUE: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Notes the messages an action just wrote, those due now, for the queue. They are handed over
/// after the response (`lib.rs` takes them with [`take_due`]), so the visitor never waits for
/// the queue; if the isolate dies first, nothing is lost: the rows are in D1 and the sweep
/// hands them over after [`crate::db::outbox::FRESH_MS`].
pub fn enqueue(written: &[Written]) {
    let at = now();
    DUE.with(|d| {
        d.borrow_mut()
            .extend(written.iter().filter(|w| w.due_at <= at).map(|w| w.id))
    });
}

/// The ids noted by [`enqueue`] during this request, if any.
pub fn take_due() -> Option<Vec<f64>> {
    let ids = DUE.with(|d| std::mem::take(&mut *d.borrow_mut()));
    (!ids.is_empty()).then_some(ids)
}

/// Hands `ids` to the queue. A failure loses nothing (the sweep finds the rows), so it is
/// logged, not returned.
pub async fn hand_over(env: &Env, ids: Vec<f64>) {
    if let Err(e) = send_ids(env, &ids, &crate::meter::Meter::new()).await {
        worker::console_error!(
            "outbox: could not hand {} message(s) to the queue: {e}",
            ids.len()
        );
    }
}

/// Outbox ids one `OUTBOX` message carries. Its consumer takes 5 messages a batch
/// (`wrangler.toml`), so an invocation still sends at most 25 messages, while a drain's or a
/// sweep's hundreds of ids take five times fewer queue messages (a queue carries about 5,000
/// a second).
pub const IDS_PER_MESSAGE: usize = 5;

/// A queue and how many ids each of its messages carries.
struct Queue {
    binding: &'static str,
    ids_per_message: usize,
}

const OUTBOX: Queue = Queue {
    binding: "OUTBOX",
    ids_per_message: IDS_PER_MESSAGE,
};

/// The fan-outs' queue: one fan-out a message, one message an invocation.
const FANOUT_QUEUE: Queue = Queue {
    binding: "FANOUT",
    ids_per_message: 1,
};

async fn send_ids(env: &Env, ids: &[f64], meter: &crate::meter::Shared) -> worker::Result<()> {
    send_ids_to(env, &OUTBOX, ids, meter).await
}

async fn send_ids_to(
    env: &Env,
    q: &Queue,
    ids: &[f64],
    meter: &crate::meter::Shared,
) -> worker::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let queue = env.queue(q.binding)?;
    let messages: Vec<&[f64]> = ids.chunks(q.ids_per_message.max(1)).collect();
    // A queue batch holds at most 100 messages.
    for chunk in messages.chunks(100) {
        meter.fetch();
        queue
            .send_batch(chunk.iter().map(|ids| match ids {
                [one] => worker::MessageBuilder::new(Ids::One(*one)).build(),
                many => worker::MessageBuilder::new(Ids::Many(many.to_vec())).build(),
            }))
            .await?;
    }
    Ok(())
}

/// A queue message's body: one outbox id, or several.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub enum Ids {
    One(f64),
    Many(Vec<f64>),
}

/// The queue consumer: sends each message of the batch once. The whole batch is claimed in
/// one D1 round trip and settled in another, whatever its size, so sending costs D1 two
/// round trips a batch, not two a message. Acknowledged whatever the sends' outcomes (D1
/// keeps the attempts and the cron retries); only when D1 itself fails is the batch left to
/// the queue's own retries (then its dead-letter queue; D1 still has the rows, so the sweep
/// sends them later anyway).
pub async fn consume(batch: MessageBatch<serde_json::Value>, env: &Env) -> worker::Result<()> {
    let ids: Vec<f64> = batch
        .messages()?
        .iter()
        .filter_map(|m| serde_json::from_value::<Ids>(m.body().clone()).ok())
        .flat_map(|ids| match ids {
            Ids::One(id) => vec![id],
            Ids::Many(ids) => ids,
        })
        .collect();
    let meter = crate::meter::Meter::new();
    let delivered = deliver(env, &ids, &meter).await;
    if crate::meter::on(env) {
        crate::meter::record("queue", meter.counts());
    }
    match delivered {
        Ok(()) => batch.ack_all(),
        Err(e) => {
            worker::console_error!("outbox batch of {}: {e}", ids.len());
            batch.retry_all();
        }
    }
    Ok(())
}

/// The cron: one sweep, then its ids to the queue.
pub async fn sweep(env: &Env) -> AppResult<()> {
    let meter = crate::meter::Meter::new();
    let store = Store::open(env, &meter)?;
    let stale_ms = Config::from_env(env).stale_ms;
    let due = store.sweep(now(), stale_ms).await?;
    // Background exports: lost slices queued again, expired files deleted.
    if let Err(e) = crate::staff::export_jobs::sweep(env, &meter, stale_ms).await {
        worker::console_error!("cron: exports: {e:?}");
    }
    // The ladder: weekly re-evaluations (time windows), lost slices queued again.
    if let Err(e) = crate::staff::ladder::sweep(env, &meter, stale_ms).await {
        worker::console_error!("cron: ladder: {e:?}");
    }
    // Bulk jobs on a filter's people: lost slices queued again.
    if let Err(e) = crate::staff::roster::sweep(env, &meter, stale_ms).await {
        worker::console_error!("cron: bulk jobs: {e:?}");
    }
    let sent = send_ids(env, &due, &meter).await;
    if crate::meter::on(env) {
        crate::meter::record("cron", meter.counts());
    }
    sent.map_err(|e| AppError::Internal(format!("queue: {e}")))
}

/// Why a claimed message is not sent, if it should not be.
fn drop_reason(m: &Outgoing, at: f64) -> Option<&'static str> {
    if m.erased_at.is_some() {
        return Some("erased");
    }
    if m.email.is_none() {
        return Some("no address (erased or unsubscribed)");
    }
    // A sign-in link is sent because the person just asked for it.
    if m.unsubscribed_at.is_some() && m.kind != "signin" {
        return Some("unsubscribed");
    }
    if m.expires_at.is_some_and(|e| e <= at) {
        return Some("too late");
    }
    match m.kind.as_str() {
        "confirm" | "confirm_reminder" if m.action_row.is_none() => Some("action removed"),
        "confirm" | "confirm_reminder" if m.confirmed != Some(0.0) => Some("already confirmed"),
        "pledge_eve" | "pledge_morning" if m.action_row.is_none() => Some("action removed"),
        "pledge_eve" | "pledge_morning" if m.starts_at.is_none_or(|s| s <= at) => Some("too late"),
        "outcome" if m.verdict.is_none() => Some("claim not published"),
        _ => None,
    }
}

/// Claims, renders and sends messages `ids`; `Err` only when D1 fails.
async fn deliver(env: &Env, ids: &[f64], meter: &crate::meter::Shared) -> AppResult<()> {
    let store = Store::open(env, meter)?;
    let config = Config::from_env(env);
    let at = now();
    let secret = links::secret(env)?;
    let mut new_links = Vec::with_capacity(ids.len() * 2);
    for &id in ids {
        for (purpose, ttl) in [
            ("confirm", CONFIRM_LINK_MS),
            ("unsubscribe", UNSUBSCRIBE_LINK_MS),
            ("hub", HUB_LINK_MS),
        ] {
            new_links.push(NewLink {
                hash: links::hash(&links::token(&secret, purpose, id)?),
                purpose,
                outbox_id: id,
                expires_at: at + ttl,
            });
        }
    }
    let claimed = store
        .claim_messages(ids, &new_links, at, config.stale_ms)
        .await?;
    // A fan-out writes its next slice of pushes (one batch each) and settles itself; the
    // pushes it wrote, and the fan-out itself while subscribers are left, go to the queue.
    let fanouts: Vec<f64> = claimed
        .iter()
        .filter(|m| m.kind == "fanout")
        .map(|m| m.id)
        .collect();
    let mut next = Vec::new();
    let mut again = Vec::new();
    if !fanouts.is_empty() {
        let slice = store.fanout_slices(&fanouts, at).await?;
        next = slice.written;
        again = slice.again;
    }
    // The sends go out together; each one's outcome is settled with the others.
    // Each message is at most one subrequest: an email, a push, a webhook POST or an Action
    // Network call.
    for _ in claimed.iter().filter(|m| m.kind != "fanout") {
        meter.fetch();
    }
    let vapid = push::Vapid::from_env(env);
    let sends = claimed
        .iter()
        .map(|m| outcome(env, &config, (&secret, vapid.as_ref()), m, at));
    let outcomes = futures_util::future::join_all(sends).await;
    store.settle(&outcomes, now()).await?;
    // A fan-out's next slice goes through a queue of its own, so it is written while this
    // slice's pushes wait their turn in the outbox's.
    for (queue, ids) in [(&FANOUT_QUEUE, &again), (&OUTBOX, &next)] {
        if let Err(e) = send_ids_to(env, queue, ids, meter).await {
            // Nothing is lost: the rows are `queued` in D1 and the sweep hands them over again.
            worker::console_error!("outbox: fan-out: could not queue {} id(s): {e}", ids.len());
        }
    }
    Ok(())
}

/// Why a claimed push is not sent, if it should not be.
fn push_drop_reason(m: &Outgoing, at: f64) -> Option<&'static str> {
    if m.erased_at.is_some() {
        return Some("erased");
    }
    if m.expires_at.is_some_and(|e| e <= at) {
        return Some("too late");
    }
    let about: serde_json::Value = m
        .detail
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    match about["kind"].as_str().unwrap_or_default() {
        "reminder" if m.action_row.is_none() => Some("action removed"),
        "reminder" if m.starts_at.is_none_or(|s| s <= at) => Some("too late"),
        "rebuttal" if m.verdict.is_none() => Some("claim not published"),
        "action" if m.action_id.is_none() => Some("action removed"),
        _ => None,
    }
}

/// Sends one claimed message, or says why not.
async fn outcome(
    env: &Env,
    config: &Config,
    (secret, vapid): (&str, Option<&push::Vapid>),
    m: &Outgoing,
    at: f64,
) -> (f64, Outcome) {
    if m.kind == "fanout" {
        return (m.id, Outcome::Settled);
    }
    if m.kind == "push" {
        if let Some(reason) = push_drop_reason(m, at) {
            return (m.id, Outcome::Dropped(reason));
        }
        let Some(n) = render::notification(m, &config.public_url) else {
            return (m.id, Outcome::Dropped("nothing to say"));
        };
        let payload = serde_json::to_string(&n).unwrap_or_default();
        return (m.id, push::deliver(config, vapid, m, &payload).await);
    }
    if m.kind == "webhook" {
        return (m.id, webhook::deliver(config, m, at).await);
    }
    if m.kind == "sync" {
        let key = crate::auth::seal::secret(env)
            .ok()
            .zip(m.sync_key.as_deref())
            .and_then(|(secret, sealed)| crate::auth::seal::open(&secret, sealed));
        return (m.id, action_network::deliver(config, m, key).await);
    }
    if let Some(reason) = drop_reason(m, at) {
        return (m.id, Outcome::Dropped(reason));
    }
    let token = |purpose| links::token(secret, purpose, m.id).unwrap_or_default();
    let links = render::Links {
        confirm: format!("{}/m/{}", config.public_url, token("confirm")),
        unsubscribe: format!("{}/u/{}", config.public_url, token("unsubscribe")),
        public_url: config.public_url.clone(),
        hub: m
            .supporter_id
            .map(|_| format!("{}/h/{}", config.public_url, token("hub"))),
    };
    let Some(msg) = render::render(m, &links, at) else {
        return (m.id, Outcome::Dropped("nothing to say"));
    };
    let result = match send(env, config, m, &msg, &links).await {
        Ok(message_id) => Outcome::Sent(message_id, None),
        Err(reason) => {
            let wait =
                config.retry_ms * 4f64.powi(m.attempts.saturating_sub(1).min(MAX_ATTEMPTS) as i32);
            Outcome::Failed(reason, now() + wait, MAX_ATTEMPTS, None)
        }
    };
    (m.id, result)
}

/// One message through the Email Service binding: the binding's message id, or why it refused.
async fn send(
    env: &Env,
    config: &Config,
    m: &Outgoing,
    msg: &render::Message,
    links: &render::Links,
) -> Result<String, String> {
    let binding = env.send_email("EMAIL").map_err(|e| e.to_string())?;
    let name = if m.sender_name.is_empty() {
        &m.campaign_name
    } else {
        &m.sender_name
    };
    let address = if m.sender_email.is_empty() {
        &config.mail_from
    } else {
        &m.sender_email
    };
    let to = m.email.as_deref().unwrap_or_default();
    let mut builder = SendEmailBuilder::builder_with_email_address_and_str(
        &EmailAddress::new(name, address),
        to,
        &msg.subject,
    )
    .text(&msg.text)
    .html(&msg.html);
    if !m.reply_to.is_empty() {
        builder = builder.reply_to(&m.reply_to);
    }
    if let Some((name, ics)) = &msg.calendar {
        builder = builder.attachments(&[worker::EmailAttachment::new_attachment(
            name,
            "text/calendar",
            ics,
        )]);
    }
    let builder = builder.build();
    // One-click unsubscribe (RFC 8058): the address a mail client POSTs to.
    let headers = js_sys::Object::new();
    let set = |k: &str, v: &str| js_sys::Reflect::set(&headers, &k.into(), &v.into());
    set("List-Unsubscribe", &format!("<{}>", links.unsubscribe)).map_err(|_| "headers")?;
    set("List-Unsubscribe-Post", "List-Unsubscribe=One-Click").map_err(|_| "headers")?;
    js_sys::Reflect::set(builder.unchecked_ref(), &"headers".into(), &headers)
        .map_err(|_| "headers")?;
    match binding.send_with_builder(&builder).await {
        Ok(r) => Ok(r.message_id()),
        Err(e) => Err(e
            .as_string()
            .or_else(|| {
                js_sys::Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .unwrap_or_else(|| "the email binding refused the message".into())),
    }
}

/// When a pledge's two reminders are due, and until when each is worth sending: the evening
/// before is 24 hours before the start (at once, if the pledge is sooner), worth sending until
/// the morning one is due; the morning one at 7:00 in the campaign's time zone on the day, but
/// no earlier than 12 hours and no later than 1 hour before the start, worth sending until the
/// start.
pub fn reminder_times(starts_at: f64, timezone: &str) -> [(f64, f64); 2] {
    const HOUR: f64 = 3_600_000.0;
    let offset = crate::http::utc_offset_ms(starts_at, timezone);
    let local = starts_at + offset;
    let local_midnight = (local / (24.0 * HOUR)).floor() * 24.0 * HOUR;
    let seven = local_midnight + 7.0 * HOUR - offset;
    let morning = seven.max(starts_at - 12.0 * HOUR).min(starts_at - HOUR);
    [(starts_at - 24.0 * HOUR, morning), (morning, starts_at)]
}
