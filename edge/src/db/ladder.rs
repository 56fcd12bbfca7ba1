//! The engagement ladder in D1: a campaign's ladder compiled to SQL, the statements that
//! evaluate people **inside the batch of the action that may move them** (so a rung is never
//! stale after an action, and concurrent actions of one person, which D1 runs one batch at a
//! time, never record a move twice or skip one), the report's aggregates, and the ladder's
//! background jobs.
//!
//! An evaluation is a fixed run of statements over the people a [`Who`] names: their new rung
//! (the highest whose conditions hold) goes into a scratch row beside the old one, and from
//! there the history row, the per-rung counts, the weekly flows, the first entries and
//! conversions, the webhook deliveries and the supporter's own row are written, each from those
//! rows alone. Nobody whose rung, team and region are unchanged gets a scratch row, so a retried
//! request changes nothing.

use std::cell::RefCell;
use std::collections::HashMap;

use rally_api::ladder::{Condition, Ladder, CONVERSION_WEEKS};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use crate::db::outbox::Written;
use crate::db::{num, text, Batch, Slot, Store};
use crate::error::{AppError, AppResult};

/// A campaign's ladder as it stands, with the version an evaluation must still find.
#[derive(Clone, Debug)]
pub struct Live {
    pub ladder: Ladder,
    pub version: u32,
}

impl Live {
    /// The stored ladder (JSON), else the default one (asking Supporters for `first_pledge`).
    pub fn from_row(stored: Option<&str>, version: u32, first_pledge: Option<&str>) -> Live {
        thread_local! {
            static PARSED: RefCell<HashMap<String, Ladder>> = RefCell::new(HashMap::new());
        }
        let ladder = match stored {
            Some(json) => PARSED.with(|p| {
                let mut p = p.borrow_mut();
                if p.len() > 64 {
                    p.clear();
                }
                p.entry(json.to_owned())
                    .or_insert_with(|| {
                        serde_json::from_str(json).unwrap_or_else(|e| {
                            worker::console_error!("stored ladder unreadable: {e}");
                            Ladder::default_for(first_pledge)
                        })
                    })
                    .clone()
            }),
            None => Ladder::default_for(first_pledge),
        };
        Live { ladder, version }
    }
}

/// Why an evaluation ran (the history's `cause`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Action,
    Team,
    Profile,
    Undo,
    Window,
    LadderChanged,
    Erased,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Action => "action",
            Cause::Team => "team",
            Cause::Profile => "profile",
            Cause::Undo => "undo",
            Cause::Window => "window",
            Cause::LadderChanged => "ladder_changed",
            Cause::Erased => "erased",
        }
    }
}

/// The people an evaluation looks at: a subquery of supporter ids whose parameters are
/// numbered from `?7` (the evaluation's own are `?1` to `?6`).
pub struct Who {
    sql: String,
    args: Vec<JsValue>,
}

impl Who {
    /// Whoever a signature or commitment of `email` may have moved: the person, and their
    /// referrer when this request credited them with a recruit.
    pub fn acting(campaign_id: u32, email: &str) -> Who {
        Who {
            sql: "SELECT id FROM supporters WHERE campaign_id = ?7 AND email = ?8 \
                  UNION ALL SELECT supporter_id FROM actions WHERE request_id = ?1 AND kind = 'recruit'"
                .into(),
            args: vec![num(campaign_id), text(email)],
        }
    }

    /// Whoever a shard's drain (`db/drain.rs`) may have moved: each signer it staged, and the
    /// referrers it credited.
    pub fn drained(campaign_id: u32, drain: &str) -> Who {
        Who {
            sql: "SELECT s.id FROM drain_rows d JOIN supporters s ON s.campaign_id = ?7 AND s.email = d.email \
                    WHERE d.drain = ?8 \
                  UNION SELECT a.supporter_id FROM actions a WHERE a.kind = 'recruit' \
                    AND a.request_id IN (SELECT request_id FROM drain_rows WHERE drain = ?8)"
                .into(),
            args: vec![num(campaign_id), text(drain)],
        }
    }

    /// One person and whoever leads their team now, and whoever leads team `other` (a team
    /// they just left): a join or a leave moves the leader's team size.
    pub fn with_leaders(supporter: u32, other: Option<u32>) -> Who {
        Who {
            sql: "SELECT ?7 UNION SELECT t.leader_id FROM teams t \
                  WHERE t.id IN ((SELECT team_id FROM supporters WHERE id = ?7), ?8) AND t.leader_id IS NOT NULL"
                .into(),
            args: vec![num(supporter), other.map_or(JsValue::NULL, num)],
        }
    }

    /// One person and their referrer (after an action of theirs was undone).
    pub fn with_referrer(supporter: u32) -> Who {
        Who {
            sql: "SELECT ?7 UNION SELECT referrer_id FROM supporters WHERE id = ?7 AND referrer_id IS NOT NULL"
                .into(),
            args: vec![num(supporter)],
        }
    }

    /// One person.
    pub fn one(supporter: u32) -> Who {
        Who {
            sql: "SELECT ?7".into(),
            args: vec![num(supporter)],
        }
    }

    /// The next `limit` supporters of a campaign after id `after` (a background slice).
    pub fn slice(campaign_id: u32, after: u32, limit: u32) -> Who {
        Who {
            sql:
                "SELECT id FROM supporters WHERE campaign_id = ?7 AND id > ?8 ORDER BY id LIMIT ?9"
                    .into(),
            args: vec![num(campaign_id), num(after), num(limit)],
        }
    }
}

/// Where and when an evaluation happens.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub campaign_id: u32,
    /// The request (or job slice) whose statements these are: it keys the scratch and history
    /// rows, so a retry of it records nothing twice.
    pub request_id: &'a str,
    pub now: f64,
    /// The campaign week of `now`: time windows end with it.
    pub week: &'a str,
    pub cause: Cause,
}

/// The SQL that measures one condition for supporter `s` in week `week`: a count of actions
/// or weeks, 0/1 for a team, the size of the team they lead. Week keys are written by
/// `rally_api::week` (`2026-W47`), never by a person, so they are inlined.
fn measure(c: &Condition, week: &str) -> String {
    let since = |k: u32| {
        let from = rally_api::week::earlier(week, i64::from(k) - 1).unwrap_or_default();
        debug_assert!(from
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'W'));
        format!("'{from}'")
    };
    match c {
        Condition::Actions {
            action,
            within_weeks,
            ..
        } => format!(
            "(SELECT COUNT(*) FROM actions a WHERE a.supporter_id = s.id AND a.kind = '{}'{})",
            action.as_str(),
            within_weeks.map_or(String::new(), |k| format!(" AND a.week >= {}", since(k)))
        ),
        Condition::WeeksActive { of_last, .. } => format!(
            "(SELECT COUNT(*) FROM supporter_weeks w WHERE w.supporter_id = s.id AND w.week >= {} AND w.actions > 0)",
            since(*of_last)
        ),
        Condition::GoalMet { of_last, .. } => format!(
            "(SELECT COUNT(*) FROM supporter_weeks w WHERE w.supporter_id = s.id AND w.week >= {} \
             AND w.actions >= (SELECT weekly_goal FROM campaigns WHERE id = s.campaign_id))",
            since(*of_last)
        ),
        Condition::InTeam => "(s.team_id IS NOT NULL)".into(),
        Condition::LeadsTeam { .. } => {
            "COALESCE((SELECT MAX(t.size) FROM teams t WHERE t.leader_id = s.id), 0)".into()
        }
    }
}

/// The rung supporter `s` stands on, as SQL: the highest whose conditions hold, '' for none
/// (and for an erased supporter).
fn rung_sql(l: &Ladder, week: &str) -> String {
    let mut sql = String::from("CASE WHEN s.erased_at IS NOT NULL THEN ''");
    for r in l.rungs.iter().rev() {
        let groups: Vec<String> = r
            .any_of
            .iter()
            .map(|g| {
                let all: Vec<String> = g
                    .iter()
                    .map(|c| format!("{} >= {}", measure(c, week), c.threshold()))
                    .collect();
                format!("({})", all.join(" AND "))
            })
            .collect();
        sql.push_str(&format!(" WHEN {} THEN '{}'", groups.join(" OR "), r.slug));
    }
    sql.push_str(" ELSE '' END");
    sql
}

/// A rung's position as SQL (`-1` for none or a rung no longer on the ladder).
fn position_sql(l: &Ladder, column: &str) -> String {
    let mut sql = format!("CASE {column}");
    for (i, r) in l.rungs.iter().enumerate() {
        sql.push_str(&format!(" WHEN '{}' THEN {i}", r.slug));
    }
    sql.push_str(" ELSE -1 END");
    sql
}

/// The value of each report dimension for the row aliased `e` (`region`/`team` columns named).
/// A person with no value in a dimension (no team, no region) is counted under "everyone"
/// only: filters never offer the empty value, and the rows are not written.
fn dim_value(region: &str, team: &str) -> String {
    format!(
        "CASE k.dim WHEN 'all' THEN '' WHEN 'source' THEN e.source WHEN 'region' THEN e.{region} \
         WHEN 'team' THEN e.{team} ELSE e.item END"
    )
}

/// The largest `?N` a statement names: it is bound with exactly that many parameters.
fn params_named(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut max = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'?' {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if let Ok(n) = sql[start..j].parse::<usize>() {
                max = max.max(n);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    max
}

/// A person's rung and the measures of every condition of the ladder (in
/// `Ladder::conditions` order), as one row.
#[derive(Deserialize)]
pub struct Standing {
    pub rung: String,
    /// The measures, comma-separated.
    measures: String,
    /// The language the person acted in.
    #[serde(default)]
    pub lang: String,
    /// Their team, if they are in one.
    #[serde(default)]
    pub team_id: Option<u32>,
}

impl Standing {
    pub fn measures(&self) -> Vec<u32> {
        self.measures
            .split(',')
            .map(|m| m.trim().parse::<f64>().map_or(0, |v| v as u32))
            .collect()
    }
}

/// The ladder's version as an evaluation's batch found it.
#[derive(Deserialize)]
pub struct VersionRow {
    pub ladder_version: u32,
}

/// What an ask names, resolved for the answer: a petition's or pledge's title (with its
/// translations), a team with room.
#[derive(Deserialize, Debug, Clone)]
pub struct AskRow {
    pub kind: String,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub translations: Option<String>,
}

/// The slots of an evaluation in a batch (none for a campaign whose ladder has no rungs: it
/// runs no ladder at all, and nothing is evaluated).
pub struct Evaluated {
    pub hooks: Option<Slot<Written>>,
    pub version: Option<Slot<VersionRow>>,
}

impl Store {
    /// The ladder of campaign `id` as stored (one query; every action's own read carries it
    /// too, see `PetitionMeta`).
    pub async fn ladder(&self, campaign_id: u32) -> AppResult<Live> {
        #[derive(Deserialize)]
        struct Row {
            ladder: Option<String>,
            ladder_version: u32,
            first_pledge: Option<String>,
        }
        let row: Row = self
            .first(
                &format!("SELECT ladder, ladder_version, {FIRST_PLEDGE} AS first_pledge FROM campaigns c WHERE id = ?1"),
                &[num(campaign_id)],
            )
            .await?
            .ok_or_else(|| AppError::not_found("campaign"))?;
        Ok(Live::from_row(
            row.ladder.as_deref(),
            row.ladder_version,
            row.first_pledge.as_deref(),
        ))
    }

    /// Adds an evaluation of `who` against `live` to `b`: it does nothing when the campaign's
    /// ladder is no longer `live.version` (an edit raced it; the caller evaluates again, see
    /// [`Store::evaluate`]), and for people whose rung, team and region did not change.
    pub fn add_evaluation(
        &self,
        b: &mut Batch,
        live: &Live,
        who: &Who,
        at: &At<'_>,
    ) -> AppResult<Evaluated> {
        let l = &live.ladder;
        if l.rungs.is_empty() {
            return Ok(Evaluated {
                hooks: None,
                version: None,
            });
        }
        let rung = rung_sql(l, at.week);
        let args: Vec<JsValue> = [
            text(at.request_id),
            num(at.campaign_id),
            num(live.version),
            num(at.now),
            text(at.week),
            text(at.cause.as_str()),
        ]
        .into_iter()
        .chain(who.args.iter().cloned())
        .collect();
        let stmt = |sql: &str| -> AppResult<D1PreparedStatement> {
            let n = params_named(sql).min(args.len());
            self.stmt(sql, &args[..n])
        };
        let who_sql = &who.sql;
        let old_dims = dim_value("old_region", "old_team");
        let new_dims = dim_value("new_region", "new_team");
        let moved_dims = dim_value("region", "team");
        let pos_entry = position_sql(l, "rung_entries.rung");
        let pos_to = position_sql(l, "m.to_rung");
        let window_ms = f64::from(CONVERSION_WEEKS) * 7.0 * 86_400_000.0;
        b.add(stmt(&format!(
            "INSERT INTO ladder_evals (request_id, supporter_id, campaign_id, old_rung, new_rung, old_region, \
                 new_region, old_team, new_team, source, item, at) \
             SELECT ?1, x.id, ?2, x.rung, x.nr, x.l_region, x.nreg, x.l_team, x.nteam, x.src, x.item, ?4 FROM ( \
               SELECT s.id, s.rung, s.l_region, s.l_team, COALESCE(s.first_source, '') AS src, \
                 COALESCE(s.first_item, '') AS item, COALESCE(s.region, '') AS nreg, \
                 COALESCE(CAST(s.team_id AS TEXT), '') AS nteam, {rung} AS nr \
               FROM supporters s WHERE s.id IN ({who_sql}) AND s.campaign_id = ?2 \
                 AND (SELECT ladder_version FROM campaigns WHERE id = ?2) = ?3) x \
             WHERE x.nr != x.rung OR (x.nr != '' AND (x.nreg != x.l_region OR x.nteam != x.l_team)) \
             ON CONFLICT (request_id, supporter_id) DO NOTHING"
        ))?);
        b.extend([
            // People on each rung: leave the old bucket, enter the new one, per dimension.
            stmt(&format!(
                "INSERT INTO ladder_now (campaign_id, dim, val, rung, n) \
                 SELECT * FROM ( \
                   SELECT campaign_id, dim, val, rung, SUM(d) AS n FROM ( \
                     SELECT e.campaign_id, k.dim, {old_dims} AS val, e.old_rung AS rung, -1 AS d \
                     FROM ladder_evals e, ladder_dims k WHERE e.request_id = ?1 AND e.old_rung != '' AND (k.dim = 'all' OR {old_dims} != '') \
                     UNION ALL \
                     SELECT e.campaign_id, k.dim, {new_dims}, e.new_rung, 1 \
                     FROM ladder_evals e, ladder_dims k WHERE e.request_id = ?1 AND e.new_rung != '' AND (k.dim = 'all' OR {new_dims} != '')) \
                   GROUP BY campaign_id, dim, val, rung HAVING SUM(d) != 0) WHERE true \
                 ON CONFLICT (campaign_id, dim, val, rung) DO UPDATE SET n = n + excluded.n"
            ))?,
            // The history.
            stmt(
                "INSERT INTO rung_moves (campaign_id, supporter_id, from_rung, to_rung, at, week, cause, request_id, \
                     source, region, team, item) \
                 SELECT e.campaign_id, e.supporter_id, e.old_rung, e.new_rung, ?4, ?5, ?6, ?1, \
                     e.source, e.new_region, e.new_team, e.item \
                 FROM ladder_evals e WHERE e.request_id = ?1 AND e.old_rung != e.new_rung \
                 ON CONFLICT (request_id, supporter_id) DO NOTHING",
            )?,
            // Moves per week between each pair of rungs.
            stmt(&format!(
                "INSERT INTO ladder_flows (campaign_id, dim, val, week, from_rung, to_rung, n) \
                 SELECT * FROM (SELECT e.campaign_id, k.dim, {moved_dims} AS val, e.week, e.from_rung, e.to_rung, COUNT(*) \
                   FROM rung_moves e, ladder_dims k WHERE e.request_id = ?1 AND (k.dim = 'all' OR {moved_dims} != '') \
                   GROUP BY 1, 2, 3, 4, 5, 6) WHERE true \
                 ON CONFLICT (campaign_id, dim, val, week, from_rung, to_rung) DO UPDATE SET n = n + excluded.n"
            ))?,
            // Conversion: a move up converts every earlier rung entered within the window...
            stmt(&format!(
                "UPDATE rung_entries SET converted = 1, conv_request = ?1 \
                 WHERE converted = 0 AND at >= ?4 - {window_ms} \
                   AND supporter_id IN (SELECT supporter_id FROM rung_moves WHERE request_id = ?1) \
                   AND {pos_entry} < (SELECT {pos_to} FROM rung_moves m \
                       WHERE m.request_id = ?1 AND m.supporter_id = rung_entries.supporter_id)"
            ))?,
            stmt(&format!(
                "INSERT INTO ladder_conv (campaign_id, dim, val, rung, entered, converted) \
                 SELECT * FROM (SELECT e.campaign_id, k.dim, {moved_dims} AS val, e.rung, 0, COUNT(*) \
                   FROM rung_entries e, ladder_dims k WHERE e.conv_request = ?1 AND (k.dim = 'all' OR {moved_dims} != '') GROUP BY 1, 2, 3, 4) WHERE true \
                 ON CONFLICT (campaign_id, dim, val, rung) DO UPDATE SET converted = converted + excluded.converted"
            ))?,
            // ...and a first arrival on a rung is an entry.
            stmt(
                "INSERT INTO rung_entries (supporter_id, rung, campaign_id, at, source, region, team, item, request_id) \
                 SELECT m.supporter_id, m.to_rung, m.campaign_id, ?4, m.source, m.region, m.team, m.item, ?1 \
                 FROM rung_moves m WHERE m.request_id = ?1 AND m.to_rung != '' \
                 ON CONFLICT (supporter_id, rung) DO NOTHING",
            )?,
            stmt(&format!(
                "INSERT INTO ladder_conv (campaign_id, dim, val, rung, entered, converted) \
                 SELECT * FROM (SELECT e.campaign_id, k.dim, {moved_dims} AS val, e.rung, COUNT(*), 0 \
                   FROM rung_entries e, ladder_dims k WHERE e.request_id = ?1 AND (k.dim = 'all' OR {moved_dims} != '') GROUP BY 1, 2, 3, 4) WHERE true \
                 ON CONFLICT (campaign_id, dim, val, rung) DO UPDATE SET entered = entered + excluded.entered"
            ))?,
            stmt(
                "UPDATE supporters SET rung = e.new_rung, l_region = e.new_region, l_team = e.new_team \
                 FROM ladder_evals e WHERE e.request_id = ?1 AND e.supporter_id = supporters.id",
            )?,
        ]);
        // `rung.changed` to the endpoints that asked for it, one per move.
        let hooks = b.read::<Written>(stmt(
            "INSERT INTO outbox (campaign_id, kind, supporter_id, action, action_request, lang, dedupe, due_at, \
                                 created_at, endpoint_id, event_type) \
             SELECT m.campaign_id, 'webhook', m.supporter_id, NULL, m.request_id, s.lang, \
                    'webhook:' || e.id || ':rung:' || m.id, ?4, ?4, e.id, 'rung.changed' \
             FROM rung_moves m JOIN supporters s ON s.id = m.supporter_id \
             JOIN endpoints e ON e.campaign_id = m.campaign_id AND e.enabled = 1 \
               AND instr(',' || e.events || ',', ',rung.changed,') > 0 \
             WHERE m.request_id = ?1 AND m.cause != 'erased' \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
        )?);
        let version =
            b.read::<VersionRow>(stmt("SELECT ladder_version FROM campaigns WHERE id = ?2")?);
        Ok(Evaluated {
            hooks: Some(hooks),
            version: Some(version),
        })
    }

    /// Evaluates `who` in a batch of its own (an edit raced the action's evaluation, or the
    /// change had no batch to join). Tries again with the new ladder if another edit races it.
    /// The deliveries it wrote, and the ladder it evaluated against.
    pub async fn evaluate(&self, who: &Who, at: &At<'_>) -> AppResult<(Vec<Written>, Live)> {
        for _ in 0..3 {
            let live = self.ladder(at.campaign_id).await?;
            let mut b = Batch::new();
            let e = self.add_evaluation(&mut b, &live, who, at)?;
            let r = b.run(self).await?;
            if held(&r, &e, &live)? {
                return Ok((hooks_of(&r, &e)?, live));
            }
        }
        Err(AppError::Internal(
            "the ladder kept changing during an evaluation".into(),
        ))
    }

    /// Removes supporter `id`'s rung history and what the report counted of it (after an
    /// evaluation in the same batch took them off the ladder): the erasure's part.
    pub fn forget_rungs_stmts(&self, id: u32) -> AppResult<Vec<D1PreparedStatement>> {
        let moved = dim_value("region", "team");
        let i = [num(id)];
        Ok(vec![
            self.stmt(
                &format!(
                    "INSERT INTO ladder_flows (campaign_id, dim, val, week, from_rung, to_rung, n) \
                     SELECT * FROM (SELECT e.campaign_id, k.dim, {moved} AS val, e.week, e.from_rung, e.to_rung, -COUNT(*) \
                       FROM rung_moves e, ladder_dims k WHERE e.supporter_id = ?1 AND (k.dim = 'all' OR {moved} != '') GROUP BY 1, 2, 3, 4, 5, 6) WHERE true \
                     ON CONFLICT (campaign_id, dim, val, week, from_rung, to_rung) DO UPDATE SET n = n + excluded.n"
                ),
                &i,
            )?,
            self.stmt(
                &format!(
                    "INSERT INTO ladder_conv (campaign_id, dim, val, rung, entered, converted) \
                     SELECT * FROM (SELECT e.campaign_id, k.dim, {moved} AS val, e.rung, -COUNT(*), -SUM(e.converted) \
                       FROM rung_entries e, ladder_dims k WHERE e.supporter_id = ?1 AND (k.dim = 'all' OR {moved} != '') GROUP BY 1, 2, 3, 4) WHERE true \
                     ON CONFLICT (campaign_id, dim, val, rung) DO UPDATE SET entered = entered + excluded.entered, \
                       converted = converted + excluded.converted"
                ),
                &i,
            )?,
            self.stmt("DELETE FROM rung_moves WHERE supporter_id = ?1", &i)?,
            self.stmt("DELETE FROM rung_entries WHERE supporter_id = ?1", &i)?,
        ])
    }

    /// Runs batch `b` with an evaluation of `who` added at its end: its results, and the
    /// deliveries the evaluation wrote (run again on its own if an edit raced it).
    pub async fn run_evaluated(
        &self,
        mut b: Batch,
        live: &Live,
        who: &Who,
        at: &At<'_>,
    ) -> AppResult<(crate::db::Results, Vec<Written>)> {
        let e = self.add_evaluation(&mut b, live, who, at)?;
        let r = b.run(self).await?;
        let hooks = self.settle_evaluation(&r, &e, live, who, at).await?;
        Ok((r, hooks))
    }

    /// What an evaluation added to a batch wrote (its webhook deliveries); when an edit raced
    /// it (it wrote nothing), the evaluation runs again on its own against the new ladder.
    pub async fn settle_evaluation(
        &self,
        r: &crate::db::Results,
        e: &Evaluated,
        live: &Live,
        who: &Who,
        at: &At<'_>,
    ) -> AppResult<Vec<Written>> {
        if held(r, e, live)? {
            return hooks_of(r, e);
        }
        let again = format!("{}:again", at.request_id);
        let (hooks, _) = self
            .evaluate(
                who,
                &At {
                    request_id: &again,
                    ..*at
                },
            )
            .await?;
        Ok(hooks)
    }

    /// The statement that reads supporter `s`'s rung and measures (`where_sql` picks them with
    /// parameters from `?1`), for the next step shown after an action and in `/me`.
    pub fn standing_stmt(
        &self,
        l: &Ladder,
        week: &str,
        where_sql: &str,
        args: &[JsValue],
    ) -> AppResult<D1PreparedStatement> {
        let all: Vec<String> = l
            .conditions()
            .into_iter()
            .map(|c| measure(c, week))
            .collect();
        let joined = if all.is_empty() {
            "''".to_owned()
        } else {
            all.join(" || ',' || ")
        };
        self.stmt(
            &format!(
                "SELECT s.rung, s.lang, s.team_id, {joined} AS measures FROM supporters s WHERE {where_sql}"
            ),
            args,
        )
    }

    /// Removes scratch rows of evaluations older than `before` (the cron's part; each batch
    /// reads only its own, so a leftover row changes nothing).
    pub async fn forget_evaluations(&self, before: f64) -> AppResult<()> {
        self.stmt("DELETE FROM ladder_evals WHERE at < ?1", &[num(before)])?
            .run()
            .await?;
        Ok(())
    }

    /// Supporter `id`'s rung and measures, and what the ladder's asks name for them, in one
    /// round trip (for `/me`).
    pub async fn standing_and_asks(
        &self,
        live: &Live,
        campaign_id: u32,
        week: &str,
        id: u32,
    ) -> AppResult<(Option<Standing>, Vec<AskRow>)> {
        if live.ladder.rungs.is_empty() {
            return Ok((None, Vec::new()));
        }
        let mut b = Batch::new();
        let st =
            b.read::<Standing>(self.standing_stmt(&live.ladder, week, "s.id = ?1", &[num(id)])?);
        let asks = self
            .asks_stmt(&live.ladder, campaign_id, "s.id = ?2", &[num(id)])?
            .map(|q| b.read::<AskRow>(q));
        let r = b.run(self).await?;
        let asks = match asks {
            Some(a) => r.rows(a)?,
            None => Vec::new(),
        };
        Ok((r.first(st)?, asks))
    }

    /// Supporter `id`'s rung and measures, read on their own.
    pub async fn standing_of(
        &self,
        live: &Live,
        week: &str,
        id: u32,
    ) -> AppResult<Option<Standing>> {
        Ok(self
            .standing_stmt(&live.ladder, week, "s.id = ?1", &[num(id)])?
            .first(None)
            .await?)
    }

    /// What the ladder's asks name, for the person `supporter_where` picks (`?1` the campaign,
    /// then that clause's own): each petition and pledge an ask names, and the team with room
    /// nearest them (their region first, then the fullest).
    pub fn asks_stmt(
        &self,
        l: &Ladder,
        campaign_id: u32,
        supporter_where: &str,
        args: &[JsValue],
    ) -> AppResult<Option<D1PreparedStatement>> {
        use rally_api::ladder::Ask;
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let (mut petitions, mut pledges, mut team) = (Vec::new(), Vec::new(), false);
        for r in &l.rungs {
            match &r.ask {
                Ask::Sign { petition } => petitions.push(quote(petition)),
                Ask::Pledge { pledge } => pledges.push(quote(pledge)),
                Ask::JoinTeam => team = true,
                _ => {}
            }
        }
        let mut parts = Vec::new();
        if !petitions.is_empty() {
            parts.push(format!(
                "SELECT 'petition' AS kind, slug, title, translations FROM petitions \
                 WHERE campaign_id = ?1 AND published = 1 AND slug IN ({})",
                petitions.join(", ")
            ));
        }
        if !pledges.is_empty() {
            parts.push(format!(
                "SELECT 'pledge' AS kind, slug, statement AS title, translations FROM pledges \
                 WHERE campaign_id = ?1 AND published = 1 AND slug IN ({})",
                pledges.join(", ")
            ));
        }
        if team {
            parts.push(format!(
                "SELECT * FROM (SELECT 'team' AS kind, t.invite_code AS slug, t.name AS title, NULL AS translations \
                 FROM teams t LEFT JOIN supporters l ON l.id = t.leader_id \
                 WHERE t.campaign_id = ?1 AND t.size < (SELECT team_size FROM campaigns WHERE id = ?1) \
                 ORDER BY (l.region IS (SELECT s.region FROM supporters s WHERE {supporter_where})) DESC, t.size DESC, t.id \
                 LIMIT 1)"
            ));
        }
        if parts.is_empty() {
            return Ok(None);
        }
        let mut all = vec![num(campaign_id)];
        all.extend(args.iter().cloned());
        let sql = parts.join(" UNION ALL ");
        let n = params_named(&sql).min(all.len());
        Ok(Some(self.stmt(&sql, &all[..n])?))
    }
}

/// A background re-evaluation (`ladder_jobs`).
#[derive(Deserialize, Clone, Debug)]
pub struct JobRow {
    pub id: u32,
    pub campaign_id: u32,
    pub version: u32,
    pub cause: String,
    pub status: String,
    pub after_id: u32,
    pub seq: u32,
    pub done: u32,
    pub timezone: String,
}

/// A campaign's week as the cron last swept it.
#[derive(Deserialize)]
pub struct CampaignWeek {
    pub id: u32,
    pub timezone: String,
    pub ladder_week: String,
}

/// One row of the report's aggregates.
#[derive(Deserialize, Debug, Clone)]
pub struct NowRow {
    pub rung: String,
    pub n: f64,
}

#[derive(Deserialize, Debug, Clone)]
pub struct FlowRow {
    pub week: String,
    pub from_rung: String,
    pub to_rung: String,
    pub n: f64,
}

#[derive(Deserialize, Debug, Clone)]
pub struct ConvRow {
    pub rung: String,
    pub entered: f64,
    pub converted: f64,
}

#[derive(Deserialize, Debug, Clone)]
pub struct EditRow {
    pub version: u32,
    pub week: String,
}

#[derive(Deserialize, Debug, Clone)]
pub struct ValueRow {
    pub dim: String,
    pub val: String,
    /// A team's name (other values are their own label).
    pub label: Option<String>,
    pub n: f64,
}

/// Everything the report reads, from aggregates only (never a count of rows).
pub struct ReportRows {
    pub now: Vec<NowRow>,
    pub flows: Vec<FlowRow>,
    pub conv: Vec<ConvRow>,
    pub edits: Vec<EditRow>,
    pub values: Vec<ValueRow>,
}

/// The job's commit: `(after_id, done, status)` after the slice, if it held.
#[derive(Deserialize)]
pub struct Committed {
    pub status: String,
}

impl Store {
    /// Saves an edited ladder (version bumped), marks the edit for the report, and starts the
    /// job that re-evaluates everyone against it; the job's id. `audit` is the staff audit row.
    pub async fn save_ladder(
        &self,
        campaign_id: u32,
        ladder: &Ladder,
        (now, week): (f64, &str),
        audit: D1PreparedStatement,
    ) -> AppResult<(u32, u32)> {
        #[derive(Deserialize)]
        struct Saved {
            id: u32,
            version: u32,
        }
        let json = serde_json::to_string(ladder)
            .map_err(|e| AppError::Internal(format!("ladder JSON: {e}")))?;
        let mut b = Batch::new();
        b.extend([
            self.stmt(
                "UPDATE campaigns SET ladder = ?2, ladder_version = ladder_version + 1 WHERE id = ?1",
                &[num(campaign_id), text(&json)],
            )?,
            self.stmt(
                "INSERT INTO ladder_edits (campaign_id, version, at, week) \
                 SELECT id, ladder_version, ?2, ?3 FROM campaigns WHERE id = ?1",
                &[num(campaign_id), num(now), text(week)],
            )?,
            // A job still running for an older version stops: this one covers everyone.
            self.stmt(
                "UPDATE ladder_jobs SET status = 'superseded', updated_at = ?2 \
                 WHERE campaign_id = ?1 AND status = 'running'",
                &[num(campaign_id), num(now)],
            )?,
            audit,
        ]);
        let saved = b.read::<Saved>(self.stmt(
            "INSERT INTO ladder_jobs (campaign_id, version, cause, week, created_at, updated_at) \
             SELECT id, ladder_version, 'ladder_changed', ?2, ?3, ?3 FROM campaigns WHERE id = ?1 \
             RETURNING id, version",
            &[num(campaign_id), text(week), num(now)],
        )?);
        let r = b.run(self).await?;
        let s = r
            .first(saved)?
            .ok_or_else(|| AppError::Internal("ladder job not created".into()))?;
        Ok((s.id, s.version))
    }

    /// The slugs of the campaign's petitions and of its pledges (what asks may name).
    pub async fn item_slugs(&self, campaign_id: u32) -> AppResult<(Vec<String>, Vec<String>)> {
        #[derive(Deserialize)]
        struct Item {
            kind: String,
            slug: String,
        }
        let rows: Vec<Item> = self
            .all(
                "SELECT 'petition' AS kind, slug FROM petitions WHERE campaign_id = ?1 \
                 UNION ALL SELECT 'pledge', slug FROM pledges WHERE campaign_id = ?1",
                &[num(campaign_id)],
            )
            .await?;
        let (pe, pl): (Vec<Item>, Vec<Item>) = rows.into_iter().partition(|i| i.kind == "petition");
        Ok((
            pe.into_iter().map(|i| i.slug).collect(),
            pl.into_iter().map(|i| i.slug).collect(),
        ))
    }

    /// The campaign's newest job, for the editor's progress.
    pub async fn latest_ladder_job(&self, campaign_id: u32) -> AppResult<Option<JobRow>> {
        self.first(
            &format!("{JOB} WHERE j.campaign_id = ?1 ORDER BY j.id DESC LIMIT 1"),
            &[num(campaign_id)],
        )
        .await
    }

    pub async fn ladder_job(&self, id: u32) -> AppResult<Option<JobRow>> {
        self.first(&format!("{JOB} WHERE j.id = ?1"), &[num(id)])
            .await
    }

    /// How many supporters campaign `id` has (one indexed count, for the editor's progress).
    pub async fn supporter_total(&self, campaign_id: u32) -> AppResult<u32> {
        #[derive(Deserialize)]
        struct N {
            n: f64,
        }
        let n: Option<N> = self
            .first(
                "SELECT COUNT(*) AS n FROM supporters WHERE campaign_id = ?1",
                &[num(campaign_id)],
            )
            .await?;
        Ok(n.map_or(0, |n| n.n as u32))
    }

    /// One slice of job `j`: evaluates the next `limit` supporters after its boundary against
    /// `live` and commits the new boundary, both in one batch, only where the job's slice count
    /// is still `j.seq` (a duplicated delivery commits nothing; evaluating again changes
    /// nothing). The job's status after it (`running`, `done`), or `None` when another
    /// delivery had committed this slice.
    pub async fn ladder_slice(
        &self,
        j: &JobRow,
        live: &Live,
        (now, week): (f64, &str),
        limit: u32,
    ) -> AppResult<(Option<String>, Vec<Written>)> {
        let rid = format!("ladder:{}:{}:{}", j.id, j.seq, crate::http::request_id()?);
        let cause = if j.cause == "window" {
            Cause::Window
        } else {
            Cause::LadderChanged
        };
        let who = Who::slice(j.campaign_id, j.after_id, limit);
        let at = At {
            campaign_id: j.campaign_id,
            request_id: &rid,
            now,
            week,
            cause,
        };
        let mut b = Batch::new();
        let e = self.add_evaluation(&mut b, live, &who, &at)?;
        const NEXT: &str =
            "(SELECT id FROM supporters WHERE campaign_id = ?2 AND id > ?3 ORDER BY id LIMIT ?4)";
        let done = b.read::<Committed>(self.stmt(
            &format!(
                "UPDATE ladder_jobs SET after_id = COALESCE((SELECT MAX(id) FROM {NEXT}), after_id), \
                   done = done + (SELECT COUNT(*) FROM {NEXT}), seq = seq + 1, updated_at = ?6, \
                   status = CASE WHEN (SELECT COUNT(*) FROM {NEXT}) < ?4 THEN 'done' ELSE status END \
                 WHERE id = ?1 AND seq = ?5 AND status = 'running' RETURNING status"
            ),
            &[
                num(j.id),
                num(j.campaign_id),
                num(j.after_id),
                num(limit),
                num(j.seq),
                num(now),
            ],
        )?);
        let r = b.run(self).await?;
        let status = r.first(done)?.map(|c| c.status);
        let hooks = hooks_of(&r, &e)?;
        Ok((status, hooks))
    }

    /// Campaigns and the week the ladder's time windows were last swept in.
    pub async fn ladder_weeks(&self) -> AppResult<Vec<CampaignWeek>> {
        self.all("SELECT id, timezone, ladder_week FROM campaigns", &[])
            .await
    }

    /// Records that each campaign of `due` (`(id, week, first)`) is swept for its `week`, and
    /// starts its sweep's job unless `first` (a campaign's first week: nobody has stood on a
    /// rung longer than a week yet), all in one batch; the jobs started. A campaign another
    /// cron run already claimed for that week gets no second job.
    pub async fn start_window_jobs(
        &self,
        due: &[(u32, String, bool)],
        now: f64,
    ) -> AppResult<Vec<u32>> {
        #[derive(Deserialize)]
        struct Id {
            id: u32,
        }
        let mut b = Batch::new();
        let mut jobs = Vec::new();
        for (id, week, first) in due {
            b.add(self.stmt(
                "UPDATE campaigns SET ladder_week = ?2 WHERE id = ?1 AND ladder_week != ?2",
                &[num(*id), text(week)],
            )?);
            jobs.push(b.read::<Id>(self.stmt(
                "INSERT INTO ladder_jobs (campaign_id, version, cause, week, created_at, updated_at) \
                 SELECT id, ladder_version, 'window', ?2, ?3, ?3 FROM campaigns \
                 WHERE id = ?1 AND ?4 = 0 AND changes() > 0 RETURNING id",
                &[num(*id), text(week), num(now), num(u8::from(*first))],
            )?));
        }
        if b.is_empty() {
            return Ok(Vec::new());
        }
        let r = b.run(self).await?;
        let mut started = Vec::new();
        for j in jobs {
            started.extend(r.first(j)?.map(|j| j.id));
        }
        Ok(started)
    }

    /// Running jobs idle since `before` (their message was lost): at most 10.
    pub async fn stalled_ladder_jobs(&self, before: f64) -> AppResult<Vec<JobRow>> {
        self.all(
            &format!(
                "{JOB} WHERE j.status = 'running' AND j.updated_at < ?1 ORDER BY j.id LIMIT 10"
            ),
            &[num(before)],
        )
        .await
    }

    /// The report's aggregates for one dimension value (`all`/`''` for everyone), the last
    /// `weeks` weeks up to `week`: five statements, one D1 round trip.
    pub async fn ladder_report(
        &self,
        campaign_id: u32,
        (dim, val): (&str, &str),
        (from_week, week): (&str, &str),
    ) -> AppResult<ReportRows> {
        let c = num(campaign_id);
        let mut b = Batch::new();
        let now = b.read::<NowRow>(self.stmt(
            "SELECT rung, n FROM ladder_now WHERE campaign_id = ?1 AND dim = ?2 AND val = ?3 AND n != 0",
            &[c.clone(), text(dim), text(val)],
        )?);
        let flows = b.read::<FlowRow>(self.stmt(
            "SELECT week, from_rung, to_rung, n FROM ladder_flows \
             WHERE campaign_id = ?1 AND dim = ?2 AND val = ?3 AND week >= ?4 AND week <= ?5 AND n != 0 \
             ORDER BY week",
            &[c.clone(), text(dim), text(val), text(from_week), text(week)],
        )?);
        let conv = b.read::<ConvRow>(self.stmt(
            "SELECT rung, entered, converted FROM ladder_conv WHERE campaign_id = ?1 AND dim = ?2 AND val = ?3",
            &[c.clone(), text(dim), text(val)],
        )?);
        let edits = b.read::<EditRow>(self.stmt(
            "SELECT version, week FROM ladder_edits WHERE campaign_id = ?1 AND week >= ?2 ORDER BY version",
            &[c.clone(), text(from_week)],
        )?);
        // The values a filter may take: the 50 largest of each dimension.
        let values = b.read::<ValueRow>(self.stmt(
            "SELECT dim, val, n, CASE dim WHEN 'team' THEN (SELECT name FROM teams WHERE id = CAST(val AS INTEGER)) END AS label \
             FROM (SELECT dim, val, SUM(n) AS n, \
                 ROW_NUMBER() OVER (PARTITION BY dim ORDER BY SUM(n) DESC, val) AS k \
               FROM ladder_now WHERE campaign_id = ?1 AND dim != 'all' AND val != '' GROUP BY dim, val) \
             WHERE k <= 50 AND n > 0 ORDER BY dim, n DESC, val",
            &[c],
        )?);
        let r = b.run(self).await?;
        Ok(ReportRows {
            now: r.rows(now)?,
            flows: r.rows(flows)?,
            conv: r.rows(conv)?,
            edits: r.rows(edits)?,
            values: r.rows(values)?,
        })
    }
}

const JOB: &str =
    "SELECT j.id, j.campaign_id, j.version, j.cause, j.status, j.after_id, j.seq, j.done, \
     c.timezone FROM ladder_jobs j JOIN campaigns c ON c.id = j.campaign_id";

/// The subquery for the campaign's first open pledge (the default ladder asks for it).
pub const FIRST_PLEDGE: &str =
    "(SELECT slug FROM pledges WHERE campaign_id = c.id AND published = 1 \
     AND status = 'open' ORDER BY id LIMIT 1)";

/// Whether the batch that held an evaluation found the ladder it was compiled from.
pub fn held(r: &crate::db::Results, e: &Evaluated, live: &Live) -> AppResult<bool> {
    Ok(match e.version {
        Some(v) => r.first(v)?.map(|v| v.ladder_version) == Some(live.version),
        None => true,
    })
}

/// The webhook deliveries an evaluation wrote.
pub fn hooks_of(r: &crate::db::Results, e: &Evaluated) -> AppResult<Vec<Written>> {
    Ok(match e.hooks {
        Some(h) => r.rows(h)?,
        None => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_bound_with_the_parameters_they_name() {
        let cases = [
            ("SELECT 1", 0),
            ("SELECT ?1", 1),
            ("WHERE a = ?2 AND b = ?10 AND c = ?3", 10),
            ("x ? y", 0),
        ];
        for (sql, want) in cases {
            assert_eq!(params_named(sql), want, "{sql}");
        }
    }

    #[test]
    fn the_default_ladder_compiles_highest_rung_first() {
        let l = Ladder::default_for(None);
        let sql = rung_sql(&l, "2026-W47");
        let leader = sql.find("'team-leader'").unwrap();
        let supporter = sql.find("'supporter'").unwrap();
        assert!(leader < supporter, "{sql}");
        // "2 of the last 4 weeks" starts three weeks before this one.
        assert!(sql.contains("w.week >= '2026-W44'"), "{sql}");
        assert!(sql.contains(" OR "), "Regular has two alternatives: {sql}");
        assert!(sql.starts_with("CASE WHEN s.erased_at IS NOT NULL THEN ''"));
    }
}
