//! Widget views: the counts an isolate gathered, added to `stats_hourly` in one batch.

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

impl Store {
    /// Adds `due` (`(campaign slug, stats kind)` to views) to UTC hour `hour`.
    pub async fn add_views(
        &self,
        due: &[((String, &'static str), u32)],
        hour: f64,
    ) -> AppResult<()> {
        let mut b = Batch::new();
        for ((campaign, kind), n) in due {
            b.add(self.stmt(
                "INSERT INTO stats_hourly (campaign_id, kind, hour, n) \
                 SELECT id, ?2, ?3, ?4 FROM campaigns WHERE slug = ?1 \
                 ON CONFLICT (campaign_id, kind, hour) DO UPDATE SET n = n + excluded.n",
                &[text(campaign), text(kind), num(hour), num(*n)],
            )?);
        }
        b.run(self).await?;
        Ok(())
    }
}
