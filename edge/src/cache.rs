//! KV as a read cache of public views (petitions, pledges): never a counter, never the truth.
//!
//! A snapshot is rewritten only by a request that won the claim in D1 (see
//! `Store::claim_snapshot_stmt`), so no key is written more than once a second whatever the load.
//! Readers trust a snapshot for [`FRESH_MS`]; after that they read D1 and try to refresh it.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use worker::kv::KvStore;

use crate::error::AppResult;

/// How long a snapshot answers reads before D1 is asked again.
pub const FRESH_MS: f64 = 3_000.0;

#[derive(Serialize, Deserialize)]
struct Snapshot<T> {
    written_ms: f64,
    view: T,
}

/// The KV key of a public view: `petition:v1:demo:save-the-park`, `pledge:v1:demo:vote`.
pub fn key(kind: &str, campaign: &str, slug: &str) -> String {
    format!("{kind}:v1:{campaign}:{slug}")
}

pub struct ViewCache {
    kv: KvStore,
    meter: crate::meter::Shared,
}

impl ViewCache {
    pub fn new(kv: KvStore, meter: crate::meter::Shared) -> Self {
        ViewCache { kv, meter }
    }

    /// The view cached under `key` if it is fresh enough to answer with.
    pub async fn fresh<T: DeserializeOwned>(&self, key: &str, now: f64) -> AppResult<Option<T>> {
        // A snapshot we cannot read (an older format, a KV hiccup) is a miss, not an error.
        self.meter.kv();
        let snap: Option<Snapshot<T>> = self.kv.get(key).json().await.unwrap_or_default();
        Ok(snap
            .filter(|s| now - s.written_ms < FRESH_MS)
            .map(|s| s.view))
    }

    /// The count of the view last snapshotted under `key`, however old (a petition's or a
    /// pledge's: both are `Presented` views, flattened, with a `count`); `None` without a
    /// readable one.
    pub async fn last_count(&self, key: &str) -> Option<u32> {
        #[derive(Deserialize)]
        struct Counted {
            count: u32,
        }
        self.meter.kv();
        let snap: Option<Snapshot<Counted>> = self.kv.get(key).json().await.ok().flatten();
        snap.map(|s| s.view.count)
    }

    /// Drops the snapshot under `key` (after a staff edit), so the next read goes to D1. A failed
    /// delete only means readers see the old view until it is no longer fresh.
    pub async fn drop_key(&self, key: &str) {
        self.meter.kv();
        let _ = self.kv.delete(key).await;
    }

    /// Rewrites the snapshot under `key`. Call only after winning the claim for this second.
    pub async fn store<T: Serialize>(&self, key: &str, view: &T, now: f64) -> AppResult<()> {
        let body = serde_json::to_string(&Snapshot {
            written_ms: now,
            view,
        })
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
        self.meter.kv();
        self.kv.put(key, body)?.execute().await?;
        Ok(())
    }
}
