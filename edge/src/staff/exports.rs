//! Staff exports of signatures, pledge commitments and supporters as CSV, streamed page by page
//! (keyset pagination, 500 rows a query), so a million rows export with flat memory.
//!
//! Every cell is quoted; a cell starting with `=`, `+`, `-` or `@` is neutralised against
//! spreadsheet formula injection ([`crate::format::csv_cell`]). Consent columns are included:
//! whoever uses the file must know whom they may contact.

use futures_util::{stream, StreamExt};
use rally_api::ErrorCode;
use serde_json::Value;
use worker::{Env, Request, Response};

use crate::auth::staff::{self, Role};
use crate::db::exports::{export, Export};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::format::cell;
use crate::http::{param, Ctx};

/// Rows per query.
const PAGE: u32 = 500;

/// The streamed export's route, as the meter labels it.
const STREAM_LABEL: &str = "GET /api/v1/campaigns/:campaign/staff/exports/:what";

/// One page of rows as CSV lines, the last id in it (`None` when the page was empty), and how
/// many rows it had.
async fn page(
    env: &Env,
    meter: &crate::meter::Shared,
    e: &Export,
    campaign_id: u32,
    after: f64,
) -> AppResult<(Vec<u8>, Option<f64>, usize)> {
    let store = Store::new(
        env.d1("DB")
            .map_err(|err| AppError::Internal(format!("D1 binding DB: {err}")))?,
        meter.clone(),
    );
    let rows = store.export_page(e, campaign_id, after, PAGE).await?;
    let mut out = String::new();
    let mut last = None;
    for row in &rows {
        last = row.get("id").and_then(Value::as_f64).or(last);
        let line: Vec<String> = e.columns.iter().map(|c| cell(c, row.get(*c))).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((out.into_bytes(), last, rows.len()))
}

/// `GET /api/v1/campaigns/:campaign/staff/exports/:what` (`signatures`, `commitments`,
/// `supporters`): owner or organiser.
pub async fn csv(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = crate::http::store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser], "export supporters' data")?;
    let what = ctx.param("what").map(String::as_str).unwrap_or_default();
    let e = export(what).ok_or_else(|| {
        AppError::field(
            ErrorCode::NotFound,
            "what",
            "exports are signatures, commitments or supporters",
        )
    })?;
    who.audit(&store, "export", what).await?;
    let header = format!("{}\r\n", e.columns.join(",")).into_bytes();
    let env = ctx.env.clone();
    let meter = ctx.meter.clone();
    let campaign_id = who.campaign_id;
    // The state is the last id sent, or `None` after a short (final) page.
    let pages = stream::try_unfold(Some(0.0_f64), move |after| {
        let (env, meter) = (env.clone(), meter.clone());
        async move {
            let Some(after) = after else {
                return Ok(None);
            };
            let (chunk, last, n) = page(&env, &meter, &e, campaign_id, after)
                .await
                .map_err(|err| worker::Error::RustError(format!("export page: {err:?}")))?;
            let next = if n == PAGE as usize { last } else { None };
            // The stream outlives the handler: its queries are recorded when it ends, under
            // the route's label (`crate::meter`).
            if next.is_none() && crate::meter::on(&env) {
                crate::meter::record(STREAM_LABEL, meter.counts());
            }
            Ok::<_, worker::Error>(Some((chunk, next)))
        }
    });
    let body = stream::once(async move { Ok::<Vec<u8>, worker::Error>(header) }).chain(pages);
    let slug = param(&ctx, "campaign")?;
    let mut resp = Response::from_stream(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "text/csv; charset=utf-8")?;
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{slug}-{what}.csv\""),
    )?;
    h.set("Cache-Control", "no-store")?;
    Ok(resp)
}
