//! The staff's supporter list (filters that combine, keyset pages, the count, saved filters),
//! bulk jobs on a filter's people (tag, untag: one bounded slice a `PEOPLE` queue message), a
//! person's timeline, and the Teams tab (rename, move a member, replace the leader).
//!
//! Every role reads the list and the teams (names, counts); only owners and organisers see
//! emails, as for the rest of the people's data (`super::people`).

use hmac::{Hmac, Mac};
use rally_api::people::{
    BulkDraft, BulkStart, Count, Cursor, Filter, FilterDraft, ListQuery, Page, PersonTag, Refusal,
    TeamEdit, TeamsPage,
};
use rally_api::ErrorCode;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use worker::{Env, Request, Response};

use crate::auth::staff::{signed_in, Role, Staff};
use crate::db::roster::{compile, NewBulk, Scope, Where};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, param, store, Ctx};
use crate::meter::Shared;

/// The bulk jobs' queue.
pub const QUEUE: &str = "rally-people";

/// Who sees emails, tags people and starts bulk work.
const PEOPLE: &[Role] = &[Role::Owner, Role::Organiser];

/// Teams a page.
const TEAMS_PAGE: u32 = 50;

fn refused(r: Refusal) -> AppError {
    AppError::field(r.code, &r.field, r.message)
}

fn pairs(req: &Request) -> AppResult<Vec<(String, String)>> {
    Ok(req
        .url()?
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// What the filter needs from the campaign's calendar (one query, only when it has dates or
/// weeks).
pub async fn scope(store: &Store, campaign_id: u32, f: &Filter) -> AppResult<Scope> {
    let mut s = Scope {
        campaign_id,
        from_ms: None,
        to_ms: None,
        weeks: None,
    };
    if f.from.is_none() && f.to.is_none() && f.goal_weeks.is_none() {
        return Ok(s);
    }
    #[derive(Deserialize)]
    struct Tz {
        timezone: String,
    }
    let tz = store
        .first::<Tz>(
            "SELECT timezone FROM campaigns WHERE id = ?1",
            &[crate::db::num(campaign_id)],
        )
        .await?
        .map_or_else(|| "UTC".to_owned(), |t| t.timezone);
    s.from_ms = f.from.as_deref().and_then(|d| http::local_midnight(d, &tz));
    s.to_ms = f.to.as_deref().and_then(|d| {
        let (y, m, dd) = rally_api::week::parse_date(d)?;
        let next = rally_api::week::days_from_civil(y, m, dd) + 1;
        http::local_midnight(&http::iso_date(next as f64 * 86_400_000.0), &tz)
    });
    if let Some(k) = f.goal_weeks {
        let current = http::week_of(now(), &tz);
        if let Some(first) = rally_api::week::earlier(&current, k as i64) {
            s.weeks = Some((first, current));
        }
    }
    Ok(s)
}

/// The filter compiled for the campaign.
pub async fn compiled(store: &Store, campaign_id: u32, f: &Filter) -> AppResult<Where> {
    Ok(compile(f, &scope(store, campaign_id, f).await?))
}

fn cursor_mac(env: &Env, campaign_id: u32, body: &str) -> AppResult<String> {
    let secret = crate::auth::token::secret(env)?;
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| AppError::Internal(format!("hmac key: {e}")))?;
    m.update(format!("rally-cursor\0{campaign_id}\0{body}").as_bytes());
    Ok(m.finalize().into_bytes()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A cursor as handed out: its text and a MAC, so a cursor we did not write is refused.
fn seal(env: &Env, campaign_id: u32, c: Cursor) -> AppResult<String> {
    let body = c.body();
    Ok(format!("{body}.{}", cursor_mac(env, campaign_id, &body)?))
}

fn open(env: &Env, campaign_id: u32, text: &str) -> AppResult<Cursor> {
    let bad = || {
        AppError::field(
            ErrorCode::InvalidValue,
            "cursor",
            "cursor is not one this list handed out",
        )
    };
    let (body, mac) = text.rsplit_once('.').ok_or_else(bad)?;
    if cursor_mac(env, campaign_id, body)? != mac {
        return Err(bad());
    }
    Cursor::read(body).ok_or_else(bad)
}

/// `GET /api/v1/campaigns/:campaign/staff/people?<filter>&sort=&cursor=&limit=`: a page of the
/// people matching the filter, and the next page's cursor.
pub async fn list(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let p = pairs(&req)?;
    let q =
        ListQuery::from_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(refused)?;
    let after = match &q.cursor {
        None => None,
        Some(t) => {
            let c = open(&ctx.env, who.campaign_id, t)?;
            if c.sort != q.sort {
                return Err(AppError::field(
                    ErrorCode::InvalidValue,
                    "cursor",
                    "this cursor belongs to the list in another order",
                ));
            }
            Some(c)
        }
    };
    let w = compiled(&store, who.campaign_id, &q.filter).await?;
    let emails = PEOPLE.contains(&who.role);
    let (rows, next) = store.roster_page(w, q.sort, after, q.limit, emails).await?;
    let next = next
        .map(|c| seal(&ctx.env, who.campaign_id, c))
        .transpose()?;
    json(
        &Page {
            rows,
            next,
            filter: q.filter.to_query(),
        },
        200,
    )
}

/// `GET /api/v1/campaigns/:campaign/staff/people/count?<filter>`: how many match.
pub async fn count(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let p = pairs(&req)?;
    let f = Filter::from_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(refused)?;
    let w = compiled(&store, who.campaign_id, &f).await?;
    json(
        &Count {
            count: store.roster_count(&w).await?,
            filter: f.to_query(),
        },
        200,
    )
}

/// `GET /api/v1/campaigns/:campaign/staff/filters`: the saved filters.
pub async fn filters(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    json(&store.saved_filters(who.campaign_id).await?, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/filters` `{ "name", "filter" }`: saves a filter
/// under a name (the same name replaces it).
pub async fn save_filter(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "save filters")?;
    let d: FilterDraft = http::json_body(&mut req).await?;
    let name = d.name.as_deref().map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(AppError::field(
            ErrorCode::Required,
            "name",
            "a saved filter needs a name",
        ));
    }
    if name.chars().count() > 60 {
        return Err(AppError::field(
            ErrorCode::TooLong,
            "name",
            "a filter's name has at most 60 characters",
        ));
    }
    let f = Filter::parse(d.filter.as_deref().unwrap_or_default()).map_err(refused)?;
    let at = now();
    let audit = store.audit_stmt(who.campaign_id, who.id, "filter_save", name, at)?;
    let saved = store
        .save_filter(who.campaign_id, name, &f.to_query(), who.id, at, audit)
        .await?
        .ok_or_else(|| AppError::Internal("saved filter not returned".into()))?;
    json(&saved, 201)
}

/// `DELETE /api/v1/campaigns/:campaign/staff/filters/:id`.
pub async fn delete_filter(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "delete filters")?;
    let id = id_param(&ctx, "id", "saved filter")?;
    if !store.delete_filter(who.campaign_id, id).await? {
        return Err(AppError::not_found("saved filter"));
    }
    json(&serde_json::json!({ "deleted": id }), 200)
}

fn id_param(ctx: &Ctx, name: &str, what: &str) -> AppResult<u32> {
    param(ctx, name)?
        .parse()
        .map_err(|_| AppError::not_found(what))
}

/// A bulk slice, as its queue message carries it.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Slice {
    pub job: u32,
    pub seq: u32,
}

async fn queue_slice(env: &Env, meter: &Shared, s: Slice) -> AppResult<()> {
    meter.fetch();
    env.queue("PEOPLE")
        .map_err(|e| AppError::Internal(format!("queue PEOPLE: {e}")))?
        .send(s)
        .await
        .map_err(|e| AppError::Internal(format!("queue PEOPLE: {e}")))
}

/// `POST /api/v1/campaigns/:campaign/staff/people/bulk` `{ "op": "tag", "tag", "filter" }`:
/// starts a job that tags (or untags) everyone the filter matches; a filter matching nobody
/// does nothing and says so (`matched: 0`, no job).
pub async fn bulk(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "tag people")?;
    let d: BulkDraft = http::json_body(&mut req).await?;
    let op =
        d.op.ok_or_else(|| AppError::field(ErrorCode::Required, "op", "op is tag or untag"))?;
    let tag =
        rally_api::people::tag(d.tag.as_deref().unwrap_or_default(), "tag").map_err(refused)?;
    let f = Filter::parse(d.filter.as_deref().unwrap_or_default()).map_err(refused)?;
    let w = compiled(&store, who.campaign_id, &f).await?;
    let matched = store.roster_count(&w).await?;
    if matched == 0 {
        return json(
            &BulkStart {
                matched: 0,
                job: None,
                message: Some("the filter matches nobody: nothing was done".into()),
            },
            200,
        );
    }
    let at = now();
    let filter = f.to_query();
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        &format!("bulk_{}", op.as_str()),
        &format!("{tag} ({matched}): {filter}"),
        at,
    )?;
    let job = store
        .create_bulk_job(
            &NewBulk {
                campaign_id: who.campaign_id,
                op,
                tag: &tag,
                filter: &filter,
                expected: matched,
                created_by: who.id,
                now: at,
            },
            audit,
        )
        .await?
        .ok_or_else(|| AppError::Internal("bulk job not returned".into()))?;
    // If this send is lost, the cron queues the slice once the job looks stalled.
    if let Err(e) = queue_slice(
        &ctx.env,
        &ctx.meter,
        Slice {
            job: job.view.id,
            seq: 0,
        },
    )
    .await
    {
        worker::console_error!("bulk job {}: first slice not queued: {e:?}", job.view.id);
    }
    json(
        &BulkStart {
            matched,
            job: Some(job.view),
            message: None,
        },
        202,
    )
}

/// `GET /api/v1/campaigns/:campaign/staff/people/bulk`: the newest 20 bulk jobs.
pub async fn bulk_jobs(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    json(&store.bulk_jobs(who.campaign_id).await?, 200)
}

impl crate::staff::slices::Slice for Slice {
    const LABEL: &'static str = "people slice";
    async fn run(self, env: &Env, meter: &Shared) -> AppResult<()> {
        slice(env, meter, self).await
    }
}

/// One slice of a bulk job (nothing, if another delivery did it first), and the next queued.
pub async fn slice(env: &Env, meter: &Shared, s: Slice) -> AppResult<()> {
    let store = Store::open(env, meter)?;
    let Some(job) = store.bulk_job(s.job).await? else {
        return Ok(());
    };
    if job.view.status != "running" || job.seq != s.seq {
        return Ok(());
    }
    let f = Filter::parse(&job.view.filter).map_err(|r| AppError::Internal(r.message))?;
    let w = compiled(&store, job.campaign_id, &f).await?;
    let running = store
        .bulk_slice(&job, &w, now(), &http::request_id()?)
        .await?;
    if running {
        queue_slice(
            env,
            meter,
            Slice {
                job: s.job,
                seq: s.seq + 1,
            },
        )
        .await?;
    }
    Ok(())
}

/// The cron's part: slices of jobs idle for `stale_ms` queued again (at most 10 a run).
pub async fn sweep(env: &Env, meter: &Shared, stale_ms: f64) -> AppResult<()> {
    #[derive(Deserialize)]
    struct Stalled {
        id: f64,
        seq: f64,
    }
    let store = Store::open(env, meter)?;
    let stalled: Vec<Stalled> = store
        .all(
            "SELECT id, seq FROM people_jobs WHERE status = 'running' AND updated_at < ?1 LIMIT 10",
            &[crate::db::num(now() - stale_ms)],
        )
        .await?;
    for j in stalled {
        let s = Slice {
            job: j.id as u32,
            seq: j.seq as u32,
        };
        if let Err(e) = queue_slice(env, meter, s).await {
            worker::console_error!("bulk job {}: slice not requeued: {e:?}", s.job);
        }
    }
    Ok(())
}

/// `POST /api/v1/campaigns/:campaign/staff/people/export` `{ "filter" }`: the filter's people
/// as CSV, through a background export job (any size; its progress and file as for the other
/// exports).
pub async fn export(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "export supporters' data")?;
    let d: FilterDraft = http::json_body(&mut req).await?;
    let f = Filter::parse(d.filter.as_deref().unwrap_or_default()).map_err(refused)?;
    let w = compiled(&store, who.campaign_id, &f).await?;
    let rows = store.roster_count(&w).await?;
    crate::staff::export_jobs::begin(&ctx, &store, &who, "people", Some(&f.to_query()), rows).await
}

/// `GET /api/v1/campaigns/:campaign/staff/supporters/:id/timeline`: a person's page (audited).
pub async fn timeline(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let id = id_param(&ctx, "id", "supporter")?;
    let t = store
        .timeline(who.campaign_id, id, PEOPLE.contains(&who.role))
        .await?
        .ok_or_else(|| AppError::not_found("supporter"))?;
    who.audit(&store, "person_view", &id.to_string()).await?;
    let mut resp = json(&t, 200)?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// `POST .../staff/supporters/:id/tags` `{ "tag", "on": true }`: tags (or untags) one person.
pub async fn tag_one(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "tag people")?;
    let id = id_param(&ctx, "id", "supporter")?;
    let d: PersonTag = http::json_body(&mut req).await?;
    let tag =
        rally_api::people::tag(d.tag.as_deref().unwrap_or_default(), "tag").map_err(refused)?;
    let on = d.on.unwrap_or(true);
    store
        .person_view(who.campaign_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("supporter"))?;
    let at = now();
    let audit = store.audit_stmt(
        who.campaign_id,
        who.id,
        if on { "tag" } else { "untag" },
        &format!("{id}: {tag}"),
        at,
    )?;
    store
        .tag_person(who.campaign_id, id, &tag, on, at, audit)
        .await?;
    json(
        &PersonTag {
            tag: Some(tag),
            on: Some(on),
        },
        200,
    )
}

/// `GET /api/v1/campaigns/:campaign/staff/teams?cursor=`: a page of teams by all-time points.
pub async fn teams(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let c = http::campaign(&store, &ctx).await?;
    let mut after = None;
    for (k, v) in pairs(&req)? {
        match k.as_str() {
            "cursor" => {
                let cur = open(&ctx.env, who.campaign_id, &v)?;
                after = Some((cur.key, cur.id));
            }
            other => {
                return Err(AppError::field(
                    ErrorCode::InvalidValue,
                    other,
                    format!("{other} is not a parameter of the teams' list"),
                ))
            }
        }
    }
    let at = now();
    let week = http::week_of(at, &c.timezone);
    let earliest = rally_api::week::earlier(&week, 52).unwrap_or_default();
    let teams = store
        .staff_teams(
            who.campaign_id,
            (&week, &earliest),
            at,
            None,
            after,
            TEAMS_PAGE,
        )
        .await?;
    let next = match teams.last() {
        Some(t) if teams.len() == TEAMS_PAGE as usize => Some(seal(
            &ctx.env,
            who.campaign_id,
            Cursor {
                sort: rally_api::people::Sort::Points,
                key: t.points,
                id: t.id,
            },
        )?),
        _ => None,
    };
    json(&TeamsPage { teams, next }, 200)
}

/// `PATCH /api/v1/campaigns/:campaign/staff/teams/:id` `{ "name" }`, `{ "leader": id }` or
/// `{ "add_member": id }`: owner or organiser, audited.
pub async fn edit_team(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "change teams")?;
    let team_id = id_param(&ctx, "id", "team")?;
    let e: TeamEdit = http::json_body(&mut req).await?;
    let team = store
        .staff_team(who.campaign_id, team_id)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let at = now();
    if let Some(name) = e.name.as_deref() {
        let name = rally_api::NewTeam {
            name: name.to_owned(),
        }
        .validate()
        .map_err(|e| {
            let code = e.first().map_or(ErrorCode::InvalidValue, |f| f.code);
            AppError::field(
                code,
                "name",
                "a team's name is 1 to 40 characters of a name",
            )
        })?;
        let audit = store.audit_stmt(
            who.campaign_id,
            who.id,
            "team_rename",
            &format!("{team_id}: {name}"),
            at,
        )?;
        store
            .rename_team(who.campaign_id, team_id, &name, audit)
            .await?;
    }
    let c = http::campaign(&store, &ctx).await?;
    let week = http::week_of(at, &c.timezone);
    if let Some(new) = e.leader {
        let old = team.leader_id.map(|v| v as u32);
        if old != Some(new) {
            let request_id = http::request_id()?;
            let (changed, hooks) = store
                .replace_leader(&c, team_id, (old, new), &request_id, (at, &week))
                .await?;
            if !changed {
                return Err(AppError::field(
                    ErrorCode::InvalidValue,
                    "leader",
                    "the new leader must be a member of the team",
                ));
            }
            crate::mail::enqueue(&hooks);
            who.audit(
                &store,
                "team_leader",
                &format!("{team_id}: {old:?} -> {new}"),
            )
            .await?;
        }
    }
    if let Some(member) = e.add_member {
        move_member(
            &store,
            &c,
            &who,
            (team_id, &team.invite_code),
            member,
            (at, &week),
        )
        .await?;
    }
    let earliest = rally_api::week::earlier(&week, 52).unwrap_or_default();
    let row = store
        .staff_teams(
            who.campaign_id,
            (&week, &earliest),
            at,
            Some(team_id),
            None,
            1,
        )
        .await?;
    json(&row.first(), 200)
}

/// Moves `member` into the team (out of theirs, if any): a refusal when the team is full.
async fn move_member(
    store: &Store,
    c: &crate::db::settings::CampaignRow,
    who: &Staff,
    (team_id, invite): (u32, &str),
    member: u32,
    (at, week): (f64, &str),
) -> AppResult<()> {
    let current = store.team_of(c.id, member).await?;
    if current.as_ref().is_some_and(|t| t.id == team_id) {
        return Ok(());
    }
    store
        .person_view(c.id, member)
        .await?
        .ok_or_else(|| AppError::field(ErrorCode::NotFound, "add_member", "no such supporter"))?;
    let room = store
        .staff_team(c.id, team_id)
        .await?
        .is_some_and(|t| (t.size as u32) < c.team_size);
    if !room {
        return Err(AppError::field(
            ErrorCode::TeamFull,
            "add_member",
            "the team is full",
        ));
    }
    if let Some(t) = current {
        let (_, hooks) = store
            .leave_team(c, member, Some(t.id), &http::request_id()?, (at, week))
            .await?;
        crate::mail::enqueue(&hooks);
    }
    let (joined, hooks) = store
        .join_team(c, member, invite, &http::request_id()?, (at, week))
        .await?;
    crate::mail::enqueue(&hooks);
    joined.map_err(|_| AppError::field(ErrorCode::TeamFull, "add_member", "the team is full"))?;
    who.audit(store, "team_move", &format!("{member} -> {team_id}"))
        .await
}
