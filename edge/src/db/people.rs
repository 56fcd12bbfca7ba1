//! Supporters as staff see them: search, one person's stored data, hiding a name, erasure.

use rally_api::staff::{Erased, PersonView};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::db::outbox::Written;
use crate::db::{num, text, Batch, Store};
use crate::error::{AppError, AppResult};

const PERSON_COLUMNS: &str =
    "s.id, s.first_name, s.last_name, s.email, s.country, s.points, s.listed, s.hidden, s.created_at";

/// Everything stored about one person, table by table (a subject access request).
pub struct PersonData {
    pub supporter: Option<Map<String, Value>>,
    pub signatures: Vec<Map<String, Value>>,
    pub commitments: Vec<Map<String, Value>>,
    pub actions: Vec<Map<String, Value>>,
    pub reports: Vec<Map<String, Value>>,
}

impl Store {
    /// The supporter with this (normalised) email.
    pub async fn people_by_email(
        &self,
        campaign_id: u32,
        email: &str,
    ) -> AppResult<Vec<PersonView>> {
        self.all(
            &format!("SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 AND s.email = ?2"),
            &[num(campaign_id), text(email)],
        )
        .await
    }

    /// At most 50 supporters whose first or last name starts with `prefix`.
    pub async fn people_by_name(
        &self,
        campaign_id: u32,
        prefix: &str,
    ) -> AppResult<Vec<PersonView>> {
        let like = format!("{}%", prefix.replace(['%', '_', '\\'], ""));
        self.all(
            &format!(
                "SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 \
                 AND (s.first_name LIKE ?2 OR s.last_name LIKE ?2) ORDER BY s.id LIMIT 50"
            ),
            &[num(campaign_id), text(&like)],
        )
        .await
    }

    /// The first 50 supporters on rung `rung` of the campaign's ladder (the ladder report's
    /// numbers link here).
    pub async fn people_on_rung(&self, campaign_id: u32, rung: &str) -> AppResult<Vec<PersonView>> {
        self.all(
            &format!(
                "SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 AND s.rung = ?2 \
                 AND s.rung != '' ORDER BY s.id LIMIT 50"
            ),
            &[num(campaign_id), text(rung)],
        )
        .await
    }

    /// One supporter of the campaign.
    pub async fn person_view(&self, campaign_id: u32, id: u32) -> AppResult<Option<PersonView>> {
        self.first(
            &format!(
                "SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 AND s.id = ?2"
            ),
            &[num(campaign_id), num(id)],
        )
        .await
    }

    /// Every row about supporter `id` (whose email is `email`), as stored.
    pub async fn person_data(
        &self,
        campaign_id: u32,
        id: u32,
        email: &str,
    ) -> AppResult<PersonData> {
        let mut b = Batch::new();
        let supporter = b.read(self.stmt("SELECT * FROM supporters WHERE id = ?1", &[num(id)])?);
        let signatures = b.read(self.stmt(
            "SELECT p.slug AS petition, g.* FROM signatures g JOIN petitions p ON p.id = g.petition_id \
             WHERE g.supporter_id = ?1 ORDER BY g.id",
            &[num(id)],
        )?);
        let commitments = b.read(self.stmt(
            "SELECT p.slug AS pledge, c.* FROM commitments c JOIN pledges p ON p.id = c.pledge_id \
             WHERE c.supporter_id = ?1 ORDER BY c.id",
            &[num(id)],
        )?);
        let actions = b.read(self.stmt(
            "SELECT kind, points, week, created_at FROM actions WHERE supporter_id = ?1 ORDER BY id",
            &[num(id)],
        )?);
        let reports = b.read(self.stmt(
            "SELECT claim, link, seen_on, screenshot_text, created_at FROM reports \
             WHERE campaign_id = ?1 AND email = ?2 ORDER BY id",
            &[num(campaign_id), text(email)],
        )?);
        let r = b.run(self).await?;
        Ok(PersonData {
            supporter: r.first(supporter)?,
            signatures: r.rows(signatures)?,
            commitments: r.rows(commitments)?,
            actions: r.rows(actions)?,
            reports: r.rows(reports)?,
        })
    }

    /// Hides (or shows) a name on public boards, with its audit row.
    pub async fn hide_person(
        &self,
        campaign_id: u32,
        id: u32,
        hidden: bool,
        audit: worker::D1PreparedStatement,
    ) -> AppResult<()> {
        let mut b = Batch::new();
        b.add(self.stmt(
            "UPDATE supporters SET hidden = ?3 WHERE campaign_id = ?1 AND id = ?2",
            &[num(campaign_id), num(id), num(u8::from(hidden))],
        )?)
        .add(audit);
        b.run(self).await?;
        Ok(())
    }

    /// Erases supporter `id` (whose email is `email`) in one batch: details removed, tokens
    /// revoked, rows kept anonymous so every count stays right, the erasure's deliveries to the
    /// campaign's tools written; what was kept, and those deliveries.
    pub async fn erase_person(
        &self,
        campaign_id: u32,
        id: u32,
        email: &str,
        audit: worker::D1PreparedStatement,
    ) -> AppResult<(Erased, Vec<Written>)> {
        #[derive(Deserialize)]
        struct Kept {
            signatures: u32,
            commitments: u32,
        }
        let (c, i) = (num(campaign_id), num(id));
        let erased_email = format!("erased-{id}@erased.invalid");
        let mut b = Batch::new();
        b.extend([
            // Messages still waiting, to them as a supporter or as a reporter, are dropped.
            // Deliveries to the campaign's tools still go, in order, before the erasure's own
            // (they read the now erased details when sent).
            self.stmt(
                "UPDATE outbox SET status = 'dropped', error = 'erased' \
                 WHERE status IN ('pending', 'queued') AND kind <> 'webhook' AND (supporter_id = ?2 OR report_id IN \
                   (SELECT id FROM reports WHERE campaign_id = ?1 AND email = ?3))",
                &[c.clone(), i.clone(), text(email)],
            )?,
            self.stmt(
                "UPDATE reports SET email = NULL WHERE campaign_id = ?1 AND email = ?2",
                &[c.clone(), text(email)],
            )?,
            self.stmt(
                "UPDATE signatures SET display_name = NULL, city = NULL, page_url = NULL WHERE supporter_id = ?1",
                std::slice::from_ref(&i),
            )?,
            self.stmt(
                "UPDATE commitments SET display_name = NULL, city = NULL, page_url = NULL WHERE supporter_id = ?1",
                std::slice::from_ref(&i),
            )?,
            self.stmt(
                "UPDATE supporters SET email = ?3, first_name = 'Erased', last_name = '', postal_code = '', \
                   nickname = NULL, listed = 0, hidden = 1, contact_consent = 0, \
                   token_version = token_version + 1, erased_at = ?4 WHERE campaign_id = ?1 AND id = ?2",
                &[c, i.clone(), text(&erased_email), num(crate::http::now())],
            )?,
            audit,
        ]);
        // Out of their team (a leader hands over to the longest-standing member), off the
        // hub's ticks and the leader-contact consent.
        b.extend([
            self.stmt(
                "UPDATE teams SET size = size - 1, leader_id = CASE WHEN leader_id = ?1 THEN \
                     (SELECT id FROM supporters WHERE team_id = teams.id AND id != ?1 ORDER BY id LIMIT 1) \
                     ELSE leader_id END \
                 WHERE id = (SELECT team_id FROM supporters WHERE id = ?1)",
                std::slice::from_ref(&i),
            )?,
            self.stmt(
                "UPDATE supporters SET team_id = NULL WHERE id = ?1",
                std::slice::from_ref(&i),
            )?,
        ]);
        b.extend(self.forget_hub_stmts(id)?);
        b.add(self.forget_tags_stmt(id)?);
        // Off the ladder: their count leaves the rung it was on, then their rung history and
        // everything the report counted of it are removed.
        let live = self.ladder(campaign_id).await?;
        let (rid, who) = (crate::http::request_id()?, crate::db::ladder::Who::one(id));
        let week = crate::http::week_of(crate::http::now(), &self.timezone_of(campaign_id).await?);
        let at = crate::db::ladder::At {
            campaign_id,
            request_id: &rid,
            now: crate::http::now(),
            week: &week,
            cause: crate::db::ladder::Cause::Erased,
        };
        let eval = self.add_evaluation(&mut b, &live, &who, &at)?;
        b.extend(self.forget_rungs_stmts(id)?);
        let hooks = b.read::<Written>(self.event_webhook_stmt(
            campaign_id,
            crate::db::outbox::About::Supporter(id),
            "supporter.erased",
            &id.to_string(),
            crate::http::now(),
        )?);
        let kept = b.read::<Kept>(self.stmt(
            "SELECT (SELECT COUNT(*) FROM signatures WHERE supporter_id = ?1) AS signatures, \
                    (SELECT COUNT(*) FROM commitments WHERE supporter_id = ?1) AS commitments",
            &[i],
        )?);
        let r = b.run(self).await?;
        if !crate::db::ladder::held(&r, &eval, &live)? {
            // An edit raced the erasure: off the ladder again, against the new one.
            let _ = self.evaluate(&who, &at).await?;
            let mut again = Batch::new();
            again.extend(self.forget_rungs_stmts(id)?);
            again.run(self).await?;
        }
        let kept = r
            .first(kept)?
            .ok_or_else(|| AppError::Internal("erasure read-back".into()))?;
        Ok((
            Erased {
                id,
                signatures_kept: kept.signatures,
                commitments_kept: kept.commitments,
            },
            r.rows(hooks)?,
        ))
    }
}
