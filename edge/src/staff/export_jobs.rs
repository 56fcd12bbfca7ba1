//! Exports as background jobs, for campaigns whose export is more than one invocation may read
//! (production allows 1,000 D1 queries an invocation, 50 on the free plan).
//!
//! Staff start an export (`POST .../staff/exports/:what`); the edge counts its rows and either
//! answers with the streamed route (small: [`super::exports::STREAM_MAX_ROWS`]) or creates a
//! job: a row in `export_jobs` and an R2 multipart upload, then one message on the `EXPORTS`
//! queue. Each message is one bounded slice ([`slice`]): it reads up to [`SLICE_PAGES`] pages
//! of [`PAGE_ROWS`] rows after the job's keyset boundary, and uploads every whole part of
//! [`PART_BYTES`] (R2 wants every part but the last the same size, at least 5 MiB); what is left
//! over waits in a carry object named after the next slice, and the last slice uploads it and
//! completes the object. The slice commits its boundary, row count and parts in one D1 statement
//! that holds only if no other delivery committed the same slice first, then queues the next.
//!
//! Nothing is written twice or skipped: a slice is a pure function of the committed boundary
//! and the carry object it reads (which it never overwrites), so a retried or duplicated slice
//! uploads the same bytes as the same part numbers, and only one of them commits. A slice whose
//! message was lost (the queue, or an isolate that died) is queued again by the cron
//! ([`sweep`]). Files are served only through the staff route ([`file`], audited) and deleted
//! with their jobs after [`TTL_MS`].

use rally_api::staff::{ExportJob, ExportStart};
use rally_api::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::{Bucket, Env, Request, Response};

use crate::auth::staff::{self, Role};
use crate::db::export_jobs::{JobRow, NewJob, SliceDone};
use crate::db::exports::export;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{json, now, param, Ctx};
use crate::meter::Shared;

/// The queue of slices, as `wrangler.toml` names it.
pub const QUEUE: &str = "rally-exports";
/// Rows per query.
pub const PAGE_ROWS: u32 = 5_000;
/// Queries per slice, at most: with the job's read and the commit, a slice makes at most 12 D1
/// calls and 7 R2 calls.
pub const SLICE_PAGES: usize = 10;
/// Every part but the last.
pub const PART_BYTES: usize = 5 * 1024 * 1024;
/// Jobs and their files are deleted a day after they start.
pub const TTL_MS: f64 = 24.0 * 3_600_000.0;

/// One slice to do: the job, and how many slices it had done when this one was queued.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Slice {
    pub job: u32,
    pub seq: u32,
}

fn bucket(env: &Env) -> AppResult<Bucket> {
    env.bucket("EXPORT_FILES")
        .map_err(|e| AppError::Internal(format!("R2 binding EXPORT_FILES: {e}")))
}

fn r2(e: worker::Error) -> AppError {
    AppError::Internal(format!("R2: {e}"))
}

/// Where the bytes a slice leaves over wait for the next one.
fn carry_key(job: &JobRow, seq: u32) -> String {
    format!("{}.carry-{seq}", job.object_key)
}

fn view(campaign: &str, j: &JobRow) -> ExportJob {
    ExportJob {
        id: j.id as u32,
        what: j.what.clone(),
        status: j.status.clone(),
        rows_expected: j.rows_expected as u64,
        rows_done: j.rows_done as u64,
        created_at: j.created_at as u64,
        finished_at: j.finished_at.map(|t| t as u64),
        expires_at: j.expires_at as u64,
        download: (j.status == "done")
            .then(|| rally_api::routes::export_job_file(campaign, j.id as u32)),
        error: j.error.clone(),
    }
}

async fn queue_slice(env: &Env, meter: &Shared, s: Slice) -> AppResult<()> {
    meter.fetch();
    env.queue("EXPORTS")
        .map_err(|e| AppError::Internal(format!("queue EXPORTS: {e}")))?
        .send(s)
        .await
        .map_err(|e| AppError::Internal(format!("queue EXPORTS: {e}")))
}

/// `POST /api/v1/campaigns/:campaign/staff/exports/:what`: owner or organiser. Streams small
/// exports (the answer names the route), starts a job for the others.
pub async fn start(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = crate::http::store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "export supporters' data")?;
    let what = param(&ctx, "what")?.to_owned();
    let campaign = param(&ctx, "campaign")?.to_owned();
    let e = export(&what).ok_or_else(|| {
        AppError::field(
            ErrorCode::NotFound,
            "what",
            "exports are signatures, commitments or supporters",
        )
    })?;
    let rows = store.export_rows(&e, who.campaign_id).await?;
    if rows <= super::exports::STREAM_MAX_ROWS {
        let stream = rally_api::routes::staff_export(&campaign, &what);
        return json(
            &ExportStart {
                stream: Some(stream),
                job: None,
            },
            200,
        );
    }
    begin(&ctx, &store, &who, &what, None, rows).await
}

/// Starts a background export `what` (with `filter`, for a filter's people) of `rows` rows:
/// the R2 upload, the job row with its audit row, its first slice queued; answers 202.
pub async fn begin(
    ctx: &Ctx,
    store: &Store,
    who: &staff::Staff,
    what: &str,
    filter: Option<&str>,
    rows: u64,
) -> AppResult<Response> {
    let campaign = param(ctx, "campaign")?.to_owned();
    let at = now();
    let object_key = format!(
        "exports/{campaign}/{what}-{}-{}.csv",
        at as u64,
        crate::http::ref_code()?
    );
    ctx.meter.fetch();
    let upload = bucket(&ctx.env)?
        .create_multipart_upload(object_key.clone())
        .execute()
        .await
        .map_err(r2)?;
    let upload_id = upload.upload_id().await;
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        "export_job",
        &match filter {
            Some(f) => format!("{what}: {f}"),
            None => what.to_owned(),
        },
        at,
    )?;
    let id = store
        .create_export_job(
            &NewJob {
                campaign_id: who.campaign_id,
                what,
                filter,
                rows_expected: rows,
                object_key: &object_key,
                upload_id: &upload_id,
                created_by: who.id,
                now: at,
                expires_at: at + TTL_MS,
            },
            audit,
        )
        .await?;
    // If this send is lost, the cron queues the slice once the job looks stalled.
    if let Err(e) = queue_slice(&ctx.env, &ctx.meter, Slice { job: id, seq: 0 }).await {
        worker::console_error!("export job {id}: first slice not queued: {e:?}");
    }
    let job = store
        .export_job(id)
        .await?
        .ok_or_else(|| AppError::Internal("export job vanished".into()))?;
    json(
        &ExportStart {
            stream: None,
            job: Some(view(&campaign, &job)),
        },
        202,
    )
}

/// `GET /api/v1/campaigns/:campaign/staff/export-jobs`: owner or organiser; the newest 20.
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = crate::http::store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "see exports")?;
    let campaign = param(&ctx, "campaign")?;
    let jobs: Vec<ExportJob> = store
        .export_jobs(who.campaign_id)
        .await?
        .iter()
        .map(|j| view(campaign, j))
        .collect();
    json(&jobs, 200)
}

/// `GET /api/v1/campaigns/:campaign/staff/export-jobs/:id/file`: owner or organiser, audited;
/// the finished file, streamed from R2.
pub async fn file(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = crate::http::store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "export supporters' data")?;
    let id: u32 = param(&ctx, "id")?
        .parse()
        .map_err(|_| AppError::not_found("export job"))?;
    let job = store
        .export_job(id)
        .await?
        .filter(|j| j.campaign_id as u32 == who.campaign_id && j.status == "done")
        .ok_or_else(|| AppError::not_found("finished export"))?;
    who.audit(&store, "export", &format!("{} (job {id})", job.what))
        .await?;
    ctx.meter.fetch();
    let object = bucket(&ctx.env)?
        .get(job.object_key.clone())
        .execute()
        .await
        .map_err(r2)?
        .ok_or_else(|| AppError::not_found("export file"))?;
    let body = object
        .body()
        .ok_or_else(|| AppError::Internal("export file without a body".into()))?
        .stream()
        .map_err(r2)?;
    let campaign = param(&ctx, "campaign")?;
    let mut resp = Response::from_stream(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "text/csv; charset=utf-8")?;
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{campaign}-{}.csv\"", job.what),
    )?;
    h.set("Cache-Control", "no-store")?;
    Ok(resp)
}

impl crate::staff::slices::Slice for Slice {
    const LABEL: &'static str = "export slice";
    async fn run(self, env: &Env, meter: &Shared) -> AppResult<()> {
        slice(env, meter, self).await
    }
}

/// Does slice `s` of its job, if the job is still at it (else a duplicate: nothing to do).
pub async fn slice(env: &Env, meter: &Shared, s: Slice) -> AppResult<()> {
    let store = Store::open(env, meter)?;
    let Some(job) = store.export_job(s.job).await? else {
        return Ok(());
    };
    if job.status != "running" || job.seq as u32 != s.seq {
        return Ok(());
    }
    // A filter's people (`what` = `people`) read through their filter, compiled again here.
    let people = match (job.what.as_str(), job.filter.as_deref()) {
        ("people", Some(f)) => match rally_api::people::Filter::parse(f) {
            Ok(f) => Some(super::roster::compiled(&store, job.campaign_id as u32, &f).await?),
            Err(_) => {
                return store
                    .fail_export_job(s.job, "a filter that no longer reads", now())
                    .await
            }
        },
        _ => None,
    };
    let Some(e) = (if people.is_some() {
        Some(crate::db::exports::people_export())
    } else {
        export(&job.what)
    }) else {
        return store.fail_export_job(s.job, "no such export", now()).await;
    };
    let bucket = bucket(env)?;
    // What the last slice left over (the first starts with the header).
    let mut buf = if s.seq == 0 {
        super::exports::header(&e)
    } else {
        meter.fetch();
        let carry = bucket
            .get(carry_key(&job, s.seq))
            .execute()
            .await
            .map_err(r2)?
            .ok_or_else(|| AppError::Internal(format!("carry of slice {} missing", s.seq)))?;
        carry
            .body()
            .ok_or_else(|| AppError::Internal("carry without a body".into()))?
            .bytes()
            .await
            .map_err(r2)?
    };
    let (mut after, mut rows, mut last_page) = (job.after_id, 0u64, false);
    for _ in 0..SLICE_PAGES {
        let page = match &people {
            Some(w) => store.people_export_page(w, after, PAGE_ROWS).await?,
            None => {
                store
                    .export_page(&e, job.campaign_id as u32, after, PAGE_ROWS)
                    .await?
            }
        };
        if let Some(last) = super::exports::lines(&e, &page, &mut buf) {
            after = last;
        }
        rows += page.len() as u64;
        if page.len() < PAGE_ROWS as usize {
            last_page = true;
            break;
        }
        if buf.len() >= PART_BYTES {
            break;
        }
    }
    let mut parts: Vec<(u16, String)> = serde_json::from_str(&job.parts).unwrap_or_default();
    let upload = bucket
        .resume_multipart_upload(job.object_key.clone(), job.upload_id.clone())
        .map_err(r2)?;
    // Done already (a delivery completed the object and died before committing): commit only.
    let completed = last_page && {
        meter.fetch();
        bucket
            .head(job.object_key.clone())
            .await
            .map_err(r2)?
            .is_some()
    };
    if !completed {
        // Every whole part; on the last page the remainder too, as the last (smaller) part.
        let keep = if last_page { 0 } else { buf.len() % PART_BYTES };
        let rest = buf.split_off(buf.len() - keep);
        for chunk in buf.chunks(PART_BYTES) {
            let n = parts.len() as u16 + 1;
            meter.fetch();
            let p = upload.upload_part(n, chunk.to_vec()).await.map_err(r2)?;
            parts.push((n, p.etag()));
        }
        if last_page {
            meter.fetch();
            upload
                .complete(
                    parts
                        .iter()
                        .map(|(n, etag)| worker::UploadedPart::new(*n, etag.clone())),
                )
                .await
                .map_err(r2)?;
        } else {
            meter.fetch();
            bucket
                .put(carry_key(&job, s.seq + 1), rest)
                .execute()
                .await
                .map_err(r2)?;
        }
    }
    let parts_json = serde_json::to_string(&parts).unwrap_or_else(|_| "[]".into());
    let committed = store
        .commit_slice(&SliceDone {
            id: s.job,
            seq: s.seq,
            after_id: after,
            rows,
            parts: &parts_json,
            done: last_page,
            now: now(),
        })
        .await?;
    if !committed {
        return Ok(()); // another delivery of this slice committed first
    }
    if s.seq > 0 {
        meter.fetch();
        let _ = bucket.delete(carry_key(&job, s.seq)).await;
    }
    if !last_page {
        queue_slice(
            env,
            meter,
            Slice {
                job: s.job,
                seq: s.seq + 1,
            },
        )
        .await?;
    }
    Ok(())
}

/// The cron's part: requeues slices whose message was lost (jobs idle for `stale_ms`), and
/// deletes expired jobs with their files. Bounded: at most 10 of each a run.
pub async fn sweep(env: &Env, meter: &Shared, stale_ms: f64) -> AppResult<()> {
    let store = Store::open(env, meter)?;
    let at = now();
    for job in store.stalled_export_jobs(at - stale_ms).await? {
        let s = Slice {
            job: job.id as u32,
            seq: job.seq as u32,
        };
        if let Err(e) = queue_slice(env, meter, s).await {
            worker::console_error!("export job {}: slice not requeued: {e:?}", s.job);
        }
    }
    let expired = store.expired_export_jobs(at).await?;
    if expired.is_empty() {
        return Ok(());
    }
    let bucket = bucket(env)?;
    for job in &expired {
        meter.fetch();
        let mut keys = vec![job.object_key.clone()];
        keys.extend((0..=job.seq as u32 + 1).map(|s| carry_key(job, s)));
        let _ = bucket.delete_multiple(keys).await;
        if job.status != "done" {
            meter.fetch();
            if let Ok(u) =
                bucket.resume_multipart_upload(job.object_key.clone(), job.upload_id.clone())
            {
                let _ = u.abort().await;
            }
        }
    }
    let ids: Vec<u32> = expired.iter().map(|j| j.id as u32).collect();
    store.delete_export_jobs(&ids).await
}
