//! The widget builder's routes: staff create and edit petitions and pledges (owners and
//! organisers), and list them with their counts (any role).
//!
//! Both kinds are saved by one function, [`save`]; what differs (the table, the draft, the
//! columns) is an [`Item`]. An edit takes effect for readers at once in this isolate (its cached
//! metadata and the KV snapshot are dropped); other isolates keep their cached metadata for up
//! to 30 s.

use rally_api::{ErrorCode, FieldError, Look, PetitionDraft, PetitionStatus, PledgeDraft};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{json, now, param, store, view_cache};
use crate::staff::{self, Role};
use crate::store::{num, opt, status, text, Store};

/// Who may build widgets.
const BUILDERS: [Role; 2] = [Role::Owner, Role::Organiser];

/// A petition or pledge as the builder edits it, with its count.
#[derive(Serialize)]
pub struct Built<D> {
    #[serde(flatten)]
    draft: D,
    count: u64,
}

/// The columns every item has, read back after a save and listed.
const COMMON_COLUMNS: &str = "slug, body, base_goal, status, published, langs, accent, share_text";

/// What differs between petitions and pledges when the builder saves or lists them.
pub trait Item {
    /// `petition` or `pledge`: the route's parameter, the KV snapshot's kind, the audit's word.
    const KIND: &'static str;
    const TABLE: &'static str;
    /// The columns read back after a save and listed, beyond [`COMMON_COLUMNS`].
    const OWN_COLUMNS: &'static str;
    type Draft: DeserializeOwned + Serialize;
    type Row: DeserializeOwned;
    fn slug(draft: &mut Self::Draft) -> &mut String;
    /// The validated draft's slug and the values of its columns (the common ones included).
    fn columns(draft: &Self::Draft) -> Result<(String, Columns), Vec<FieldError>>;
    fn built(row: Self::Row) -> Built<Self::Draft>;
}

/// `(column, value)` pairs of a save.
type Columns = Vec<(&'static str, JsValue)>;

/// The columns every item has, from its validated fields.
fn common(goal: u32, status: PetitionStatus, published: bool, look: &Look) -> Columns {
    vec![
        ("base_goal", num(goal)),
        (
            "status",
            text(match status {
                PetitionStatus::Open => "open",
                PetitionStatus::Closed => "closed",
            }),
        ),
        ("published", num(u8::from(published))),
        ("langs", text(&look.langs.join(","))),
        ("accent", text(&look.accent)),
        ("share_text", text(&look.share_text)),
    ]
}

pub struct Petition;

#[derive(Deserialize)]
pub struct PetitionRow {
    // The common columns first (`COMMON_COLUMNS`). Flat rather than a flattened shared struct:
    // flattening buffers D1's numbers as floats first (see `StandingRow`).
    slug: String,
    body: String,
    base_goal: f64,
    status: String,
    published: f64,
    langs: String,
    accent: String,
    share_text: String,
    title: String,
    target: String,
    signature_count: f64,
}

impl Item for Petition {
    const KIND: &'static str = "petition";
    const TABLE: &'static str = "petitions";
    const OWN_COLUMNS: &'static str = "title, target, signature_count";
    type Draft = PetitionDraft;
    type Row = PetitionRow;

    fn slug(draft: &mut PetitionDraft) -> &mut String {
        &mut draft.slug
    }

    fn columns(draft: &PetitionDraft) -> Result<(String, Columns), Vec<FieldError>> {
        let v = draft.validate()?;
        let mut c = vec![
            ("title", text(&v.title)),
            ("body", text(&v.body)),
            ("target", text(&v.target)),
        ];
        c.extend(common(v.goal, v.status, v.published, &v.look));
        Ok((v.slug, c))
    }

    fn built(r: PetitionRow) -> Built<PetitionDraft> {
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

pub struct Pledge;

#[derive(Deserialize)]
pub struct PledgeRow {
    slug: String,
    body: String,
    base_goal: f64,
    status: String,
    published: f64,
    langs: String,
    accent: String,
    share_text: String,
    statement: String,
    starts_at: Option<f64>,
    ends_at: Option<f64>,
    place: Option<String>,
    commitment_count: f64,
}

impl Item for Pledge {
    const KIND: &'static str = "pledge";
    const TABLE: &'static str = "pledges";
    const OWN_COLUMNS: &'static str = "statement, starts_at, ends_at, place, commitment_count";
    type Draft = PledgeDraft;
    type Row = PledgeRow;

    fn slug(draft: &mut PledgeDraft) -> &mut String {
        &mut draft.slug
    }

    fn columns(draft: &PledgeDraft) -> Result<(String, Columns), Vec<FieldError>> {
        let v = draft.validate()?;
        let time = |t: Option<u64>| t.map_or(JsValue::NULL, |t| num(t as f64));
        let mut c = vec![
            ("statement", text(&v.statement)),
            ("body", text(&v.body)),
            ("starts_at", time(v.starts_at)),
            ("ends_at", time(v.ends_at)),
            ("place", opt(v.place.as_deref())),
        ];
        c.extend(common(v.goal, v.status, v.published, &v.look));
        Ok((v.slug, c))
    }

    fn built(r: PledgeRow) -> Built<PledgeDraft> {
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

/// The columns a save reads back and the list reads.
fn read_columns<I: Item>() -> String {
    format!("{COMMON_COLUMNS}, {}", I::OWN_COLUMNS)
}

/// Every item of kind `I` in the campaign, newest first.
async fn all<I: Item>(store: &Store, campaign_id: u32) -> AppResult<Vec<Built<I::Draft>>> {
    let rows: Vec<I::Row> = store
        .all(
            &format!(
                "SELECT {} FROM {} WHERE campaign_id = ?1 ORDER BY id DESC",
                read_columns::<I>(),
                I::TABLE
            ),
            &[num(campaign_id)],
        )
        .await?;
    Ok(rows.into_iter().map(I::built).collect())
}

#[derive(Serialize)]
struct Widgets {
    petitions: Vec<Built<PetitionDraft>>,
    pledges: Vec<Built<PledgeDraft>>,
}

/// `GET /api/v1/campaigns/:campaign/staff/widgets`: every petition and pledge, newest first.
pub async fn list(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let widgets = Widgets {
        petitions: all::<Petition>(&store, who.campaign_id).await?,
        pledges: all::<Pledge>(&store, who.campaign_id).await?,
    };
    json(&widgets, 200)
}

/// `POST /api/v1/campaigns/:campaign/staff/{petitions,pledges}` creates;
/// `PUT .../staff/petitions/:petition` and `.../staff/pledges/:pledge` edit. Owners and
/// organisers. The write and its audit row are one batch.
pub async fn save<I: Item>(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&BUILDERS, "create or edit widgets")?;
    let mut draft: I::Draft = guard::json_body(&mut req).await?;
    let editing = ctx.param(I::KIND).is_some();
    if editing {
        // The slug is the path's: embeds and shared links name it, so it cannot change.
        let path = param(&ctx, I::KIND)?;
        let slug = I::slug(&mut draft);
        if !slug.trim().is_empty() && slug.trim() != path {
            return Err(AppError::field(
                ErrorCode::InvalidValue,
                "slug",
                "slug cannot change once created: embeds and shared links use it",
            ));
        }
        *slug = path.to_owned();
    }
    let (slug, columns) = I::columns(&draft).map_err(AppError::Invalid)?;
    let at = now();
    // ?1 campaign, ?2 slug, ?3 now, then the columns' values from ?4.
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let (table, read) = (I::TABLE, read_columns::<I>());
    let sql = if editing {
        let set: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n} = ?{}", i + 4))
            .collect();
        format!(
            "UPDATE {table} SET {}, updated_at = ?3 WHERE campaign_id = ?1 AND slug = ?2 RETURNING {read}",
            set.join(", ")
        )
    } else {
        let values: Vec<String> = (0..names.len()).map(|i| format!("?{}", i + 4)).collect();
        format!(
            "INSERT INTO {table} (campaign_id, slug, created_at, updated_at, {}) \
             VALUES (?1, ?2, ?3, ?3, {}) ON CONFLICT (campaign_id, slug) DO NOTHING RETURNING {read}",
            names.join(", "),
            values.join(", ")
        )
    };
    let mut args = vec![num(who.campaign_id), text(&slug), num(at)];
    args.extend(columns.into_iter().map(|(_, v)| v));
    let action = format!("{}_{}", I::KIND, if editing { "update" } else { "create" });
    let results = store
        .batch(vec![
            store.stmt(&sql, &args)?,
            // Audited only if the write happened (the row is there with this moment's stamp).
            store.stmt(
                &format!(
                    "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) \
                     SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM {table} \
                     WHERE campaign_id = ?1 AND slug = ?4 AND updated_at = ?5)"
                ),
                &[
                    num(who.campaign_id),
                    num(who.id),
                    text(&action),
                    text(&slug),
                    num(at),
                ],
            )?,
        ])
        .await?;
    let row: Option<I::Row> = results
        .into_iter()
        .next()
        .map(|r| r.results::<I::Row>())
        .transpose()?
        .and_then(|rows| rows.into_iter().next());
    let row = row.ok_or_else(|| {
        if editing {
            AppError::not_found(I::KIND)
        } else {
            AppError::field(
                ErrorCode::Taken,
                "slug",
                format!(
                    "another {} of this campaign already uses this slug",
                    I::KIND
                ),
            )
        }
    })?;
    // Readers read the edit from D1 from now on.
    let campaign = param(&ctx, "campaign")?;
    crate::store::forget_meta(campaign, &slug);
    view_cache(&ctx)?
        .drop_key(&crate::cache::key(I::KIND, campaign, &slug))
        .await;
    json(&I::built(row), if editing { 200 } else { 201 })
}
