//! The repository layer: every SQL statement the edge runs against D1 lives here.
//!
//! D1 is the source of truth. A signature, its counter update, the referrer's credit and the
//! idempotency record are written in one `batch` (D1's only transaction), and the answer is read
//! inside the same batch, so one request costs one database round trip.

use std::cell::RefCell;
use std::collections::HashMap;

use rally_api::{next_goal, PetitionStatus, PetitionView, RecentSigner, ValidSignature};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::error::{AppError, AppResult};

/// How long an isolate trusts its copy of a petition's fixed fields (title, status, ids).
const META_TTL_MS: f64 = 30_000.0;
/// How many recent public signers a petition view lists.
const RECENT: u32 = 5;

/// The fields of a petition that do not change with each signature.
#[derive(Clone, Debug, Deserialize)]
pub struct PetitionMeta {
    pub id: u32,
    pub campaign_id: u32,
    pub campaign: String,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub target: String,
    pub base_goal: u32,
    pub status: String,
}

impl PetitionMeta {
    pub fn status(&self) -> PetitionStatus {
        if self.status == "open" {
            PetitionStatus::Open
        } else {
            PetitionStatus::Closed
        }
    }

    /// The public view for a count and recent signers read from D1.
    pub fn view(&self, count: u32, recent: Vec<RecentSigner>, as_of: u64) -> PetitionView {
        PetitionView {
            campaign: self.campaign.clone(),
            slug: self.slug.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            target: self.target.clone(),
            status: self.status(),
            count,
            goal: next_goal(count, self.base_goal),
            recent,
            as_of,
        }
    }
}

thread_local! {
    static META: RefCell<HashMap<(String, String), (f64, PetitionMeta)>> = RefCell::new(HashMap::new());
}

/// What a sign batch found.
pub struct SignOutcome {
    /// True when this request, or an earlier one with the same idempotency key, added the row.
    pub signed: bool,
    pub count: u32,
    pub ref_code: String,
    /// Present when this request won the right to rewrite the KV snapshot.
    pub snapshot: Option<PetitionView>,
}

pub struct Store {
    db: D1Database,
}

fn text(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn opt(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

fn num(v: impl Into<f64>) -> JsValue {
    JsValue::from_f64(v.into())
}

#[derive(Deserialize)]
struct CountRow {
    signature_count: u32,
}

#[derive(Deserialize)]
struct SignRow {
    request_id: String,
    ref_code: String,
    signature_count: u32,
    key_request: Option<String>,
}

#[derive(Deserialize)]
struct RecruitsRow {
    recruits: u32,
}

impl Store {
    pub fn new(db: D1Database) -> Self {
        Store { db }
    }

    fn stmt(&self, sql: &str, args: &[JsValue]) -> AppResult<D1PreparedStatement> {
        Ok(self.db.prepare(sql).bind(args)?)
    }

    /// The fixed fields of a petition, from this isolate's memory when fresh.
    pub async fn petition_meta(
        &self,
        campaign: &str,
        slug: &str,
        now: f64,
    ) -> AppResult<Option<PetitionMeta>> {
        let key = (campaign.to_owned(), slug.to_owned());
        let cached = META.with(|m| {
            m.borrow()
                .get(&key)
                .filter(|(at, _)| now - at < META_TTL_MS)
                .map(|(_, meta)| meta.clone())
        });
        if cached.is_some() {
            return Ok(cached);
        }
        let meta: Option<PetitionMeta> = self
            .stmt(
                "SELECT p.id, p.campaign_id, c.slug AS campaign, p.slug, p.title, p.body, p.target, \
                        p.base_goal, p.status \
                 FROM petitions p JOIN campaigns c ON c.id = p.campaign_id \
                 WHERE c.slug = ?1 AND p.slug = ?2",
                &[text(campaign), text(slug)],
            )?
            .first(None)
            .await?;
        if let Some(m) = &meta {
            META.with(|c| c.borrow_mut().insert(key, (now, m.clone())));
        }
        Ok(meta)
    }

    fn recent_stmt(&self, petition_id: u32) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "SELECT display_name AS name, city, country FROM signatures \
             WHERE petition_id = ?1 AND display_name IS NOT NULL ORDER BY id DESC LIMIT ?2",
            &[num(petition_id), num(RECENT)],
        )
    }

    /// Claims the right to rewrite the petition's KV snapshot: succeeds for at most one request
    /// per second per petition, because D1 serialises the writes that decide it.
    fn claim_snapshot_stmt(&self, petition_id: u32, now: f64) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "UPDATE petitions SET cache_written_ms = ?2 \
             WHERE id = ?1 AND cache_written_ms <= ?2 - 1000 RETURNING id",
            &[num(petition_id), num(now)],
        )
    }

    /// Reads the live view of a petition; `claimed` says whether the caller may write it to KV.
    pub async fn petition_view(
        &self,
        meta: &PetitionMeta,
        now: f64,
    ) -> AppResult<(PetitionView, bool)> {
        let results = self
            .db
            .batch(vec![
                self.stmt(
                    "SELECT signature_count FROM petitions WHERE id = ?1",
                    &[num(meta.id)],
                )?,
                self.recent_stmt(meta.id)?,
                self.claim_snapshot_stmt(meta.id, now)?,
            ])
            .await?;
        let [count, recent, claim] = <[_; 3]>::try_from(results).map_err(|_| {
            AppError::Internal("petition view batch returned the wrong number of results".into())
        })?;
        let count = count
            .results::<CountRow>()?
            .first()
            .map_or(0, |r| r.signature_count);
        let recent = recent.results::<RecentSigner>()?;
        let claimed = !claim.results::<serde_json_any::Any>()?.is_empty();
        Ok((meta.view(count, recent, now as u64), claimed))
    }

    /// Records a signature exactly once, whatever the retries and races, in one atomic batch.
    pub async fn sign(&self, s: &SignInput<'_>) -> AppResult<SignOutcome> {
        let m = s.meta;
        let v = s.sig;
        let t = &v.tracking;
        let idem = s
            .idempotency_key
            .map(|k| format!("{}:{}:{k}", m.id, v.email));
        let display = v
            .show_name
            .then(|| rally_api::validate::display_name(&v.first_name, &v.last_name));
        let statements = vec![
            // The supporter: one per email per campaign. An existing supporter is left untouched:
            // knowing someone's email must not let anyone change their name or consent.
            self.stmt(
                "INSERT INTO supporters (campaign_id, email, first_name, last_name, postal_code, country, \
                     contact_consent, consent_at, ref_code, referrer_id, lang, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
                     (SELECT id FROM supporters WHERE campaign_id = ?1 AND ref_code = ?10), ?11, ?8) \
                 ON CONFLICT (campaign_id, email) DO NOTHING",
                &[
                    num(m.campaign_id),
                    text(&v.email),
                    text(&v.first_name),
                    text(&v.last_name),
                    text(&v.postal_code),
                    text(&v.country),
                    num(u8::from(v.contact_consent)),
                    num(s.now),
                    text(s.new_ref_code),
                    opt(v.referral.as_deref()),
                    text(v.lang.tag()),
                ],
            )?,
            // The signature: one per supporter per petition.
            self.stmt(
                "INSERT INTO signatures (petition_id, supporter_id, request_id, display_name, city, country, \
                     referrer_id, source, utm_source, utm_medium, utm_campaign, utm_term, utm_content, \
                     page_url, lang, created_at) \
                 SELECT ?1, s.id, ?2, ?3, ?4, s.country, r.id, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 \
                 FROM supporters s \
                 LEFT JOIN supporters r ON r.campaign_id = s.campaign_id AND r.ref_code = ?14 AND r.id != s.id \
                 WHERE s.campaign_id = ?15 AND s.email = ?16 \
                 ON CONFLICT (petition_id, supporter_id) DO NOTHING",
                &[
                    num(m.id),
                    text(s.request_id),
                    opt(display.as_deref()),
                    opt(s.city),
                    opt(t.source.as_deref()),
                    opt(t.utm_source.as_deref()),
                    opt(t.utm_medium.as_deref()),
                    opt(t.utm_campaign.as_deref()),
                    opt(t.utm_term.as_deref()),
                    opt(t.utm_content.as_deref()),
                    opt(t.page_url.as_deref()),
                    text(v.lang.tag()),
                    num(s.now),
                    opt(v.referral.as_deref()),
                    num(m.campaign_id),
                    text(&v.email),
                ],
            )?,
            // The counter moves only if this request's row went in.
            self.stmt(
                "UPDATE petitions SET signature_count = signature_count + 1 \
                 WHERE id = ?1 AND EXISTS (SELECT 1 FROM signatures WHERE request_id = ?2)",
                &[num(m.id), text(s.request_id)],
            )?,
            // The referrer is credited only for a signature this request added.
            self.stmt(
                "UPDATE supporters SET recruits = recruits + 1 \
                 WHERE id = (SELECT referrer_id FROM signatures WHERE request_id = ?1)",
                &[text(s.request_id)],
            )?,
            // The first request with an idempotency key decides how every retry is answered.
            self.stmt(
                "INSERT INTO idempotency_keys (key, request_id, created_at) \
                 SELECT ?1, ?2, ?3 WHERE ?1 IS NOT NULL ON CONFLICT (key) DO NOTHING",
                &[opt(idem.as_deref()), text(s.request_id), num(s.now)],
            )?,
            self.claim_snapshot_stmt(m.id, s.now)?,
            self.stmt(
                "SELECT sig.request_id, sup.ref_code, p.signature_count, \
                     (SELECT request_id FROM idempotency_keys WHERE key = ?3) AS key_request \
                 FROM supporters sup \
                 JOIN signatures sig ON sig.supporter_id = sup.id AND sig.petition_id = ?1 \
                 JOIN petitions p ON p.id = ?1 \
                 WHERE sup.campaign_id = ?2 AND sup.email = ?4",
                &[num(m.id), num(m.campaign_id), opt(idem.as_deref()), text(&v.email)],
            )?,
            self.recent_stmt(m.id)?,
        ];
        let results = self.db.batch(statements).await?;
        let [.., claim, row, recent] = results.as_slice() else {
            return Err(AppError::Internal(
                "sign batch returned too few results".into(),
            ));
        };
        let row = row
            .results::<SignRow>()?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("signature missing after its own batch".into()))?;
        let signed = match &row.key_request {
            Some(first) => *first == row.request_id,
            None => row.request_id == s.request_id,
        };
        let snapshot = if claim.results::<serde_json_any::Any>()?.is_empty() {
            None
        } else {
            Some(m.view(
                row.signature_count,
                recent.results::<RecentSigner>()?,
                s.now as u64,
            ))
        };
        Ok(SignOutcome {
            signed,
            count: row.signature_count,
            ref_code: row.ref_code,
            snapshot,
        })
    }

    /// How many signatures a referral code brought in, within one campaign.
    pub async fn recruits(&self, campaign: &str, code: &str) -> AppResult<Option<u32>> {
        let row: Option<RecruitsRow> = self
            .stmt(
                "SELECT s.recruits FROM supporters s JOIN campaigns c ON c.id = s.campaign_id \
                 WHERE c.slug = ?1 AND s.ref_code = ?2",
                &[text(campaign), text(code)],
            )?
            .first(None)
            .await?;
        Ok(row.map(|r| r.recruits))
    }
}

/// Everything a signature needs, gathered by the handler.
pub struct SignInput<'a> {
    pub meta: &'a PetitionMeta,
    pub sig: &'a ValidSignature,
    pub request_id: &'a str,
    pub new_ref_code: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub city: Option<&'a str>,
    pub now: f64,
}

/// A row we only count, whatever its columns.
mod serde_json_any {
    #[derive(serde::Deserialize)]
    pub struct Any {}
}
