//! The repository layer: every SQL statement the edge runs against D1 lives here.
//!
//! D1 is the source of truth. A signature, its counter update, the referrer's credit and the
//! idempotency record are written in one `batch` (D1's only transaction), and the answer is read
//! inside the same batch, so one request costs one database round trip.

use std::cell::RefCell;
use std::collections::HashMap;

use rally_api::{
    next_goal, Look, PetitionStatus, PetitionView, Presented, RecentSigner, ValidSignature,
};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::error::{AppError, AppResult};

/// How long an isolate trusts its copy of a petition's fixed fields (title, status, ids).
const META_TTL_MS: f64 = 30_000.0;
/// How many recent public signers a petition view lists.
const RECENT: u32 = 5;

/// What an action is recorded against: a petition's signatures or a pledge's commitments.
/// Both tables have the same columns (commitments add `reminder`), so one set of statements
/// serves both, with these names filled in.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The action kind in `actions` (`sign`, `pledge`).
    pub kind: &'static str,
    rows: &'static str,
    fk: &'static str,
    parent: &'static str,
    count: &'static str,
}

pub const PETITION: Target = Target {
    kind: "sign",
    rows: "signatures",
    fk: "petition_id",
    parent: "petitions",
    count: "signature_count",
};

pub const PLEDGE: Target = Target {
    kind: "pledge",
    rows: "commitments",
    fk: "pledge_id",
    parent: "pledges",
    count: "commitment_count",
};

/// The fields of a pledge that do not change with each commitment.
#[derive(Clone, Debug, Deserialize)]
pub struct PledgeMeta {
    pub id: u32,
    pub campaign_id: u32,
    pub campaign: String,
    pub slug: String,
    pub statement: String,
    pub body: String,
    pub starts_at: Option<f64>,
    pub ends_at: Option<f64>,
    pub place: Option<String>,
    pub base_goal: u32,
    pub status: String,
    pub timezone: String,
    pub points_pledge: u32,
    pub points_recruit: u32,
    pub langs: String,
    pub accent: String,
    pub share_text: String,
}

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
    /// The campaign's IANA time zone: its weeks start on Monday there.
    pub timezone: String,
    pub points_sign: u32,
    pub points_recruit: u32,
    pub langs: String,
    pub accent: String,
    pub share_text: String,
}

/// The look as stored: `langs` comma-separated.
pub fn look(langs: &str, accent: &str, share_text: &str) -> Look {
    Look {
        langs: langs
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        accent: accent.to_owned(),
        share_text: share_text.to_owned(),
    }
}

/// A petition's or pledge's stored status.
pub fn status(stored: &str) -> PetitionStatus {
    if stored == "open" {
        PetitionStatus::Open
    } else {
        PetitionStatus::Closed
    }
}

impl PetitionMeta {
    pub fn status(&self) -> PetitionStatus {
        status(&self.status)
    }

    /// The public view, with its look, for a count and recent signers read from D1.
    pub fn view(
        &self,
        count: u32,
        recent: Vec<RecentSigner>,
        as_of: u64,
    ) -> Presented<PetitionView> {
        let view = PetitionView {
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
        };
        Presented {
            view,
            look: look(&self.langs, &self.accent, &self.share_text),
        }
    }
}

/// Forgets this isolate's cached fields of every petition of `campaign` (after a settings change).
pub fn forget_campaign_meta(campaign: &str) {
    META.with(|m| m.borrow_mut().retain(|(c, _), _| c != campaign));
}

/// Forgets this isolate's cached fields of petition `slug` (after a staff edit).
pub fn forget_meta(campaign: &str, slug: &str) {
    META.with(|m| {
        m.borrow_mut()
            .remove(&(campaign.to_owned(), slug.to_owned()))
    });
}

thread_local! {
    static META: RefCell<HashMap<(String, String), (f64, PetitionMeta)>> = RefCell::new(HashMap::new());
}

/// What an action's batch found.
pub struct ActOutcome {
    /// True when this request, or an earlier one with the same idempotency key, added the row.
    pub signed: bool,
    pub count: u32,
    pub ref_code: String,
    /// The latest public signers, present when this request won the right to rewrite the
    /// subject's KV snapshot (at most one request a second does).
    pub claimed: Option<Vec<RecentSigner>>,
    /// `(id, token version)` when this request created the supporter: only then is the browser
    /// handed a token (knowing someone's email must not be enough to act as them).
    pub new_supporter: Option<(u32, u32)>,
}

pub struct Store {
    db: D1Database,
}

pub(crate) fn text(v: &str) -> JsValue {
    JsValue::from_str(v)
}

pub(crate) fn opt(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

pub(crate) fn num(v: impl Into<f64>) -> JsValue {
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
    supporter_id: u32,
    token_version: u32,
    created_request: Option<String>,
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

    pub(crate) fn stmt(&self, sql: &str, args: &[JsValue]) -> AppResult<D1PreparedStatement> {
        Ok(self.db.prepare(sql).bind(args)?)
    }

    /// The first row of a query, if any.
    pub(crate) async fn first<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> AppResult<Option<T>> {
        Ok(self.stmt(sql, args)?.first(None).await?)
    }

    /// Every row of a query.
    pub(crate) async fn all<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> AppResult<Vec<T>> {
        Ok(self.stmt(sql, args)?.all().await?.results()?)
    }

    /// Statements run as one transaction (D1's only kind).
    pub(crate) async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> AppResult<Vec<worker::D1Result>> {
        Ok(self.db.batch(statements).await?)
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
                        p.base_goal, p.status, c.timezone, c.points_sign, c.points_recruit, \
                        p.langs, p.accent, p.share_text \
                 FROM petitions p JOIN campaigns c ON c.id = p.campaign_id \
                 WHERE c.slug = ?1 AND p.slug = ?2 AND p.published = 1",
                &[text(campaign), text(slug)],
            )?
            .first(None)
            .await?;
        if let Some(m) = &meta {
            META.with(|c| c.borrow_mut().insert(key, (now, m.clone())));
        }
        Ok(meta)
    }

    fn recent_stmt(&self, t: Target, subject_id: u32) -> AppResult<D1PreparedStatement> {
        self.stmt(
            &format!(
                "SELECT display_name AS name, city, country FROM {rows} r \
                 WHERE {fk} = ?1 AND display_name IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM supporters s WHERE s.id = r.supporter_id AND s.hidden = 1) \
                 ORDER BY id DESC LIMIT ?2",
                rows = t.rows,
                fk = t.fk
            ),
            &[num(subject_id), num(RECENT)],
        )
    }

    /// Claims the right to rewrite the petition's KV snapshot: succeeds for at most one request
    /// per second per petition, because D1 serialises the writes that decide it.
    fn claim_snapshot_stmt(
        &self,
        t: Target,
        subject_id: u32,
        now: f64,
    ) -> AppResult<D1PreparedStatement> {
        self.stmt(
            &format!(
                "UPDATE {} SET cache_written_ms = ?2 WHERE id = ?1 AND cache_written_ms <= ?2 - 1000 RETURNING id",
                t.parent
            ),
            &[num(subject_id), num(now)],
        )
    }

    /// Reads the live view of a petition; `claimed` says whether the caller may write it to KV.
    pub async fn petition_view(
        &self,
        meta: &PetitionMeta,
        now: f64,
    ) -> AppResult<(Presented<PetitionView>, bool)> {
        let (count, recent, claimed) = self.live(PETITION, meta.id, now).await?;
        Ok((meta.view(count, recent, now as u64), claimed))
    }

    /// The live count and latest public names of a petition or pledge, and whether this
    /// request won the claim to rewrite its KV snapshot.
    pub async fn live(
        &self,
        t: Target,
        id: u32,
        now: f64,
    ) -> AppResult<(u32, Vec<RecentSigner>, bool)> {
        let results = self
            .db
            .batch(vec![
                self.stmt(
                    &format!(
                        "SELECT {} AS signature_count FROM {} WHERE id = ?1",
                        t.count, t.parent
                    ),
                    &[num(id)],
                )?,
                self.recent_stmt(t, id)?,
                self.claim_snapshot_stmt(t, id, now)?,
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
        Ok((count, recent, claimed))
    }

    /// A pledge's fixed fields and its campaign's settings.
    pub async fn pledge_meta(&self, campaign: &str, slug: &str) -> AppResult<Option<PledgeMeta>> {
        Ok(self
            .stmt(
                "SELECT p.id, p.campaign_id, c.slug AS campaign, p.slug, p.statement, p.body, p.starts_at, \
                        p.ends_at, p.place, p.base_goal, p.status, c.timezone, c.points_pledge, c.points_recruit, \
                        p.langs, p.accent, p.share_text \
                 FROM pledges p JOIN campaigns c ON c.id = p.campaign_id \
                 WHERE c.slug = ?1 AND p.slug = ?2 AND p.published = 1",
                &[text(campaign), text(slug)],
            )?
            .first(None)
            .await?)
    }

    /// Records a signature exactly once, whatever the retries and races, in one atomic batch.
    pub async fn act(&self, s: &ActInput<'_>) -> AppResult<ActOutcome> {
        let m = &s.subject;
        let tg = m.target;
        let (rows, fk, parent, count, kind) = (tg.rows, tg.fk, tg.parent, tg.count, tg.kind);
        let v = s.sig;
        let t = &v.tracking;
        let idem = s
            .idempotency_key
            .map(|k| format!("{kind}:{}:{}:{k}", m.id, v.email));
        let display = v
            .show_name
            .then(|| rally_api::validate::display_name(&v.first_name, &v.last_name));
        let mut statements = vec![
            // The supporter: one per email per campaign. An existing supporter is left untouched:
            // knowing someone's email must not let anyone change their name or consent.
            self.stmt(
                "INSERT INTO supporters (campaign_id, email, first_name, last_name, postal_code, country, \
                     contact_consent, consent_at, ref_code, referrer_id, lang, created_at, created_request, region) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
                     (SELECT id FROM supporters WHERE campaign_id = ?1 AND ref_code = ?10), ?11, ?8, ?12, ?13) \
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
                    text(s.request_id),
                    text(&rally_api::region::derive(&v.country, &v.postal_code)),
                ],
            )?,
            // The signature (commitment): one per supporter per petition (pledge).
            self.stmt(
                &format!("INSERT INTO {rows} ({fk}, supporter_id, request_id, display_name, city, country, \
                     referrer_id, source, utm_source, utm_medium, utm_campaign, utm_term, utm_content, \
                     page_url, lang, created_at) \
                 SELECT ?1, s.id, ?2, ?3, ?4, s.country, r.id, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 \
                 FROM supporters s \
                 LEFT JOIN supporters r ON r.campaign_id = s.campaign_id AND r.ref_code = ?14 AND r.id != s.id \
                 WHERE s.campaign_id = ?15 AND s.email = ?16 \
                 ON CONFLICT ({fk}, supporter_id) DO NOTHING"),
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
                &format!(
                    "UPDATE {parent} SET {count} = {count} + 1 \
                     WHERE id = ?1 AND EXISTS (SELECT 1 FROM {rows} WHERE request_id = ?2)"
                ),
                &[num(m.id), text(s.request_id)],
            )?,
            // The actor's action, worth the campaign's points for this kind of action, only if
            // this request's row went in.
            self.stmt(
                &format!(
                    "INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
                     SELECT ?1, supporter_id, '{kind}', {fk}, ?2, ?3, ?4, ?5 FROM {rows} WHERE request_id = ?2"
                ),
                &[num(m.campaign_id), text(s.request_id), num(m.points), text(s.week), num(s.now)],
            )?,
            // Where it came from, for the overview (only if this request's row went in).
            self.stmt(
                &format!(
                    "INSERT INTO stats_sources (campaign_id, dim, day, value, n) \
                     SELECT ?1, d.dim, d.day, d.value, 1 FROM (SELECT 'site' AS dim, ?3 AS day, ?4 AS value \
                       UNION ALL SELECT 'site', -1, ?4 UNION ALL SELECT 'source', ?3, ?5 \
                       UNION ALL SELECT 'source', -1, ?5) d \
                     WHERE EXISTS (SELECT 1 FROM {rows} WHERE request_id = ?2) \
                     ON CONFLICT (campaign_id, dim, day, value) DO UPDATE SET n = n + 1"
                ),
                &[
                    num(m.campaign_id),
                    text(s.request_id),
                    num((s.now / 86_400_000.0).floor()),
                    text(&t.site()),
                    text(&t.channel()),
                ],
            )?,
            // A recruit counts once: when the recruited person first acts, their referrer is
            // credited with the campaign's recruit points.
            self.stmt(
                "INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
                 SELECT ?1, s.referrer_id, 'recruit', s.id, ?2, ?3, ?4, ?5 FROM supporters s \
                 JOIN actions a ON a.supporter_id = s.id AND a.request_id = ?2 AND a.kind = ?6 \
                 WHERE s.referrer_id IS NOT NULL AND s.recruit_credited = 0",
                &[num(m.campaign_id), text(s.request_id), num(m.points_recruit), text(s.week), num(s.now), text(kind)],
            )?,
            self.stmt(
                "UPDATE supporters SET recruit_credited = 1 \
                 WHERE id = (SELECT subject_id FROM actions WHERE request_id = ?1 AND kind = 'recruit')",
                &[text(s.request_id)],
            )?,
            self.stmt(
                "UPDATE supporters SET recruits = recruits + 1 \
                 WHERE id = (SELECT supporter_id FROM actions WHERE request_id = ?1 AND kind = 'recruit')",
                &[text(s.request_id)],
            )?,
            // The first request with an idempotency key decides how every retry is answered.
            self.stmt(
                "INSERT INTO idempotency_keys (key, request_id, created_at) \
                 SELECT ?1, ?2, ?3 WHERE ?1 IS NOT NULL ON CONFLICT (key) DO NOTHING",
                &[opt(idem.as_deref()), text(s.request_id), num(s.now)],
            )?,
        ];
        if let Some(reminder) = s.reminder {
            statements.push(self.stmt(
                "UPDATE commitments SET reminder = ?2 WHERE request_id = ?1",
                &[text(s.request_id), num(u8::from(reminder))],
            )?);
        }
        for k in [kind, "recruit"] {
            statements.extend(self.award_stmts(s.request_id, k)?);
        }
        statements.extend([
            self.claim_snapshot_stmt(tg, m.id, s.now)?,
            self.stmt(
                &format!(
                    "SELECT sig.request_id, sup.ref_code, p.{count} AS signature_count, sup.id AS supporter_id, \
                         sup.token_version, sup.created_request, \
                         (SELECT request_id FROM idempotency_keys WHERE key = ?3) AS key_request \
                     FROM supporters sup \
                     JOIN {rows} sig ON sig.supporter_id = sup.id AND sig.{fk} = ?1 \
                     JOIN {parent} p ON p.id = ?1 \
                     WHERE sup.campaign_id = ?2 AND sup.email = ?4"
                ),
                &[
                    num(m.id),
                    num(m.campaign_id),
                    opt(idem.as_deref()),
                    text(&v.email),
                ],
            )?,
            self.recent_stmt(tg, m.id)?,
        ]);
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
        let claimed = if claim.results::<serde_json_any::Any>()?.is_empty() {
            None
        } else {
            Some(recent.results::<RecentSigner>()?)
        };
        let created = row.created_request.as_deref() == Some(s.request_id);
        Ok(ActOutcome {
            signed,
            count: row.signature_count,
            ref_code: row.ref_code,
            claimed,
            new_supporter: created.then_some((row.supporter_id, row.token_version)),
        })
    }

    /// The aggregates of one action (`kind`, written by `request_id` earlier in the same batch):
    /// the supporter's points and week, and the mobilisers board's score counts for all time
    /// and for the week. Each statement finds its supporter, points and week through the action
    /// row, so when the action was not written (a duplicate, a retry) none of them change
    /// anything. Order matters: a score leaves its old bucket before it changes.
    pub(crate) fn award_stmts(
        &self,
        request_id: &str,
        kind: &str,
    ) -> AppResult<Vec<D1PreparedStatement>> {
        const ACTION: &str = "FROM actions a WHERE a.request_id = ?1 AND a.kind = ?2";
        let sql = [
            // The overview's hourly count of this kind of action.
            "INSERT INTO stats_hourly (campaign_id, kind, hour, n) \
             SELECT a.campaign_id, a.kind, CAST(a.created_at / 3600000 AS INTEGER), 1 FROM actions a \
             WHERE a.request_id = ?1 AND a.kind = ?2 \
             ON CONFLICT (campaign_id, kind, hour) DO UPDATE SET n = n + 1"
                .to_owned(),
            // Leave the all-time bucket of the old score.
            "UPDATE board_scores SET n = n - 1 WHERE (campaign_id, board, period, points) = \
             (SELECT a.campaign_id, 'mobilisers', 'all', s.points FROM actions a \
              JOIN supporters s ON s.id = a.supporter_id WHERE a.request_id = ?1 AND a.kind = ?2)"
                .to_owned(),
            format!(
                "UPDATE supporters SET points = points + (SELECT a.points {ACTION}) \
                 WHERE id = (SELECT a.supporter_id {ACTION})"
            ),
            "INSERT INTO board_scores (campaign_id, board, period, points, n) \
             SELECT a.campaign_id, 'mobilisers', 'all', s.points, 1 FROM actions a \
             JOIN supporters s ON s.id = a.supporter_id WHERE a.request_id = ?1 AND a.kind = ?2 \
             ON CONFLICT (campaign_id, board, period, points) DO UPDATE SET n = n + 1"
                .to_owned(),
            // The same for the week.
            "UPDATE board_scores SET n = n - 1 WHERE (campaign_id, board, period, points) = \
             (SELECT a.campaign_id, 'mobilisers', a.week, w.points FROM actions a \
              JOIN supporter_weeks w ON w.supporter_id = a.supporter_id AND w.week = a.week \
              WHERE a.request_id = ?1 AND a.kind = ?2)"
                .to_owned(),
            format!(
                "INSERT INTO supporter_weeks (campaign_id, supporter_id, week, points, actions) \
                 SELECT a.campaign_id, a.supporter_id, a.week, a.points, 1 {ACTION} \
                 ON CONFLICT (supporter_id, week) DO UPDATE SET points = points + excluded.points, actions = actions + 1"
            ),
            "INSERT INTO board_scores (campaign_id, board, period, points, n) \
             SELECT a.campaign_id, 'mobilisers', a.week, w.points, 1 FROM actions a \
             JOIN supporter_weeks w ON w.supporter_id = a.supporter_id AND w.week = a.week \
             WHERE a.request_id = ?1 AND a.kind = ?2 \
             ON CONFLICT (campaign_id, board, period, points) DO UPDATE SET n = n + 1"
                .to_owned(),
        ];
        // The team board: the team the supporter belongs to when acting earns the points.
        const TEAM: &str = "FROM actions a JOIN supporters s ON s.id = a.supporter_id \
             JOIN teams t ON t.id = s.team_id WHERE a.request_id = ?1 AND a.kind = ?2";
        const TEAM_WEEK: &str = "FROM actions a JOIN supporters s ON s.id = a.supporter_id \
             JOIN team_weeks tw ON tw.team_id = s.team_id AND tw.week = a.week \
             WHERE a.request_id = ?1 AND a.kind = ?2";
        let team_sql = [
            format!(
                "UPDATE board_scores SET n = n - 1 WHERE (campaign_id, board, period, points) = \
                 (SELECT a.campaign_id, 'teams', 'all', t.points {TEAM})"
            ),
            format!(
                "UPDATE teams SET points = points + (SELECT a.points {ACTION}) \
                 WHERE id = (SELECT s.team_id FROM actions a JOIN supporters s ON s.id = a.supporter_id \
                             WHERE a.request_id = ?1 AND a.kind = ?2)"
            ),
            format!(
                "INSERT INTO board_scores (campaign_id, board, period, points, n) \
                 SELECT a.campaign_id, 'teams', 'all', t.points, 1 {TEAM} \
                 ON CONFLICT (campaign_id, board, period, points) DO UPDATE SET n = n + 1"
            ),
            format!(
                "UPDATE board_scores SET n = n - 1 WHERE (campaign_id, board, period, points) = \
                 (SELECT a.campaign_id, 'teams', a.week, tw.points {TEAM_WEEK})"
            ),
            "INSERT INTO team_weeks (campaign_id, team_id, week, points) \
             SELECT a.campaign_id, s.team_id, a.week, a.points FROM actions a \
             JOIN supporters s ON s.id = a.supporter_id \
             WHERE a.request_id = ?1 AND a.kind = ?2 AND s.team_id IS NOT NULL \
             ON CONFLICT (team_id, week) DO UPDATE SET points = points + excluded.points"
                .to_owned(),
            format!(
                "INSERT INTO board_scores (campaign_id, board, period, points, n) \
                 SELECT a.campaign_id, 'teams', a.week, tw.points, 1 {TEAM_WEEK} \
                 ON CONFLICT (campaign_id, board, period, points) DO UPDATE SET n = n + 1"
            ),
        ];
        // The regions board, for all time and for the week: the region the supporter is in.
        let mut region_sql = Vec::new();
        for period in ["'all'", "a.week"] {
            let rp = format!(
                "FROM actions a JOIN supporters s ON s.id = a.supporter_id \
                 JOIN region_points rp ON rp.campaign_id = a.campaign_id AND rp.period = {period} AND rp.region = s.region \
                 WHERE a.request_id = ?1 AND a.kind = ?2"
            );
            region_sql.push(format!(
                "UPDATE board_scores SET n = n - 1 WHERE (campaign_id, board, period, points) = \
                 (SELECT a.campaign_id, 'regions', {period}, rp.points {rp})"
            ));
            region_sql.push(format!(
                "INSERT INTO region_points (campaign_id, region, period, points) \
                 SELECT a.campaign_id, s.region, {period}, a.points FROM actions a \
                 JOIN supporters s ON s.id = a.supporter_id \
                 WHERE a.request_id = ?1 AND a.kind = ?2 AND s.region IS NOT NULL \
                 ON CONFLICT (campaign_id, period, region) DO UPDATE SET points = points + excluded.points"
            ));
            region_sql.push(format!(
                "INSERT INTO board_scores (campaign_id, board, period, points, n) \
                 SELECT a.campaign_id, 'regions', {period}, rp.points, 1 {rp} \
                 ON CONFLICT (campaign_id, board, period, points) DO UPDATE SET n = n + 1"
            ));
        }
        sql.iter()
            .chain(team_sql.iter())
            .chain(region_sql.iter())
            .map(|q| self.stmt(q, &[text(request_id), text(kind)]))
            .collect()
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

/// A campaign's settings that boards and goals need.
#[derive(Deserialize)]
pub struct CampaignRow {
    pub id: u32,
    pub timezone: String,
    pub weekly_goal: u32,
    pub team_size: u32,
}

/// A supporter as boards show them, with their rank on that board.
#[derive(Deserialize)]
pub struct BoardRow {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub nickname: Option<String>,
    pub points: u32,
    pub rank: u32,
}

/// What boards call a supporter: their nickname, else first name and initial.
fn public_name(nickname: &Option<String>, first: &str, last: &str) -> String {
    match nickname {
        Some(n) => n.clone(),
        None => rally_api::validate::display_name(first, last),
    }
}

impl BoardRow {
    pub fn name(&self) -> String {
        public_name(&self.nickname, &self.first_name, &self.last_name)
    }
}

/// A supporter's own standing, all time and this week. (Flat rather than `#[serde(flatten)]`:
/// flattening buffers D1's numbers as floats, which then refuse to become integers.)
#[derive(Deserialize)]
pub struct StandingRow {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub nickname: Option<String>,
    pub points: u32,
    pub rank: u32,
    pub token_version: u32,
    pub listed: u32,
    pub region: Option<String>,
    pub week_points: u32,
    pub week_actions: u32,
    pub week_rank: u32,
    pub ref_code: String,
    pub team_id: Option<u32>,
}

/// What a remembered supporter acts with: their stored person, for a request that names them
/// by token instead of typing it again.
#[derive(Deserialize)]
pub struct PersonRow {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub postal_code: String,
    pub country: String,
    pub contact_consent: u32,
}

impl StandingRow {
    pub fn name(&self) -> String {
        public_name(&self.nickname, &self.first_name, &self.last_name)
    }
}

/// `1 + entries above`, from the board's score histogram (an index range, never a row count).
const RANK_ALL: &str =
    "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = s.campaign_id \
     AND b.board = 'mobilisers' AND b.period = 'all' AND b.points > s.points), 0)";
const RANK_WEEK: &str =
    "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = s.campaign_id \
     AND b.board = 'mobilisers' AND b.period = ?2 AND b.points > COALESCE(w.points, 0)), 0)";

impl Store {
    pub async fn campaign(&self, slug: &str) -> AppResult<Option<CampaignRow>> {
        Ok(self
            .stmt(
                "SELECT id, timezone, weekly_goal, team_size FROM campaigns WHERE slug = ?1",
                &[text(slug)],
            )?
            .first(None)
            .await?)
    }

    /// The top `limit` listed supporters, all time (`week` is `None`) or in one week; ties by
    /// who joined first.
    pub async fn board(
        &self,
        campaign_id: u32,
        week: Option<&str>,
        limit: u32,
    ) -> AppResult<Vec<BoardRow>> {
        let stmt = match week {
            None => self.stmt(
                &format!(
                    "SELECT s.id, s.first_name, s.last_name, s.nickname, s.points, {RANK_ALL} AS rank \
                     FROM supporters s WHERE s.campaign_id = ?1 AND s.listed = 1 AND s.hidden = 0 AND s.points > 0 \
                     ORDER BY s.points DESC, s.id ASC LIMIT ?2"
                ),
                &[num(campaign_id), num(limit)],
            )?,
            Some(week) => self.stmt(
                &format!(
                    "SELECT s.id, s.first_name, s.last_name, s.nickname, w.points, {RANK_WEEK} AS rank \
                     FROM supporter_weeks w JOIN supporters s ON s.id = w.supporter_id \
                     WHERE w.campaign_id = ?1 AND w.week = ?2 AND s.listed = 1 AND s.hidden = 0 AND w.points > 0 \
                     ORDER BY w.points DESC, w.supporter_id ASC LIMIT ?3"
                ),
                &[num(campaign_id), text(week), num(limit)],
            )?,
        };
        Ok(stmt.all().await?.results()?)
    }

    /// One supporter's standing, all time and in `week`.
    pub async fn standing(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        week: &str,
    ) -> AppResult<Option<StandingRow>> {
        Ok(self
            .stmt(
                &format!(
                    "SELECT s.id, s.first_name, s.last_name, s.nickname, s.points, {RANK_ALL} AS rank, \
                         s.token_version, s.listed, s.region, COALESCE(w.points, 0) AS week_points, \
                         COALESCE(w.actions, 0) AS week_actions, {RANK_WEEK} AS week_rank, s.ref_code, s.team_id \
                     FROM supporters s LEFT JOIN supporter_weeks w ON w.supporter_id = s.id AND w.week = ?2 \
                     WHERE s.campaign_id = ?1 AND s.id = ?3"
                ),
                &[num(campaign_id), text(week), num(supporter_id)],
            )?
            .first(None)
            .await?)
    }

    /// The stored person of supporter `id`, if `version` is still their token version.
    pub async fn person(
        &self,
        campaign_id: u32,
        id: u32,
        version: u32,
    ) -> AppResult<Option<PersonRow>> {
        Ok(self
            .stmt(
                "SELECT first_name, last_name, email, postal_code, country, contact_consent \
                 FROM supporters WHERE campaign_id = ?1 AND id = ?2 AND token_version = ?3",
                &[num(campaign_id), num(id), num(version)],
            )?
            .first(None)
            .await?)
    }

    /// Applies a supporter's own changes to how boards show them.
    pub async fn update_me(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        u: &rally_api::MeUpdate,
    ) -> AppResult<()> {
        // ?3 / ?4: NULL means "leave as is"; ?5 says whether ?4 (possibly NULL) is to be written.
        self.stmt(
            "UPDATE supporters SET listed = COALESCE(?3, listed), \
                 nickname = CASE WHEN ?5 = 1 THEN ?4 ELSE nickname END, region = COALESCE(?6, region) \
             WHERE campaign_id = ?1 AND id = ?2",
            &[
                num(campaign_id),
                num(supporter_id),
                u.listed.map_or(JsValue::NULL, |l| num(u8::from(l))),
                opt(u.nickname.clone().flatten().as_deref()),
                num(u8::from(u.nickname.is_some())),
                opt(u.region.as_deref()),
            ],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Claims the right to rewrite KV `key` now: true for at most one caller a second per key,
    /// because D1's single writer decides.
    pub async fn claim_kv(&self, key: &str, now: f64) -> AppResult<bool> {
        let claimed: Option<serde_json_any::Any> = self
            .stmt(
                "INSERT INTO kv_claims (key, written_ms) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET written_ms = excluded.written_ms \
                 WHERE kv_claims.written_ms <= excluded.written_ms - 1000 RETURNING key",
                &[text(key), num(now)],
            )?
            .first(None)
            .await?;
        Ok(claimed.is_some())
    }

    /// Revokes every token of a supporter (if `version` is still current).
    pub async fn revoke_tokens(
        &self,
        campaign_id: u32,
        supporter_id: u32,
        version: u32,
    ) -> AppResult<()> {
        self.stmt(
            "UPDATE supporters SET token_version = token_version + 1 \
             WHERE campaign_id = ?1 AND id = ?2 AND token_version = ?3",
            &[num(campaign_id), num(supporter_id), num(version)],
        )?
        .run()
        .await?;
        Ok(())
    }
}

/// A team with its leader's names (for the public name) and the campaign's size limit.
#[derive(Deserialize)]
pub struct TeamRow {
    pub id: u32,
    pub name: String,
    pub invite_code: String,
    pub size: u32,
    pub points: u32,
    pub leader_first: Option<String>,
    pub leader_last: Option<String>,
    pub leader_nickname: Option<String>,
}

impl TeamRow {
    pub fn leader(&self) -> Option<String> {
        Some(public_name(
            &self.leader_nickname,
            self.leader_first.as_deref()?,
            self.leader_last.as_deref()?,
        ))
    }
}

/// A ranked row of a board of teams or regions: id, name, points and rank.
#[derive(Deserialize)]
pub struct RankedRow {
    pub id: u32,
    pub name: String,
    pub points: u32,
    pub rank: u32,
}

/// Why a team change did not happen.
pub enum TeamRefusal {
    AlreadyInTeam,
    Full,
    NoSuchTeam,
    NotInTeam,
}

#[derive(Deserialize)]
struct TeamChangeRow {
    team_id: Option<u32>,
    team_request: Option<String>,
    target: Option<u32>,
}

const TEAM_SELECT: &str =
    "SELECT t.id, t.name, t.invite_code, t.size, t.points, l.first_name AS leader_first, \
     l.last_name AS leader_last, l.nickname AS leader_nickname \
     FROM teams t LEFT JOIN supporters l ON l.id = t.leader_id";

const TEAM_RANK_ALL: &str =
    "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = t.campaign_id \
     AND b.board = 'teams' AND b.period = 'all' AND b.points > t.points), 0)";
const TEAM_RANK_WEEK: &str =
    "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = t.campaign_id \
     AND b.board = 'teams' AND b.period = ?2 AND b.points > w.points), 0)";

impl Store {
    /// Starts a team led by `supporter`, unless they already belong to one.
    pub async fn create_team(
        &self,
        c: &CampaignRow,
        supporter: u32,
        name: &str,
        invite: &str,
        request_id: &str,
        now: f64,
    ) -> AppResult<Result<TeamRow, TeamRefusal>> {
        self.db
            .batch(vec![
                self.stmt(
                    "INSERT INTO teams (campaign_id, name, leader_id, invite_code, size, created_request, created_at) \
                     SELECT ?1, ?2, id, ?3, 1, ?4, ?5 FROM supporters WHERE id = ?6 AND campaign_id = ?1 AND team_id IS NULL",
                    &[num(c.id), text(name), text(invite), text(request_id), num(now), num(supporter)],
                )?,
                self.stmt(
                    "UPDATE supporters SET team_id = (SELECT id FROM teams WHERE created_request = ?1), team_request = ?1 \
                     WHERE id = ?2 AND EXISTS (SELECT 1 FROM teams WHERE created_request = ?1)",
                    &[text(request_id), num(supporter)],
                )?,
            ])
            .await?;
        match self.team_of(c.id, supporter).await? {
            Some(t) if t.invite_code == invite => Ok(Ok(t)),
            _ => Ok(Err(TeamRefusal::AlreadyInTeam)),
        }
    }

    /// Joins the team with `invite`, if it has room and the supporter is in no team. Joining
    /// the team one is already in succeeds (a retried request).
    pub async fn join_team(
        &self,
        c: &CampaignRow,
        supporter: u32,
        invite: &str,
        request_id: &str,
    ) -> AppResult<Result<TeamRow, TeamRefusal>> {
        // The room check and the size increment are in one batch: D1 runs batches one at a
        // time, so two joiners can never both take the last place.
        const OPEN: &str =
            "SELECT id FROM teams WHERE campaign_id = ?1 AND invite_code = ?2 AND size < ?3";
        let results = self
            .db
            .batch(vec![
                self.stmt(
                    &format!(
                        "UPDATE supporters SET team_id = ({OPEN}), team_request = ?4 \
                         WHERE id = ?5 AND campaign_id = ?1 AND team_id IS NULL AND EXISTS ({OPEN})"
                    ),
                    &[num(c.id), text(invite), num(c.team_size), text(request_id), num(supporter)],
                )?,
                self.stmt(
                    "UPDATE teams SET size = size + 1 \
                     WHERE id = (SELECT team_id FROM supporters WHERE id = ?1 AND team_request = ?2)",
                    &[num(supporter), text(request_id)],
                )?,
                self.stmt(
                    "SELECT s.team_id, s.team_request, \
                         (SELECT id FROM teams WHERE campaign_id = ?1 AND invite_code = ?2) AS target \
                     FROM supporters s WHERE s.id = ?3",
                    &[num(c.id), text(invite), num(supporter)],
                )?,
            ])
            .await?;
        let row = results
            .last()
            .map(|r| r.results::<TeamChangeRow>())
            .transpose()?
            .and_then(|rows| rows.into_iter().next())
            .ok_or_else(|| AppError::Internal("join batch returned no row".into()))?;
        let refusal = match (row.target, row.team_id) {
            (None, _) => Some(TeamRefusal::NoSuchTeam),
            (Some(t), Some(mine)) if t == mine => None,
            (Some(_), Some(_)) => Some(TeamRefusal::AlreadyInTeam),
            (Some(_), None) => Some(TeamRefusal::Full),
        };
        let _ = row.team_request;
        match refusal {
            Some(r) => Ok(Err(r)),
            None => self
                .team_of(c.id, supporter)
                .await?
                .map(Ok)
                .ok_or_else(|| AppError::Internal("joined team vanished".into())),
        }
    }

    /// Leaves the supporter's team; a leaving leader hands over to the longest-standing member.
    pub async fn leave_team(
        &self,
        c: &CampaignRow,
        supporter: u32,
        request_id: &str,
    ) -> AppResult<Result<(), TeamRefusal>> {
        let results = self
            .db
            .batch(vec![
                self.stmt(
                    "UPDATE teams SET size = size - 1, leader_id = CASE WHEN leader_id = ?1 THEN \
                         (SELECT id FROM supporters WHERE team_id = teams.id AND id != ?1 ORDER BY id LIMIT 1) \
                         ELSE leader_id END \
                     WHERE id = (SELECT team_id FROM supporters WHERE id = ?1 AND campaign_id = ?2)",
                    &[num(supporter), num(c.id)],
                )?,
                self.stmt(
                    "UPDATE supporters SET team_id = NULL, team_request = ?1 \
                     WHERE id = ?2 AND campaign_id = ?3 AND team_id IS NOT NULL",
                    &[text(request_id), num(supporter), num(c.id)],
                )?,
                self.stmt(
                    "SELECT team_id, team_request, NULL AS target FROM supporters WHERE id = ?1",
                    &[num(supporter)],
                )?,
            ])
            .await?;
        let left = results
            .last()
            .map(|r| r.results::<TeamChangeRow>())
            .transpose()?
            .and_then(|rows| rows.into_iter().next())
            .is_some_and(|r| r.team_request.as_deref() == Some(request_id));
        Ok(if left {
            Ok(())
        } else {
            Err(TeamRefusal::NotInTeam)
        })
    }

    pub async fn team_of(&self, campaign_id: u32, supporter: u32) -> AppResult<Option<TeamRow>> {
        Ok(self
            .stmt(
                &format!("{TEAM_SELECT} WHERE t.id = (SELECT team_id FROM supporters WHERE id = ?1 AND campaign_id = ?2)"),
                &[num(supporter), num(campaign_id)],
            )?
            .first(None)
            .await?)
    }

    pub async fn team_by_invite(
        &self,
        campaign_id: u32,
        invite: &str,
    ) -> AppResult<Option<TeamRow>> {
        Ok(self
            .stmt(
                &format!("{TEAM_SELECT} WHERE t.campaign_id = ?1 AND t.invite_code = ?2"),
                &[num(campaign_id), text(invite)],
            )?
            .first(None)
            .await?)
    }

    /// Members' public rows, the leader first, then by who joined first.
    pub async fn team_members(&self, team_id: u32) -> AppResult<Vec<BoardRow>> {
        Ok(self
            .stmt(
                "SELECT s.id, s.first_name, s.last_name, s.nickname, s.points, 0 AS rank \
                 FROM supporters s JOIN teams t ON t.id = s.team_id WHERE s.team_id = ?1 \
                 ORDER BY s.id = t.leader_id DESC, s.id",
                &[num(team_id)],
            )?
            .all()
            .await?
            .results()?)
    }

    /// The top `limit` teams with members, all time or in one week.
    pub async fn team_board(
        &self,
        campaign_id: u32,
        week: Option<&str>,
        limit: u32,
    ) -> AppResult<Vec<RankedRow>> {
        let stmt = match week {
            None => self.stmt(
                &format!(
                    "SELECT t.id, t.name, t.points, {TEAM_RANK_ALL} AS rank FROM teams t \
                     WHERE t.campaign_id = ?1 AND t.size > 0 AND t.points > 0 \
                     ORDER BY t.points DESC, t.id ASC LIMIT ?2"
                ),
                &[num(campaign_id), num(limit)],
            )?,
            Some(week) => self.stmt(
                &format!(
                    "SELECT t.id, t.name, w.points, {TEAM_RANK_WEEK} AS rank FROM team_weeks w \
                     JOIN teams t ON t.id = w.team_id \
                     WHERE w.campaign_id = ?1 AND w.week = ?2 AND t.size > 0 AND w.points > 0 \
                     ORDER BY w.points DESC, w.team_id ASC LIMIT ?3"
                ),
                &[num(campaign_id), text(week), num(limit)],
            )?,
        };
        Ok(stmt.all().await?.results()?)
    }

    /// The top `limit` regions in `period` (`all` or a week key), and the supporter's own
    /// region's row when `mine` names it.
    pub async fn region_board(
        &self,
        campaign_id: u32,
        period: &str,
        limit: u32,
        mine: Option<&str>,
    ) -> AppResult<(Vec<RankedRow>, Option<RankedRow>)> {
        const RANK: &str = "1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = rp.campaign_id \
             AND b.board = 'regions' AND b.period = rp.period AND b.points > rp.points), 0)";
        let results = self
            .db
            .batch(vec![
                self.stmt(
                    &format!(
                        "SELECT rp.rowid AS id, rp.region AS name, rp.points, {RANK} AS rank FROM region_points rp \
                         WHERE rp.campaign_id = ?1 AND rp.period = ?2 AND rp.points > 0 \
                         ORDER BY rp.points DESC, rp.region ASC LIMIT ?3"
                    ),
                    &[num(campaign_id), text(period), num(limit)],
                )?,
                self.stmt(
                    &format!(
                        "SELECT rp.rowid AS id, rp.region AS name, rp.points, {RANK} AS rank FROM region_points rp \
                         WHERE rp.campaign_id = ?1 AND rp.period = ?2 AND rp.region = ?3"
                    ),
                    &[num(campaign_id), text(period), opt(mine)],
                )?,
            ])
            .await?;
        let [top, own] = <[_; 2]>::try_from(results).map_err(|_| {
            AppError::Internal("region board batch returned the wrong number of results".into())
        })?;
        Ok((top.results()?, own.results()?.into_iter().next()))
    }

    /// One team's row on the team board (for "your team" outside the top).
    pub async fn team_standing(
        &self,
        campaign_id: u32,
        team_id: u32,
        week: Option<&str>,
    ) -> AppResult<Option<RankedRow>> {
        let stmt = match week {
            None => self.stmt(
                &format!("SELECT t.id, t.name, t.points, {TEAM_RANK_ALL} AS rank FROM teams t WHERE t.campaign_id = ?1 AND t.id = ?2"),
                &[num(campaign_id), num(team_id)],
            )?,
            Some(week) => self.stmt(
                "SELECT t.id, t.name, COALESCE(w.points, 0) AS points, \
                     1 + COALESCE((SELECT SUM(b.n) FROM board_scores b WHERE b.campaign_id = t.campaign_id \
                     AND b.board = 'teams' AND b.period = ?2 AND b.points > COALESCE(w.points, 0)), 0) AS rank \
                 FROM teams t LEFT JOIN team_weeks w ON w.team_id = t.id AND w.week = ?2 \
                 WHERE t.campaign_id = ?1 AND t.id = ?3",
                &[num(campaign_id), text(week), num(team_id)],
            )?,
        };
        Ok(stmt.first(None).await?)
    }
}

/// The petition or pledge an action is about, with the campaign's points for it.
pub struct Subject {
    pub target: Target,
    pub id: u32,
    pub campaign_id: u32,
    pub points: u32,
    pub points_recruit: u32,
}

/// Everything an action needs, gathered by the handler.
pub struct ActInput<'a> {
    pub subject: Subject,
    pub sig: &'a ValidSignature,
    pub request_id: &'a str,
    pub new_ref_code: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub city: Option<&'a str>,
    /// The ISO week of `now` in the campaign's time zone.
    pub week: &'a str,
    /// For a pledge: whether the supporter asked to be reminded.
    pub reminder: Option<bool>,
    pub now: f64,
}

/// A row we only count, whatever its columns.
mod serde_json_any {
    #[derive(serde::Deserialize)]
    pub struct Any {}
}
