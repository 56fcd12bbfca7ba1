//! Staff exports of signatures, pledge commitments and supporters as CSV, streamed page by page
//! (keyset pagination, 500 rows a query), so a million rows export with flat memory.
//!
//! Every cell is quoted; a cell starting with `=`, `+`, `-` or `@` is neutralised against
//! spreadsheet formula injection ([`crate::factcheck::csv_cell`]). Consent columns are included:
//! whoever uses the file must know whom they may contact.

use futures_util::{stream, StreamExt};
use rally_api::ErrorCode;
use serde_json::Value;
use worker::{Env, Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::factcheck::csv_cell;
use crate::routes::param;
use crate::staff::{self, Role};
use crate::store::{num, Store};

/// Rows per query.
const PAGE: u32 = 500;

/// One export: its columns (also the SQL aliases, in order) and its keyset query
/// (`?1` campaign, `?2` the last id sent, `?3` the page size). The unary `+` on the campaign
/// column keeps SQLite from answering through a campaign index and sorting every row of the
/// campaign for each page: each page must be a rowid range walk. Columns ending in `_at` are
/// times, written as ISO 8601.
#[derive(Clone, Copy)]
struct Export {
    columns: &'static [&'static str],
    sql: &'static str,
}

/// The person columns of a signature or commitment export (a macro, so queries are literals).
macro_rules! person {
    () => {
        "s.first_name, s.last_name, s.email, s.postal_code, s.country, s.region, \
         s.contact_consent, s.consent_at"
    };
}

/// Where a signature or commitment came from.
macro_rules! attribution {
    () => {
        "r.ref_code AS referred_by, x.source, x.utm_source, x.utm_medium, x.utm_campaign, \
         x.utm_term, x.utm_content, x.page_url, x.lang"
    };
}

const SIGNATURE_COLUMNS: &[&str] = &[
    "id",
    "petition",
    "signed_at",
    "first_name",
    "last_name",
    "email",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "show_name",
    "city",
    "referred_by",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "page_url",
    "lang",
];

const COMMITMENT_COLUMNS: &[&str] = &[
    "id",
    "pledge",
    "pledged_at",
    "first_name",
    "last_name",
    "email",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "show_name",
    "city",
    "reminder",
    "referred_by",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "page_url",
    "lang",
];

const SUPPORTER_COLUMNS: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "lang",
    "points",
    "recruits",
    "ref_code",
    "listed",
    "created_at",
];

/// The keyset query of an action table (`signatures`, `commitments`): the row, its petition or
/// pledge, the person, consent, and attribution.
macro_rules! action_export {
    ($rows:literal, $parent:literal, $fk:literal, $item:literal, $at:literal, $extra:literal) => {
        concat!(
            "SELECT x.id, p.slug AS ", $item, ", x.created_at AS ", $at, ", ",
            person!(),
            ", (x.display_name IS NOT NULL) AS show_name, x.city, ", $extra,
            attribution!(),
            " FROM ", $rows, " x JOIN ", $parent, " p ON p.id = x.", $fk,
            " JOIN supporters s ON s.id = x.supporter_id LEFT JOIN supporters r ON r.id = x.referrer_id \
             WHERE x.id > ?2 AND +p.campaign_id = ?1 ORDER BY x.id LIMIT ?3"
        )
    };
}

fn export(what: &str) -> Option<Export> {
    Some(match what {
        "signatures" => Export {
            columns: SIGNATURE_COLUMNS,
            sql: action_export!("signatures", "petitions", "petition_id", "petition", "signed_at", ""),
        },
        "commitments" => Export {
            columns: COMMITMENT_COLUMNS,
            sql: action_export!("commitments", "pledges", "pledge_id", "pledge", "pledged_at", "x.reminder, "),
        },
        "supporters" => Export {
            columns: SUPPORTER_COLUMNS,
            sql: "SELECT s.id, s.email, s.first_name, s.last_name, s.postal_code, s.country, s.region, \
                    s.contact_consent, s.consent_at, s.lang, s.points, s.recruits, s.ref_code, s.listed, \
                    s.created_at FROM supporters s WHERE s.id > ?2 AND +s.campaign_id = ?1 ORDER BY s.id LIMIT ?3",
        },
        _ => return None,
    })
}

/// A moment as ISO 8601 in UTC, `2026-11-21T14:05:09Z`.
fn iso_datetime(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let (day, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = rally_api::week::civil_from_days(day);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

fn cell(column: &str, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "\"\"".to_owned(),
        Some(Value::Number(n)) if column.ends_with("_at") => {
            csv_cell(&iso_datetime(n.as_f64().unwrap_or(0.0)))
        }
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Some(Value::Bool(b)) => u8::from(*b).to_string(),
        Some(Value::String(s)) => csv_cell(s),
        Some(other) => csv_cell(&other.to_string()),
    }
}

/// One page of rows as CSV lines, the last id in it (`None` when the page was empty), and how
/// many rows it had.
async fn page(
    env: &Env,
    e: &Export,
    campaign_id: u32,
    after: f64,
) -> AppResult<(Vec<u8>, Option<f64>, usize)> {
    let store = Store::new(
        env.d1("DB")
            .map_err(|err| AppError::Internal(format!("D1 binding DB: {err}")))?,
    );
    let rows: Vec<serde_json::Map<String, Value>> = store
        .all(e.sql, &[num(campaign_id), num(after), num(PAGE)])
        .await?;
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
pub async fn csv(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = crate::routes::store(&ctx)?;
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
    let campaign_id = who.campaign_id;
    // The state is the last id sent, or `None` after a short (final) page.
    let pages = stream::try_unfold(Some(0.0_f64), move |after| {
        let env = env.clone();
        async move {
            let Some(after) = after else {
                return Ok(None);
            };
            let (chunk, last, n) = page(&env, &e, campaign_id, after)
                .await
                .map_err(|err| worker::Error::RustError(format!("export page: {err:?}")))?;
            let next = if n == PAGE as usize { last } else { None };
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
