//! The mobiliser hub and campaign actions: the staff's list and saves, everything one person's
//! hub shows (one batch), a self-reported Done and its undo (the same award statements as every
//! other action, with the ladder's evaluation in the same batch), leaders' changes to their
//! team (each recorded in `team_events`), nudges and sign-in messages (outbox rows).

use rally_api::hub::ValidAction;
use serde::Deserialize;

use crate::db::boards::public_name;
use crate::db::ladder::{AskRow, At, Cause, Standing, Who};
use crate::db::outbox::Written;
use crate::db::settings::CampaignRow;
use crate::db::{num, text, Batch, Store};
use crate::error::{AppError, AppResult};

/// How many cards, teams with room and rebuttals the hub shows at most.
const CARDS_MAX: u32 = 20;
const OPEN_TEAMS_MAX: u32 = 5;
const REBUTTALS_MAX: u32 = 3;

/// One campaign action as stored, with how many did it.
#[derive(Deserialize)]
pub struct ActionRow {
    pub id: u32,
    pub title: String,
    pub body: String,
    pub link: String,
    pub points: u32,
    pub how: String,
    pub item: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub pinned: u32,
    pub translations: String,
    pub done: u32,
}

/// The person whose hub it is.
#[derive(Deserialize)]
pub struct HubPerson {
    pub id: u32,
    pub first_name: String,
    pub points: u32,
    pub week_points: u32,
    pub week_actions: u32,
    pub ref_code: String,
    pub leader_contact: u32,
    pub lang: String,
}

/// A card: a running action and whether the person has done it (and when).
#[derive(Deserialize)]
pub struct CardRow {
    pub id: u32,
    pub title: String,
    pub body: String,
    pub link: String,
    pub points: u32,
    pub how: String,
    pub item: Option<String>,
    pub pinned: u32,
    pub translations: String,
    pub done_at: Option<f64>,
    /// Whether the person's Done may still be undone (self-reported, within a day).
    pub undoable: u32,
}

/// The person's team.
#[derive(Deserialize)]
pub struct HubTeam {
    pub name: String,
    pub invite_code: String,
    pub leader_id: Option<u32>,
    pub week_points: u32,
}

/// A member of the person's team, as their team (and its leader) sees them.
#[derive(Deserialize)]
pub struct MemberRow {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub nickname: Option<String>,
    pub rung: String,
    pub leader_contact: u32,
    pub week_actions: u32,
    pub last_action: Option<f64>,
}

impl MemberRow {
    pub fn name(&self) -> String {
        public_name(&self.nickname, &self.first_name, &self.last_name)
    }
}

/// A team with room the person could join.
#[derive(Deserialize)]
pub struct OpenTeam {
    pub invite_code: String,
    pub name: String,
    pub size: u32,
}

/// A published rebuttal.
#[derive(Deserialize)]
pub struct HubRebuttal {
    pub public_id: String,
    pub text: String,
    pub verdict: Option<String>,
}

/// Everything one person's hub shows.
pub struct Hub {
    pub person: HubPerson,
    pub cards: Vec<CardRow>,
    pub team: Option<HubTeam>,
    pub members: Vec<MemberRow>,
    pub open_teams: Vec<OpenTeam>,
    pub rebuttals: Vec<HubRebuttal>,
    /// The campaign's first open, published petition (the personal link's page).
    pub first_petition: Option<String>,
    pub standing: Option<Standing>,
    pub asks: Vec<AskRow>,
    /// The kinds of notification the person's devices want (`None`: no device).
    pub push_types: Option<u32>,
}

/// What became of a Done.
pub enum Done {
    Recorded,
    Already,
    NotRunning,
    NoSuchAction,
}

/// What became of an undo.
pub enum Undo {
    Undone,
    NotDone,
    TooLate,
}

/// A member a leader may act on, with what a nudge needs (read only with their consent).
#[derive(Deserialize)]
pub struct Member {
    pub team_id: u32,
    pub team_name: String,
    pub leader_contact: u32,
    pub email: String,
    pub lang: String,
    pub first_name: String,
}

#[derive(Deserialize)]
struct DoneRow {
    found: u32,
    running: u32,
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct UndoRow {
    request_id: String,
    created_at: f64,
}

#[derive(Deserialize)]
struct Changed {
    n: u32,
}

/// What an action `ca` names, as staff and links name it (a petition's or pledge's slug, a
/// rebuttal's public id), and the joins it reads.
const ITEM: &str = "CASE ca.how WHEN 'sign' THEN p.slug WHEN 'pledge' THEN g.slug WHEN 'share' THEN cl.public_id END AS item";
const ITEM_JOINS: &str = "LEFT JOIN petitions p ON ca.how = 'sign' AND p.id = ca.item_id \
     LEFT JOIN pledges g ON ca.how = 'pledge' AND g.id = ca.item_id \
     LEFT JOIN claims cl ON ca.how = 'share' AND cl.id = ca.item_id";

/// The campaign's first open, published petition: the personal link's page.
const FIRST_PETITION: &str =
    "SELECT slug FROM petitions WHERE campaign_id = ?1 AND published = 1 AND status = 'open' \
     ORDER BY id LIMIT 1";

#[derive(Deserialize)]
struct Slug {
    slug: String,
}

/// A row's id (an action, a petition).
#[derive(Deserialize)]
struct Id {
    id: u32,
}

/// `?1` the campaign, `?2` the person, `?3` today: the running actions with the person's Done.
fn cards_sql() -> String {
    format!("SELECT ca.id, ca.title, ca.body, ca.link, ca.points, ca.how, ca.pinned, ca.translations, {ITEM}, \
       COALESCE(d.created_at, \
         CASE ca.how WHEN 'sign' THEN (SELECT created_at FROM signatures WHERE petition_id = ca.item_id AND supporter_id = ?2) \
                     WHEN 'pledge' THEN (SELECT created_at FROM commitments WHERE pledge_id = ca.item_id AND supporter_id = ?2) END) AS done_at, \
       CASE WHEN ca.how = 'self' AND d.created_at > ?4 THEN 1 ELSE 0 END AS undoable \
     FROM campaign_actions ca {ITEM_JOINS} \
     LEFT JOIN action_done d ON d.supporter_id = ?2 AND d.action_id = ca.id \
     WHERE ca.campaign_id = ?1 AND ca.ends_on >= ?3 AND ca.starts_on <= ?3 \
     ORDER BY ca.pinned DESC, ca.id DESC LIMIT ?5")
}

impl Store {
    /// Every action of the campaign (staff), pinned first, then the newest.
    pub async fn actions(&self, campaign_id: u32) -> AppResult<Vec<ActionRow>> {
        self.all(
            &format!(
                "SELECT ca.id, ca.title, ca.body, ca.link, ca.points, ca.how, ca.starts_on, ca.ends_on, ca.pinned, \
                     ca.translations, ca.done, {ITEM} \
                 FROM campaign_actions ca {ITEM_JOINS} \
                 WHERE ca.campaign_id = ?1 ORDER BY ca.pinned DESC, ca.id DESC LIMIT 200"
            ),
            &[num(campaign_id)],
        )
        .await
    }

    /// The id of the item an action names: a petition or pledge by slug, a published
    /// rebuttal by its public id. `None` when there is none.
    pub async fn action_item(
        &self,
        campaign_id: u32,
        how: rally_api::hub::How,
        item: &str,
    ) -> AppResult<Option<u32>> {
        use rally_api::hub::How;
        let sql = match how {
            How::Sign => "SELECT id FROM petitions WHERE campaign_id = ?1 AND slug = ?2",
            How::Pledge => "SELECT id FROM pledges WHERE campaign_id = ?1 AND slug = ?2",
            How::Share => "SELECT id FROM claims WHERE campaign_id = ?1 AND public_id = ?2 AND status = 'published'",
            How::SelfReported | How::Invite => return Ok(None),
        };
        Ok(self
            .first::<Id>(sql, &[num(campaign_id), text(item)])
            .await?
            .map(|r| r.id))
    }

    /// Creates (`id` `None`) or replaces action `id`, with the staff's audit entry in the same
    /// batch; the saved action's id and how many did it, `None` when `id` is not the
    /// campaign's.
    pub async fn save_action(
        &self,
        campaign_id: u32,
        id: Option<u32>,
        a: &ValidAction,
        item_id: Option<u32>,
        (staff_id, now): (u32, f64),
        (starts_at, today): (f64, &str),
    ) -> AppResult<Option<(Saved, Vec<Written>)>> {
        let translations = serde_json::to_string(&a.translations)
            .map_err(|e| AppError::Internal(format!("translations JSON: {e}")))?;
        let args = [
            num(campaign_id),
            text(&a.title),
            text(&a.text),
            text(&a.link),
            num(a.points),
            text(a.how.as_str()),
            item_id.map_or(wasm_bindgen::JsValue::NULL, num),
            text(&a.starts_on),
            text(&a.ends_on),
            num(u8::from(a.pinned)),
            text(&translations),
            num(now),
        ];
        let (sql, audit) = match id {
            None => (
                "INSERT INTO campaign_actions (campaign_id, title, body, link, points, how, item_id, starts_on, ends_on, \
                     pinned, translations, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12) RETURNING id, done",
                "action_create",
            ),
            Some(_) => (
                "UPDATE campaign_actions SET title = ?2, body = ?3, link = ?4, points = ?5, how = ?6, item_id = ?7, \
                     starts_on = ?8, ends_on = ?9, pinned = ?10, translations = ?11, updated_at = ?12 \
                 WHERE id = ?13 AND campaign_id = ?1 RETURNING id, done",
                "action_update",
            ),
        };
        let mut args = args.to_vec();
        if let Some(id) = id {
            args.push(num(id));
        }
        let mut b = Batch::new();
        let saved = b.read::<Saved>(self.stmt(sql, &args)?);
        // Every subscriber who wants new actions hears of it once, when it starts (its
        // first statement's row: `last_insert_rowid()` for a new one).
        let fanout = b.read::<Written>(self.stmt(
            &crate::db::push::fanout_insert(
                rally_api::push::PushKind::Action,
                ("a.id", "NULL"),
                ("?3", "?4"),
                "FROM campaign_actions a WHERE a.campaign_id = ?1 \
                 AND a.id = COALESCE(?2, last_insert_rowid()) AND a.ends_on >= ?5",
            ),
            &[
                num(campaign_id),
                id.map_or(wasm_bindgen::JsValue::NULL, num),
                num(starts_at.max(now)),
                num(now),
                text(today),
            ],
        )?);
        b.add(self.audit_stmt(campaign_id, staff_id, audit, &a.title, now)?);
        let r = b.run(self).await?;
        Ok(r.first(saved)?
            .map(|s| (s, r.rows(fanout).unwrap_or_default())))
    }

    /// Everything person `id`'s hub shows, in one batch; `None` when `version` no longer holds.
    pub async fn hub(
        &self,
        c: &CampaignRow,
        (id, version): (u32, u32),
        (week, today, now): (&str, &str, f64),
    ) -> AppResult<Option<Hub>> {
        let live = c.ladder();
        let mut b = Batch::new();
        let person = b.read::<HubPerson>(self.stmt(
            "SELECT s.id, s.first_name, s.points, \
                 COALESCE(w.points, 0) AS week_points, COALESCE(w.actions, 0) AS week_actions, s.ref_code, \
                 s.leader_contact, s.lang \
             FROM supporters s LEFT JOIN supporter_weeks w ON w.supporter_id = s.id AND w.week = ?2 \
             WHERE s.campaign_id = ?1 AND s.id = ?3 AND s.token_version = ?4 AND s.erased_at IS NULL",
            &[num(c.id), text(week), num(id), num(version)],
        )?);
        let cards = b.read::<CardRow>(self.stmt(
            &cards_sql(),
            &[
                num(c.id),
                num(id),
                text(today),
                num(now - rally_api::hub::UNDO_MS),
                num(CARDS_MAX),
            ],
        )?);
        let team = b.read::<HubTeam>(self.stmt(
            "SELECT t.name, t.invite_code, t.leader_id, COALESCE(w.points, 0) AS week_points \
             FROM supporters s JOIN teams t ON t.id = s.team_id \
             LEFT JOIN team_weeks w ON w.team_id = t.id AND w.week = ?2 WHERE s.id = ?1",
            &[num(id), text(week)],
        )?);
        let members = b.read::<MemberRow>(self.stmt(
            "SELECT m.id, m.first_name, m.last_name, m.nickname, m.rung, m.leader_contact, \
                 COALESCE(w.actions, 0) AS week_actions, \
                 (SELECT a.created_at FROM actions a WHERE a.supporter_id = m.id ORDER BY a.id DESC LIMIT 1) AS last_action \
             FROM supporters s JOIN teams t ON t.id = s.team_id JOIN supporters m ON m.team_id = t.id \
             LEFT JOIN supporter_weeks w ON w.supporter_id = m.id AND w.week = ?2 \
             WHERE s.id = ?1 ORDER BY m.id = t.leader_id DESC, m.id",
            &[num(id), text(week)],
        )?);
        let open = b.read::<OpenTeam>(self.stmt(
            "SELECT t.invite_code, t.name, t.size FROM supporters s \
             JOIN teams t ON t.campaign_id = s.campaign_id AND t.size > 0 AND t.size < ?2 \
             LEFT JOIN supporters l ON l.id = t.leader_id \
             WHERE s.id = ?1 AND s.team_id IS NULL \
             ORDER BY (l.region IS s.region) DESC, t.size DESC, t.id LIMIT ?3",
            &[num(id), num(c.team_size), num(OPEN_TEAMS_MAX)],
        )?);
        let petition = b.read::<Slug>(self.stmt(FIRST_PETITION, &[num(c.id)])?);
        let rebuttals = b.read::<HubRebuttal>(self.stmt(
            "SELECT c.public_id, c.text, c.verdict FROM claims c WHERE c.campaign_id = ?1 \
             AND c.status = 'published' AND c.merged_into IS NULL ORDER BY c.published_at DESC LIMIT ?2",
            &[num(c.id), num(REBUTTALS_MAX)],
        )?);
        let standing = if live.ladder.rungs.is_empty() {
            None
        } else {
            Some(b.read::<Standing>(self.standing_stmt(
                &live.ladder,
                week,
                "s.id = ?1",
                &[num(id)],
            )?))
        };
        let asks = self
            .asks_stmt(&live.ladder, c.id, "s.id = ?2", &[num(id)])?
            .map(|q| b.read::<AskRow>(q));
        let devices = b.read::<crate::db::push::DeviceTypes>(self.push_types_stmt(id)?);
        let r = b.run(self).await?;
        let Some(person) = r.first(person)? else {
            return Ok(None);
        };
        let devices: Vec<u32> = r.rows(devices)?.into_iter().map(|d| d.types).collect();
        Ok(Some(Hub {
            person,
            cards: r.rows(cards)?,
            team: r.first(team)?,
            members: r.rows(members)?,
            open_teams: r.rows(open)?,
            rebuttals: r.rows(rebuttals)?,
            first_petition: r.first(petition)?.map(|p| p.slug),
            standing: match standing {
                Some(s) => r.first(s)?,
                None => None,
            },
            asks: match asks {
                Some(a) => r.rows(a)?,
                None => Vec::new(),
            },
            push_types: crate::db::push::types_of_devices(&devices),
        }))
    }

    /// Records person `supporter`'s Done of action `action` (self-reported or a share) once,
    /// worth its points, with the ladder's evaluation, in one batch.
    pub async fn done(
        &self,
        c: &CampaignRow,
        supporter: u32,
        action: u32,
        (request_id, now, week, today): (&str, f64, &str, &str),
    ) -> AppResult<(Done, Vec<Written>)> {
        let mut b = Batch::new();
        b.extend([
            self.stmt(
                "INSERT INTO action_done (action_id, supporter_id, request_id, created_at) \
                 SELECT id, ?2, ?3, ?4 FROM campaign_actions \
                 WHERE id = ?1 AND campaign_id = ?5 AND how IN ('self', 'share') AND ?6 BETWEEN starts_on AND ends_on \
                 ON CONFLICT (supporter_id, action_id) DO NOTHING",
                &[num(action), num(supporter), text(request_id), num(now), num(c.id), text(today)],
            )?,
            self.stmt(
                "INSERT INTO actions (campaign_id, supporter_id, kind, subject_id, request_id, points, week, created_at) \
                 SELECT ca.campaign_id, d.supporter_id, 'done', d.action_id, d.request_id, ca.points, ?2, d.created_at \
                 FROM action_done d JOIN campaign_actions ca ON ca.id = d.action_id \
                 WHERE d.request_id = ?1 AND ca.points > 0",
                &[text(request_id), text(week)],
            )?,
            self.stmt(
                "UPDATE campaign_actions SET done = done + 1 \
                 WHERE id = (SELECT action_id FROM action_done WHERE request_id = ?1)",
                &[text(request_id)],
            )?,
        ]);
        b.extend(self.award_stmts(request_id, "done")?);
        let row = b.read::<DoneRow>(self.stmt(
            "SELECT COUNT(ca.id) AS found, \
                 COALESCE(MAX(ca.how IN ('self', 'share') AND ?4 BETWEEN ca.starts_on AND ca.ends_on), 0) AS running, \
                 (SELECT request_id FROM action_done WHERE supporter_id = ?2 AND action_id = ?1) AS request_id \
             FROM campaign_actions ca WHERE ca.id = ?1 AND ca.campaign_id = ?3",
            &[num(action), num(supporter), num(c.id), text(today)],
        )?);
        let at = At {
            campaign_id: c.id,
            request_id,
            now,
            week,
            cause: Cause::Action,
        };
        let (r, hooks) = self
            .run_evaluated(b, &c.ladder(), &Who::one(supporter), &at)
            .await?;
        let row = r
            .first(row)?
            .ok_or_else(|| AppError::Internal("done batch returned no row".into()))?;
        let done = match (row.found, row.request_id) {
            (0, _) => Done::NoSuchAction,
            (_, Some(req)) if req == request_id => Done::Recorded,
            (_, Some(_)) => Done::Already,
            (_, None) if row.running == 0 => Done::NotRunning,
            (_, None) => Done::NotRunning,
        };
        Ok((done, hooks))
    }

    /// Undoes person `supporter`'s self-reported Done of `action`, within a day of it.
    pub async fn undo_done(
        &self,
        c: &CampaignRow,
        supporter: u32,
        action: u32,
        (request_id, now, week): (&str, f64, &str),
    ) -> AppResult<(Undo, Vec<Written>)> {
        let Some(row) = self
            .first::<UndoRow>(
                "SELECT d.request_id, d.created_at FROM action_done d \
                 JOIN campaign_actions ca ON ca.id = d.action_id AND ca.how = 'self' AND ca.campaign_id = ?3 \
                 WHERE d.supporter_id = ?1 AND d.action_id = ?2",
                &[num(supporter), num(action), num(c.id)],
            )
            .await?
        else {
            return Ok((Undo::NotDone, Vec::new()));
        };
        if row.created_at <= now - rally_api::hub::UNDO_MS {
            return Ok((Undo::TooLate, Vec::new()));
        }
        let done = &row.request_id;
        let mut b = Batch::new();
        b.extend(self.unaward_stmts(done, "done")?);
        b.extend([
            self.stmt(
                "DELETE FROM actions WHERE request_id = ?1 AND kind = 'done'",
                &[text(done)],
            )?,
            self.stmt(
                "UPDATE campaign_actions SET done = done - 1 \
                 WHERE id = (SELECT action_id FROM action_done WHERE request_id = ?1)",
                &[text(done)],
            )?,
            self.stmt(
                "DELETE FROM action_done WHERE request_id = ?1",
                &[text(done)],
            )?,
        ]);
        let at = At {
            campaign_id: c.id,
            request_id,
            now,
            week,
            cause: Cause::Undo,
        };
        let (_, hooks) = self
            .run_evaluated(b, &c.ladder(), &Who::one(supporter), &at)
            .await?;
        Ok((Undo::Undone, hooks))
    }

    /// A Rally action that counts as a campaign action's (sign, pledge, a credited recruit
    /// for "invite"): the actions `request_id` wrote tick the running cards they match, once
    /// per person. Part of the acting batch.
    pub fn tick_cards_stmts(
        &self,
        scope: crate::db::act::Scope<'_>,
        today: &str,
        now: f64,
    ) -> AppResult<Vec<worker::D1PreparedStatement>> {
        let mine = scope.is("a.request_id", 1);
        let done = scope.is("x.request_id", 1);
        Ok(vec![
            self.stmt(
                &format!(
                    "INSERT INTO action_done (action_id, supporter_id, request_id, created_at) \
                     SELECT ca.id, a.supporter_id, a.request_id, ?3 FROM actions a JOIN campaign_actions ca \
                       ON ca.campaign_id = a.campaign_id AND ?2 BETWEEN ca.starts_on AND ca.ends_on \
                       AND ((a.kind = 'sign' AND ca.how = 'sign' AND ca.item_id = a.subject_id) \
                         OR (a.kind = 'pledge' AND ca.how = 'pledge' AND ca.item_id = a.subject_id) \
                         OR (a.kind = 'recruit' AND ca.how = 'invite')) \
                     WHERE {mine} \
                     ON CONFLICT (supporter_id, action_id) DO NOTHING"
                ),
                &[text(scope.key()), text(today), num(now)],
            )?,
            self.stmt(
                &format!(
                    "UPDATE campaign_actions SET done = done + d.n \
                     FROM (SELECT x.action_id AS id, COUNT(*) AS n FROM action_done x WHERE {done} GROUP BY 1) d \
                     WHERE campaign_actions.id = d.id"
                ),
                &[text(scope.key())],
            )?,
        ])
    }

    /// Member `member` of a team `leader` leads, with their address only when they agreed to
    /// be contacted by their leader; `None` when `leader` does not lead `member`'s team.
    pub async fn led_member(
        &self,
        campaign_id: u32,
        leader: u32,
        member: u32,
    ) -> AppResult<Option<Member>> {
        self.first(
            "SELECT t.id AS team_id, t.name AS team_name, m.leader_contact, \
                 CASE WHEN m.leader_contact = 1 THEN m.email ELSE '' END AS email, m.lang, m.ref_code, m.first_name \
             FROM teams t JOIN supporters m ON m.team_id = t.id \
             WHERE t.campaign_id = ?1 AND t.leader_id = ?2 AND m.id = ?3 AND m.id != ?2",
            &[num(campaign_id), num(leader), num(member)],
        )
        .await
    }

    /// A nudge from `leader` to `member` (who agreed to it): recorded, and the member told by
    /// email at most once a day per leader, in one batch.
    pub async fn nudge(
        &self,
        c: &CampaignRow,
        (leader, leader_name): (u32, &str),
        member: u32,
        (team_id, team_name): (u32, &str),
        now: f64,
    ) -> AppResult<Vec<Written>> {
        let detail = serde_json::json!({ "leader": leader_name, "team": team_name }).to_string();
        let day = (now / 86_400_000.0).floor();
        let mut b = Batch::new();
        b.add(self.stmt(
            "INSERT INTO team_events (campaign_id, team_id, actor_id, kind, subject_id, at) \
             SELECT ?1, ?2, ?3, 'nudge', ?4, ?5 WHERE EXISTS \
               (SELECT 1 FROM teams t JOIN supporters m ON m.team_id = t.id \
                WHERE t.id = ?2 AND t.leader_id = ?3 AND m.id = ?4 AND m.leader_contact = 1)",
            &[num(c.id), num(team_id), num(leader), num(member), num(now)],
        )?);
        let written = b.read::<Written>(self.stmt(
            "INSERT INTO outbox (campaign_id, kind, supporter_id, lang, dedupe, due_at, created_at, detail) \
             SELECT ?1, 'nudge', m.id, m.lang, 'nudge:' || m.id || ':' || ?3 || ':' || ?5, ?4, ?4, ?6 \
             FROM supporters m JOIN teams t ON t.id = m.team_id \
             WHERE m.id = ?2 AND t.leader_id = ?3 AND m.leader_contact = 1 AND m.erased_at IS NULL \
               AND m.unsubscribed_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.supporter_id = m.id AND (ps.types & 2) != 0) \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
            &[num(c.id), num(member), num(leader), num(now), num(day), text(&detail)],
        )?);
        // A member with a device that wants nudges is told there instead of by email.
        let pushed = b.read::<Written>(self.person_push_stmt(
            c.id,
            member,
            rally_api::push::PushKind::Nudge,
            &format!("nudge:{member}:{leader}:{day}"),
            &serde_json::json!({ "kind": "nudge", "leader": leader_name, "team": team_name }),
            (now, now + crate::db::push::PUSH_EXPIRES_MS, now),
            &format!(
                "EXISTS (SELECT 1 FROM supporters m JOIN teams t ON t.id = m.team_id \
                 WHERE m.id = ?2 AND t.leader_id = {leader} AND m.leader_contact = 1 AND m.erased_at IS NULL)"
            ),
        )?);
        let r = b.run(self).await?;
        let mut all = r.rows(written)?;
        all.extend(r.rows(pushed)?);
        Ok(all)
    }

    /// Removes `member` from the team `leader` leads.
    pub async fn remove_member(
        &self,
        c: &CampaignRow,
        leader: u32,
        (member, team_id): (u32, u32),
        request_id: &str,
        (now, week): (f64, &str),
    ) -> AppResult<(bool, Vec<Written>)> {
        let mut b = Batch::new();
        b.extend([
            self.stmt(
                "INSERT INTO team_events (campaign_id, team_id, actor_id, kind, subject_id, at) \
                 SELECT ?1, ?2, ?3, 'remove', ?4, ?5 WHERE EXISTS \
                   (SELECT 1 FROM teams t JOIN supporters m ON m.team_id = t.id \
                    WHERE t.id = ?2 AND t.leader_id = ?3 AND m.id = ?4 AND m.id != ?3)",
                &[num(c.id), num(team_id), num(leader), num(member), num(now)],
            )?,
            self.stmt(
                "UPDATE teams SET size = size - 1 WHERE id = ?1 AND leader_id = ?2 \
                 AND EXISTS (SELECT 1 FROM supporters WHERE id = ?3 AND team_id = ?1 AND id != ?2)",
                &[num(team_id), num(leader), num(member)],
            )?,
            self.stmt(
                "UPDATE supporters SET team_id = NULL, team_request = ?1, leader_contact = 0 \
                 WHERE id = ?2 AND team_id = ?3 AND (SELECT leader_id FROM teams WHERE id = ?3) = ?4 AND id != ?4",
                &[text(request_id), num(member), num(team_id), num(leader)],
            )?,
        ]);
        let after = b.read::<Changed>(self.stmt(
            "SELECT COUNT(*) AS n FROM supporters WHERE id = ?1 AND team_request = ?2",
            &[num(member), text(request_id)],
        )?);
        let (r, hooks) = self
            .team_evaluated(
                b,
                c,
                Who::with_leaders(member, Some(team_id)),
                (request_id, now, week),
            )
            .await?;
        Ok((r.first(after)?.is_some_and(|c| c.n == 1), hooks))
    }

    /// A new invite code for the team `leader` leads (the old link stops working).
    pub async fn renew_invite(
        &self,
        campaign_id: u32,
        leader: u32,
        team_id: u32,
        code: &str,
        now: f64,
    ) -> AppResult<bool> {
        let mut b = Batch::new();
        b.add(self.stmt(
            "UPDATE teams SET invite_code = ?3 WHERE id = ?1 AND leader_id = ?2",
            &[num(team_id), num(leader), text(code)],
        )?);
        b.add(self.stmt(
            "INSERT INTO team_events (campaign_id, team_id, actor_id, kind, at) \
             SELECT ?1, ?2, ?3, 'renew', ?4 WHERE EXISTS (SELECT 1 FROM teams WHERE id = ?2 AND invite_code = ?5)",
            &[num(campaign_id), num(team_id), num(leader), num(now), text(code)],
        )?);
        let after = b.read::<Changed>(self.stmt(
            "SELECT COUNT(*) AS n FROM teams WHERE id = ?1 AND invite_code = ?2",
            &[num(team_id), text(code)],
        )?);
        Ok(b.run(self).await?.first(after)?.is_some_and(|c| c.n == 1))
    }

    /// Hands the team `leader` leads to its member `member` (recorded).
    pub async fn hand_over(
        &self,
        c: &CampaignRow,
        leader: u32,
        (member, team_id): (u32, u32),
        request_id: &str,
        (now, week): (f64, &str),
    ) -> AppResult<(bool, Vec<Written>)> {
        let mut b = Batch::new();
        b.extend([
            self.stmt(
                "UPDATE teams SET leader_id = ?3 WHERE id = ?1 AND leader_id = ?2 \
                 AND EXISTS (SELECT 1 FROM supporters WHERE id = ?3 AND team_id = ?1)",
                &[num(team_id), num(leader), num(member)],
            )?,
            self.stmt(
                "INSERT INTO team_events (campaign_id, team_id, actor_id, kind, subject_id, at) \
                 SELECT ?1, ?2, ?3, 'handover', ?4, ?5 WHERE (SELECT leader_id FROM teams WHERE id = ?2) = ?4",
                &[num(c.id), num(team_id), num(leader), num(member), num(now)],
            )?,
        ]);
        let after = b.read::<Changed>(self.stmt(
            "SELECT COUNT(*) AS n FROM teams WHERE id = ?1 AND leader_id = ?2",
            &[num(team_id), num(member)],
        )?);
        // The old leader and the team's leader now (the new one).
        let (r, hooks) = self
            .team_evaluated(
                b,
                c,
                Who::with_leaders(leader, Some(team_id)),
                (request_id, now, week),
            )
            .await?;
        Ok((r.first(after)?.is_some_and(|c| c.n == 1), hooks))
    }

    /// Whether person `id` agrees to be contacted by their team's leader.
    pub async fn set_leader_contact(&self, id: u32, agree: bool) -> AppResult<()> {
        self.stmt(
            "UPDATE supporters SET leader_contact = ?2 WHERE id = ?1",
            &[num(id), num(u8::from(agree))],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// A sign-in message for the campaign's supporter with `email`, if there is one (at most
    /// one per person every ten minutes). Nothing tells the asker whether there was.
    pub async fn sign_in_message(
        &self,
        campaign_id: u32,
        email: &str,
        now: f64,
    ) -> AppResult<Vec<Written>> {
        let slot = (now / 600_000.0).floor();
        self.all(
            "INSERT INTO outbox (campaign_id, kind, supporter_id, lang, dedupe, due_at, created_at) \
             SELECT ?1, 'signin', id, lang, 'signin:' || id || ':' || ?3, ?4, ?4 FROM supporters \
             WHERE campaign_id = ?1 AND email = ?2 AND erased_at IS NULL \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
            &[num(campaign_id), text(email), num(slot), num(now)],
        )
        .await
    }

    /// Spends hub link `token_hash` (once, before it expires): the person it signs in, with
    /// their token version and the campaign's slug.
    pub async fn spend_hub_link(&self, token_hash: &str, now: f64) -> AppResult<Option<HubSignIn>> {
        let mut b = Batch::new();
        b.add(self.stmt(
            "UPDATE links SET used_at = ?2 WHERE token_hash = ?1 AND purpose = 'hub' AND used_at IS NULL AND expires_at > ?2",
            &[text(token_hash), num(now)],
        )?);
        let row = b.read::<HubSignIn>(self.stmt(
            "SELECT s.id, s.token_version, c.slug AS campaign, c.id AS campaign_id FROM links l \
             JOIN outbox o ON o.id = l.outbox_id JOIN supporters s ON s.id = o.supporter_id \
             JOIN campaigns c ON c.id = o.campaign_id \
             WHERE l.token_hash = ?1 AND l.purpose = 'hub' AND l.used_at = ?2 AND s.erased_at IS NULL",
            &[text(token_hash), num(now)],
        )?);
        b.run(self).await?.first(row)
    }

    /// The running "share this rebuttal" action for claim `claim_id`, if any.
    pub async fn share_action(
        &self,
        campaign_id: u32,
        claim_id: u32,
        today: &str,
    ) -> AppResult<Option<u32>> {
        Ok(self
            .first::<Id>(
                "SELECT id FROM campaign_actions WHERE campaign_id = ?1 AND how = 'share' AND item_id = ?2 \
                 AND ?3 BETWEEN starts_on AND ends_on ORDER BY id DESC LIMIT 1",
                &[num(campaign_id), num(claim_id), text(today)],
            )
            .await?
            .map(|r| r.id))
    }

    /// Drops the campaign actions' ticks of an erased person (part of the erasure batch).
    pub fn forget_hub_stmts(&self, id: u32) -> AppResult<Vec<worker::D1PreparedStatement>> {
        Ok(vec![
            self.stmt(
                "UPDATE campaign_actions SET done = done - 1 \
                 WHERE id IN (SELECT action_id FROM action_done WHERE supporter_id = ?1)",
                &[num(id)],
            )?,
            self.stmt(
                "DELETE FROM action_done WHERE supporter_id = ?1",
                &[num(id)],
            )?,
            self.stmt(
                "UPDATE supporters SET leader_contact = 0 WHERE id = ?1",
                &[num(id)],
            )?,
            self.stmt(
                "DELETE FROM team_events WHERE subject_id = ?1 OR actor_id = ?1",
                &[num(id)],
            )?,
            self.forget_push_stmt(id)?,
        ])
    }
}

/// A saved action: its id and how many did it.
#[derive(Deserialize)]
pub struct Saved {
    pub id: u32,
    pub done: u32,
}

/// Who a spent hub link signs in.
#[derive(Deserialize)]
pub struct HubSignIn {
    pub id: u32,
    pub token_version: u32,
    pub campaign: String,
    pub campaign_id: u32,
}
