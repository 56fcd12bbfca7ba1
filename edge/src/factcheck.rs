//! Fact-checks on the edge: reports grouped into claims as they arrive, the published
//! rebuttals (a KV snapshot, also searched for "this may already be answered"), each rebuttal's
//! own page with ClaimReview markup, and the staff's queue: statuses, verdicts, merge, split,
//! history and exports.

use rally_api::cluster;
use rally_api::{
    ClaimEvent, ClaimStatus, ClaimUpdate, ClaimView, ErrorCode, MergeClaims, Rebuttal,
    RebuttalFeed, ReportRequest, ReportResponse, ReportView, SeenCount, SeenOn, Source, SplitClaim,
    ValidReport, Verdict,
};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{idempotency_key, json, now, param, store, view_cache, SIGN_LIMIT_PERIOD_SECS};
use crate::staff::{self, Role, Staff};
use crate::store::{num, opt, text, Store};

/// How many published rebuttals the feed snapshot holds.
const FEED_MAX: u32 = 200;
/// How many candidate claims a report is compared with.
const CANDIDATES: u32 = 50;

#[derive(Deserialize)]
struct CampaignRow {
    id: u32,
    name: String,
    timezone: String,
}

async fn campaign(store: &Store, ctx: &RouteContext<()>) -> AppResult<CampaignRow> {
    store
        .first(
            "SELECT id, name, timezone FROM campaigns WHERE slug = ?1",
            &[text(param(ctx, "campaign")?)],
        )
        .await?
        .ok_or_else(|| AppError::not_found("campaign"))
}

/// The claim's public id in the path (a referral-style code).
fn claim_id(ctx: &RouteContext<()>) -> AppResult<String> {
    ctx.param("id")
        .and_then(|v| rally_api::validate::ref_code(v))
        .ok_or_else(|| AppError::not_found("claim"))
}

fn origin(req: &Request) -> AppResult<String> {
    Ok(req.url()?.origin().ascii_serialization())
}

/// The rebuttal page of a claim.
fn page_url(origin: &str, campaign: &str, id: &str) -> String {
    format!("{origin}/r/{campaign}/{id}")
}

#[derive(Deserialize)]
struct ClaimRow {
    id: u32,
    public_id: String,
    text: String,
    words: String,
    status: String,
    reports: u32,
    first_seen: f64,
    last_seen: f64,
    verdict: Option<String>,
    explanation: Option<String>,
    sources: String,
    published_at: Option<f64>,
}

const CLAIM_COLUMNS: &str = "c.id, c.public_id, c.text, c.words, c.status, c.reports, \
     c.first_seen, c.last_seen, c.verdict, c.explanation, c.sources, c.published_at";

impl ClaimRow {
    fn words(&self) -> Vec<String> {
        self.words.split(' ').map(str::to_owned).collect()
    }

    fn sources(&self) -> Vec<Source> {
        serde_json::from_str(&self.sources).unwrap_or_default()
    }

    fn status(&self) -> ClaimStatus {
        ClaimStatus::parse(&self.status).unwrap_or(ClaimStatus::New)
    }

    fn rebuttal(&self, origin: &str, campaign: &str) -> Option<Rebuttal> {
        if self.status() != ClaimStatus::Published {
            return None;
        }
        Some(Rebuttal {
            id: self.public_id.clone(),
            claim: self.text.clone(),
            verdict: Verdict::parse(self.verdict.as_deref()?)?,
            explanation: self.explanation.clone().unwrap_or_default(),
            sources: self.sources(),
            published_at: self.published_at.unwrap_or(0.0) as u64,
            reports: self.reports,
            url: page_url(origin, campaign, &self.public_id),
        })
    }
}

/// The supporter a report's token names, if it holds. A report is never refused for its token:
/// one that does not hold only earns no points.
async fn reporter(
    req: &Request,
    ctx: &RouteContext<()>,
    store: &Store,
    campaign_id: u32,
) -> AppResult<Option<u32>> {
    let Some(bearer) = crate::token::bearer(req) else {
        return Ok(None);
    };
    let Some((id, version)) = crate::token::verify(&ctx.env, campaign_id, &bearer)? else {
        return Ok(None);
    };
    Ok(store.person(campaign_id, id, version).await?.map(|_| id))
}

/// The words a report is grouped by: its claim and any screenshot text.
fn report_words(r: &ValidReport) -> Vec<String> {
    let mut all = r.claim.clone();
    if let Some(s) = &r.screenshot_text {
        all.push(' ');
        all.push_str(s);
    }
    cluster::words(&all)
}

/// `POST /api/v1/campaigns/:campaign/reports`
pub async fn report(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let key = idempotency_key(&req)?;
    guard::rate_limit(&req, &ctx.env, "SIGN_LIMITER", SIGN_LIMIT_PERIOD_SECS).await?;
    let body: ReportRequest = guard::json_body(&mut req).await?;
    let valid = body.validate().map_err(AppError::Invalid)?;
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let request_id = match &key {
        Some(k) => format!("report:{}:{k}", c.id),
        None => guard::request_id()?,
    };
    let origin = origin(&req)?;
    let campaign_slug = param(&ctx, "campaign")?.to_owned();
    // A retry of a report already stored is answered as the first time. (Only a request with
    // an idempotency key can be a retry: without one its id is fresh.)
    if key.is_some() {
        if let Some(done) = store.report_outcome(&request_id).await? {
            return json(&done.response(&origin, &campaign_slug), 200);
        }
    }
    let words = report_words(&valid);
    let bands = cluster::bands(&words);
    let best = store
        .candidates(c.id, &bands)
        .await?
        .into_iter()
        .filter(|cand| cluster::same_claim(&words, &cand.words()))
        .max_by_key(|cand| cand.reports);
    let at = now();
    let nonce = guard::request_id()?;
    let reporter = reporter(&req, &ctx, &store, c.id).await?;
    let week = crate::routes::week_of(at, &c.timezone);
    store
        .add_report(&NewReport {
            reporter,
            week: &week,
            campaign_id: c.id,
            claim: best.as_ref().map(|b| b.id),
            new_public_id: &guard::ref_code()?,
            report: &valid,
            words: &words,
            bands: &bands,
            request_id: &request_id,
            nonce: &nonce,
            at,
        })
        .await?;
    let done = store
        .report_outcome(&request_id)
        .await?
        .ok_or_else(|| AppError::Internal("report not stored".into()))?;
    // The feed's report counts catch up when its snapshot is next rebuilt (within ~3 s).
    json(&done.response(&origin, &campaign_slug), 201)
}

/// A report as stored, and its claim: the answer to a report (and to its retries).
struct ReportOutcome {
    claim: ClaimRow,
}

impl ReportOutcome {
    fn response(&self, origin: &str, campaign: &str) -> ReportResponse {
        ReportResponse {
            claim_id: self.claim.public_id.clone(),
            reports: self.claim.reports,
            rebuttal: self.claim.rebuttal(origin, campaign),
        }
    }
}

struct NewReport<'a> {
    /// The remembered supporter who reported it, if any: they earn the campaign's report points
    /// (once per claim).
    reporter: Option<u32>,
    week: &'a str,
    campaign_id: u32,
    /// The claim to add to; `None` starts a new one.
    claim: Option<u32>,
    new_public_id: &'a str,
    report: &'a ValidReport,
    words: &'a [String],
    bands: &'a [i64],
    request_id: &'a str,
    nonce: &'a str,
    at: f64,
}

/// The claim id a batch writes to: the chosen one, or the one this request created.
fn claim_ref(r: &NewReport) -> (String, JsValue) {
    match r.claim {
        Some(id) => ("?9".to_owned(), num(id)),
        None => (
            "(SELECT id FROM claims WHERE created_request = ?9)".to_owned(),
            text(r.nonce),
        ),
    }
}

impl Store {
    /// Claims sharing a MinHash band with a report: an index lookup per band.
    async fn candidates(&self, campaign_id: u32, bands: &[i64]) -> AppResult<Vec<ClaimRow>> {
        if bands.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec![num(campaign_id), num(CANDIDATES)];
        let pairs: Vec<String> = bands
            .iter()
            .enumerate()
            .map(|(band, hash)| {
                args.push(num(band as f64));
                args.push(num(*hash as f64));
                format!("(?{}, ?{})", args.len() - 1, args.len())
            })
            .collect();
        self.all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.id IN (\
                   SELECT DISTINCT b.claim_id FROM claim_bands b WHERE b.campaign_id = ?1 \
                   AND (b.band, b.hash) IN (VALUES {})) \
                 AND c.merged_into IS NULL ORDER BY c.reports DESC LIMIT ?2",
                pairs.join(", ")
            ),
            &args,
        )
        .await
    }

    /// Stores a report in one batch: the claim (when new) and its bands, the report, and the
    /// claim's counts, which move only if this request's report row went in (a concurrent retry
    /// with the same id changes nothing).
    async fn add_report(&self, r: &NewReport<'_>) -> AppResult<()> {
        let v = r.report;
        let (claim, claim_arg) = claim_ref(r);
        let mine = "EXISTS (SELECT 1 FROM reports WHERE request_id = ?1 AND nonce = ?2)";
        let mut stmts = Vec::new();
        if r.claim.is_none() {
            stmts.push(self.stmt(
                "INSERT INTO claims (campaign_id, public_id, text, words, first_seen, last_seen, created_request) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                &[
                    num(r.campaign_id),
                    text(r.new_public_id),
                    text(&v.claim),
                    text(&r.words.join(" ")),
                    num(r.at),
                    text(r.nonce),
                ],
            )?);
            for (band, hash) in r.bands.iter().enumerate() {
                stmts.push(self.stmt(
                    "INSERT OR IGNORE INTO claim_bands (campaign_id, band, hash, claim_id) \
                     SELECT ?1, ?2, ?3, id FROM claims WHERE created_request = ?4",
                    &[
                        num(r.campaign_id),
                        num(band as f64),
                        num(*hash as f64),
                        text(r.nonce),
                    ],
                )?);
            }
        }
        let base = [text(r.request_id), text(r.nonce)];
        let with = |extra: Vec<JsValue>| -> Vec<JsValue> {
            let mut a = base.to_vec();
            a.extend(extra);
            a
        };
        // ?1 request id, ?2 nonce, ?3.. values, ?9 the claim.
        let fill = |mut a: Vec<JsValue>| {
            while a.len() < 8 {
                a.push(JsValue::NULL);
            }
            a.push(claim_arg.clone());
            a
        };
        stmts.push(self.stmt(
            &format!(
                "INSERT INTO reports (campaign_id, claim_id, request_id, nonce, claim, link, seen_on, \
                   screenshot_text, email, lang, created_at) \
                 SELECT c.campaign_id, c.id, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {at} FROM claims c \
                 WHERE c.id = {claim} ON CONFLICT (request_id) DO NOTHING",
                at = r.at
            ),
            &fill(with(vec![
                text(&v.claim),
                opt(v.link.as_deref()),
                text(v.seen_on.as_str()),
                opt(v.screenshot_text.as_deref()),
                opt(v.email.as_deref()),
                text(v.lang.tag()),
            ])),
        )?);
        stmts.push(self.stmt(
            &format!(
                "UPDATE claims SET reports = reports + 1, last_seen = MAX(last_seen, ?3) \
                 WHERE id = {claim} AND {mine}"
            ),
            &fill(with(vec![num(r.at)])),
        )?);
        stmts.push(self.stmt(
            &format!(
                "INSERT INTO claim_seen (claim_id, seen_on, n) SELECT {claim}, ?3, 1 WHERE {mine} \
                 ON CONFLICT (claim_id, seen_on) DO UPDATE SET n = n + 1"
            ),
            &fill(with(vec![text(v.seen_on.as_str())])),
        )?);
        if let Some(supporter) = r.reporter {
            // The action log: a report earns points once per claim per supporter, and only when
            // this request's report row went in.
            stmts.push(self.stmt(
                "INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
                     SELECT r.campaign_id, ?3, 'report', r.id, r.request_id, c.points_report, ?4, r.created_at \
                     FROM reports r JOIN campaigns c ON c.id = r.campaign_id \
                     WHERE r.request_id = ?1 AND r.nonce = ?2 AND NOT EXISTS ( \
                       SELECT 1 FROM actions a JOIN reports r2 ON r2.id = a.subject_id \
                       WHERE a.kind = 'report' AND a.supporter_id = ?3 AND r2.claim_id = r.claim_id) \
                     ON CONFLICT (request_id, kind) DO NOTHING",
                &[
                    text(r.request_id),
                    text(r.nonce),
                    num(supporter),
                    text(r.week),
                ],
            )?);
            stmts.extend(self.award_stmts(r.request_id, "report")?);
        }
        self.batch(stmts).await?;
        Ok(())
    }

    async fn report_outcome(&self, request_id: &str) -> AppResult<Option<ReportOutcome>> {
        let claim: Option<ClaimRow> = self
            .first(
                &format!(
                    "SELECT {CLAIM_COLUMNS} FROM reports r JOIN claims c ON c.id = r.claim_id \
                     WHERE r.request_id = ?1"
                ),
                &[text(request_id)],
            )
            .await?;
        // A claim merged since: answer with the one it went into.
        let Some(claim) = claim else { return Ok(None) };
        Ok(Some(ReportOutcome {
            claim: self.live_claim(claim).await?,
        }))
    }

    /// Follows a merged claim to the claim it was merged into.
    async fn live_claim(&self, claim: ClaimRow) -> AppResult<ClaimRow> {
        let into: Option<ClaimRow> = self
            .first(
                &format!(
                    "SELECT {CLAIM_COLUMNS} FROM claims m JOIN claims c ON c.id = m.merged_into \
                     WHERE m.id = ?1"
                ),
                &[num(claim.id)],
            )
            .await?;
        Ok(into.unwrap_or(claim))
    }

    async fn published(&self, campaign_id: u32) -> AppResult<Vec<ClaimRow>> {
        self.all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.status = 'published' \
                 AND c.merged_into IS NULL ORDER BY c.published_at DESC LIMIT ?2"
            ),
            &[num(campaign_id), num(FEED_MAX)],
        )
        .await
    }

    async fn claim(&self, campaign_id: u32, public_id: &str) -> AppResult<Option<ClaimRow>> {
        self.first(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.public_id = ?2"
            ),
            &[num(campaign_id), text(public_id)],
        )
        .await
    }

    async fn seen_counts(&self, claim_id: u32) -> AppResult<Vec<SeenCount>> {
        #[derive(Deserialize)]
        struct Row {
            seen_on: String,
            n: u32,
        }
        let rows: Vec<Row> = self
            .all(
                "SELECT seen_on, n FROM claim_seen WHERE claim_id = ?1 ORDER BY n DESC, seen_on",
                &[num(claim_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(SeenCount {
                    seen_on: SeenOn::parse(&r.seen_on)?,
                    count: r.n,
                })
            })
            .collect())
    }

    async fn latest_reports(&self, claim_id: u32) -> AppResult<Vec<ReportView>> {
        #[derive(Deserialize)]
        struct Row {
            id: f64,
            claim: String,
            link: Option<String>,
            seen_on: String,
            screenshot_text: Option<String>,
            created_at: f64,
        }
        let rows: Vec<Row> = self
            .all(
                "SELECT id, claim, link, seen_on, screenshot_text, created_at FROM reports \
                 WHERE claim_id = ?1 ORDER BY id DESC LIMIT 20",
                &[num(claim_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ReportView {
                id: r.id as u64,
                claim: r.claim,
                link: r.link,
                seen_on: SeenOn::parse(&r.seen_on).unwrap_or(SeenOn::Other),
                screenshot_text: r.screenshot_text,
                at: r.created_at as u64,
            })
            .collect())
    }

    fn event_stmt(
        &self,
        claim: &str,
        claim_arg: JsValue,
        staff: &Staff,
        action: &str,
        detail: &str,
        at: f64,
    ) -> AppResult<worker::D1PreparedStatement> {
        self.stmt(
            &format!(
                "INSERT INTO claim_events (claim_id, staff_id, action, detail, at) \
                 SELECT {claim}, ?2, ?3, ?4, ?5"
            ),
            &[
                claim_arg,
                num(staff.id),
                text(action),
                text(detail),
                num(at),
            ],
        )
    }
}

/// The published rebuttals read from D1; the feed snapshot is rewritten with them if this
/// request wins the second's claim on its key.
async fn refresh_feed(
    ctx: &RouteContext<()>,
    store: &Store,
    campaign_id: u32,
    campaign: &str,
    origin: &str,
    at: f64,
) -> AppResult<RebuttalFeed> {
    let key = format!("rebuttals:v1:{campaign_id}");
    let feed = RebuttalFeed {
        rebuttals: store
            .published(campaign_id)
            .await?
            .iter()
            .filter_map(|c| c.rebuttal(origin, campaign))
            .collect(),
        as_of: at as u64,
    };
    if store.claim_kv(&key, at).await? {
        view_cache(ctx)?.store(&key, &feed, at).await?;
    }
    Ok(feed)
}

/// The published rebuttals: the KV snapshot while fresh, else D1.
async fn feed(
    ctx: &RouteContext<()>,
    store: &Store,
    campaign_id: u32,
    campaign: &str,
    origin: &str,
) -> AppResult<RebuttalFeed> {
    let at = now();
    let key = format!("rebuttals:v1:{campaign_id}");
    if let Some(f) = view_cache(ctx)?.fresh::<RebuttalFeed>(&key, at).await? {
        return Ok(f);
    }
    refresh_feed(ctx, store, campaign_id, campaign, origin, at).await
}

/// `GET /api/v1/campaigns/:campaign/rebuttals?q=`: published rebuttals, newest first; with `q`,
/// those answering at least half of the query's words, best first (the search box and "this may
/// already be answered" while typing).
pub async fn rebuttals(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    crate::views::count_if_view(&req, param(&ctx, "campaign")?, "factcheck");
    let origin = origin(&req)?;
    let mut f = feed(&ctx, &store, c.id, param(&ctx, "campaign")?, &origin).await?;
    let q = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| {
            v.chars()
                .take(rally_api::factcheck::CLAIM_MAX)
                .collect::<String>()
        })
        .unwrap_or_default();
    let query = cluster::words(&q);
    if !query.is_empty() {
        let mut scored: Vec<(f64, Rebuttal)> = f
            .rebuttals
            .into_iter()
            .map(|r| {
                let words = cluster::words(&format!("{} {}", r.claim, r.explanation));
                (cluster::match_score(&query, &words), r)
            })
            .filter(|(s, _)| *s >= 0.5)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        f.rebuttals = scored.into_iter().map(|(_, r)| r).collect();
    }
    let mut resp = json(&f, 200)?;
    resp.headers_mut()
        .set("Cache-Control", "public, max-age=5")?;
    Ok(resp)
}

/// HTML text: `&`, `<`, `>`, `"` and `'` escaped.
fn esc(s: &str) -> String {
    crate::page::escape(s)
}

/// JSON inside `<script type="application/ld+json">`: `<` escaped so no text can close it.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

/// `GET /r/:campaign/:id`: a published rebuttal's own page, made to preview well when
/// forwarded (Open Graph) and to be read by search engines and fact-check aggregators
/// (schema.org ClaimReview).
pub async fn page(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let slug = param(&ctx, "campaign")?;
    let origin = origin(&req)?;
    let claim = store
        .claim(c.id, &claim_id(&ctx)?)
        .await?
        .ok_or_else(|| AppError::not_found("rebuttal"))?;
    let claim = store.live_claim(claim).await?;
    let r = claim
        .rebuttal(&origin, slug)
        .ok_or_else(|| AppError::not_found("rebuttal"))?;
    let date = crate::routes::iso_date(r.published_at as f64);
    let mut rating = serde_json::json!({
        "@type": "Rating",
        "alternateName": r.verdict.label(),
        "bestRating": 5,
        "worstRating": 1,
    });
    if let Some(v) = r.verdict.rating() {
        rating["ratingValue"] = v.into();
    }
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": r.url,
        "datePublished": date,
        "claimReviewed": r.claim,
        "author": { "@type": "Organization", "name": c.name },
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": crate::routes::iso_date(claim.first_seen),
            "appearance": r.sources.iter().map(|s| serde_json::json!({ "@type": "CreativeWork", "url": s.url })).collect::<Vec<_>>(),
        },
    });
    let summary: String = r.explanation.chars().take(200).collect();
    let title = format!("{}: {}", r.verdict.label(), r.claim);
    let sources: String = r
        .sources
        .iter()
        .map(|s| {
            format!(
                "<li><a href=\"{}\" rel=\"nofollow ugc noopener\" target=\"_blank\">{}</a></li>",
                esc(&s.url),
                esc(&s.title)
            )
        })
        .collect();
    let share = format!(
        "https://wa.me/?text={}",
        crate::page::url_encode(&r.share_text(r.verdict.label()))
    );
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <meta name=\"description\" content=\"{summary}\">\
         <meta property=\"og:type\" content=\"article\">\
         <meta property=\"og:title\" content=\"{title}\">\
         <meta property=\"og:description\" content=\"{summary}\">\
         <meta property=\"og:url\" content=\"{url}\">\
         <meta property=\"og:site_name\" content=\"{site}\">\
         <meta name=\"twitter:card\" content=\"summary\">\
         <script type=\"application/ld+json\">{ld}</script>\
         <style>body{{font:18px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}}\
         .verdict{{display:inline-block;padding:4px 10px;border-radius:6px;background:#b00020;color:#fff;font-weight:700}}\
         a.share{{display:inline-block;margin-top:1rem;padding:10px 14px;border-radius:8px;background:#1f7a48;color:#fff;text-decoration:none;font-weight:700}}</style>\
         </head><body><p class=\"verdict\">{verdict}</p><h1>{claim}</h1><p>{explanation}</p>\
         <h2>Sources</h2><ul>{sources}</ul><p><small>{site} · {date} · {reports}</small></p>\
         <a class=\"share\" href=\"{share}\" rel=\"noopener\">WhatsApp</a></body></html>",
        title = esc(&title),
        summary = esc(&summary),
        url = esc(&r.url),
        site = esc(&c.name),
        ld = script_json(&ld),
        verdict = esc(r.verdict.label()),
        claim = esc(&r.claim),
        explanation = esc(&r.explanation),
        date = esc(&date),
        reports = r.reports,
        share = esc(&share),
    );
    let mut resp = Response::from_html(body)?;
    resp.headers_mut()
        .set("Cache-Control", "public, max-age=60")?;
    Ok(resp)
}

// ---- Staff ----

/// `GET /api/v1/campaigns/:campaign/staff/claims?status=`: the queue, most reported first.
/// Without `status`: new and in review.
pub async fn queue(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
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
    let rows: Vec<ClaimRow> = store
        .all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.merged_into IS NULL \
                 AND c.reports > 0 AND c.status IN (?2, ?3) ORDER BY c.reports DESC, c.last_seen DESC LIMIT 100"
            ),
            &[
                num(who.campaign_id),
                text(statuses[0]),
                text(statuses.get(1).unwrap_or(&statuses[0])),
            ],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(view(&store, r, false).await?);
    }
    json(&out, 200)
}

async fn view(store: &Store, r: ClaimRow, latest: bool) -> AppResult<ClaimView> {
    Ok(ClaimView {
        seen_on: store.seen_counts(r.id).await?,
        latest: if latest {
            store.latest_reports(r.id).await?
        } else {
            Vec::new()
        },
        id: r.public_id.clone(),
        status: r.status(),
        reports: r.reports,
        first_seen: r.first_seen as u64,
        last_seen: r.last_seen as u64,
        verdict: r.verdict.as_deref().and_then(Verdict::parse),
        sources: r.sources(),
        explanation: r.explanation.clone(),
        text: r.text,
    })
}

async fn staff_claim(
    req: &Request,
    ctx: &RouteContext<()>,
    store: &Store,
) -> AppResult<(Staff, ClaimRow)> {
    let who = staff::signed_in(req, ctx, store).await?;
    let claim = store
        .claim(who.campaign_id, &claim_id(ctx)?)
        .await?
        .ok_or_else(|| AppError::not_found("claim"))?;
    Ok((who, claim))
}

/// `GET /api/v1/campaigns/:campaign/staff/claims/:id`: one claim with its latest reports.
pub async fn get_claim(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (_, claim) = staff_claim(&req, &ctx, &store).await?;
    json(&view(&store, claim, true).await?, 200)
}

/// `GET /api/v1/campaigns/:campaign/staff/claims/:id/history`
pub async fn history(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (_, claim) = staff_claim(&req, &ctx, &store).await?;
    #[derive(Deserialize)]
    struct Row {
        at: f64,
        name: String,
        action: String,
        detail: String,
    }
    let rows: Vec<Row> = store
        .all(
            "SELECT e.at, s.name, e.action, e.detail FROM claim_events e JOIN staff s ON s.id = e.staff_id \
             WHERE e.claim_id = ?1 ORDER BY e.id",
            &[num(claim.id)],
        )
        .await?;
    let events: Vec<ClaimEvent> = rows
        .into_iter()
        .map(|r| ClaimEvent {
            at: r.at as u64,
            staff: r.name,
            action: r.action,
            detail: r.detail,
        })
        .collect();
    json(&events, 200)
}

const MODERATE: &[Role] = &[Role::Owner, Role::Moderator];

/// `PATCH /api/v1/campaigns/:campaign/staff/claims/:id`: status, wording, verdict, explanation,
/// sources. Publishing needs a verdict and an explanation; it queues a message to everyone who
/// asked to hear back, and refreshes the public feed.
pub async fn update(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (who, claim) = staff_claim(&req, &ctx, &store).await?;
    who.require(MODERATE, "change fact-checks")?;
    let update: ClaimUpdate = guard::json_body(&mut req).await?;
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
    let sources = u
        .sources
        .as_ref()
        .map(|s| serde_json::to_string(s).unwrap_or_else(|_| "[]".into()));
    let id = num(claim.id);
    let mut stmts = vec![store.stmt(
        "UPDATE claims SET status = COALESCE(?2, status), text = COALESCE(?3, text), \
           verdict = COALESCE(?4, verdict), explanation = COALESCE(?5, explanation), \
           sources = COALESCE(?6, sources), \
           published_at = CASE WHEN ?2 = 'published' THEN COALESCE(published_at, ?7) ELSE published_at END \
         WHERE id = ?1",
        &[
            id.clone(),
            opt(u.status.map(ClaimStatus::as_str)),
            opt(u.text.as_deref()),
            opt(u.verdict.map(Verdict::as_str)),
            opt(u.explanation.as_deref()),
            opt(sources.as_deref()),
            num(at),
        ],
    )?];
    let mut changes = Vec::new();
    if let Some(s) = u.status {
        changes.push(("status", s.as_str().to_owned()));
    }
    if let Some(t) = &u.text {
        changes.push(("text", t.clone()));
    }
    if let Some(v) = u.verdict {
        changes.push(("verdict", v.as_str().to_owned()));
    }
    if let Some(e) = &u.explanation {
        changes.push(("explanation", e.clone()));
    }
    if let Some(s) = &sources {
        changes.push(("sources", s.clone()));
    }
    for (action, detail) in &changes {
        stmts.push(store.event_stmt("?1", id.clone(), &who, action, detail, at)?);
    }
    stmts.push(staff::audit_stmt(
        &store,
        who.campaign_id,
        who.id,
        "claim_update",
        &format!(
            "{}: {}",
            claim.public_id,
            changes
                .iter()
                .map(|(a, _)| *a)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        at,
    )?);
    if publishing {
        // Everyone who asked to hear back, once each.
        stmts.push(store.stmt(
            "INSERT OR IGNORE INTO notify_outbox (claim_id, report_id, email, lang, created_at) \
             SELECT r.claim_id, r.id, r.email, r.lang, ?2 FROM reports r \
             WHERE r.claim_id = ?1 AND r.email IS NOT NULL",
            &[id.clone(), num(at)],
        )?);
    }
    store.batch(stmts).await?;
    // The public feed changes only if the claim is, or was, published.
    if publishing || claim.status() == ClaimStatus::Published {
        let slug = param(&ctx, "campaign")?.to_owned();
        refresh_feed(&ctx, &store, who.campaign_id, &slug, &origin(&req)?, at).await?;
    }
    let claim = store
        .claim(who.campaign_id, &claim.public_id)
        .await?
        .ok_or_else(|| AppError::not_found("claim"))?;
    json(&view(&store, claim, true).await?, 200)
}

/// Recomputes a claim's counts from its reports (after a merge or split: staff-only, rare).
fn recount(
    store: &Store,
    claim: &str,
    arg: JsValue,
) -> AppResult<Vec<worker::D1PreparedStatement>> {
    Ok(vec![
        store.stmt(
            &format!(
                "UPDATE claims SET reports = (SELECT COUNT(*) FROM reports WHERE claim_id = {claim}), \
                   first_seen = COALESCE((SELECT MIN(created_at) FROM reports WHERE claim_id = {claim}), first_seen), \
                   last_seen = COALESCE((SELECT MAX(created_at) FROM reports WHERE claim_id = {claim}), last_seen) \
                 WHERE id = {claim}"
            ),
            std::slice::from_ref(&arg),
        )?,
        store.stmt(
            &format!("DELETE FROM claim_seen WHERE claim_id = {claim}"),
            std::slice::from_ref(&arg),
        )?,
        store.stmt(
            &format!(
                "INSERT INTO claim_seen (claim_id, seen_on, n) SELECT {claim}, seen_on, COUNT(*) \
                 FROM reports WHERE claim_id = {claim} GROUP BY seen_on"
            ),
            &[arg],
        )?,
    ])
}

/// `POST /api/v1/campaigns/:campaign/staff/claims/:id/merge` `{ "into" }`: this claim's
/// reports join `into`, and so do its bands (so new reports like them find `into`).
pub async fn merge(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (who, claim) = staff_claim(&req, &ctx, &store).await?;
    who.require(MODERATE, "merge claims")?;
    let body: MergeClaims = guard::json_body(&mut req).await?;
    let into = store
        .claim(who.campaign_id, &body.into)
        .await?
        .filter(|i| i.id != claim.id)
        .ok_or_else(|| {
            AppError::field(ErrorCode::NotFound, "into", "no other claim with this id")
        })?;
    let at = now();
    let (from, to) = (num(claim.id), num(into.id));
    let mut stmts =
        vec![
        store.stmt(
            "UPDATE reports SET claim_id = ?2 WHERE claim_id = ?1",
            &[from.clone(), to.clone()],
        )?,
        store.stmt(
            "INSERT OR IGNORE INTO claim_bands (campaign_id, band, hash, claim_id) \
             SELECT campaign_id, band, hash, ?2 FROM claim_bands WHERE claim_id = ?1",
            &[from.clone(), to.clone()],
        )?,
        store.stmt("DELETE FROM claim_bands WHERE claim_id = ?1", std::slice::from_ref(&from))?,
        store.stmt(
            "UPDATE claims SET merged_into = ?2, status = 'dismissed', reports = 0 WHERE id = ?1",
            &[from.clone(), to.clone()],
        )?,
        store.stmt("DELETE FROM claim_seen WHERE claim_id = ?1", std::slice::from_ref(&from))?,
    ];
    stmts.extend(recount(&store, "?1", to.clone())?);
    stmts.push(store.event_stmt("?1", from, &who, "merged_into", &into.public_id, at)?);
    stmts.push(store.event_stmt("?1", to, &who, "merged_from", &claim.public_id, at)?);
    stmts.push(staff::audit_stmt(
        &store,
        who.campaign_id,
        who.id,
        "claim_merge",
        &format!("{} into {}", claim.public_id, into.public_id),
        at,
    )?);
    store.batch(stmts).await?;
    let into = store
        .claim(who.campaign_id, &into.public_id)
        .await?
        .ok_or_else(|| AppError::not_found("claim"))?;
    json(&view(&store, into, true).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/claims/:id/split` `{ "reports": [ids] }`: these
/// reports become a new claim.
pub async fn split(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let (who, claim) = staff_claim(&req, &ctx, &store).await?;
    who.require(MODERATE, "split claims")?;
    let body: SplitClaim = guard::json_body(&mut req).await?;
    if body.reports.is_empty() || body.reports.len() > 50 {
        return Err(AppError::field(
            ErrorCode::InvalidValue,
            "reports",
            "name 1 to 50 reports of this claim",
        ));
    }
    #[derive(Deserialize)]
    struct Row {
        id: f64,
        claim: String,
        screenshot_text: Option<String>,
    }
    let ids: Vec<String> = body.reports.iter().map(u64::to_string).collect();
    let rows: Vec<Row> = store
        .all(
            &format!(
                "SELECT id, claim, screenshot_text FROM reports WHERE claim_id = ?1 AND id IN ({}) ORDER BY id",
                ids.join(",")
            ),
            &[num(claim.id)],
        )
        .await?;
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
    let nonce = guard::request_id()?;
    let public_id = guard::ref_code()?;
    let new_claim = "(SELECT id FROM claims WHERE created_request = ?1)";
    let mut stmts = vec![store.stmt(
        "INSERT INTO claims (campaign_id, public_id, text, words, first_seen, last_seen, created_request) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        &[
            num(who.campaign_id),
            text(&public_id),
            text(&first.claim),
            text(&words.join(" ")),
            num(at),
            text(&nonce),
        ],
    )?];
    for (band, hash) in cluster::bands(&words).iter().enumerate() {
        stmts.push(store.stmt(
            "INSERT OR IGNORE INTO claim_bands (campaign_id, band, hash, claim_id) \
             SELECT campaign_id, ?2, ?3, id FROM claims WHERE created_request = ?1",
            &[text(&nonce), num(band as f64), num(*hash as f64)],
        )?);
    }
    stmts.push(store.stmt(
        &format!(
            "UPDATE reports SET claim_id = {new_claim} WHERE claim_id = ?2 AND id IN ({})",
            rows.iter().map(|r| (r.id as u64).to_string()).collect::<Vec<_>>().join(",")
        ),
        &[text(&nonce), num(claim.id)],
    )?);
    stmts.extend(recount(&store, new_claim, text(&nonce))?);
    stmts.extend(recount(&store, "?1", num(claim.id))?);
    stmts.push(store.event_stmt("?1", num(claim.id), &who, "split_into", &public_id, at)?);
    stmts.push(store.event_stmt(
        new_claim,
        text(&nonce),
        &who,
        "split_from",
        &claim.public_id,
        at,
    )?);
    stmts.push(staff::audit_stmt(
        &store,
        who.campaign_id,
        who.id,
        "claim_split",
        &format!("{} into {public_id}", claim.public_id),
        at,
    )?);
    store.batch(stmts).await?;
    let created = store
        .claim(who.campaign_id, &public_id)
        .await?
        .ok_or_else(|| AppError::Internal("split claim not stored".into()))?;
    json(&view(&store, created, true).await?, 201)
}

/// A CSV cell: quoted, with a leading `=`, `+`, `-`, `@` (or tab, carriage return) neutralised
/// by a `'` so spreadsheets show it instead of running it.
pub fn csv_cell(s: &str) -> String {
    let risky = s
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let s = if risky { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `GET /api/v1/campaigns/:campaign/staff/claims/export?format=json|csv`: every claim (merged
/// ones folded in), for fact-checking partners. Reporters' emails are never in it.
pub async fn export(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Organiser, Role::Moderator], "export")?;
    let format = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "format")
        .map_or("json".to_owned(), |(_, v)| v.into_owned());
    let rows: Vec<ClaimRow> = store
        .all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.merged_into IS NULL \
                 AND c.reports > 0 ORDER BY c.first_seen"
            ),
            &[num(who.campaign_id)],
        )
        .await?;
    let mut claims = Vec::with_capacity(rows.len());
    for r in rows {
        claims.push(view(&store, r, false).await?);
    }
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
                    crate::routes::iso_date(c.first_seen as f64),
                    crate::routes::iso_date(c.last_seen as f64),
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
