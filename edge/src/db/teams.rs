//! Teams: start, join (the room check and the size change in one batch, so racing joiners
//! never overfill a team), leave (the leader hands over), members, the team board.

use serde::Deserialize;

use crate::db::boards::{public_name, BoardRow, RankedRow};
use crate::db::ladder::{At, Cause, Who};
use crate::db::outbox::Written;
use crate::db::settings::CampaignRow;
use crate::db::{num, text, Batch, Store};
use crate::error::{AppError, AppResult};

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
    /// Runs a team change's batch `b` with the evaluation of `who` (the people whose rung the
    /// change may move) in it.
    pub(crate) async fn team_evaluated(
        &self,
        b: Batch,
        c: &CampaignRow,
        who: Who,
        (request_id, now, week): (&str, f64, &str),
    ) -> AppResult<(crate::db::Results, Vec<Written>)> {
        let at = At {
            campaign_id: c.id,
            request_id,
            now,
            week,
            cause: Cause::Team,
        };
        self.run_evaluated(b, &c.ladder(), &who, &at).await
    }

    /// Starts a team led by `supporter`, unless they already belong to one.
    pub async fn create_team(
        &self,
        c: &CampaignRow,
        supporter: u32,
        name: &str,
        invite: &str,
        request_id: &str,
        (now, week): (f64, &str),
    ) -> AppResult<(Result<TeamRow, TeamRefusal>, Vec<Written>)> {
        let mut b = Batch::new();
        b.extend([
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
            ]);
        let (_, hooks) = self
            .team_evaluated(b, c, Who::one(supporter), (request_id, now, week))
            .await?;
        let made = match self.team_of(c.id, supporter).await? {
            Some(t) if t.invite_code == invite => Ok(t),
            _ => Err(TeamRefusal::AlreadyInTeam),
        };
        Ok((made, hooks))
    }

    /// Joins the team with `invite`, if it has room and the supporter is in no team. Joining
    /// the team one is already in succeeds (a retried request).
    pub async fn join_team(
        &self,
        c: &CampaignRow,
        supporter: u32,
        invite: &str,
        request_id: &str,
        (now, week): (f64, &str),
    ) -> AppResult<(Result<TeamRow, TeamRefusal>, Vec<Written>)> {
        // The room check and the size increment are in one batch: D1 runs batches one at a
        // time, so two joiners can never both take the last place.
        const OPEN: &str =
            "SELECT id FROM teams WHERE campaign_id = ?1 AND invite_code = ?2 AND size < ?3";
        let mut b = Batch::new();
        b.extend([
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
            ]);
        let after = b.read::<TeamChangeRow>(self.stmt(
            "SELECT s.team_id, s.team_request, \
                 (SELECT id FROM teams WHERE campaign_id = ?1 AND invite_code = ?2) AS target \
             FROM supporters s WHERE s.id = ?3",
            &[num(c.id), text(invite), num(supporter)],
        )?);
        let (r, hooks) = self
            .team_evaluated(
                b,
                c,
                Who::with_leaders(supporter, None),
                (request_id, now, week),
            )
            .await?;
        let row = r
            .first(after)?
            .ok_or_else(|| AppError::Internal("join batch returned no row".into()))?;
        let refusal = match (row.target, row.team_id) {
            (None, _) => Some(TeamRefusal::NoSuchTeam),
            (Some(t), Some(mine)) if t == mine => None,
            (Some(_), Some(_)) => Some(TeamRefusal::AlreadyInTeam),
            (Some(_), None) => Some(TeamRefusal::Full),
        };
        let _ = row.team_request;
        let joined = match refusal {
            Some(r) => Err(r),
            None => Ok(self
                .team_of(c.id, supporter)
                .await?
                .ok_or_else(|| AppError::Internal("joined team vanished".into()))?),
        };
        Ok((joined, hooks))
    }

    /// Leaves the supporter's team; a leaving leader hands over to the longest-standing member.
    pub async fn leave_team(
        &self,
        c: &CampaignRow,
        supporter: u32,
        team: Option<u32>,
        request_id: &str,
        (now, week): (f64, &str),
    ) -> AppResult<(Result<(), TeamRefusal>, Vec<Written>)> {
        let mut b = Batch::new();
        b.extend([
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
            ]);
        let after = b.read::<TeamChangeRow>(self.stmt(
            "SELECT team_id, team_request, NULL AS target FROM supporters WHERE id = ?1",
            &[num(supporter)],
        )?);
        // The one who left, their old team's leader now (after a handover, the new one), and
        // the old leader (who may be the one who left).
        let (r, hooks) = self
            .team_evaluated(
                b,
                c,
                Who::with_leaders(supporter, team),
                (request_id, now, week),
            )
            .await?;
        let left = r
            .first(after)?
            .is_some_and(|r| r.team_request.as_deref() == Some(request_id));
        Ok((
            if left {
                Ok(())
            } else {
                Err(TeamRefusal::NotInTeam)
            },
            hooks,
        ))
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
