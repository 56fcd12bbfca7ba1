//! Acting: the statements of a signature or a pledge commitment (one batch that upserts the
//! supporter, writes the row, bumps counters and every aggregate, records the idempotency key
//! and reads back the answer), the public view of a petition or pledge, and referrals.

use std::cell::RefCell;
use std::collections::HashMap;

use rally_api::{
    next_goal, Look, PetitionStatus, PetitionView, Presented, RecentSigner, ValidSignature,
};
use serde::Deserialize;
use worker::D1PreparedStatement;

use crate::db::ladder::{AskRow, At, Cause, Live, Standing, Who, FIRST_PLEDGE};
use crate::db::outbox::Written;
use crate::db::{num, opt, text, Any, Batch, Store};
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
    pub(crate) rows: &'static str,
    pub(crate) fk: &'static str,
    pub(crate) parent: &'static str,
    pub(crate) count: &'static str,
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
    /// The campaign's Turnstile site key when it asks for the check, else empty.
    pub turnstile: String,
    /// Its words in its other languages, as stored (JSON).
    pub translations: String,
    /// The campaign's ladder as stored (JSON, `None`: the default), its version, and the
    /// first open pledge the default ladder asks for.
    pub ladder: Option<String>,
    pub ladder_version: u32,
    pub first_pledge: Option<String>,
    /// How many Durable Object shards take its actions (0: the direct path; issue 25).
    pub shards: u32,
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
    /// The campaign's Turnstile site key when it asks for the check, else empty.
    pub turnstile: String,
    /// Its words in its other languages, as stored (JSON).
    pub translations: String,
    /// The campaign's ladder as stored (JSON, `None`: the default), its version, and the
    /// first open pledge the default ladder asks for.
    pub ladder: Option<String>,
    pub ladder_version: u32,
    pub first_pledge: Option<String>,
    /// How many Durable Object shards take its actions (0: the direct path; issue 25).
    pub shards: u32,
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

/// The campaign's ladder, from the columns every action's metadata carries.
pub fn live_ladder(stored: &Option<String>, version: u32, first_pledge: &Option<String>) -> Live {
    Live::from_row(stored.as_deref(), version, first_pledge.as_deref())
}

impl PledgeMeta {
    /// What a commitment is recorded against, with the campaign's points for it.
    pub fn subject(&self) -> Subject {
        Subject {
            target: PLEDGE,
            id: self.id,
            campaign_id: self.campaign_id,
            points: self.points_pledge,
            points_recruit: self.points_recruit,
        }
    }
}

impl PetitionMeta {
    /// What a signature is recorded against, with the campaign's points for it.
    pub fn subject(&self) -> Subject {
        Subject {
            target: PETITION,
            id: self.id,
            campaign_id: self.campaign_id,
            points: self.points_sign,
            points_recruit: self.points_recruit,
        }
    }

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
            turnstile: self.turnstile.clone(),
            translations: serde_json::from_str(&self.translations).unwrap_or_default(),
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
    /// The messages this request wrote to the outbox (a confirmation, reminders).
    pub messages: Vec<Written>,
    /// The person's rung and measures after the action, and what the ladder's asks name.
    pub standing: Option<Standing>,
    pub asks: Vec<AskRow>,
    /// False when a ladder edit raced the action: its evaluation did nothing and must run again.
    pub ladder_held: bool,
    pub supporter_id: u32,
    /// The confirmation this request wrote, if any (it carries the next step).
    pub confirmation: Option<f64>,
    /// The item's shards after the action (the direct path may just have raised them).
    pub shards: u32,
}

/// A petition's or pledge's live view, as [`Store::live`] reads it.
pub struct LiveView {
    pub count: u32,
    pub recent: Vec<RecentSigner>,
    /// Whether this request may rewrite the KV snapshot (at most one a second does).
    pub claimed: bool,
    /// A sharded item's shard marks (empty otherwise).
    pub marks: Vec<crate::db::drain::Mark>,
}

impl ActOutcome {
    /// An answer that wrote nothing in D1 this request (a honeypot's, a shard's): no messages,
    /// no standing, no snapshot to rewrite.
    pub fn answered(signed: bool, count: u32, ref_code: String, supporter_id: u32) -> Self {
        ActOutcome {
            signed,
            count,
            ref_code,
            claimed: None,
            new_supporter: None,
            messages: Vec::new(),
            standing: None,
            asks: Vec::new(),
            ladder_held: true,
            supporter_id,
            confirmation: None,
            shards: 0,
        }
    }
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
struct Raised {
    shards: u32,
}

#[derive(Deserialize)]
struct RecruitsRow {
    recruits: u32,
}

impl Store {
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
                &format!("SELECT p.id, p.campaign_id, c.slug AS campaign, p.slug, p.title, p.body, p.target, \
                        p.base_goal, p.status, p.shards, c.timezone, c.points_sign, c.points_recruit, \
                        p.langs, p.accent, p.share_text, p.translations, c.ladder, c.ladder_version, \
                        {FIRST_PLEDGE} AS first_pledge, \
                        CASE WHEN c.turnstile_enabled = 1 THEN c.turnstile_site_key ELSE '' END AS turnstile \
                 FROM petitions p JOIN campaigns c ON c.id = p.campaign_id \
                 WHERE c.slug = ?1 AND p.slug = ?2 AND p.published = 1"),
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

    /// The stored count of a petition or pledge.
    pub async fn count(&self, t: Target, id: u32) -> AppResult<u32> {
        let row: Option<CountRow> = self
            .stmt(
                &format!(
                    "SELECT {} AS signature_count FROM {} WHERE id = ?1",
                    t.count, t.parent
                ),
                &[num(id)],
            )?
            .first(None)
            .await?;
        Ok(row.map_or(0, |r| r.signature_count))
    }

    /// The live count and latest public names of a petition or pledge, whether this request
    /// won the claim to rewrite its KV snapshot and, for a sharded item (`marks`: its mark key,
    /// `petition:12`), each shard's mark, read in the same transaction as the count.
    pub async fn live(
        &self,
        t: Target,
        id: u32,
        now: f64,
        marks: Option<&str>,
    ) -> AppResult<LiveView> {
        let mut b = Batch::new();
        let count = b.read::<CountRow>(self.stmt(
            &format!(
                "SELECT {} AS signature_count FROM {} WHERE id = ?1",
                t.count, t.parent
            ),
            &[num(id)],
        )?);
        let recent = b.read::<RecentSigner>(self.recent_stmt(t, id)?);
        let claim = b.read::<Any>(self.claim_snapshot_stmt(t, id, now)?);
        let mark_rows = match marks {
            Some(item) => Some(b.read::<crate::db::drain::Mark>(self.stmt(
                "SELECT shard, upto FROM shard_marks WHERE item = ?1",
                &[text(item)],
            )?)),
            None => None,
        };
        let results = b.run(self).await?;
        Ok(LiveView {
            count: results.first(count)?.map_or(0, |r| r.signature_count),
            recent: results.rows(recent)?,
            claimed: results.any(claim)?,
            marks: match mark_rows {
                Some(m) => results.rows(m)?,
                None => Vec::new(),
            },
        })
    }

    /// A pledge's fixed fields and its campaign's settings.
    pub async fn pledge_meta(&self, campaign: &str, slug: &str) -> AppResult<Option<PledgeMeta>> {
        Ok(self
            .stmt(
                &format!("SELECT p.id, p.campaign_id, c.slug AS campaign, p.slug, p.statement, p.body, p.starts_at, \
                        p.ends_at, p.place, p.base_goal, p.status, p.shards, c.timezone, c.points_pledge, c.points_recruit, \
                        p.langs, p.accent, p.share_text, p.translations, c.ladder, c.ladder_version, \
                        {FIRST_PLEDGE} AS first_pledge, \
                        CASE WHEN c.turnstile_enabled = 1 THEN c.turnstile_site_key ELSE '' END AS turnstile \
                 FROM pledges p JOIN campaigns c ON c.id = p.campaign_id \
                 WHERE c.slug = ?1 AND p.slug = ?2 AND p.published = 1"),
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
        let mut b = Batch::new();
        b.extend([
            // The supporter: one per email per campaign. An existing supporter is left untouched:
            // knowing someone's email must not let anyone change their name or consent.
            self.stmt(
                "INSERT INTO supporters (campaign_id, email, first_name, last_name, postal_code, country, \
                     contact_consent, consent_at, ref_code, referrer_id, lang, created_at, created_request, region, \
                     first_source, first_item) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
                     (SELECT id FROM supporters WHERE campaign_id = ?1 AND ref_code = ?10), ?11, ?8, ?12, ?13, ?14, ?15) \
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
                    // The ladder report's source and item: the first action's.
                    text(&t.channel()),
                    text(s.item),
                ],
            )?,
            // The signature (commitment): one per supporter per petition (pledge).
            self.stmt(
                &format!("INSERT INTO {rows} ({fk}, supporter_id, request_id, display_name, city, country, \
                     referrer_id, source, utm_source, utm_medium, utm_campaign, utm_term, utm_content, \
                     page_url, lang, created_at, confirmed) \
                 SELECT ?1, s.id, ?2, ?3, ?4, s.country, r.id, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
                     (SELECT CASE WHEN confirm = 1 THEN 0 END FROM campaigns WHERE id = ?15) \
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
        ]);
        let raised = b.read::<Raised>(
            // The counter moves only if this request's row went in. So does the minute's rate:
            // past the edge's threshold, an item left to the edge moves to shards (issue 25).
            self.stmt(
                &format!(
                    "UPDATE {parent} SET {count} = {count} + 1, \
                       rate_n = CASE WHEN rate_minute = ?3 THEN rate_n + 1 ELSE 1 END, rate_minute = ?3, \
                       shards = CASE WHEN shards_auto = 1 AND shards = 0 AND rate_minute = ?3 AND rate_n + 1 >= ?4 \
                         THEN ?5 ELSE shards END \
                     WHERE id = ?1 AND EXISTS (SELECT 1 FROM {rows} WHERE request_id = ?2) \
                     RETURNING shards"
                ),
                &[
                    num(m.id),
                    text(s.request_id),
                    num((s.now / 60_000.0).floor()),
                    num(s.auto_shards.0),
                    num(s.auto_shards.1),
                ],
            )?
        );
        b.extend([
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
        ]);
        if let Some(reminder) = s.reminder {
            b.add(self.stmt(
                "UPDATE commitments SET reminder = ?2 WHERE request_id = ?1",
                &[text(s.request_id), num(u8::from(reminder))],
            )?);
        }
        // The messages the action leads to, in its own batch: never lost between the action
        // and the queue.
        let one = Scope::One(s.request_id);
        let confirm = b.read::<Written>(self.confirm_stmt(tg, m.campaign_id, one, s.now)?);
        let hooks = b.read::<Written>(self.webhook_stmt(
            tg,
            if tg.kind == "sign" {
                "signature.created"
            } else {
                "commitment.created"
            },
            m.campaign_id,
            one,
            s.now,
        )?);
        let syncs = b.read::<Written>(self.sync_stmt(tg, m.campaign_id, one, s.now)?);
        let reminders = match s.reminders {
            Some(times) => Some(
                self.reminder_stmts(m.campaign_id, one, times, s.now)?
                    .map(|st| b.read::<Written>(st)),
            ),
            None => None,
        };
        for k in [kind, "recruit"] {
            b.extend(self.award_stmts(s.request_id, k)?);
        }
        // The hub's cards this action (or the recruit it credits) does.
        b.extend(self.tick_cards_stmts(one, s.today, s.now)?);
        // The ladder: the person (and a credited referrer) are evaluated in this same batch.
        let at = At {
            campaign_id: m.campaign_id,
            request_id: s.request_id,
            now: s.now,
            week: s.week,
            cause: Cause::Action,
        };
        let eval =
            self.add_evaluation(&mut b, s.ladder, &Who::acting(m.campaign_id, &v.email), &at)?;
        const ME: &str = "s.campaign_id = ?1 AND s.email = ?2";
        let standing = if s.ladder.ladder.rungs.is_empty() {
            None
        } else {
            Some(b.read::<Standing>(self.standing_stmt(
                &s.ladder.ladder,
                s.week,
                ME,
                &[num(m.campaign_id), text(&v.email)],
            )?))
        };
        let asks = self
            .asks_stmt(
                &s.ladder.ladder,
                m.campaign_id,
                "s.campaign_id = ?1 AND s.email = ?2",
                &[text(&v.email)],
            )?
            .map(|q| b.read::<AskRow>(q));
        let claim = b.read::<Any>(self.claim_snapshot_stmt(tg, m.id, s.now)?);
        let row = b.read::<SignRow>(self.stmt(
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
            )?);
        let recent = b.read::<RecentSigner>(self.recent_stmt(tg, m.id)?);
        let results = b.run(self).await?;
        let row = results
            .first(row)?
            .ok_or_else(|| AppError::Internal("signature missing after its own batch".into()))?;
        let signed = match &row.key_request {
            Some(first) => *first == row.request_id,
            None => row.request_id == s.request_id,
        };
        let claimed = if results.any(claim)? {
            Some(results.rows(recent)?)
        } else {
            None
        };
        let created = row.created_request.as_deref() == Some(s.request_id);
        let mut messages = results.rows(confirm)?;
        let confirmation = messages.first().map(|m| m.id);
        messages.extend(results.rows(hooks)?);
        messages.extend(results.rows(syncs)?);
        for r in reminders.into_iter().flatten() {
            messages.extend(results.rows(r)?);
        }
        messages.extend(crate::db::ladder::hooks_of(&results, &eval)?);
        let ladder_held = crate::db::ladder::held(&results, &eval, s.ladder)?;
        let standing = match standing {
            Some(st) => results.first(st)?,
            None => None,
        };
        let asks = match asks {
            Some(a) => results.rows(a)?,
            None => Vec::new(),
        };
        let shards = results.first(raised)?.map_or(0, |r| r.shards);
        Ok(ActOutcome {
            shards,
            standing,
            asks,
            ladder_held,
            supporter_id: row.supporter_id,
            confirmation,
            signed,
            count: row.signature_count,
            ref_code: row.ref_code,
            claimed,
            new_supporter: created.then_some((row.supporter_id, row.token_version)),
            messages,
        })
    }

    /// The aggregates of one action (`kind`, written by `request_id` earlier in the same batch):
    /// the supporter's points and week, and the boards' score counts for all time and for the
    /// week. See [`Store::score_stmts`].
    pub(crate) fn award_stmts(
        &self,
        request_id: &str,
        kind: &str,
    ) -> AppResult<Vec<D1PreparedStatement>> {
        self.score_stmts(Scope::One(request_id), kind, 1)
    }

    /// The statements that undo [`Store::award_stmts`] for an action still in `actions` (before
    /// "it wasn't me" deletes it).
    pub(crate) fn unaward_stmts(
        &self,
        request_id: &str,
        kind: &str,
    ) -> AppResult<Vec<D1PreparedStatement>> {
        self.score_stmts(Scope::One(request_id), kind, -1)
    }

    /// Moves every aggregate of the actions of `kind` in `scope` by `sign` (1: award, -1: undo),
    /// set-based: whatever the number of actions, each statement runs once. Each score (a
    /// person's, their week's, their team's, their region's) leaves its old bucket of the board,
    /// changes by the sum of its actions' points, and enters its new bucket; every statement
    /// finds its rows through the action rows, so when no action was written (a duplicate, a
    /// retry, a drain replayed) none of them change anything. Order matters. `?1` is the scope's
    /// key, `?2` the kind, `?3` the sign.
    pub(crate) fn score_stmts(
        &self,
        scope: Scope<'_>,
        kind: &str,
        sign: i8,
    ) -> AppResult<Vec<D1PreparedStatement>> {
        let cond = format!("{} AND a.kind = ?2", scope.is("a.request_id", 1));
        let acts = format!("FROM actions a WHERE {cond}");
        let with_s =
            format!("FROM actions a JOIN supporters s ON s.id = a.supporter_id WHERE {cond}");
        // A bucket move: `from` groups the scores that move as (campaign, period, points, n).
        let leave = |board: &str, from: &str| {
            format!(
                "UPDATE board_scores SET n = n - m.c FROM ({from}) m \
                 WHERE board_scores.campaign_id = m.cid AND board_scores.board = '{board}' \
                   AND board_scores.period = m.per AND board_scores.points = m.p"
            )
        };
        let enter = |board: &str, from: &str| {
            format!(
                "INSERT INTO board_scores (campaign_id, board, period, points, n) \
                 SELECT m.cid, '{board}', m.per, m.p, m.c FROM ({from}) m WHERE true \
                 ON CONFLICT (campaign_id, board, period, points) DO UPDATE SET n = n + excluded.n"
            )
        };
        let people = format!(
            "SELECT s.campaign_id AS cid, 'all' AS per, s.points AS p, COUNT(*) AS c FROM supporters s \
             WHERE s.id IN (SELECT a.supporter_id {acts}) GROUP BY 1, 3"
        );
        let weeks = format!(
            "SELECT w.campaign_id AS cid, w.week AS per, w.points AS p, COUNT(*) AS c FROM supporter_weeks w \
             WHERE (w.supporter_id, w.week) IN (SELECT a.supporter_id, a.week {acts}) GROUP BY 1, 2, 3"
        );
        let teams = format!(
            "SELECT t.campaign_id AS cid, 'all' AS per, t.points AS p, COUNT(*) AS c FROM teams t \
             WHERE t.id IN (SELECT s.team_id {with_s}) GROUP BY 1, 3"
        );
        let team_weeks = format!(
            "SELECT tw.campaign_id AS cid, tw.week AS per, tw.points AS p, COUNT(*) AS c FROM team_weeks tw \
             WHERE (tw.team_id, tw.week) IN (SELECT s.team_id, a.week {with_s}) GROUP BY 1, 2, 3"
        );
        // `(sql, uses the sign)`: a statement is bound with exactly the parameters it names.
        let mut sql: Vec<(String, bool)> = vec![
            // The overview's hourly count of this kind of action.
            (format!(
                "INSERT INTO stats_hourly (campaign_id, kind, hour, n) \
                 SELECT * FROM (SELECT a.campaign_id, a.kind, CAST(a.created_at / 3600000 AS INTEGER), ?3 * COUNT(*) \
                   {acts} GROUP BY 1, 2, 3) WHERE true \
                 ON CONFLICT (campaign_id, kind, hour) DO UPDATE SET n = n + excluded.n"
            ), true),
            (leave("mobilisers", &people), false),
            (format!(
                "UPDATE supporters SET points = points + ?3 * d.p \
                 FROM (SELECT a.supporter_id AS id, SUM(a.points) AS p {acts} GROUP BY 1) d \
                 WHERE supporters.id = d.id"
            ), true),
            (enter("mobilisers", &people), false),
            // The same for the week.
            (leave("mobilisers", &weeks), false),
            (format!(
                "INSERT INTO supporter_weeks (campaign_id, supporter_id, week, points, actions) \
                 SELECT * FROM (SELECT a.campaign_id, a.supporter_id, a.week, ?3 * SUM(a.points), ?3 * COUNT(*) \
                   {acts} GROUP BY 2, 3) WHERE true \
                 ON CONFLICT (supporter_id, week) DO UPDATE SET points = points + excluded.points, \
                   actions = actions + excluded.actions"
            ), true),
            (enter("mobilisers", &weeks), false),
            // The team board: the team the supporter belongs to when acting earns the points.
            (leave("teams", &teams), false),
            (format!(
                "UPDATE teams SET points = points + ?3 * d.p \
                 FROM (SELECT s.team_id AS id, SUM(a.points) AS p {with_s} AND s.team_id IS NOT NULL GROUP BY 1) d \
                 WHERE teams.id = d.id"
            ), true),
            (enter("teams", &teams), false),
            (leave("teams", &team_weeks), false),
            (format!(
                "INSERT INTO team_weeks (campaign_id, team_id, week, points) \
                 SELECT * FROM (SELECT a.campaign_id, s.team_id, a.week, ?3 * SUM(a.points) \
                   {with_s} AND s.team_id IS NOT NULL GROUP BY 2, 3) WHERE true \
                 ON CONFLICT (team_id, week) DO UPDATE SET points = points + excluded.points"
            ), true),
            (enter("teams", &team_weeks), false),
        ];
        // The regions board, for all time and for the week: the region the supporter is in.
        for period in ["'all'", "a.week"] {
            let regions = format!(
                "SELECT rp.campaign_id AS cid, rp.period AS per, rp.points AS p, COUNT(*) AS c FROM region_points rp \
                 WHERE (rp.campaign_id, rp.period, rp.region) IN \
                   (SELECT a.campaign_id, {period}, s.region {with_s} AND s.region IS NOT NULL) GROUP BY 1, 2, 3"
            );
            sql.push((leave("regions", &regions), false));
            sql.push((format!(
                "INSERT INTO region_points (campaign_id, region, period, points) \
                 SELECT * FROM (SELECT a.campaign_id, s.region, {period}, ?3 * SUM(a.points) \
                   {with_s} AND s.region IS NOT NULL GROUP BY 1, 2, 3) WHERE true \
                 ON CONFLICT (campaign_id, period, region) DO UPDATE SET points = points + excluded.points"
            ), true));
            sql.push((enter("regions", &regions), false));
        }
        sql.iter()
            .map(|(q, signed)| {
                if *signed {
                    self.stmt(q, &[text(scope.key()), text(kind), num(sign)])
                } else {
                    self.stmt(q, &[text(scope.key()), text(kind)])
                }
            })
            .collect()
    }

    /// Puts the ladder's next step on confirmation `id` (before it is handed to the queue).
    pub async fn set_next_step(
        &self,
        id: f64,
        step: &rally_api::ladder::NextStep,
    ) -> AppResult<()> {
        let json = serde_json::to_string(step)
            .map_err(|e| AppError::Internal(format!("next step JSON: {e}")))?;
        self.stmt(
            "UPDATE outbox SET next_step = ?2 WHERE id = ?1",
            &[num(id), text(&json)],
        )?
        .run()
        .await?;
        Ok(())
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

/// Which actions a statement is about: those one request wrote (`request_id = ?n`), or every
/// one a drain of a shard staged (`request_id IN (SELECT request_id FROM drain_rows WHERE
/// drain = ?n)`). The statements that follow an action (its aggregates, its messages, the hub's
/// cards) are written once over a scope, so a drain of 500 signatures runs each of them once
/// and cannot differ from the direct path.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    One(&'a str),
    Drain(&'a str),
}

impl Scope<'_> {
    /// The condition that `column` (a request id) is in the scope, bound at `?n`.
    pub fn is(&self, column: &str, n: u8) -> String {
        match self {
            Scope::One(_) => format!("{column} = ?{n}"),
            Scope::Drain(_) => {
                format!("{column} IN (SELECT request_id FROM drain_rows WHERE drain = ?{n})")
            }
        }
    }

    /// What `?n` is bound to: the request id, or the drain's.
    pub fn key(&self) -> &str {
        match self {
            Scope::One(k) | Scope::Drain(k) => k,
        }
    }
}

/// The petition or pledge an action is about, with the campaign's points for it.
#[derive(Clone, Copy)]
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
    /// The date of `now` there (campaign actions run by dates).
    pub today: &'a str,
    /// For a pledge: whether the supporter asked to be reminded.
    pub reminder: Option<bool>,
    /// The campaign's ladder, evaluated in the action's batch.
    pub ladder: &'a Live,
    /// The report's "first action" item: `petition:<slug>` or `pledge:<slug>`.
    pub item: &'a str,
    /// For a pledge with a date: when its two reminders are due and until when each is worth
    /// sending (see `mail::reminder_times`).
    pub reminders: Option<[(f64, f64); 2]>,
    /// Direct actions a minute past which an item left to the edge moves to shards, and how
    /// many it then gets.
    pub auto_shards: (u32, u32),
    pub now: f64,
}
