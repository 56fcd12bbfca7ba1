//! A viral petition's shards (issue 25). A petition or pledge with `shards = N > 0` takes its
//! actions in one of N SQLite-backed Durable Objects, chosen by a hash of (campaign, email) so a
//! person always lands in the same shard and is de-duplicated there. The shard stores the
//! action (insert-or-ignore on the email's hash) and answers once the write is durable (the
//! object's output gate holds the answer until then); the route writes nothing to D1.
//!
//! An alarm a second after the first undrained row (and the minute cron, for a lost alarm)
//! drains the rows to D1 in set-based batches (`db/drain.rs`), then marks them drained. A crash
//! between the D1 commit and the mark replays the drain, which D1's `shard_marks` turns into a
//! no-op. A drained row keeps its key (so the person stays de-duplicated) and drops its data.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{
    durable_object, wasm_bindgen, DurableObject, Env, Method, Request, RequestInit, Response,
    SqlStorage, State,
};

use crate::db::act::live_ladder;
use crate::db::drain::{DrainInput, DrainRow, Drained, MAX_ROWS};
use crate::db::ladder::{At, Cause, Who};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{now, week_of};
use crate::meter::Counts;

/// The Durable Object namespace binding.
pub const BINDING: &str = "SHARDS";
/// How long after an acknowledgement its drain starts: a second's actions go in one batch.
const DRAIN_DELAY_MS: f64 = 1_000.0;
/// The most drains one alarm runs before it re-arms (4,000 rows).
const DRAINS_PER_ALARM: usize = 8;

/// Direct actions a minute on one item past which an item left to the edge (`shards_auto`)
/// moves to shards, and how many (`RALLY_SHARD_AUTO_RATE`, `RALLY_SHARD_AUTO_N`): one D1
/// writer takes about 1,000 simple queries a second, and a direct action is about 55 of them.
pub fn auto(env: &Env) -> (u32, u32) {
    let var = |name: &str, default: u32| {
        env.var(name)
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(default)
    };
    (
        var("RALLY_SHARD_AUTO_RATE", 600),
        var("RALLY_SHARD_AUTO_N", 4),
    )
}

/// Which shard of `shards` takes `email`'s actions in `campaign_id`.
pub fn shard_of(campaign_id: u32, email: &str, shards: u32) -> u32 {
    let h = Sha256::digest(format!("{campaign_id}\0{email}").as_bytes());
    u32::from_be_bytes([h[0], h[1], h[2], h[3]]) % shards.max(1)
}

/// The key a shard de-duplicates on: the email's SHA-256.
pub fn key_of(email: &str) -> String {
    Sha256::digest(email.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The shard's item: `petition:12` (the mark's key in D1, and the object's name before `:N`).
pub fn item(kind: &str, id: u32) -> String {
    format!("{kind}:{id}")
}

/// An acknowledgement asked of a shard.
#[derive(Serialize, Deserialize)]
pub struct Ack {
    /// `petition` or `pledge`, the campaign's and the item's slugs (for the drain's metadata).
    pub kind: String,
    pub campaign: String,
    pub slug: String,
    pub item_id: u32,
    pub shard: u32,
    pub key: String,
    /// The request's idempotency key: a retry of the same request is answered as the first.
    pub idem: Option<String>,
    pub today: String,
    pub row: DrainRow,
}

/// A shard's answer to an acknowledgement.
#[derive(Serialize, Deserialize)]
pub struct Acked {
    /// True when this request (or an earlier one with its idempotency key) stored the row.
    pub fresh: bool,
    /// The request whose row the shard holds (an earlier one's, for a retry).
    pub request_id: String,
    /// Rows not yet drained, this one included.
    pub undrained: u32,
}

/// What a drain run did.
#[derive(Serialize, Deserialize, Default)]
pub struct DrainReport {
    /// Drain batches run, rows they staged (0 for a replay), signatures (commitments) written.
    pub batches: u32,
    pub staged: u32,
    pub written: u32,
    /// Rows still undrained.
    pub remaining: u32,
    /// D1's mark after the last batch: every row up to it is in D1.
    pub upto: f64,
    /// The largest D1 counts of one batch (for the query budget).
    pub meter: Counts,
}

fn stub(env: &Env, kind: &str, id: u32, shard: u32) -> worker::Result<worker::Stub> {
    env.durable_object(BINDING)?
        .id_from_name(&format!("{}:{shard}", item(kind, id)))?
        .get_stub()
}

async fn call<T: for<'de> Deserialize<'de>>(
    env: &Env,
    (kind, id, shard): (&str, u32, u32),
    path: &str,
    body: Option<String>,
) -> AppResult<T> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    if let Some(b) = body {
        init.with_body(Some(b.into()));
    }
    let req = Request::new_with_init(&format!("https://shard{path}"), &init)?;
    let mut resp = stub(env, kind, id, shard)?.fetch_with_request(req).await?;
    if resp.status_code() != 200 {
        let text = resp.text().await.unwrap_or_default();
        return Err(AppError::Internal(format!(
            "shard {kind}:{id}:{shard}{path}: {} {text}",
            resp.status_code()
        )));
    }
    resp.json::<T>()
        .await
        .map_err(|e| AppError::Internal(format!("shard answer: {e}")))
}

/// Hands an action to its shard and waits for it to be durable there.
pub async fn acknowledge(env: &Env, meter: &crate::meter::Shared, ack: &Ack) -> AppResult<Acked> {
    meter.fetch();
    let body = serde_json::to_string(ack).map_err(|e| AppError::Internal(e.to_string()))?;
    call(env, (&ack.kind, ack.item_id, ack.shard), "/act", Some(body)).await
}

/// How many rows shard `shard` holds above D1's mark `upto` (acknowledged, not yet in D1).
pub async fn above(env: &Env, kind: &str, id: u32, shard: u32, upto: f64) -> AppResult<u32> {
    #[derive(Deserialize)]
    struct N {
        n: u32,
    }
    let n: N = call(env, (kind, id, shard), &format!("/above?upto={upto}"), None).await?;
    Ok(n.n)
}

/// The count an item shows. Unsharded: D1's. Sharded: D1's plus what its shards hold above
/// their marks (`live.marks`, read with the count), asked of the shards only by the request that
/// won this second's snapshot claim, and never below the last snapshot's.
pub async fn shown(
    ctx: &crate::http::Ctx,
    cache: &crate::cache::ViewCache,
    key: &str,
    (kind, id, shards): (&str, u32, u32),
    live: &crate::db::act::LiveView,
) -> AppResult<u32> {
    if shards == 0 {
        return Ok(live.count);
    }
    let last = cache.last_count(key).await.unwrap_or(0);
    if !live.claimed {
        return Ok(last.max(live.count));
    }
    let mut total = live.count;
    for shard in 0..shards {
        let upto = live
            .marks
            .iter()
            .find(|m| m.shard == shard)
            .map_or(0.0, |m| m.upto);
        ctx.meter.fetch();
        total += above(&ctx.env, kind, id, shard, upto).await?;
    }
    Ok(total.max(last))
}

/// Drains shard `shard` now (the cron's backstop, staff, tests). `fail_after_commit` (honoured
/// only on edges with `RALLY_FAULTS=1`) makes the shard's next drain that commits (this one,
/// or with nothing to drain now, the alarm's after the next action) stop after its D1 commit,
/// before the rows are marked, as a crash there would.
pub async fn drain_now(
    env: &Env,
    kind: &str,
    id: u32,
    shard: u32,
    fail_after_commit: bool,
) -> AppResult<DrainReport> {
    let path = if fail_after_commit {
        "/drain?fail_after_commit=1"
    } else {
        "/drain"
    };
    call(env, (kind, id, shard), path, None).await
}

/// Removes a person's undrained action from every shard of an item (erasure), after any drain
/// in flight has finished (so what it carried is in D1, where the erasure finds it).
pub async fn forget(
    env: &Env,
    meter: &crate::meter::Shared,
    (kind, id, shards): (&str, u32, u32),
    email: &str,
) -> AppResult<()> {
    #[derive(Deserialize)]
    struct Done {}
    let body = serde_json::json!({ "key": key_of(email) }).to_string();
    for shard in 0..shards {
        meter.fetch();
        let _: Done = call(env, (kind, id, shard), "/forget", Some(body.clone())).await?;
    }
    Ok(())
}

/// The cron's backstop for lost alarms: drains every shard of every sharded item.
pub async fn sweep(env: &Env) -> AppResult<()> {
    let meter = crate::meter::Meter::new();
    let store = Store::open(env, &meter)?;
    for item in store.sharded_items().await? {
        for shard in 0..item.shards {
            meter.fetch();
            if let Err(e) = drain_now(env, &item.kind, item.id, shard, false).await {
                worker::console_error!("cron: shard {}:{}:{shard}: {e}", item.kind, item.id);
            }
        }
    }
    if crate::meter::on(env) {
        crate::meter::record("shard sweep", meter.counts());
    }
    Ok(())
}

/// One petition's or pledge's shard.
#[durable_object]
pub struct ActShard {
    state: State,
    env: Env,
    sql: SqlStorage,
    /// A drain is in flight (the object runs one at a time; `/forget` waits for it).
    busy: Cell<bool>,
    /// An alarm is set.
    armed: Cell<bool>,
    /// The next drain stops after its D1 commit (a fault asked for by a test).
    fault: Cell<bool>,
}

#[derive(Deserialize)]
struct Pending {
    seq: f64,
    today: String,
    row: String,
}

#[derive(Deserialize)]
struct Meta {
    kind: String,
    campaign: String,
    slug: String,
    item_id: u32,
    shard: u32,
}

#[derive(Deserialize)]
struct Count {
    n: u32,
}

/// Clears the in-flight flag however the drain ends.
struct Busy<'a>(&'a Cell<bool>);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl DurableObject for ActShard {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        for ddl in [
            "CREATE TABLE IF NOT EXISTS acts (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, \
               idem TEXT, request_id TEXT NOT NULL, today TEXT NOT NULL, row TEXT NOT NULL, drained INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX IF NOT EXISTS acts_undrained ON acts (seq) WHERE drained = 0",
            "CREATE TABLE IF NOT EXISTS meta (one INTEGER PRIMARY KEY CHECK (one = 1), kind TEXT NOT NULL, \
               campaign TEXT NOT NULL, slug TEXT NOT NULL, item_id INTEGER NOT NULL, shard INTEGER NOT NULL)",
        ] {
            if let Err(e) = sql.exec(ddl, None) {
                worker::console_error!("shard schema: {e}");
            }
        }
        ActShard {
            state,
            env,
            sql,
            busy: Cell::new(false),
            armed: Cell::new(false),
            fault: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let url = req.url()?;
        let answer = match url.path() {
            "/act" => {
                let ack: Ack = req.json().await?;
                self.act(ack).await.and_then(|a| json(&a))
            }
            "/above" => {
                let upto = url
                    .query_pairs()
                    .find(|(k, _)| k == "upto")
                    .and_then(|(_, v)| v.parse::<f64>().ok())
                    .unwrap_or(0.0);
                self.count("SELECT COUNT(*) AS n FROM acts WHERE seq > ?", upto)
                    .and_then(|n| json(&serde_json::json!({ "n": n })))
            }
            "/drain" => {
                let faults = self
                    .env
                    .var("RALLY_FAULTS")
                    .is_ok_and(|v| v.to_string() == "1");
                if faults
                    && url
                        .query_pairs()
                        .any(|(k, v)| k == "fail_after_commit" && v == "1")
                {
                    self.fault.set(true);
                }
                self.drain().await.and_then(|r| json(&r))
            }
            "/forget" => {
                #[derive(Deserialize)]
                struct F {
                    key: String,
                }
                let f: F = req.json().await?;
                self.forget(&f.key)
                    .await
                    .and_then(|_| json(&serde_json::json!({})))
            }
            _ => return Response::error("no such shard route", 404),
        };
        match answer {
            Ok(r) => Ok(r),
            Err(e) => Response::error(format!("{e}"), 500),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        self.armed.set(false);
        // An error leaves the rows undrained: the runtime retries the alarm, and the cron kicks
        // the shard every minute whatever happens.
        match self.drain().await {
            Ok(r) if r.remaining > 0 => self.arm(0.0).await?,
            Ok(_) => {}
            Err(e) => {
                worker::console_error!("shard drain: {e}");
                return Err(worker::Error::RustError(e.to_string()));
            }
        }
        Response::ok("drained")
    }
}

fn json<T: Serialize>(v: &T) -> AppResult<Response> {
    Ok(Response::from_json(v)?)
}

impl ActShard {
    fn count(&self, sql: &str, arg: f64) -> AppResult<u32> {
        let rows: Vec<Count> = self.sql.exec(sql, vec![arg.into()])?.to_array()?;
        Ok(rows.first().map_or(0, |c| c.n))
    }

    async fn arm(&self, after_ms: f64) -> worker::Result<()> {
        if !self.armed.get() {
            self.state.storage().set_alarm(after_ms as i64).await?;
            self.armed.set(true);
        }
        Ok(())
    }

    async fn act(&self, ack: Ack) -> AppResult<Acked> {
        self.sql.exec(
            "INSERT INTO meta (one, kind, campaign, slug, item_id, shard) VALUES (1, ?, ?, ?, ?, ?) \
             ON CONFLICT (one) DO NOTHING",
            vec![
                ack.kind.as_str().into(),
                ack.campaign.as_str().into(),
                ack.slug.as_str().into(),
                i64::from(ack.item_id).into(),
                i64::from(ack.shard).into(),
            ],
        )?;
        let row = crate::db::drain::row_json(&ack.row)?;
        #[derive(Deserialize)]
        struct Stored {
            request_id: String,
            idem: Option<String>,
            inserted: u32,
        }
        let inserted: Vec<Count> = self
            .sql
            .exec(
                "INSERT INTO acts (key, idem, request_id, today, row) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (key) DO NOTHING RETURNING 1 AS n",
                vec![
                    ack.key.as_str().into(),
                    ack.idem
                        .clone()
                        .map_or(worker::SqlStorageValue::Null, Into::into),
                    ack.row.request_id.as_str().into(),
                    ack.today.as_str().into(),
                    row.into(),
                ],
            )?
            .to_array()?;
        let stored: Vec<Stored> = self
            .sql
            .exec(
                "SELECT request_id, idem, ? AS inserted FROM acts WHERE key = ?",
                vec![
                    i64::from(inserted.len() as u32).into(),
                    ack.key.as_str().into(),
                ],
            )?
            .to_array()?;
        let stored = stored
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("shard row missing after its insert".into()))?;
        let fresh = stored.inserted > 0 || (ack.idem.is_some() && stored.idem == ack.idem);
        if stored.inserted > 0 {
            self.arm(DRAIN_DELAY_MS).await?;
        }
        Ok(Acked {
            fresh,
            request_id: stored.request_id,
            undrained: self.count(
                "SELECT COUNT(*) AS n FROM acts WHERE drained = 0 AND seq > ?",
                0.0,
            )?,
        })
    }

    async fn forget(&self, key: &str) -> AppResult<()> {
        for _ in 0..200 {
            if !self.busy.get() {
                break;
            }
            worker::Delay::from(std::time::Duration::from_millis(50)).await;
        }
        if self.busy.get() {
            return Err(AppError::Internal("a drain is still running".into()));
        }
        self.sql
            .exec("DELETE FROM acts WHERE key = ?", vec![key.into()])?;
        Ok(())
    }

    /// Drains up to [`DRAINS_PER_ALARM`] batches.
    async fn drain(&self) -> AppResult<DrainReport> {
        let mut report = DrainReport::default();
        if self.busy.get() {
            report.remaining = self.undrained()?;
            return Ok(report);
        }
        self.busy.set(true);
        let _busy = Busy(&self.busy);
        let metas: Vec<Meta> = self
            .sql
            .exec(
                "SELECT kind, campaign, slug, item_id, shard FROM meta",
                None,
            )?
            .to_array()?;
        let Some(meta) = metas.into_iter().next() else {
            return Ok(report);
        };
        for _ in 0..DRAINS_PER_ALARM {
            let pending: Vec<Pending> = self
                .sql
                .exec(
                    "SELECT seq, today, row FROM acts WHERE drained = 0 ORDER BY seq LIMIT ?",
                    vec![(MAX_ROWS as i64).into()],
                )?
                .to_array()?;
            let Some(first) = pending.first() else {
                break;
            };
            // One date a drain: the hub's cards are matched by the campaign's date.
            let today = first.today.clone();
            let batch: Vec<&Pending> = pending.iter().take_while(|p| p.today == today).collect();
            let last = batch.last().map_or(0.0, |p| p.seq);
            let rows = format!(
                "[{}]",
                batch
                    .iter()
                    .map(|p| format!("{{\"seq\":{},\"r\":{}}}", p.seq, p.row))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let meter = crate::meter::Meter::new();
            let drained = drain_rows(&self.env, &meter, &meta, &rows, &today).await?;
            report.batches += 1;
            report.staged += drained.staged;
            report.written += drained.written;
            report.upto = drained.upto;
            report.meter = report.meter.max(meter.counts());
            if crate::meter::on(&self.env) {
                crate::meter::record("drain", meter.counts());
            }
            if self.fault.replace(false) {
                return Err(AppError::Internal(
                    "fault injected: the drain stopped after its D1 commit".into(),
                ));
            }
            self.sql.exec(
                "UPDATE acts SET drained = 1, row = '' WHERE drained = 0 AND seq <= ?",
                vec![last.into()],
            )?;
            let due: Vec<f64> = drained
                .messages
                .iter()
                .filter(|w| w.due_at <= now())
                .map(|w| w.id)
                .collect();
            crate::mail::hand_over(&self.env, due).await;
        }
        report.remaining = self.undrained()?;
        Ok(report)
    }

    fn undrained(&self) -> AppResult<u32> {
        self.count(
            "SELECT COUNT(*) AS n FROM acts WHERE drained = 0 AND seq > ?",
            0.0,
        )
    }
}

/// One drain batch of `rows` for the item `meta` names, and the ladder's second evaluation if
/// an edit raced it.
async fn drain_rows(
    env: &Env,
    meter: &crate::meter::Shared,
    meta: &Meta,
    rows: &str,
    today: &str,
) -> AppResult<Drained> {
    let store = Store::open(env, meter)?;
    let at = now();
    let (subject, timezone, ladder, reminders) = if meta.kind == "pledge" {
        let m = store
            .pledge_meta(&meta.campaign, &meta.slug)
            .await?
            .ok_or_else(|| AppError::not_found("pledge"))?;
        let reminders = m
            .starts_at
            .map(|s| crate::mail::reminder_times(s, &m.timezone));
        let ladder = live_ladder(&m.ladder, m.ladder_version, &m.first_pledge);
        (m.subject(), m.timezone, ladder, reminders)
    } else {
        let m = store
            .petition_meta(&meta.campaign, &meta.slug, at)
            .await?
            .ok_or_else(|| AppError::not_found("petition"))?;
        let ladder = live_ladder(&m.ladder, m.ladder_version, &m.first_pledge);
        (m.subject(), m.timezone, ladder, None)
    };
    if subject.id != meta.item_id {
        return Err(AppError::Internal(format!(
            "shard of {}:{} finds {} {} under its slug",
            meta.kind, meta.item_id, meta.kind, subject.id
        )));
    }
    let week = week_of(at, &timezone);
    let drain = crate::http::request_id()?;
    let item = item(&meta.kind, subject.id);
    let label = format!("{}:{}", meta.kind, meta.slug);
    let mut drained = store
        .drain(&DrainInput {
            subject,
            item: &item,
            shard: meta.shard,
            label: &label,
            drain: &drain,
            rows,
            today,
            week: &week,
            reminders,
            ladder: &ladder,
            now: at,
        })
        .await?;
    if !drained.ladder_held {
        let again = At {
            campaign_id: subject.campaign_id,
            request_id: &format!("{drain}:again"),
            now: at,
            week: &week,
            cause: Cause::Action,
        };
        let (hooks, _) = store
            .evaluate(&Who::drained(subject.campaign_id, &drain), &again)
            .await?;
        drained.messages.extend(hooks);
    }
    Ok(drained)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_always_lands_in_the_same_shard_and_shards_share_the_load() {
        let mut seen = [0u32; 16];
        for i in 0..1600 {
            let email = format!("person{i}@example.org");
            let s = shard_of(7, &email, 16);
            assert_eq!(s, shard_of(7, &email, 16), "stable");
            seen[s as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 60 && n < 140), "{seen:?}");
        assert_eq!(shard_of(7, "a@example.org", 1), 0);
        assert_eq!(shard_of(7, "a@example.org", 0), 0, "no shards is one");
        assert_eq!(key_of("a@example.org").len(), 64);
        assert_ne!(key_of("a@example.org"), key_of("b@example.org"));
    }
}
