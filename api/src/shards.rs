//! A viral petition's shards (issue 25), as staff set them and see them.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// The most shards one item takes (each a Durable Object of about 1,000 requests a second).
pub const MAX_SHARDS: u32 = 64;

/// `PUT /api/v1/campaigns/:campaign/staff/shards/:kind/:slug`: how many shards take the item's
/// actions (0: the direct path, one D1 batch an action) and whether the edge may raise it from
/// the recent rate.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardSetting {
    pub shards: u32,
    #[serde(default = "yes")]
    pub auto: bool,
}

fn yes() -> bool {
    true
}

impl ShardSetting {
    /// Checks the count against the limit and the item's current count: shards are only
    /// raised (an undrained row in a shard that no longer takes actions would wait for the
    /// cron alone; lowering is not worth that).
    pub fn validate(&self, current: u32) -> Result<(), Vec<FieldError>> {
        if self.shards > MAX_SHARDS || self.shards < current {
            return Err(vec![FieldError {
                field: "shards",
                code: ErrorCode::InvalidValue,
            }]);
        }
        Ok(())
    }
}

/// What a drain run did (`POST .../staff/shards/:kind/:slug/drain`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DrainView {
    /// Batches run, rows staged (0 for a replay), signatures (commitments) written.
    pub batches: u32,
    pub staged: u32,
    pub written: u32,
    /// Rows still undrained, over all shards.
    pub remaining: u32,
    /// The largest D1 calls and statements of one batch.
    pub d1: u32,
    pub statements: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_raised_within_the_limit() {
        let s = |n| ShardSetting {
            shards: n,
            auto: true,
        };
        assert!(s(4).validate(0).is_ok());
        assert!(s(4).validate(4).is_ok());
        assert!(s(0).validate(0).is_ok());
        assert_eq!(s(2).validate(4).unwrap_err()[0].field, "shards");
        assert_eq!(
            s(MAX_SHARDS + 1).validate(0).unwrap_err()[0].field,
            "shards"
        );
    }
}
