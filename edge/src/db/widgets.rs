//! Petitions and pledges as the widget builder saves and lists them. What differs between the
//! two (the table, the draft, the columns) is an [`Item`]; the INSERT and UPDATE are written
//! from an item's `(column, value)` pairs, with the audit row in the same batch.

use rally_api::builder::Built;
use std::collections::BTreeMap;

use rally_api::{FieldError, Look, PetitionDraft, PetitionStatus, PledgeDraft, Translation};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::db::act::status;
use crate::db::{num, opt, text, Batch, Store};
use crate::error::AppResult;

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
pub type Columns = Vec<(&'static str, JsValue)>;

/// The item's words in its other languages, stored as JSON.
fn translations(t: &BTreeMap<String, Translation>) -> (&'static str, JsValue) {
    let json = serde_json::to_string(t).unwrap_or_else(|_| "{}".into());
    ("translations", text(&json))
}

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
    translations: String,
    shards: f64,
}

impl Item for Petition {
    const KIND: &'static str = "petition";
    const TABLE: &'static str = "petitions";
    const OWN_COLUMNS: &'static str = "title, target, signature_count, translations, shards";
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
            translations(&v.translations),
        ];
        c.extend(common(v.goal, v.status, v.published, &v.look));
        Ok((v.slug, c))
    }

    fn built(r: PetitionRow) -> Built<PetitionDraft> {
        let look = crate::db::act::look(&r.langs, &r.accent, &r.share_text);
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
                translations: serde_json::from_str(&r.translations).unwrap_or_default(),
            },
            count: r.signature_count as u64,
            shards: r.shards as u32,
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
    translations: String,
    shards: f64,
}

impl Item for Pledge {
    const KIND: &'static str = "pledge";
    const TABLE: &'static str = "pledges";
    const OWN_COLUMNS: &'static str =
        "statement, starts_at, ends_at, place, commitment_count, translations, shards";
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
            translations(&v.translations),
        ];
        c.extend(common(v.goal, v.status, v.published, &v.look));
        Ok((v.slug, c))
    }

    fn built(r: PledgeRow) -> Built<PledgeDraft> {
        let look = crate::db::act::look(&r.langs, &r.accent, &r.share_text);
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
                translations: serde_json::from_str(&r.translations).unwrap_or_default(),
            },
            count: r.commitment_count as u64,
            shards: r.shards as u32,
        }
    }
}

/// The columns a save reads back and the list reads.
pub fn read_columns<I: Item>() -> String {
    format!("{COMMON_COLUMNS}, {}", I::OWN_COLUMNS)
}

/// Every item of kind `I` in the campaign, newest first.
pub async fn all<I: Item>(store: &Store, campaign_id: u32) -> AppResult<Vec<Built<I::Draft>>> {
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

/// A save: which item, by whom, and its validated columns.
pub struct Save<'a> {
    pub campaign_id: u32,
    pub staff_id: u32,
    pub slug: &'a str,
    pub columns: Columns,
    /// An edit of an existing item (else a creation, refused if the slug is taken).
    pub editing: bool,
    pub at: f64,
}

impl Store {
    /// Writes an item and, only if the write happened, its audit row, in one batch; the row as
    /// stored, or `None` when there was nothing to edit or the slug was taken.
    pub async fn save_item<I: Item>(&self, s: Save<'_>) -> AppResult<Option<I::Row>> {
        // ?1 campaign, ?2 slug, ?3 now, then the columns' values from ?4.
        let names: Vec<&str> = s.columns.iter().map(|(n, _)| *n).collect();
        let (table, read) = (I::TABLE, read_columns::<I>());
        let sql = if s.editing {
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
        let mut args = vec![num(s.campaign_id), text(s.slug), num(s.at)];
        args.extend(s.columns.into_iter().map(|(_, v)| v));
        let action = format!(
            "{}_{}",
            I::KIND,
            if s.editing { "update" } else { "create" }
        );
        let mut b = Batch::new();
        let row = b.read::<I::Row>(self.stmt(&sql, &args)?);
        // Audited only if the write happened (the row is there with this moment's stamp).
        b.add(self.stmt(
            &format!(
                "INSERT INTO staff_audit (campaign_id, staff_id, action, detail, at) \
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM {table} \
                 WHERE campaign_id = ?1 AND slug = ?4 AND updated_at = ?5)"
            ),
            &[
                num(s.campaign_id),
                num(s.staff_id),
                text(&action),
                text(s.slug),
                num(s.at),
            ],
        )?);
        b.run(self).await?.first(row)
    }
}
