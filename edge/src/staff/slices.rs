//! The consumer shared by the background jobs that run one bounded slice a queue message
//! (large exports, the ladder's re-evaluations): each message's slice is run with a meter of
//! its own, recorded under the job's label, acked when done, retried by the queue when it
//! failed; a message that is not a slice is logged and dropped.

use serde::de::DeserializeOwned;
use worker::{Env, MessageBatch, MessageExt};

use crate::error::AppResult;
use crate::meter::Shared;

/// One slice of a background job, as its queue's messages carry it.
pub trait Slice: DeserializeOwned + Copy + std::fmt::Debug {
    /// The meter's label for a slice (`tests/query-budget.json`).
    const LABEL: &'static str;
    /// Does the slice (nothing, if another delivery did it first).
    async fn run(self, env: &Env, meter: &Shared) -> AppResult<()>;
}

/// A queue batch of slices `S`, one after the other.
pub async fn consume<S: Slice>(
    batch: MessageBatch<serde_json::Value>,
    env: &Env,
) -> worker::Result<()> {
    for m in batch.messages()? {
        let Ok(s) = serde_json::from_value::<S>(m.body().clone()) else {
            worker::console_error!("{}: a message that is not a slice: {}", S::LABEL, m.body());
            m.ack();
            continue;
        };
        let meter = crate::meter::Meter::new();
        let result = s.run(env, &meter).await;
        if crate::meter::on(env) {
            crate::meter::record(S::LABEL, meter.counts());
        }
        match result {
            Ok(()) => m.ack(),
            Err(e) => {
                worker::console_error!("{} {s:?}: {e:?}", S::LABEL);
                m.retry();
            }
        }
    }
    Ok(())
}
