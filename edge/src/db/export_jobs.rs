//! Background exports (`staff::export_jobs`): the job rows and the one statement that commits a
//! slice. (An export's row count, which chooses between streaming and a job, is in
//! `exports.rs` with its query.)

use serde::Deserialize;

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// A job as stored.
#[derive(Clone, Debug, Deserialize)]
pub struct JobRow {
    pub id: f64,
    pub campaign_id: f64,
    pub what: String,
    pub status: String,
    pub rows_expected: f64,
    pub rows_done: f64,
    pub after_id: f64,
    pub seq: f64,
    pub object_key: String,
    pub upload_id: String,
    pub parts: String,
    pub created_at: f64,
    pub finished_at: Option<f64>,
    pub expires_at: f64,
    pub error: Option<String>,
    /// A filter's people (`what` = `people`): the filter's query string.
    pub filter: Option<String>,
}

const COLUMNS: &str = "id, campaign_id, what, status, rows_expected, rows_done, after_id, seq, \
                       object_key, upload_id, parts, created_at, finished_at, expires_at, error, filter";

/// A new job.
pub struct NewJob<'a> {
    pub campaign_id: u32,
    pub what: &'a str,
    pub filter: Option<&'a str>,
    pub rows_expected: u64,
    pub object_key: &'a str,
    pub upload_id: &'a str,
    pub created_by: u32,
    pub now: f64,
    pub expires_at: f64,
}

/// What a slice did, to commit.
pub struct SliceDone<'a> {
    pub id: u32,
    /// The `seq` the slice read: it commits only if no other delivery committed first.
    pub seq: u32,
    pub after_id: f64,
    pub rows: u64,
    pub parts: &'a str,
    pub done: bool,
    pub now: f64,
}

#[derive(Deserialize)]
struct Id {
    id: f64,
}

impl Store {
    /// Creates the job, with its audit row, in one batch; its id.
    pub async fn create_export_job(
        &self,
        j: &NewJob<'_>,
        audit: worker::D1PreparedStatement,
    ) -> AppResult<u32> {
        let mut b = Batch::new();
        let id = b.read::<Id>(self.stmt(
            "INSERT INTO export_jobs (campaign_id, what, rows_expected, object_key, upload_id, \
             created_by, created_at, updated_at, expires_at, filter) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9) RETURNING id",
            &[
                num(j.campaign_id),
                text(j.what),
                num(j.rows_expected as f64),
                text(j.object_key),
                text(j.upload_id),
                num(j.created_by),
                num(j.now),
                num(j.expires_at),
                crate::db::opt(j.filter),
            ],
        )?);
        b.add(audit);
        let r = b.run(self).await?;
        Ok(r.first(id)?.map_or(0, |i| i.id as u32))
    }

    pub async fn export_job(&self, id: u32) -> AppResult<Option<JobRow>> {
        self.first(
            &format!("SELECT {COLUMNS} FROM export_jobs WHERE id = ?1"),
            &[num(id)],
        )
        .await
    }

    /// Jobs matching `filter` (on `?1`), in `order`, at most `limit`.
    async fn jobs_where(
        &self,
        filter: &str,
        arg: f64,
        order: &str,
        limit: u32,
    ) -> AppResult<Vec<JobRow>> {
        self.all(
            &format!(
                "SELECT {COLUMNS} FROM export_jobs WHERE {filter} ORDER BY {order} LIMIT {limit}"
            ),
            &[num(arg)],
        )
        .await
    }

    /// The campaign's jobs, newest first (at most 20).
    pub async fn export_jobs(&self, campaign_id: u32) -> AppResult<Vec<JobRow>> {
        self.jobs_where("campaign_id = ?1", campaign_id.into(), "id DESC", 20)
            .await
    }

    /// Commits a slice: the new keyset boundary, rows, parts and status, only where `seq` is
    /// still the one the slice read. `false`: another delivery of the same slice committed
    /// first, and this one's work is dropped.
    pub async fn commit_slice(&self, s: &SliceDone<'_>) -> AppResult<bool> {
        let mut b = Batch::new();
        let done = b.read::<Id>(self.stmt(
            "UPDATE export_jobs SET seq = seq + 1, after_id = ?3, rows_done = rows_done + ?4, \
             parts = ?5, status = CASE WHEN ?6 = 1 THEN 'done' ELSE status END, \
             finished_at = CASE WHEN ?6 = 1 THEN ?7 ELSE finished_at END, updated_at = ?7 \
             WHERE id = ?1 AND seq = ?2 AND status = 'running' RETURNING id",
            &[
                num(s.id),
                num(s.seq),
                num(s.after_id),
                num(s.rows as f64),
                text(s.parts),
                num(u8::from(s.done)),
                num(s.now),
            ],
        )?);
        let r = b.run(self).await?;
        r.any(done)
    }

    /// Marks a job failed (a slice that cannot go on: its export no longer exists).
    pub async fn fail_export_job(&self, id: u32, error: &str, now: f64) -> AppResult<()> {
        self.stmt(
            "UPDATE export_jobs SET status = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1",
            &[num(id), text(error), num(now)],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Running jobs whose last slice is older than `before`: their message was lost (with the
    /// queue, or with an isolate that died mid-slice). At most 10 a sweep.
    pub async fn stalled_export_jobs(&self, before: f64) -> AppResult<Vec<JobRow>> {
        self.jobs_where("status = 'running' AND updated_at < ?1", before, "id", 10)
            .await
    }

    /// Jobs past their time (at most 10 a sweep), to delete with their files.
    pub async fn expired_export_jobs(&self, now: f64) -> AppResult<Vec<JobRow>> {
        self.jobs_where("expires_at <= ?1", now, "id", 10).await
    }

    pub async fn delete_export_jobs(&self, ids: &[u32]) -> AppResult<()> {
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        self.stmt(
            "DELETE FROM export_jobs WHERE id IN (SELECT value FROM json_each(?1))",
            &[text(&list)],
        )?
        .run()
        .await?;
        Ok(())
    }
}
