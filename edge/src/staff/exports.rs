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
    let store = Store::open(env, meter)?;
    let rows = store.export_page(e, campaign_id, after, PAGE).await?;
    let mut out = Vec::new();
    let last = lines(e, &rows, &mut out);
    Ok((out, last, rows.len()))
}

/// The export's header line.
pub fn header(e: &Export) -> Vec<u8> {
    format!("{}\r\n", e.columns.join(",")).into_bytes()
}

/// Appends `rows` to `out` as CSV lines; the last id among them, if any.
pub fn lines(
    e: &Export,
    rows: &[serde_json::Map<String, Value>],
    out: &mut Vec<u8>,
) -> Option<f64> {
    let mut last = None;
    for row in rows {
        last = row.get("id").and_then(Value::as_f64).or(last);
        let line: Vec<String> = e.columns.iter().map(|c| cell(c, row.get(*c))).collect();
        out.extend_from_slice(line.join(",").as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    last
}

/// The most rows one request streams: its pages (500 rows a query) and its other queries stay
/// inside the route's budget of 25 D1 calls (tests/query-budget.json). Bigger exports are
/// background jobs (`super::export_jobs`).
pub const STREAM_MAX_ROWS: u64 = 9_000;

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
    let rows = store.export_rows(&e, who.campaign_id).await?;
    if rows > STREAM_MAX_ROWS {
        return Err(AppError::refused(
            ErrorCode::PayloadTooLarge,
            format!(
                "this export has {rows} rows, more than one request may read \
                 ({STREAM_MAX_ROWS}): start it as a background job (POST to this address)"
            ),
        ));
    }
    who.audit(&store, "export", what).await?;
    let header = header(&e);
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
