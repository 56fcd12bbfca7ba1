//! The staff's supporter list: a [`Filter`] compiled to one SQL `WHERE` over `supporters s`
//! (every condition an indexed lookup per person or a column of the row), its keyset pages in
//! the two orders, its count, tags, saved filters, bulk jobs, the Teams tab and a person's
//! timeline.
//!
//! The orders are index walks (`supporters_last_action`, `supporters_board`): a page reads
//! rows in order and tests each against the filter until it has its rows, so a page costs one
//! query whatever the campaign's size, and a count one query (a scan of the campaign's rows
//! that match its most selective indexed condition).

use rally_api::people::{
    BulkJob, BulkOp, ConsentEntry, Cursor, Delivery, Did, Filter, Linked, Row, RungMove,
    SavedFilter, Sort, TeamRef, TeamRow, Timeline, TimelineAction,
};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use crate::db::{num, text, Batch, Store};
use crate::error::AppResult;

/// Rows a bulk slice walks (one D1 batch of four statements).
pub const SLICE_ROWS: u32 = 5_000;

/// What the filter needs from the campaign and the clock, resolved by the caller.
pub struct Scope {
    pub campaign_id: u32,
    /// `from` and `to` as the campaign's local midnights (ms; `to` is the midnight after).
    pub from_ms: Option<f64>,
    pub to_ms: Option<f64>,
    /// For `goal_weeks`: the first week key counted and the current week's key (not counted).
    pub weeks: Option<(String, String)>,
}

/// A compiled filter: the `WHERE` (over `supporters s`) and its arguments, `?1` the campaign.
pub struct Where {
    pub sql: String,
    pub args: Vec<JsValue>,
}

impl Where {
    fn arg(&mut self, v: JsValue) -> String {
        self.args.push(v);
        format!("?{}", self.args.len())
    }
}

/// The `EXISTS` test of one action condition (`range`: only actions in the date range).
fn did_sql(w: &mut Where, d: &Did, range: bool, scope: &Scope) -> String {
    let kind = w.arg(text(d.kind()));
    let mut sql = format!(
        "SELECT 1 FROM actions a WHERE a.supporter_id = s.id AND a.campaign_id = ?1 AND a.kind = {kind}"
    );
    match d {
        Did::Sign(Some(slug)) => {
            let p = w.arg(text(slug));
            sql.push_str(&format!(
                " AND a.subject_id = (SELECT id FROM petitions WHERE campaign_id = ?1 AND slug = {p})"
            ));
        }
        Did::Pledge(Some(slug)) => {
            let p = w.arg(text(slug));
            sql.push_str(&format!(
                " AND a.subject_id = (SELECT id FROM pledges WHERE campaign_id = ?1 AND slug = {p})"
            ));
        }
        Did::Done(Some(id)) => {
            let p = w.arg(num(*id));
            sql.push_str(&format!(" AND a.subject_id = {p}"));
        }
        _ => {}
    }
    if range {
        range_sql(w, &mut sql, scope);
    }
    sql
}

fn range_sql(w: &mut Where, sql: &mut String, scope: &Scope) {
    if let Some(f) = scope.from_ms {
        let p = w.arg(num(f));
        sql.push_str(&format!(" AND a.created_at >= {p}"));
    }
    if let Some(t) = scope.to_ms {
        let p = w.arg(num(t));
        sql.push_str(&format!(" AND a.created_at < {p}"));
    }
}

/// Compiles `f` (every condition ANDed; erased people are never listed).
pub fn compile(f: &Filter, scope: &Scope) -> Where {
    let mut w = Where {
        sql: String::new(),
        args: vec![num(scope.campaign_id)],
    };
    let mut c: Vec<String> = vec!["s.campaign_id = ?1".into(), "s.erased_at IS NULL".into()];
    for d in &f.did {
        let e = did_sql(&mut w, d, true, scope);
        c.push(format!("EXISTS ({e})"));
    }
    if f.did.is_empty() && (scope.from_ms.is_some() || scope.to_ms.is_some()) {
        let mut e = "SELECT 1 FROM actions a WHERE a.supporter_id = s.id".to_owned();
        range_sql(&mut w, &mut e, scope);
        c.push(format!("EXISTS ({e})"));
    }
    for d in &f.not_did {
        let e = did_sql(&mut w, d, false, scope);
        c.push(format!("NOT EXISTS ({e})"));
    }
    if let Some(v) = &f.source {
        let p = w.arg(text(v));
        c.push(format!("s.first_source = {p}"));
    }
    if let Some(v) = &f.utm_source {
        let p = w.arg(text(v));
        c.push(format!(
            "(EXISTS (SELECT 1 FROM signatures g WHERE g.supporter_id = s.id AND g.utm_source = {p}) \
              OR EXISTS (SELECT 1 FROM commitments g WHERE g.supporter_id = s.id AND g.utm_source = {p}))"
        ));
    }
    if let Some(v) = &f.referrer {
        let p = w.arg(text(v));
        c.push(format!(
            "s.referrer_id = (SELECT id FROM supporters WHERE campaign_id = ?1 AND ref_code = {p})"
        ));
    }
    if let Some(v) = &f.region {
        let p = w.arg(text(v));
        c.push(format!("s.region = {p}"));
    }
    if let Some(v) = &f.country {
        let p = w.arg(text(v));
        c.push(format!("s.country = {p}"));
    }
    if let Some(v) = f.team {
        let p = w.arg(num(v));
        c.push(format!("s.team_id = {p}"));
    }
    let not = |b: bool| if b { "" } else { "NOT " };
    if let Some(b) = f.leader {
        c.push(format!(
            "{}EXISTS (SELECT 1 FROM teams t WHERE t.leader_id = s.id)",
            not(b)
        ));
    }
    if let Some(v) = &f.rung {
        let p = w.arg(text(v));
        c.push(format!("s.rung = {p}"));
    }
    if let Some(b) = f.consent {
        c.push(format!("s.contact_consent = {}", u8::from(b)));
    }
    if let Some(b) = f.unsubscribed {
        c.push(format!(
            "s.unsubscribed_at IS {}NULL",
            if b { "NOT " } else { "" }
        ));
    }
    if let Some(b) = f.confirmed {
        c.push(format!(
            "{}(EXISTS (SELECT 1 FROM signatures g WHERE g.supporter_id = s.id AND g.confirmed = 1) \
              OR EXISTS (SELECT 1 FROM commitments g WHERE g.supporter_id = s.id AND g.confirmed = 1))",
            not(b)
        ));
    }
    if let (Some(k), Some((first, current))) = (f.goal_weeks, &scope.weeks) {
        let (a, b) = (w.arg(text(first)), w.arg(text(current)));
        let k = w.arg(num(k));
        c.push(format!(
            "(SELECT COUNT(*) FROM supporter_weeks sw WHERE sw.supporter_id = s.id AND sw.week >= {a} \
              AND sw.week < {b} AND sw.actions >= (SELECT weekly_goal FROM campaigns WHERE id = ?1)) = {k}"
        ));
    }
    if let Some(b) = f.push {
        c.push(format!(
            "{}EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.supporter_id = s.id)",
            not(b)
        ));
    }
    for t in &f.tags {
        let p = w.arg(text(t));
        c.push(format!(
            "EXISTS (SELECT 1 FROM supporter_tags st WHERE st.supporter_id = s.id AND st.tag = {p})"
        ));
    }
    if let Some(q) = &f.q {
        if q.contains('@') {
            let e = rally_api::validate::email(q).unwrap_or_default();
            let p = w.arg(text(&e));
            c.push(format!("s.email = {p}"));
        } else {
            let like = format!("{}%", q.replace(['%', '_', '\\'], ""));
            let p = w.arg(text(&like));
            c.push(format!("(s.first_name LIKE {p} OR s.last_name LIKE {p})"));
        }
    }
    w.sql = c.join(" AND ");
    w
}

/// The columns of a list row (`s` the supporter).
const ROW_COLUMNS: &str =
    "s.id, s.first_name, s.last_name, s.email, s.country, s.region, s.points, s.rung, \
     (SELECT name FROM teams WHERE id = s.team_id) AS team, \
     EXISTS (SELECT 1 FROM teams t WHERE t.leader_id = s.id) AS leader, \
     s.last_action_at, s.contact_consent, s.unsubscribed_at, \
     (SELECT json_group_array(tag) FROM (SELECT tag FROM supporter_tags WHERE supporter_id = s.id ORDER BY tag)) AS tags";

#[derive(Deserialize)]
struct RowRaw {
    id: f64,
    first_name: String,
    last_name: String,
    email: String,
    country: String,
    region: Option<String>,
    points: f64,
    rung: String,
    team: Option<String>,
    leader: f64,
    last_action_at: f64,
    contact_consent: f64,
    unsubscribed_at: Option<f64>,
    tags: Option<String>,
}

/// The names in a person's tags as the queries read them (a JSON array, in order; `[]` for
/// none): the list, the timeline, OSDI people, webhook payloads and Action Network syncs.
pub fn tag_names(json: Option<&str>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

impl RowRaw {
    fn row(self, emails: bool) -> Row {
        Row {
            id: self.id as u32,
            first_name: self.first_name,
            last_name: self.last_name,
            email: emails.then_some(self.email),
            country: self.country,
            region: self.region,
            points: self.points as u32,
            rung: self.rung,
            team: self.team,
            leader: self.leader == 1.0,
            last_action_at: (self.last_action_at > 0.0).then_some(self.last_action_at),
            contact_consent: self.contact_consent == 1.0,
            unsubscribed: self.unsubscribed_at.is_some(),
            tags: tag_names(self.tags.as_deref()),
        }
    }

    fn cursor(&self, sort: Sort) -> Cursor {
        Cursor {
            sort,
            key: match sort {
                Sort::Last => self.last_action_at as i64,
                Sort::Points => self.points as i64,
            },
            id: self.id as u32,
        }
    }
}

#[derive(Deserialize)]
struct N {
    n: f64,
}

#[derive(Deserialize)]
struct JobRaw {
    id: f64,
    op: String,
    tag: String,
    filter: String,
    status: String,
    expected: f64,
    done: f64,
    created_at: f64,
    finished_at: Option<f64>,
    campaign_id: f64,
    seq: f64,
}

/// A bulk job as stored.
pub struct Job {
    pub view: BulkJob,
    pub campaign_id: u32,
    pub seq: u32,
}

impl JobRaw {
    fn job(self) -> Job {
        Job {
            campaign_id: self.campaign_id as u32,
            seq: self.seq as u32,
            view: BulkJob {
                id: self.id as u32,
                op: BulkOp::parse(&self.op).unwrap_or(BulkOp::Tag),
                tag: self.tag,
                filter: self.filter,
                status: self.status,
                expected: self.expected as u64,
                done: self.done as u64,
                created_at: self.created_at,
                finished_at: self.finished_at,
            },
        }
    }
}

const JOB_COLUMNS: &str =
    "id, op, tag, filter, status, expected, done, created_at, finished_at, campaign_id, seq";

/// A new bulk job.
pub struct NewBulk<'a> {
    pub campaign_id: u32,
    pub op: BulkOp,
    pub tag: &'a str,
    pub filter: &'a str,
    pub expected: u64,
    pub created_by: u32,
    pub now: f64,
}

impl Store {
    /// One page of the list: up to `limit` rows after `after`, and the cursor of the next
    /// page (when this one is full). One query.
    pub async fn roster_page(
        &self,
        w: Where,
        sort: Sort,
        after: Option<Cursor>,
        limit: u32,
        emails: bool,
    ) -> AppResult<(Vec<Row>, Option<Cursor>)> {
        let Where { mut sql, mut args } = w;
        // A seekable range on the order's first column, and the tie broken by id.
        let (order, key) = match sort {
            Sort::Last => (
                "s.last_action_at DESC, s.id DESC",
                "s.last_action_at <= {k} AND (s.last_action_at < {k} OR s.id < {i})",
            ),
            Sort::Points => (
                "s.points DESC, s.id",
                "s.points <= {k} AND (s.points < {k} OR s.id > {i})",
            ),
        };
        if let Some(c) = after {
            args.push(num(c.key as f64));
            let k = format!("?{}", args.len());
            args.push(num(c.id));
            let i = format!("?{}", args.len());
            sql.push_str(" AND ");
            sql.push_str(&key.replace("{k}", &k).replace("{i}", &i));
        }
        args.push(num(limit));
        let rows: Vec<RowRaw> = self
            .all(
                &format!(
                    "SELECT {ROW_COLUMNS} FROM supporters s WHERE {sql} ORDER BY {order} LIMIT ?{}",
                    args.len()
                ),
                &args,
            )
            .await?;
        let next = (rows.len() == limit as usize)
            .then(|| rows.last().map(|r| r.cursor(sort)))
            .flatten();
        Ok((rows.into_iter().map(|r| r.row(emails)).collect(), next))
    }

    /// How many people match. One query.
    pub async fn roster_count(&self, w: &Where) -> AppResult<u64> {
        let n: Option<N> = self
            .first(
                &format!("SELECT COUNT(*) AS n FROM supporters s WHERE {}", w.sql),
                &w.args,
            )
            .await?;
        Ok(n.map_or(0, |n| n.n as u64))
    }

    /// The campaign's saved filters, by name.
    pub async fn saved_filters(&self, campaign_id: u32) -> AppResult<Vec<SavedFilter>> {
        self.all(
            "SELECT id, name, filter, created_at FROM saved_filters WHERE campaign_id = ?1 ORDER BY name",
            &[num(campaign_id)],
        )
        .await
    }

    /// Saves (or replaces, by name) a filter; with its audit row.
    pub async fn save_filter(
        &self,
        campaign_id: u32,
        name: &str,
        filter: &str,
        by: u32,
        now: f64,
        audit: D1PreparedStatement,
    ) -> AppResult<Option<SavedFilter>> {
        let mut b = Batch::new();
        let saved = b.read(self.stmt(
            "INSERT INTO saved_filters (campaign_id, name, filter, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (campaign_id, name) DO UPDATE SET filter = excluded.filter, created_at = excluded.created_at \
             RETURNING id, name, filter, created_at",
            &[num(campaign_id), text(name), text(filter), num(by), num(now)],
        )?);
        b.add(audit);
        b.run(self).await?.first(saved)
    }

    /// Deletes a saved filter; whether it existed.
    pub async fn delete_filter(&self, campaign_id: u32, id: u32) -> AppResult<bool> {
        let gone: Option<N> = self
            .first(
                "DELETE FROM saved_filters WHERE campaign_id = ?1 AND id = ?2 RETURNING id AS n",
                &[num(campaign_id), num(id)],
            )
            .await?;
        Ok(gone.is_some())
    }

    /// Starts a bulk job (with its audit row): its id.
    pub async fn create_bulk_job(
        &self,
        j: &NewBulk<'_>,
        audit: D1PreparedStatement,
    ) -> AppResult<Option<Job>> {
        let mut b = Batch::new();
        let job = b.read::<JobRaw>(self.stmt(
            &format!(
                "INSERT INTO people_jobs (campaign_id, op, tag, filter, expected, created_by, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING {JOB_COLUMNS}"
            ),
            &[
                num(j.campaign_id),
                text(j.op.as_str()),
                text(j.tag),
                text(j.filter),
                num(j.expected as f64),
                num(j.created_by),
                num(j.now),
            ],
        )?);
        b.add(audit);
        Ok(b.run(self).await?.first(job)?.map(JobRaw::job))
    }

    pub async fn bulk_job(&self, id: u32) -> AppResult<Option<Job>> {
        let j: Option<JobRaw> = self
            .first(
                &format!("SELECT {JOB_COLUMNS} FROM people_jobs WHERE id = ?1"),
                &[num(id)],
            )
            .await?;
        Ok(j.map(JobRaw::job))
    }

    /// The campaign's newest 20 bulk jobs.
    pub async fn bulk_jobs(&self, campaign_id: u32) -> AppResult<Vec<BulkJob>> {
        let j: Vec<JobRaw> = self
            .all(
                &format!(
                    "SELECT {JOB_COLUMNS} FROM people_jobs WHERE campaign_id = ?1 ORDER BY id DESC LIMIT 20"
                ),
                &[num(campaign_id)],
            )
            .await?;
        Ok(j.into_iter().map(|j| j.job().view).collect())
    }

    /// One slice of bulk job `job` (whose `seq` was read as `seq`), in one batch: the job's row
    /// takes the slice's id range (only if `seq` is unchanged, so a second delivery finds
    /// nothing to do), the tags of the people in that range who match are written (a set:
    /// written twice is written once), and the job is done when the slice was short. Whether
    /// the job is still running after it.
    pub async fn bulk_slice(&self, job: &Job, w: &Where, now: f64, stamp: &str) -> AppResult<bool> {
        let n = w.args.len();
        let (jid, seq, tag, at, mark) = (n + 1, n + 2, n + 3, n + 4, n + 5);
        let mut args = w.args.clone();
        args.extend([
            num(job.view.id),
            num(job.seq),
            text(&job.view.tag),
            num(now),
            text(stamp),
        ]);
        let slice = format!(
            "SELECT s.id FROM supporters s WHERE {} AND s.id > people_jobs.after_id ORDER BY s.id LIMIT {SLICE_ROWS}",
            w.sql
        );
        let take = self.stmt(
            &format!(
                "UPDATE people_jobs SET prev_after = after_id, (after_id, slice_rows) = \
                   (SELECT COALESCE(MAX(id), people_jobs.after_id), COUNT(*) FROM ({slice})), \
                   done = done + (SELECT COUNT(*) FROM ({slice})), seq = seq + 1, updated_at = ?{at}, mark = ?{mark} \
                 WHERE id = ?{jid} AND seq = ?{seq} AND status = 'running'"
            ),
            &args,
        )?;
        // The people of the range just taken, if this delivery took it (its mark).
        let ours = format!(
            "SELECT s.id FROM supporters s, people_jobs j WHERE j.id = ?{jid} AND j.seq = ?{seq} + 1 \
               AND j.mark = ?{mark} AND s.id > j.prev_after AND s.id <= j.after_id AND {}",
            w.sql
        );
        let write = match job.view.op {
            BulkOp::Tag => format!(
                "INSERT INTO supporter_tags (supporter_id, tag, campaign_id, created_at) \
                 SELECT id, ?{tag}, ?1, ?{at} FROM ({ours}) WHERE 1 ON CONFLICT DO NOTHING"
            ),
            BulkOp::Untag => format!(
                "DELETE FROM supporter_tags WHERE tag = ?{tag} AND supporter_id IN ({ours})"
            ),
        };
        let write = self.stmt(&write, &args)?;
        let finish = self.stmt(
            &format!(
                "UPDATE people_jobs SET status = CASE WHEN slice_rows < {SLICE_ROWS} THEN 'done' ELSE status END, \
                   finished_at = CASE WHEN slice_rows < {SLICE_ROWS} THEN ?{at} END \
                 WHERE id = ?{jid} AND seq = ?{seq} + 1 AND mark = ?{mark}"
            ),
            &args,
        )?;
        let mut b = Batch::new();
        b.extend([take, write, finish]);
        let state = b.read::<JobRaw>(self.stmt(
            &format!("SELECT {JOB_COLUMNS} FROM people_jobs WHERE id = ?1"),
            &[num(job.view.id)],
        )?);
        let r = b.run(self).await?;
        Ok(r.first(state)?.is_some_and(|j| j.status == "running"))
    }

    /// Tags (or untags) one person by hand.
    pub async fn tag_person(
        &self,
        campaign_id: u32,
        id: u32,
        tag: &str,
        on: bool,
        now: f64,
        audit: D1PreparedStatement,
    ) -> AppResult<()> {
        let write = if on {
            self.stmt(
                "INSERT INTO supporter_tags (supporter_id, tag, campaign_id, created_at) \
                 SELECT id, ?3, ?1, ?4 FROM supporters WHERE id = ?2 AND campaign_id = ?1 \
                 ON CONFLICT DO NOTHING",
                &[num(campaign_id), num(id), text(tag), num(now)],
            )?
        } else {
            self.stmt(
                "DELETE FROM supporter_tags WHERE supporter_id = ?2 AND tag = ?3 AND campaign_id = ?1",
                &[num(campaign_id), num(id), text(tag)],
            )?
        };
        let mut b = Batch::new();
        b.extend([write, audit]);
        b.run(self).await?;
        Ok(())
    }

    /// Erasure's part: the person's tags.
    pub fn forget_tags_stmt(&self, id: u32) -> AppResult<D1PreparedStatement> {
        self.stmt(
            "DELETE FROM supporter_tags WHERE supporter_id = ?1",
            &[num(id)],
        )
    }

    /// A person's page, in one batch of seven reads.
    pub async fn timeline(
        &self,
        campaign_id: u32,
        id: u32,
        emails: bool,
    ) -> AppResult<Option<Timeline>> {
        #[derive(Deserialize)]
        struct P {
            id: f64,
            first_name: String,
            last_name: String,
            email: String,
            country: String,
            region: Option<String>,
            points: f64,
            rung: String,
            team_id: Option<f64>,
            team_name: Option<String>,
            leads: f64,
            referrer_id: Option<f64>,
            referrer: Option<String>,
            contact_consent: f64,
            consent_at: f64,
            unsubscribed_at: Option<f64>,
            leader_contact: f64,
            listed: f64,
            created_at: f64,
            erased_at: Option<f64>,
            tags: Option<String>,
        }
        #[derive(Deserialize)]
        struct L {
            id: f64,
            name: String,
        }
        #[derive(Deserialize)]
        struct A {
            kind: String,
            what: Option<String>,
            source: Option<String>,
            utm_source: Option<String>,
            points: f64,
            created_at: f64,
        }
        #[derive(Deserialize)]
        struct M {
            from_rung: String,
            to_rung: String,
            cause: String,
            at: f64,
        }
        #[derive(Deserialize)]
        struct D {
            kind: String,
            status: String,
            event_type: Option<String>,
            created_at: f64,
        }
        let args = [num(campaign_id), num(id)];
        let mut b = Batch::new();
        let p = b.read::<P>(self.stmt(
            "SELECT s.id, s.first_name, s.last_name, s.email, s.country, s.region, s.points, s.rung, s.team_id, \
                    t.name AS team_name, COALESCE(t.leader_id = s.id, 0) AS leads, s.referrer_id, \
                    (SELECT first_name || ' ' || substr(last_name, 1, 1) || '.' FROM supporters WHERE id = s.referrer_id) AS referrer, \
                    s.contact_consent, s.consent_at, s.unsubscribed_at, s.leader_contact, s.listed, s.created_at, s.erased_at, \
                    (SELECT json_group_array(tag) FROM (SELECT tag FROM supporter_tags WHERE supporter_id = s.id ORDER BY tag)) AS tags \
             FROM supporters s LEFT JOIN teams t ON t.id = s.team_id WHERE s.campaign_id = ?1 AND s.id = ?2",
            &args,
        )?);
        let recruits = b.read::<L>(self.stmt(
            "SELECT id, first_name || ' ' || substr(last_name, 1, 1) || '.' AS name FROM supporters \
             WHERE referrer_id = ?2 AND campaign_id = ?1 ORDER BY id LIMIT 200",
            &args,
        )?);
        let actions = b.read::<A>(self.stmt(
            "SELECT a.kind, CASE a.kind \
                 WHEN 'sign' THEN (SELECT title FROM petitions WHERE id = a.subject_id) \
                 WHEN 'pledge' THEN (SELECT statement FROM pledges WHERE id = a.subject_id) \
                 WHEN 'done' THEN (SELECT title FROM campaign_actions WHERE id = a.subject_id) \
                 WHEN 'recruit' THEN (SELECT first_name || ' ' || substr(last_name, 1, 1) || '.' FROM supporters WHERE id = a.subject_id) \
               END AS what, \
               COALESCE(g.source, c.source) AS source, COALESCE(g.utm_source, c.utm_source) AS utm_source, \
               a.points, a.created_at \
             FROM actions a \
             LEFT JOIN signatures g ON a.kind = 'sign' AND g.request_id = a.request_id \
             LEFT JOIN commitments c ON a.kind = 'pledge' AND c.request_id = a.request_id \
             WHERE a.supporter_id = ?2 AND a.campaign_id = ?1 ORDER BY a.id LIMIT 500",
            &args,
        )?);
        let moves = b.read::<M>(self.stmt(
            "SELECT from_rung, to_rung, cause, at FROM rung_moves WHERE supporter_id = ?2 ORDER BY id LIMIT 200",
            &args,
        )?);
        let deliveries = b.read::<D>(self.stmt(
            "SELECT kind, status, event_type, created_at FROM outbox WHERE supporter_id = ?2 AND campaign_id = ?1 \
             ORDER BY id DESC LIMIT 200",
            &args,
        )?);
        let r = b.run(self).await?;
        let Some(p) = r.first(p)? else {
            return Ok(None);
        };
        let linked = |l: L| Linked {
            id: l.id as u32,
            name: l.name,
        };
        Ok(Some(Timeline {
            id: p.id as u32,
            first_name: p.first_name,
            last_name: p.last_name,
            email: emails.then_some(p.email),
            country: p.country,
            region: p.region,
            points: p.points as u32,
            rung: p.rung,
            team: p.team_id.zip(p.team_name).map(|(id, name)| TeamRef {
                id: id as u32,
                name,
                leader: p.leads == 1.0,
            }),
            recruited_by: p.referrer_id.zip(p.referrer).map(|(id, name)| Linked {
                id: id as u32,
                name,
            }),
            recruits: r.rows(recruits)?.into_iter().map(linked).collect(),
            actions: r
                .rows(actions)?
                .into_iter()
                .map(|a| TimelineAction {
                    kind: a.kind,
                    what: a.what,
                    source: a.source,
                    utm_source: a.utm_source,
                    points: a.points as i64,
                    at: a.created_at,
                })
                .collect(),
            rungs: r
                .rows(moves)?
                .into_iter()
                .map(|m| RungMove {
                    from: m.from_rung,
                    to: m.to_rung,
                    cause: m.cause,
                    at: m.at,
                })
                .collect(),
            deliveries: r
                .rows(deliveries)?
                .into_iter()
                .map(|d| Delivery {
                    kind: d.kind,
                    status: d.status,
                    event: d.event_type,
                    at: d.created_at,
                })
                .collect(),
            consent: vec![
                ConsentEntry {
                    what: "contact".into(),
                    value: p.contact_consent == 1.0,
                    at: Some(p.consent_at),
                },
                ConsentEntry {
                    what: "unsubscribed".into(),
                    value: p.unsubscribed_at.is_some(),
                    at: p.unsubscribed_at,
                },
                ConsentEntry {
                    what: "leader_contact".into(),
                    value: p.leader_contact == 1.0,
                    at: None,
                },
                ConsentEntry {
                    what: "listed".into(),
                    value: p.listed == 1.0,
                    at: None,
                },
            ],
            tags: tag_names(p.tags.as_deref()),
            created_at: p.created_at,
            erased: p.erased_at.is_some(),
        }))
    }

    /// A page of the campaign's teams by all-time points (after team `after`'s points and
    /// id), with their leaders, streaks and stalled members. One query.
    pub async fn staff_teams(
        &self,
        campaign_id: u32,
        (week, earliest): (&str, &str),
        now: f64,
        only: Option<u32>,
        after: Option<(i64, u32)>,
        limit: u32,
    ) -> AppResult<Vec<TeamRow>> {
        #[derive(Deserialize)]
        struct T {
            id: f64,
            name: String,
            leader_id: Option<f64>,
            leader: Option<String>,
            size: f64,
            week_points: f64,
            points: f64,
            met: Option<String>,
            stalled: f64,
            leader_last: Option<f64>,
        }
        let (k, i) = after.unwrap_or((i64::MAX / 2, 0));
        let rows: Vec<T> = self
            .all(
                "SELECT t.id, t.name, t.leader_id, \
                   (SELECT first_name || ' ' || substr(last_name, 1, 1) || '.' FROM supporters WHERE id = t.leader_id) AS leader, \
                   t.size, COALESCE((SELECT points FROM team_weeks WHERE team_id = t.id AND week = ?2), 0) AS week_points, t.points, \
                   (SELECT json_group_array(w.week) FROM (SELECT sw.week FROM supporters m JOIN supporter_weeks sw ON sw.supporter_id = m.id \
                      WHERE m.team_id = t.id AND sw.week >= ?3 AND sw.week < ?2 GROUP BY sw.week \
                      HAVING SUM(sw.actions) >= (SELECT weekly_goal FROM campaigns WHERE id = ?1) * t.size) w) AS met, \
                   (SELECT COUNT(*) FROM supporters m WHERE m.team_id = t.id AND m.last_action_at < ?4) AS stalled, \
                   (SELECT NULLIF(last_action_at, 0) FROM supporters WHERE id = t.leader_id) AS leader_last \
                 FROM teams t WHERE t.campaign_id = ?1 AND t.points <= ?5 AND (t.points < ?5 OR t.id > ?6) \
                   AND (?8 IS NULL OR t.id = ?8) \
                 ORDER BY t.points DESC, t.id LIMIT ?7",
                &[
                    num(campaign_id),
                    text(week),
                    text(earliest),
                    num(now - 7.0 * 86_400_000.0),
                    num(k as f64),
                    num(i),
                    num(limit),
                    only.map_or(JsValue::NULL, num),
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|t| {
                let met: Vec<String> = t
                    .met
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or_default();
                TeamRow {
                    id: t.id as u32,
                    name: t.name,
                    leader_id: t.leader_id.map(|v| v as u32),
                    leader: t.leader,
                    size: t.size as u32,
                    week_points: t.week_points as i64,
                    points: t.points as i64,
                    streak: streak(&met, week),
                    stalled: t.stalled as u32,
                    leader_last_active: t.leader_last,
                }
            })
            .collect())
    }
}

impl Store {
    /// Staff make `new` (a member) the leader of team `team_id` (led by `old`), in one batch:
    /// the team's leader (only if it is still `old`), the handover recorded, the old and the
    /// new leader told by email (`leader` messages, unless unsubscribed), and both evaluated on
    /// the ladder. Whether it changed.
    pub async fn replace_leader(
        &self,
        c: &crate::db::settings::CampaignRow,
        team_id: u32,
        (old, new): (Option<u32>, u32),
        request_id: &str,
        (now, week): (f64, &str),
    ) -> AppResult<(bool, Vec<crate::db::outbox::Written>)> {
        use crate::db::outbox::Written;
        let old_v = old.map_or(JsValue::NULL, num);
        let mut b = Batch::new();
        b.extend([
            self.stmt(
                "UPDATE teams SET leader_id = ?3, leader_request = ?4 \
                 WHERE id = ?1 AND campaign_id = ?5 AND leader_id IS ?2 AND ?2 IS NOT ?3 \
                   AND EXISTS (SELECT 1 FROM supporters WHERE id = ?3 AND team_id = ?1)",
                &[
                    num(team_id),
                    old_v.clone(),
                    num(new),
                    text(request_id),
                    num(c.id),
                ],
            )?,
            self.stmt(
                "INSERT INTO team_events (campaign_id, team_id, actor_id, kind, subject_id, at) \
                 SELECT ?1, ?2, COALESCE(?3, ?4), 'handover', ?4, ?5 \
                 WHERE (SELECT leader_request FROM teams WHERE id = ?2) = ?6",
                &[
                    num(c.id),
                    num(team_id),
                    old_v.clone(),
                    num(new),
                    num(now),
                    text(request_id),
                ],
            )?,
        ]);
        let told = b.read::<Written>(self.stmt(
            "INSERT INTO outbox (campaign_id, kind, supporter_id, lang, dedupe, due_at, created_at, detail) \
             SELECT ?1, 'leader', s.id, s.lang, 'leader:' || ?5 || ':' || s.id, ?6, ?6, \
                    json_object('team', t.name, 'role', CASE WHEN s.id = ?4 THEN 'new' ELSE 'old' END, \
                      'leader', (SELECT first_name || ' ' || substr(last_name, 1, 1) || '.' FROM supporters WHERE id = ?4)) \
             FROM supporters s JOIN teams t ON t.id = ?2 \
             WHERE s.id IN (?3, ?4) AND t.leader_request = ?5 AND s.erased_at IS NULL AND s.unsubscribed_at IS NULL \
             ON CONFLICT (dedupe) DO NOTHING RETURNING id, due_at",
            &[num(c.id), num(team_id), old_v, num(new), text(request_id), num(now)],
        )?);
        let changed = b.read::<N>(self.stmt(
            "SELECT COUNT(*) AS n FROM teams WHERE id = ?1 AND leader_request = ?2",
            &[num(team_id), text(request_id)],
        )?);
        let (r, mut hooks) = self
            .team_evaluated(
                b,
                c,
                // The old leader (or the new one, for a team that had none) and the team's
                // leader now: both may move on the ladder.
                crate::db::ladder::Who::with_leaders(old.unwrap_or(new), Some(team_id)),
                (request_id, now, week),
            )
            .await?;
        hooks.extend(r.rows(told)?);
        Ok((r.first(changed)?.is_some_and(|n| n.n == 1.0), hooks))
    }

    /// Renames a team of the campaign; whether it exists.
    pub async fn rename_team(
        &self,
        campaign_id: u32,
        team_id: u32,
        name: &str,
        audit: D1PreparedStatement,
    ) -> AppResult<bool> {
        let mut b = Batch::new();
        let found = b.read::<N>(self.stmt(
            "UPDATE teams SET name = ?3 WHERE id = ?2 AND campaign_id = ?1 RETURNING id AS n",
            &[num(campaign_id), num(team_id), text(name)],
        )?);
        b.add(audit);
        Ok(b.run(self).await?.first(found)?.is_some())
    }

    /// A team of the campaign: its leader, size and invite code.
    pub async fn staff_team(
        &self,
        campaign_id: u32,
        team_id: u32,
    ) -> AppResult<Option<TeamBasics>> {
        self.first(
            "SELECT leader_id, size, invite_code FROM teams WHERE id = ?2 AND campaign_id = ?1",
            &[num(campaign_id), num(team_id)],
        )
        .await
    }
}

/// What a staff edit of a team reads first.
#[derive(Deserialize)]
pub struct TeamBasics {
    pub leader_id: Option<f64>,
    pub size: f64,
    pub invite_code: String,
}

/// Weeks in a row before `week` that appear in `met` (week keys).
fn streak(met: &[String], week: &str) -> u32 {
    let mut n = 0;
    while let Some(k) = rally_api::week::earlier(week, n as i64 + 1) {
        if !met.contains(&k) {
            break;
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::streak;

    #[test]
    fn a_streak_counts_complete_weeks_back_from_this_one() {
        let met = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(streak(&met(&["2026-W48", "2026-W47"]), "2026-W49"), 2);
        assert_eq!(streak(&met(&["2026-W47"]), "2026-W49"), 0);
        assert_eq!(streak(&met(&["2026-W49"]), "2026-W49"), 0);
        assert_eq!(streak(&met(&["2026-W01", "2025-W52"]), "2026-W02"), 2);
    }
}
