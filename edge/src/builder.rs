//! The widget builder's routes: staff create and edit petitions and pledges (owners and
//! organisers), and list them with their counts (any role).
//!
//! An edit takes effect for readers at once in this isolate (its cached metadata and the KV
//! snapshot are dropped); other isolates keep their cached metadata for up to 30 s.

use rally_api::{
    ErrorCode, Look, PetitionDraft, PetitionStatus, PledgeDraft, ValidPetition, ValidPledge,
};
use serde::{Deserialize, Serialize};
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{json, now, param, store, view_cache};
use crate::staff::{self, Role};
use crate::store::{num, opt, text, Store};

/// Who may build widgets.
const BUILDERS: [Role; 2] = [Role::Owner, Role::Organiser];

#[derive(Deserialize)]
struct PetitionRow {
    slug: String,
    title: String,
    body: String,
    target: String,
    base_goal: f64,
    status: String,
    published: f64,
    langs: String,
    accent: String,
    share_text: String,
    signature_count: f64,
}

#[derive(Deserialize)]
struct PledgeRow {
    slug: String,
    statement: String,
    body: String,
    starts_at: Option<f64>,
    ends_at: Option<f64>,
    place: Option<String>,
    base_goal: f64,
    status: String,
    published: f64,
    langs: String,
    accent: String,
    share_text: String,
    commitment_count: f64,
}

/// A petition or pledge as the builder edits it, with its count.
#[derive(Serialize)]
struct Built<D> {
    #[serde(flatten)]
    draft: D,
    count: u64,
}

#[derive(Serialize)]
struct Widgets {
    petitions: Vec<Built<PetitionDraft>>,
    pledges: Vec<Built<PledgeDraft>>,
}

fn status(s: &str) -> PetitionStatus {
    if s == "open" {
        PetitionStatus::Open
    } else {
        PetitionStatus::Closed
    }
}

fn status_str(s: PetitionStatus) -> &'static str {
    match s {
        PetitionStatus::Open => "open",
        PetitionStatus::Closed => "closed",
    }
}

fn langs(l: &Look) -> String {
    l.langs.join(",")
}

impl From<PetitionRow> for Built<PetitionDraft> {
    fn from(r: PetitionRow) -> Self {
        let look = crate::store::look(&r.langs, &r.accent, &r.share_text);
        Built {
            draft: PetitionDraft {
                slug: r.slug,
                title: r.title,
                body: r.body,
                target: r.target,
                goal: Some(r.base_goal as u64),
                status: Some(status(&r.status)),
                published: Some(r.published != 0.0),
                langs: look.langs,
                accent: look.accent,
                share_text: look.share_text,
            },
            count: r.signature_count as u64,
        }
    }
}

impl From<PledgeRow> for Built<PledgeDraft> {
    fn from(r: PledgeRow) -> Self {
        let look = crate::store::look(&r.langs, &r.accent, &r.share_text);
        Built {
            draft: PledgeDraft {
                slug: r.slug,
                statement: r.statement,
                body: r.body,
                starts_at: r.starts_at.map(|t| t as u64),
                ends_at: r.ends_at.map(|t| t as u64),
                place: r.place.unwrap_or_default(),
                goal: Some(r.base_goal as u64),
                status: Some(status(&r.status)),
                published: Some(r.published != 0.0),
                langs: look.langs,
                accent: look.accent,
                share_text: look.share_text,
            },
            count: r.commitment_count as u64,
        }
    }
}

const PETITION_COLUMNS: &str =
    "slug, title, body, target, base_goal, status, published, langs, accent, share_text, signature_count";
const PLEDGE_COLUMNS: &str =
    "slug, statement, body, starts_at, ends_at, place, base_goal, status, published, \
     langs, accent, share_text, commitment_count";

/// `GET /api/v1/campaigns/:campaign/staff/widgets`: every petition and pledge, newest first.
pub async fn list(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let petitions: Vec<PetitionRow> = store
        .all(
            &format!(
                "SELECT {PETITION_COLUMNS} FROM petitions WHERE campaign_id = ?1 ORDER BY id DESC"
            ),
            &[num(who.campaign_id)],
        )
        .await?;
    let pledges: Vec<PledgeRow> = store
        .all(
            &format!(
                "SELECT {PLEDGE_COLUMNS} FROM pledges WHERE campaign_id = ?1 ORDER BY id DESC"
            ),
            &[num(who.campaign_id)],
        )
        .await?;
    json(
        &Widgets {
            petitions: petitions.into_iter().map(Built::from).collect(),
            pledges: pledges.into_iter().map(Built::from).collect(),
        },
        200,
    )
}

/// Refuses an edit that would change the slug: embeds and shared links name it.
fn same_slug(path: &str, body: &str) -> AppResult<()> {
    if body.trim().is_empty() || body.trim() == path {
        Ok(())
    } else {
        Err(AppError::field(
            ErrorCode::InvalidValue,
            "slug",
            "slug cannot change once created: embeds and shared links use it",
        ))
    }
}

/// Drops what readers cache of `kind` `slug`, so they read the edit from D1.
async fn forget_cached(ctx: &RouteContext<()>, kind: &str, campaign: &str, slug: &str) {
    crate::store::forget_meta(campaign, slug);
    if let Ok(cache) = view_cache(ctx) {
        cache
            .drop_key(&crate::cache::key(kind, campaign, slug))
            .await;
    }
}

/// `POST /api/v1/campaigns/:campaign/staff/petitions` (create) and
/// `PUT .../staff/petitions/:petition` (edit): owners and organisers.
pub async fn save_petition(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&BUILDERS, "create or edit widgets")?;
    let mut draft: PetitionDraft = guard::json_body(&mut req).await?;
    let editing = ctx.param("petition").is_some();
    if editing {
        let slug = param(&ctx, "petition")?;
        same_slug(slug, &draft.slug)?;
        draft.slug = slug.to_owned();
    }
    let v: ValidPetition = draft.validate().map_err(AppError::Invalid)?;
    let at = now();
    let args = [
        num(who.campaign_id),
        text(&v.slug),
        text(&v.title),
        text(&v.body),
        text(&v.target),
        num(v.goal),
        text(status_str(v.status)),
        text(&langs(&v.look)),
        text(&v.look.accent),
        text(&v.look.share_text),
        num(at),
        num(u8::from(v.published)),
    ];
    let sql = if editing {
        format!(
            "UPDATE petitions SET title = ?3, body = ?4, target = ?5, base_goal = ?6, status = ?7, \
             langs = ?8, accent = ?9, share_text = ?10, updated_at = ?11, published = ?12 \
             WHERE campaign_id = ?1 AND slug = ?2 RETURNING {PETITION_COLUMNS}"
        )
    } else {
        format!(
            "INSERT INTO petitions (campaign_id, slug, title, body, target, base_goal, status, langs, \
             accent, share_text, created_at, updated_at, published) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12) \
             ON CONFLICT (campaign_id, slug) DO NOTHING RETURNING {PETITION_COLUMNS}"
        )
    };
    let (action, what) = if editing {
        ("petition_update", "petition")
    } else {
        ("petition_create", "petition")
    };
    let row: Option<PetitionRow> = save(&store, &who, &sql, &args, action, &v.slug, at).await?;
    let row = row.ok_or_else(|| missing_or_taken(editing, what))?;
    let campaign = param(&ctx, "campaign")?;
    forget_cached(&ctx, "petition", campaign, &v.slug).await;
    json(&Built::from(row), if editing { 200 } else { 201 })
}

/// `POST /api/v1/campaigns/:campaign/staff/pledges` and `PUT .../staff/pledges/:pledge`.
pub async fn save_pledge(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&BUILDERS, "create or edit widgets")?;
    let mut draft: PledgeDraft = guard::json_body(&mut req).await?;
    let editing = ctx.param("pledge").is_some();
    if editing {
        let slug = param(&ctx, "pledge")?;
        same_slug(slug, &draft.slug)?;
        draft.slug = slug.to_owned();
    }
    let v: ValidPledge = draft.validate().map_err(AppError::Invalid)?;
    let at = now();
    let time = |t: Option<u64>| t.map_or(wasm_bindgen::JsValue::NULL, |t| num(t as f64));
    let args = [
        num(who.campaign_id),
        text(&v.slug),
        text(&v.statement),
        text(&v.body),
        time(v.starts_at),
        time(v.ends_at),
        opt(v.place.as_deref()),
        num(v.goal),
        text(status_str(v.status)),
        text(&langs(&v.look)),
        text(&v.look.accent),
        text(&v.look.share_text),
        num(at),
        num(u8::from(v.published)),
    ];
    let sql = if editing {
        format!(
            "UPDATE pledges SET statement = ?3, body = ?4, starts_at = ?5, ends_at = ?6, place = ?7, \
             base_goal = ?8, status = ?9, langs = ?10, accent = ?11, share_text = ?12, updated_at = ?13, \
             published = ?14 WHERE campaign_id = ?1 AND slug = ?2 RETURNING {PLEDGE_COLUMNS}"
        )
    } else {
        format!(
            "INSERT INTO pledges (campaign_id, slug, statement, body, starts_at, ends_at, place, base_goal, \
             status, langs, accent, share_text, created_at, updated_at, published) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14) \
             ON CONFLICT (campaign_id, slug) DO NOTHING RETURNING {PLEDGE_COLUMNS}"
        )
    };
    let action = if editing {
        "pledge_update"
    } else {
        "pledge_create"
    };
    let row: Option<PledgeRow> = save(&store, &who, &sql, &args, action, &v.slug, at).await?;
    let row = row.ok_or_else(|| missing_or_taken(editing, "pledge"))?;
    let campaign = param(&ctx, "campaign")?;
    forget_cached(&ctx, "pledge", campaign, &v.slug).await;
    json(&Built::from(row), if editing { 200 } else { 201 })
}

/// Runs the write and its audit row in one batch; the written row, if the write happened.
async fn save<T: serde::de::DeserializeOwned>(
    store: &Store,
    who: &staff::Staff,
    sql: &str,
    args: &[wasm_bindgen::JsValue],
    action: &str,
    slug: &str,
    at: f64,
) -> AppResult<Option<T>> {
    let results = store
        .batch(vec![
            store.stmt(sql, args)?,
            // Audited only if the write happened (the row is there with this moment's stamp).
            store.stmt(
                &format!(
                    "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) \
                     SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM {} \
                     WHERE campaign_id = ?1 AND slug = ?4 AND updated_at = ?5)",
                    if action.starts_with("petition") {
                        "petitions"
                    } else {
                        "pledges"
                    }
                ),
                &[
                    num(who.campaign_id),
                    num(who.id),
                    text(action),
                    text(slug),
                    num(at),
                ],
            )?,
        ])
        .await?;
    Ok(results
        .into_iter()
        .next()
        .map(|r| r.results::<T>())
        .transpose()?
        .and_then(|rows| rows.into_iter().next()))
}

fn missing_or_taken(editing: bool, what: &str) -> AppError {
    if editing {
        AppError::not_found(what)
    } else {
        AppError::field(
            ErrorCode::Taken,
            "slug",
            format!("another {what} of this campaign already uses this slug"),
        )
    }
}
