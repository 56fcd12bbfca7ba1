//! KV as a read cache of public petition views: never a counter, never the truth.
//!
//! A snapshot is rewritten only by a request that won the claim in D1 (see
//! `Store::claim_snapshot_stmt`), so no key is written more than once a second whatever the load.
//! Readers trust a snapshot for [`FRESH_MS`]; after that they read D1 and try to refresh it.

use rally_api::PetitionView;
use serde::{Deserialize, Serialize};
use worker::kv::KvStore;

use crate::error::AppResult;

/// How long a snapshot answers reads before D1 is asked again.
pub const FRESH_MS: f64 = 3_000.0;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    written_ms: f64,
    view: PetitionView,
}

fn key(campaign: &str, slug: &str) -> String {
    format!("petition:v1:{campaign}:{slug}")
}

pub struct ViewCache {
    kv: KvStore,
}

impl ViewCache {
    pub fn new(kv: KvStore) -> Self {
        ViewCache { kv }
    }

    /// The cached view if it is fresh enough to answer with.
    pub async fn fresh(
        &self,
        campaign: &str,
        slug: &str,
        now: f64,
    ) -> AppResult<Option<PetitionView>> {
        // A snapshot we cannot read (an older format, a KV hiccup) is a miss, not an error.
        let snap: Option<Snapshot> = self
            .kv
            .get(&key(campaign, slug))
            .json()
            .await
            .unwrap_or_default();
        Ok(snap
            .filter(|s| now - s.written_ms < FRESH_MS)
            .map(|s| s.view))
    }

    /// Rewrites the snapshot. Call only after winning the claim for this second.
    pub async fn store(&self, view: &PetitionView, now: f64) -> AppResult<()> {
        let snap = Snapshot {
            written_ms: now,
            view: view.clone(),
        };
        let body = serde_json::to_string(&snap)
            .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
        self.kv
            .put(&key(&view.campaign, &view.slug), body)?
            .execute()
            .await?;
        Ok(())
    }
}
