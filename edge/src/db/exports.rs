//! Staff exports' keyset queries: signatures, commitments and supporters, page by page.

use serde_json::{Map, Value};

use crate::db::{num, Store};
use crate::error::AppResult;

/// One export: its columns (also the SQL aliases, in order) and its keyset query
/// (`?1` campaign, `?2` the last id sent, `?3` the page size). The unary `+` on the campaign
/// column keeps SQLite from answering through a campaign index and sorting every row of the
/// campaign for each page: each page must be a rowid range walk. Columns ending in `_at` are
/// times, written as ISO 8601.
#[derive(Clone, Copy)]
pub struct Export {
    pub columns: &'static [&'static str],
    sql: &'static str,
    /// How many rows the export has (`?1` campaign): it chooses between streaming and a
    /// background job.
    count: &'static str,
}

/// The person columns of a signature or commitment export (a macro, so queries are literals).
macro_rules! person {
    () => {
        "s.first_name, s.last_name, s.email, s.postal_code, s.country, s.region, \
         s.contact_consent, s.consent_at, s.unsubscribed_at"
    };
}

/// Where a signature or commitment came from.
macro_rules! attribution {
    () => {
        "r.ref_code AS referred_by, x.source, x.utm_source, x.utm_medium, x.utm_campaign, \
         x.utm_term, x.utm_content, x.page_url, x.lang"
    };
}

const SIGNATURE_COLUMNS: &[&str] = &[
    "id",
    "petition",
    "signed_at",
    "first_name",
    "last_name",
    "email",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "unsubscribed_at",
    "show_name",
    "city",
    "confirmation",
    "confirmed_at",
    "referred_by",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "page_url",
    "lang",
];

const COMMITMENT_COLUMNS: &[&str] = &[
    "id",
    "pledge",
    "pledged_at",
    "first_name",
    "last_name",
    "email",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "unsubscribed_at",
    "show_name",
    "city",
    "confirmation",
    "confirmed_at",
    "reminder",
    "referred_by",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "page_url",
    "lang",
];

const SUPPORTER_COLUMNS: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "unsubscribed_at",
    "lang",
    "points",
    "recruits",
    "ref_code",
    "listed",
    "created_at",
];

/// The keyset query of an action table (`signatures`, `commitments`): the row, its petition or
/// pledge, the person, consent, and attribution.
macro_rules! action_export {
    ($rows:literal, $parent:literal, $fk:literal, $item:literal, $at:literal, $extra:literal) => {
        concat!(
            "SELECT x.id, p.slug AS ", $item, ", x.created_at AS ", $at, ", ",
            person!(),
            ", (x.display_name IS NOT NULL) AS show_name, x.city, \
             CASE x.confirmed WHEN 1 THEN 'confirmed' WHEN 0 THEN 'unconfirmed' ELSE '' END AS confirmation, \
             x.confirmed_at, ", $extra,
            attribution!(),
            " FROM ", $rows, " x JOIN ", $parent, " p ON p.id = x.", $fk,
            " JOIN supporters s ON s.id = x.supporter_id LEFT JOIN supporters r ON r.id = x.referrer_id \
             WHERE x.id > ?2 AND +p.campaign_id = ?1 ORDER BY x.id LIMIT ?3"
        )
    };
}

pub fn export(what: &str) -> Option<Export> {
    Some(match what {
        "signatures" => Export {
            columns: SIGNATURE_COLUMNS,
            sql: action_export!("signatures", "petitions", "petition_id", "petition", "signed_at", ""),
            count: "SELECT COUNT(*) AS n FROM signatures x JOIN petitions p ON p.id = x.petition_id \
                    WHERE p.campaign_id = ?1",
        },
        "commitments" => Export {
            columns: COMMITMENT_COLUMNS,
            sql: action_export!("commitments", "pledges", "pledge_id", "pledge", "pledged_at", "x.reminder, "),
            count: "SELECT COUNT(*) AS n FROM commitments x JOIN pledges p ON p.id = x.pledge_id \
                    WHERE p.campaign_id = ?1",
        },
        "supporters" => Export {
            columns: SUPPORTER_COLUMNS,
            sql: "SELECT s.id, s.email, s.first_name, s.last_name, s.postal_code, s.country, s.region, \
                    s.contact_consent, s.consent_at, s.unsubscribed_at, s.lang, s.points, s.recruits, s.ref_code, s.listed, \
                    s.created_at FROM supporters s WHERE s.id > ?2 AND +s.campaign_id = ?1 ORDER BY s.id LIMIT ?3",
            count: "SELECT COUNT(*) AS n FROM supporters WHERE campaign_id = ?1",
        },
        _ => return None,
    })
}

/// The columns of a filter's people (`POST .../staff/people/export`).
const PEOPLE_COLUMNS: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "postal_code",
    "country",
    "region",
    "contact_consent",
    "consent_at",
    "unsubscribed_at",
    "lang",
    "points",
    "recruits",
    "rung",
    "team",
    "last_action_at",
    "tags",
    "created_at",
];

/// The export of a filter's people: its columns (its rows come from
/// [`Store::people_export_page`], as the filter is not a literal).
pub fn people_export() -> Export {
    Export {
        columns: PEOPLE_COLUMNS,
        sql: "",
        count: "",
    }
}

#[derive(serde::Deserialize)]
struct Count {
    n: f64,
}

impl Store {
    /// How many rows export `e` of the campaign has now (one query).
    pub async fn export_rows(&self, e: &Export, campaign_id: u32) -> AppResult<u64> {
        let c: Option<Count> = self.first(e.count, &[num(campaign_id)]).await?;
        Ok(c.map_or(0, |c| c.n as u64))
    }

    /// Up to `page` of a filter's people after id `after`, in id order (tags joined by `;`).
    pub async fn people_export_page(
        &self,
        w: &crate::db::roster::Where,
        after: f64,
        page: u32,
    ) -> AppResult<Vec<Map<String, Value>>> {
        let mut args = w.args.clone();
        args.push(num(after));
        args.push(num(page));
        let n = args.len();
        self.all(
            &format!(
                "SELECT s.id, s.email, s.first_name, s.last_name, s.postal_code, s.country, s.region, \
                   s.contact_consent, s.consent_at, s.unsubscribed_at, s.lang, s.points, s.recruits, s.rung, \
                   (SELECT name FROM teams WHERE id = s.team_id) AS team, NULLIF(s.last_action_at, 0) AS last_action_at, \
                   (SELECT group_concat(tag, ';') FROM (SELECT tag FROM supporter_tags WHERE supporter_id = s.id ORDER BY tag)) AS tags, \
                   s.created_at FROM supporters s WHERE {} AND s.id > ?{} ORDER BY s.id LIMIT ?{n}",
                w.sql,
                n - 1
            ),
            &args,
        )
        .await
    }

    /// Up to `page` rows of export `e` after id `after`, in id order.
    pub async fn export_page(
        &self,
        e: &Export,
        campaign_id: u32,
        after: f64,
        page: u32,
    ) -> AppResult<Vec<Map<String, Value>>> {
        self.all(e.sql, &[num(campaign_id), num(after), num(page)])
            .await
    }
}
