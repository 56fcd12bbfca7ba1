//! The fact-check queue for staff: claims by status, one claim with its reports and history,
//! publishing (verdict, explanation, sources; those who asked hear back), merging, splitting,
//! and exports for fact-checking partners (never reporters' emails).

use rally_api::{
    cluster, ClaimStatus, ClaimUpdate, ClaimView, ErrorCode, MergeClaims, ReportView, SeenCount,
    SplitClaim, Verdict,
};
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role, Staff};
use crate::db::claims::{ClaimRow, Moderator};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::format::csv_cell;
use crate::http::{self, json, now, param, store, Ctx};
use crate::public::factcheck::refresh_feed;

/// Who acts, as the claim statements record them.
fn moderator(who: &Staff) -> Moderator {
    Moderator {
        campaign_id: who.campaign_id,
        staff_id: who.id,
    }
}

/// `GET /api/v1/campaigns/:campaign/staff/claims?status=`: the queue, most reported first.
/// Without `status`: new and in review.
pub async fn queue(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let status = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned());
    let statuses: Vec<&str> = match status.as_deref() {
        None => vec!["new", "in_review"],
        Some(s) => vec![ClaimStatus::parse(s)
            .ok_or_else(|| {
                AppError::field(
                    ErrorCode::InvalidValue,
                    "status",
                    "status must be new, in_review, published or dismissed",
                )
            })?
            .as_str()],
    };
    let rows = store.queue(who.campaign_id, &statuses).await?;
    json(&views(&store, rows).await?, 200)
}

/// Claims as staff see them, without their latest reports: two queries however many.
async fn views(store: &Store, rows: Vec<ClaimRow>) -> AppResult<Vec<ClaimView>> {
    let ids: Vec<u32> = rows.iter().map(|r| r.id).collect();
    let mut seen = store.seen_counts_of(&ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let s = seen.remove(&r.id).unwrap_or_default();
            shown(r, s, Vec::new())
        })
        .collect())
}

async fn view(store: &Store, r: ClaimRow, latest: bool) -> AppResult<ClaimView> {
    let seen = store.seen_counts(r.id).await?;
    let latest = if latest {
        store.latest_reports(r.id).await?
    } else {
        Vec::new()
    };
    Ok(shown(r, seen, latest))
}

fn shown(r: ClaimRow, seen_on: Vec<SeenCount>, latest: Vec<ReportView>) -> ClaimView {
    ClaimView {
        seen_on,
        latest,
        id: r.public_id.clone(),
        status: r.status(),
        reports: r.reports,
        first_seen: r.first_seen as u64,
        last_seen: r.last_seen as u64,
        verdict: r.verdict.as_deref().and_then(Verdict::parse),
        sources: r.sources(),
        explanation: r.explanation.clone(),
        text: r.text,
    }
}

async fn staff_claim(req: &Request, ctx: &Ctx, store: &Store) -> AppResult<(Staff, ClaimRow)> {
    let who = signed_in(req, ctx, store).await?;
    let claim = store
        .claim(who.campaign_id, &http::code_param(ctx, "id", "claim")?)
        .await?
        .ok_or_else(|| AppError::not_found("claim"))?;
    Ok((who, claim))
}

/// `GET /api/v1/campaigns/:campaign/staff/claims/:id`: one claim with its latest reports.
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (_, claim) = staff_claim(&req, &ctx, &store).await?;
    json(&view(&store, claim, true).await?, 200)
}

/// `GET /api/v1/campaigns/:campaign/staff/claims/:id/history`
pub async fn history(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (_, claim) = staff_claim(&req, &ctx, &store).await?;
    let events = store.claim_history(claim.id).await?;
    json(&events, 200)
}

const MODERATE: &[Role] = &[Role::Owner, Role::Moderator];

/// `PATCH /api/v1/campaigns/:campaign/staff/claims/:id`: status, wording, verdict, explanation,
/// sources. Publishing needs a verdict and an explanation; it queues a message to everyone who
/// asked to hear back, and refreshes the public feed.
pub async fn update(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (who, claim) = staff_claim(&req, &ctx, &store).await?;
    who.require(MODERATE, "change fact-checks")?;
    let update: ClaimUpdate = http::json_body(&mut req).await?;
    let u = update.validate().map_err(AppError::Invalid)?;
    let verdict = u.verdict.map(Verdict::as_str).or(claim.verdict.as_deref());
    let explanation = u
        .explanation
        .as_deref()
        .or(claim.explanation.as_deref())
        .filter(|e| !e.is_empty());
    let publishing = u.status == Some(ClaimStatus::Published);
    if publishing {
        let mut missing = Vec::new();
        if verdict.is_none() {
            missing.push(rally_api::FieldError {
                field: "verdict",
                code: ErrorCode::Required,
            });
        }
        if explanation.is_none() {
            missing.push(rally_api::FieldError {
                field: "explanation",
                code: ErrorCode::Required,
            });
        }
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
    }
    let at = now();
    let told = store
        .update_claim(&claim, moderator(&who), &u, publishing, at)
        .await?;
    crate::mail::enqueue(&told);
    // The public feed changes only if the claim is, or was, published.
    if publishing || claim.status() == ClaimStatus::Published {
        let slug = param(&ctx, "campaign")?.to_owned();
        refresh_feed(
            &ctx,
            &store,
            who.campaign_id,
            &slug,
            &http::origin(&req)?,
            at,
        )
        .await?;
    }
    let claim = store
        .claim(who.campaign_id, &claim.public_id)
        .await?
        .ok_or_else(|| AppError::not_found("claim"))?;
    json(&view(&store, claim, true).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/claims/:id/merge` `{ "into" }`: this claim's
/// reports join `into`, and so do its bands (so new reports like them find `into`).
pub async fn merge(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (who, claim) = staff_claim(&req, &ctx, &store).await?;
    who.require(MODERATE, "merge claims")?;
    let body: MergeClaims = http::json_body(&mut req).await?;
    let into = store
        .claim(who.campaign_id, &body.into)
        .await?
        .filter(|i| i.id != claim.id)
        .ok_or_else(|| {
            AppError::field(ErrorCode::NotFound, "into", "no other claim with this id")
        })?;
    let at = now();
    store
        .merge_claims(&claim, &into, moderator(&who), at)
        .await?;
    let into = store
        .claim(who.campaign_id, &into.public_id)
        .await?
        .ok_or_else(|| AppError::not_found("claim"))?;
    json(&view(&store, into, true).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/claims/:id/split` `{ "reports": [ids] }`: these
/// reports become a new claim.
pub async fn split(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (who, claim) = staff_claim(&req, &ctx, &store).await?;
    who.require(MODERATE, "split claims")?;
    let body: SplitClaim = http::json_body(&mut req).await?;
    if body.reports.is_empty() || body.reports.len() > 50 {
        return Err(AppError::field(
            ErrorCode::InvalidValue,
            "reports",
            "name 1 to 50 reports of this claim",
        ));
    }
    let rows = store.reports_of(claim.id, &body.reports).await?;
    if rows.len() != body.reports.len() || rows.len() as u32 >= claim.reports {
        return Err(AppError::field(
            ErrorCode::InvalidValue,
            "reports",
            "every report must belong to this claim, and at least one must stay",
        ));
    }
    let first = &rows[0];
    let words = cluster::words(&format!(
        "{} {}",
        first.claim,
        first.screenshot_text.as_deref().unwrap_or("")
    ));
    let at = now();
    let nonce = http::request_id()?;
    let public_id = http::ref_code()?;
    store
        .split_claim(
            &claim,
            &rows,
            &words,
            &public_id,
            &nonce,
            moderator(&who),
            at,
        )
        .await?;
    let created = store
        .claim(who.campaign_id, &public_id)
        .await?
        .ok_or_else(|| AppError::Internal("split claim not stored".into()))?;
    json(&view(&store, created, true).await?, 201)
}

/// `GET /api/v1/campaigns/:campaign/staff/claims/export?format=json|csv`: every claim (merged
/// ones folded in), for fact-checking partners. Reporters' emails are never in it.
pub async fn export(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser, Role::Moderator], "export")?;
    let format = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "format")
        .map_or("json".to_owned(), |(_, v)| v.into_owned());
    let rows = store.all_claims(who.campaign_id).await?;
    let claims = views(&store, rows).await?;
    let slug = param(&ctx, "campaign")?;
    who.audit(&store, "export", &format!("claims ({format})"))
        .await?;
    let (body, content_type) = match format.as_str() {
        "json" => (
            serde_json::to_string(&claims).map_err(|e| AppError::Internal(e.to_string()))?,
            "application/json",
        ),
        "csv" => {
            let mut out = String::from(
                "id,status,claim,reports,first_seen,last_seen,seen_on,verdict,explanation,sources\r\n",
            );
            for c in &claims {
                let seen: Vec<String> = c
                    .seen_on
                    .iter()
                    .map(|s| format!("{}:{}", s.seen_on.as_str(), s.count))
                    .collect();
                let sources: Vec<String> = c.sources.iter().map(|s| s.url.clone()).collect();
                let cells = [
                    c.id.clone(),
                    c.status.as_str().to_owned(),
                    c.text.clone(),
                    c.reports.to_string(),
                    http::iso_date(c.first_seen as f64),
                    http::iso_date(c.last_seen as f64),
                    seen.join(" "),
                    c.verdict.map(Verdict::as_str).unwrap_or("").to_owned(),
                    c.explanation.clone().unwrap_or_default(),
                    sources.join(" "),
                ];
                out.push_str(
                    &cells
                        .iter()
                        .map(|c| csv_cell(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push_str("\r\n");
            }
            (out, "text/csv; charset=utf-8")
        }
        _ => {
            return Err(AppError::field(
                ErrorCode::InvalidValue,
                "format",
                "format must be json or csv",
            ))
        }
    };
    let mut resp = Response::ok(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", content_type)?;
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{slug}-claims.{format}\""),
    )?;
    h.set("Cache-Control", "no-store")?;
    Ok(resp)
}
