//! The OSDI API's reads: people, petitions and pledges, signatures and commitments, each page a
//! keyset range (`id > after ORDER BY id LIMIT n`), so the millionth row costs what the first
//! does.

use serde::Deserialize;

use crate::db::{num, text, Store};
use crate::error::AppResult;

/// A person, or an action with its person (`id` is the action's then; `person_id` the person's).
#[derive(Deserialize, Debug, Default)]
pub struct Row {
    pub id: f64,
    pub created_at: f64,
    pub source: Option<String>,
    pub referrer: Option<String>,
    pub page_url: Option<String>,
    pub confirmed: Option<f64>,
    pub person_id: f64,
    pub person_created_at: f64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub postal_code: String,
    pub country: String,
    pub region: Option<String>,
    pub lang: String,
    pub contact_consent: f64,
    pub unsubscribed_at: Option<f64>,
    pub erased_at: Option<f64>,
    /// Where the person stands on the engagement ladder ('' for no rung).
    #[serde(default)]
    pub rung: String,
    /// The staff's tags on the person (a JSON array).
    #[serde(default)]
    pub tags: Option<String>,
}

/// A petition or a pledge.
#[derive(Deserialize, Debug)]
pub struct ItemRow {
    pub id: f64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub count: f64,
    pub status: String,
    pub created_at: f64,
    pub starts_at: Option<f64>,
    pub ends_at: Option<f64>,
    pub place: Option<String>,
}

/// The person columns, aliased as [`Row`] reads them (`s` is the supporter).
macro_rules! person {
    () => {
        "s.id AS person_id, s.created_at AS person_created_at, s.first_name, s.last_name, s.email, \
         s.postal_code, s.country, s.region, s.lang, s.contact_consent, s.unsubscribed_at, s.erased_at, \
         s.rung, (SELECT json_group_array(tag) FROM (SELECT tag FROM supporter_tags WHERE supporter_id = s.id ORDER BY tag)) AS tags"
    };
}

/// A signature or commitment page: the row, its person and attribution (`?1` the petition or
/// pledge, `?2` after, `?3` page size).
macro_rules! actions {
    ($rows:literal, $fk:literal) => {
        concat!(
            "SELECT x.id, x.created_at, x.source, r.ref_code AS referrer, x.page_url, x.confirmed, ",
            person!(),
            " FROM ", $rows, " x JOIN supporters s ON s.id = x.supporter_id \
             LEFT JOIN supporters r ON r.id = x.referrer_id \
             WHERE x.", $fk, " = ?1 AND x.id > ?2 ORDER BY x.id LIMIT ?3"
        )
    };
}

/// Petitions or pledges, as [`ItemRow`].
const PETITIONS: &str =
    "SELECT id, slug, title, body, signature_count AS count, status, created_at, \
     NULL AS starts_at, NULL AS ends_at, NULL AS place FROM petitions";
const PLEDGES: &str =
    "SELECT id, slug, statement AS title, body, commitment_count AS count, status, \
     created_at, starts_at, ends_at, place FROM pledges";

/// Which of a campaign's collections.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Items {
    Petitions,
    Pledges,
}

impl Items {
    fn select(self) -> &'static str {
        match self {
            Items::Petitions => PETITIONS,
            Items::Pledges => PLEDGES,
        }
    }
}

impl Store {
    /// A page of the campaign's people (erased ones left out), in id order. The unary `+`
    /// keeps SQLite walking rowids instead of sorting the campaign's people for each page.
    pub async fn osdi_people(&self, campaign_id: u32, after: f64, n: u32) -> AppResult<Vec<Row>> {
        self.all(
            concat!(
                "SELECT s.id, s.created_at, ",
                person!(),
                " FROM supporters s WHERE s.id > ?2 AND +s.campaign_id = ?1 AND s.erased_at IS NULL \
                 ORDER BY s.id LIMIT ?3"
            ),
            &[num(campaign_id), num(after), num(n)],
        )
        .await
    }

    /// One person of the campaign, unless erased.
    pub async fn osdi_person(&self, campaign_id: u32, id: f64) -> AppResult<Option<Row>> {
        self.first(
            concat!(
                "SELECT s.id, s.created_at, ",
                person!(),
                " FROM supporters s WHERE s.id = ?2 AND s.campaign_id = ?1 AND s.erased_at IS NULL"
            ),
            &[num(campaign_id), num(id)],
        )
        .await
    }

    /// The campaign's petitions or pledges, oldest first (a campaign has tens, not millions).
    pub async fn osdi_items(&self, campaign_id: u32, which: Items) -> AppResult<Vec<ItemRow>> {
        self.all(
            &format!("{} WHERE campaign_id = ?1 ORDER BY id", which.select()),
            &[num(campaign_id)],
        )
        .await
    }

    /// One petition or pledge of the campaign, by slug.
    pub async fn osdi_item(
        &self,
        campaign_id: u32,
        which: Items,
        slug: &str,
    ) -> AppResult<Option<ItemRow>> {
        self.first(
            &format!("{} WHERE campaign_id = ?1 AND slug = ?2", which.select()),
            &[num(campaign_id), text(slug)],
        )
        .await
    }

    /// A page of a petition's signatures or a pledge's commitments, in id order.
    pub async fn osdi_actions(
        &self,
        which: Items,
        item_id: f64,
        after: f64,
        n: u32,
    ) -> AppResult<Vec<Row>> {
        let sql = match which {
            Items::Petitions => actions!("signatures", "petition_id"),
            Items::Pledges => actions!("commitments", "pledge_id"),
        };
        self.all(sql, &[num(item_id), num(after), num(n)]).await
    }
}
