//! Fact-check storage: claims and their MinHash bands, reports (grouped into claims in one
//! batch whose counts move only if the report's own row went in), the published feed, the
//! staff queue, history, updates, merges, splits and exports.

use rally_api::{
    cluster, ClaimEvent, ClaimStatus, Rebuttal, ReportResponse, ReportView, SeenCount, SeenOn,
    Source, ValidClaimUpdate, ValidReport, Verdict,
};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use crate::db::outbox::Written;
use crate::db::{num, opt, text, Batch, Store};
use crate::error::AppResult;

/// How many published rebuttals the feed snapshot holds.
const FEED_MAX: u32 = 200;
/// How many candidate claims a report is compared with.
const CANDIDATES: u32 = 50;

/// The rebuttal page of a claim.
pub fn page_url(origin: &str, campaign: &str, id: &str) -> String {
    format!("{origin}/r/{campaign}/{id}")
}

#[derive(Deserialize)]
pub struct ClaimRow {
    pub id: u32,
    pub public_id: String,
    pub text: String,
    pub words: String,
    pub status: String,
    pub reports: u32,
    pub first_seen: f64,
    pub last_seen: f64,
    pub verdict: Option<String>,
    pub explanation: Option<String>,
    pub sources: String,
    pub published_at: Option<f64>,
}

const CLAIM_COLUMNS: &str = "c.id, c.public_id, c.text, c.words, c.status, c.reports, \
     c.first_seen, c.last_seen, c.verdict, c.explanation, c.sources, c.published_at";

impl ClaimRow {
    pub fn words(&self) -> Vec<String> {
        self.words.split(' ').map(str::to_owned).collect()
    }

    pub fn sources(&self) -> Vec<Source> {
        serde_json::from_str(&self.sources).unwrap_or_default()
    }

    pub fn status(&self) -> ClaimStatus {
        ClaimStatus::parse(&self.status).unwrap_or(ClaimStatus::New)
    }

    pub fn rebuttal(&self, origin: &str, campaign: &str) -> Option<Rebuttal> {
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

/// A report as stored, and its claim: the answer to a report (and to its retries).
pub struct ReportOutcome {
    pub claim: ClaimRow,
}

impl ReportOutcome {
    pub fn response(&self, origin: &str, campaign: &str) -> ReportResponse {
        ReportResponse {
            claim_id: self.claim.public_id.clone(),
            reports: self.claim.reports,
            rebuttal: self.claim.rebuttal(origin, campaign),
        }
    }
}

pub struct NewReport<'a> {
    /// The remembered supporter who reported it, if any: they earn the campaign's report points
    /// (once per claim).
    pub reporter: Option<u32>,
    pub week: &'a str,
    pub campaign_id: u32,
    /// The claim to add to; `None` starts a new one.
    pub claim: Option<u32>,
    pub new_public_id: &'a str,
    pub report: &'a ValidReport,
    pub words: &'a [String],
    pub bands: &'a [i64],
    pub request_id: &'a str,
    pub nonce: &'a str,
    pub at: f64,
    /// The campaign's ladder: a reporter is evaluated in the report's batch.
    pub ladder: &'a crate::db::ladder::Live,
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
    pub async fn candidates(&self, campaign_id: u32, bands: &[i64]) -> AppResult<Vec<ClaimRow>> {
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

    /// Stores a report in one batch: the claim (when new) and its bands, the report, the
    /// claim's counts, which move only if this request's report row went in (a concurrent retry
    /// with the same id changes nothing), and its `report.created` deliveries, which it returns.
    pub async fn add_report(&self, r: &NewReport<'_>) -> AppResult<Vec<Written>> {
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
            stmts.push(self.stmt(
                "UPDATE supporters SET first_source = COALESCE(first_source, 'factcheck'), \
                     first_item = COALESCE(first_item, 'report') \
                 WHERE id = ?1 AND (first_source IS NULL OR first_item IS NULL)",
                &[num(supporter)],
            )?);
        }
        let mut b = Batch::new();
        b.extend(stmts);
        // The reporter's rung, in the same batch (keyed by the nonce: fresh for every request,
        // where a retry shares the request id).
        let who = r.reporter.map(crate::db::ladder::Who::one);
        let at = crate::db::ladder::At {
            campaign_id: r.campaign_id,
            request_id: r.nonce,
            now: r.at,
            week: r.week,
            cause: crate::db::ladder::Cause::Action,
        };
        let eval = match &who {
            Some(w) => Some(self.add_evaluation(&mut b, r.ladder, w, &at)?),
            None => None,
        };
        // `report.created` to the endpoints that asked, only if this request's row went in.
        let hooks = b.read::<Written>(self.stmt(
            "INSERT INTO outbox (campaign_id, kind, report_id, claim_id, lang, dedupe, due_at, created_at, \
                                 endpoint_id, event_type) \
             SELECT r.campaign_id, 'webhook', r.id, r.claim_id, r.lang, \
                    'webhook:' || e.id || ':report.created:' || r.request_id, ?3, ?3, e.id, 'report.created' \
             FROM reports r JOIN endpoints e ON e.campaign_id = r.campaign_id AND e.enabled = 1 \
               AND instr(',' || e.events || ',', ',report.created,') > 0 \
             WHERE r.request_id = ?1 AND r.nonce = ?2 \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
            &[text(r.request_id), text(r.nonce), num(r.at)],
        )?);
        let results = b.run(self).await?;
        let mut written = results.rows(hooks)?;
        if let (Some(e), Some(w)) = (&eval, &who) {
            written.extend(
                self.settle_evaluation(&results, e, r.ladder, w, &at)
                    .await?,
            );
        }
        Ok(written)
    }

    pub async fn report_outcome(&self, request_id: &str) -> AppResult<Option<ReportOutcome>> {
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
    pub async fn live_claim(&self, claim: ClaimRow) -> AppResult<ClaimRow> {
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

    pub async fn published(&self, campaign_id: u32) -> AppResult<Vec<ClaimRow>> {
        self.all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.status = 'published' \
                 AND c.merged_into IS NULL ORDER BY c.published_at DESC LIMIT ?2"
            ),
            &[num(campaign_id), num(FEED_MAX)],
        )
        .await
    }

    pub async fn claim(&self, campaign_id: u32, public_id: &str) -> AppResult<Option<ClaimRow>> {
        self.first(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.public_id = ?2"
            ),
            &[num(campaign_id), text(public_id)],
        )
        .await
    }

    pub async fn seen_counts(&self, claim_id: u32) -> AppResult<Vec<SeenCount>> {
        let mut all = self.seen_counts_of(&[claim_id]).await?;
        Ok(all.remove(&claim_id).unwrap_or_default())
    }

    /// Where each of `claim_ids` was seen, in one query however many claims (lists and
    /// exports read every claim's at once, within the invocation's query budget).
    pub async fn seen_counts_of(
        &self,
        claim_ids: &[u32],
    ) -> AppResult<std::collections::HashMap<u32, Vec<SeenCount>>> {
        #[derive(Deserialize)]
        struct Row {
            claim_id: f64,
            seen_on: String,
            n: u32,
        }
        let ids = serde_json::to_string(claim_ids).unwrap_or_else(|_| "[]".into());
        let rows: Vec<Row> = self
            .all(
                "SELECT claim_id, seen_on, n FROM claim_seen \
                 WHERE claim_id IN (SELECT value FROM json_each(?1)) \
                 ORDER BY claim_id, n DESC, seen_on",
                &[text(&ids)],
            )
            .await?;
        let mut out: std::collections::HashMap<u32, Vec<SeenCount>> = Default::default();
        for r in rows {
            if let Some(seen_on) = SeenOn::parse(&r.seen_on) {
                out.entry(r.claim_id as u32).or_default().push(SeenCount {
                    seen_on,
                    count: r.n,
                });
            }
        }
        Ok(out)
    }

    pub async fn latest_reports(&self, claim_id: u32) -> AppResult<Vec<ReportView>> {
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

    pub fn event_stmt(
        &self,
        claim: &str,
        claim_arg: JsValue,
        staff_id: u32,
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
                num(staff_id),
                text(action),
                text(detail),
                num(at),
            ],
        )
    }
}

/// A report as a split reads it.
#[derive(Deserialize)]
pub struct SplitRow {
    pub id: f64,
    pub claim: String,
    pub screenshot_text: Option<String>,
}

/// A staff member acting on claims: their campaign and id, for history and audit rows.
#[derive(Clone, Copy)]
pub struct Moderator {
    pub campaign_id: u32,
    pub staff_id: u32,
}

impl Store {
    /// The staff queue: claims in `statuses` (one or two), most reported first.
    pub async fn queue(&self, campaign_id: u32, statuses: &[&str]) -> AppResult<Vec<ClaimRow>> {
        self.all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.merged_into IS NULL \
                 AND c.reports > 0 AND c.status IN (?2, ?3) ORDER BY c.reports DESC, c.last_seen DESC LIMIT 100"
            ),
            &[
                num(campaign_id),
                text(statuses[0]),
                text(statuses.get(1).unwrap_or(&statuses[0])),
            ],
        )
        .await
    }

    /// Every claim with reports (merged ones folded in), oldest first: the export.
    pub async fn all_claims(&self, campaign_id: u32) -> AppResult<Vec<ClaimRow>> {
        self.all(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.campaign_id = ?1 AND c.merged_into IS NULL \
                 AND c.reports > 0 ORDER BY c.first_seen"
            ),
            &[num(campaign_id)],
        )
        .await
    }

    /// A claim's history: every staff change, oldest first.
    pub async fn claim_history(&self, claim_id: u32) -> AppResult<Vec<ClaimEvent>> {
        #[derive(Deserialize)]
        struct Row {
            at: f64,
            name: String,
            action: String,
            detail: String,
        }
        let rows: Vec<Row> = self
            .all(
                "SELECT e.at, s.name, e.action, e.detail FROM claim_events e JOIN staff s ON s.id = e.staff_id \
                 WHERE e.claim_id = ?1 ORDER BY e.id",
                &[num(claim_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ClaimEvent {
                at: r.at as u64,
                staff: r.name,
                action: r.action,
                detail: r.detail,
            })
            .collect())
    }

    /// Applies a validated update to a claim in one batch: the change, a history row per
    /// changed field, the audit row, and (when publishing) a message to everyone who asked to
    /// hear back, once each.
    pub async fn update_claim(
        &self,
        claim: &ClaimRow,
        who: Moderator,
        u: &ValidClaimUpdate,
        publishing: bool,
        at: f64,
    ) -> AppResult<Vec<Written>> {
        let sources = u
            .sources
            .as_ref()
            .map(|s| serde_json::to_string(s).unwrap_or_else(|_| "[]".into()));
        let id = num(claim.id);
        let mut stmts = vec![self.stmt(
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
            stmts.push(self.event_stmt("?1", id.clone(), who.staff_id, action, detail, at)?);
        }
        let fields: Vec<&str> = changes.iter().map(|(a, _)| *a).collect();
        stmts.push(self.audit_stmt(
            who.campaign_id,
            who.staff_id,
            "claim_update",
            &format!("{}: {}", claim.public_id, fields.join(", ")),
            at,
        )?);
        let mut b = Batch::new();
        b.extend(stmts);
        // Everyone who asked to hear back is told once, however often the claim is published.
        let told = publishing.then(|| {
            self.stmt(
                "INSERT INTO outbox (campaign_id, kind, report_id, claim_id, lang, dedupe, due_at, created_at) \
                 SELECT r.campaign_id, 'outcome', r.id, r.claim_id, r.lang, 'outcome:' || r.id, ?2, ?2 \
                 FROM reports r WHERE r.claim_id = ?1 AND r.email IS NOT NULL \
                 ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
                &[id, num(at)],
            )
            .map(|s| b.read::<Written>(s))
        });
        // The campaign's tools hear of each publication (keyed by its moment: a claim
        // published again after an edit is a new event).
        let published = publishing.then(|| {
            self.event_webhook_stmt(
                who.campaign_id,
                crate::db::outbox::About::Claim(claim.id),
                "claim.published",
                &format!("{}", at as u64),
                at,
            )
            .map(|s| b.read::<Written>(s))
        });
        // Every subscriber who wants answered rumours hears of it once.
        let pushed = publishing.then(|| {
            self.fanout_stmt(
                who.campaign_id,
                rally_api::push::PushKind::Rebuttal,
                claim.id,
                at,
                at,
            )
            .map(|s| b.read::<Written>(s))
        });
        let r = b.run(self).await?;
        let mut written = match told {
            Some(slot) => r.rows(slot?)?,
            None => Vec::new(),
        };
        for slot in [published, pushed].into_iter().flatten() {
            written.extend(r.rows(slot?)?);
        }
        Ok(written)
    }

    /// Recomputes a claim's counts from its reports (after a merge or split: staff-only, rare).
    fn recount(&self, claim: &str, arg: JsValue) -> AppResult<Vec<D1PreparedStatement>> {
        Ok(vec![
            self.stmt(
                &format!(
                    "UPDATE claims SET reports = (SELECT COUNT(*) FROM reports WHERE claim_id = {claim}), \
                       first_seen = COALESCE((SELECT MIN(created_at) FROM reports WHERE claim_id = {claim}), first_seen), \
                       last_seen = COALESCE((SELECT MAX(created_at) FROM reports WHERE claim_id = {claim}), last_seen) \
                     WHERE id = {claim}"
                ),
                std::slice::from_ref(&arg),
            )?,
            self.stmt(
                &format!("DELETE FROM claim_seen WHERE claim_id = {claim}"),
                std::slice::from_ref(&arg),
            )?,
            self.stmt(
                &format!(
                    "INSERT INTO claim_seen (claim_id, seen_on, n) SELECT {claim}, seen_on, COUNT(*) \
                     FROM reports WHERE claim_id = {claim} GROUP BY seen_on"
                ),
                &[arg],
            )?,
        ])
    }

    /// Merges `claim` into `into` in one batch: its reports and bands move, it is dismissed,
    /// `into` is recounted, with history and audit rows.
    pub async fn merge_claims(
        &self,
        claim: &ClaimRow,
        into: &ClaimRow,
        who: Moderator,
        at: f64,
    ) -> AppResult<()> {
        let (from, to) = (num(claim.id), num(into.id));
        let mut stmts = vec![
            self.stmt(
                "UPDATE reports SET claim_id = ?2 WHERE claim_id = ?1",
                &[from.clone(), to.clone()],
            )?,
            self.stmt(
                "INSERT OR IGNORE INTO claim_bands (campaign_id, band, hash, claim_id) \
                 SELECT campaign_id, band, hash, ?2 FROM claim_bands WHERE claim_id = ?1",
                &[from.clone(), to.clone()],
            )?,
            self.stmt("DELETE FROM claim_bands WHERE claim_id = ?1", std::slice::from_ref(&from))?,
            self.stmt(
                "UPDATE claims SET merged_into = ?2, status = 'dismissed', reports = 0 WHERE id = ?1",
                &[from.clone(), to.clone()],
            )?,
            self.stmt("DELETE FROM claim_seen WHERE claim_id = ?1", std::slice::from_ref(&from))?,
        ];
        stmts.extend(self.recount("?1", to.clone())?);
        stmts.push(self.event_stmt(
            "?1",
            from,
            who.staff_id,
            "merged_into",
            &into.public_id,
            at,
        )?);
        stmts.push(self.event_stmt("?1", to, who.staff_id, "merged_from", &claim.public_id, at)?);
        stmts.push(self.audit_stmt(
            who.campaign_id,
            who.staff_id,
            "claim_merge",
            &format!("{} into {}", claim.public_id, into.public_id),
            at,
        )?);
        self.batch(stmts).await?;
        Ok(())
    }

    /// The reports of `claim_id` among `ids`, by id.
    pub async fn reports_of(&self, claim_id: u32, ids: &[u64]) -> AppResult<Vec<SplitRow>> {
        let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
        self.all(
            &format!(
                "SELECT id, claim, screenshot_text FROM reports WHERE claim_id = ?1 AND id IN ({}) ORDER BY id",
                ids.join(",")
            ),
            &[num(claim_id)],
        )
        .await
    }

    /// Moves `rows` out of `claim` into a new claim (`public_id`, created by request `nonce`)
    /// in one batch, with bands, recounts, history and audit rows.
    #[allow(clippy::too_many_arguments)]
    pub async fn split_claim(
        &self,
        claim: &ClaimRow,
        rows: &[SplitRow],
        words: &[String],
        public_id: &str,
        nonce: &str,
        who: Moderator,
        at: f64,
    ) -> AppResult<()> {
        let first = &rows[0];
        let new_claim = "(SELECT id FROM claims WHERE created_request = ?1)";
        let mut stmts = vec![self.stmt(
            "INSERT INTO claims (campaign_id, public_id, text, words, first_seen, last_seen, created_request) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            &[
                num(who.campaign_id),
                text(public_id),
                text(&first.claim),
                text(&words.join(" ")),
                num(at),
                text(nonce),
            ],
        )?];
        for (band, hash) in cluster::bands(words).iter().enumerate() {
            stmts.push(self.stmt(
                "INSERT OR IGNORE INTO claim_bands (campaign_id, band, hash, claim_id) \
                 SELECT campaign_id, ?2, ?3, id FROM claims WHERE created_request = ?1",
                &[text(nonce), num(band as f64), num(*hash as f64)],
            )?);
        }
        stmts.push(self.stmt(
            &format!(
                "UPDATE reports SET claim_id = {new_claim} WHERE claim_id = ?2 AND id IN ({})",
                rows.iter().map(|r| (r.id as u64).to_string()).collect::<Vec<_>>().join(",")
            ),
            &[text(nonce), num(claim.id)],
        )?);
        stmts.extend(self.recount(new_claim, text(nonce))?);
        stmts.extend(self.recount("?1", num(claim.id))?);
        stmts.push(self.event_stmt(
            "?1",
            num(claim.id),
            who.staff_id,
            "split_into",
            public_id,
            at,
        )?);
        stmts.push(self.event_stmt(
            new_claim,
            text(nonce),
            who.staff_id,
            "split_from",
            &claim.public_id,
            at,
        )?);
        stmts.push(self.audit_stmt(
            who.campaign_id,
            who.staff_id,
            "claim_split",
            &format!("{} into {public_id}", claim.public_id),
            at,
        )?);
        self.batch(stmts).await?;
        Ok(())
    }
}
