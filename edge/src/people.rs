//! Supporters as staff see them: search, one person's data, hiding a name from public boards,
//! and erasure (the right to be forgotten: the person's details go, the counts stay).

use rally_api::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{json, now, store};
use crate::staff::{self, Role, Staff};
use crate::store::{num, text, Store};

/// Who may see people's details.
const PEOPLE: &[Role] = &[Role::Owner, Role::Organiser];

#[derive(Deserialize, Serialize)]
struct PersonRow {
    id: u32,
    first_name: String,
    last_name: String,
    email: String,
    country: String,
    points: u32,
    listed: u32,
    hidden: u32,
    created_at: f64,
}

const PERSON_COLUMNS: &str =
    "s.id, s.first_name, s.last_name, s.email, s.country, s.points, s.listed, s.hidden, s.created_at";

/// `GET /api/v1/campaigns/:campaign/staff/supporters?q=`: by exact email, or by first or last
/// name prefix; at most 50.
pub async fn search(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "see supporters' details")?;
    let q = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    if q.chars().count() < 2 || q.chars().count() > 100 {
        return Err(AppError::field(
            ErrorCode::InvalidValue,
            "q",
            "search with 2 to 100 characters: an email or the start of a name",
        ));
    }
    let rows: Vec<PersonRow> = if q.contains('@') {
        let email = rally_api::validate::email(&q).unwrap_or_default();
        store
            .all(
                &format!("SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 AND s.email = ?2"),
                &[num(who.campaign_id), text(&email)],
            )
            .await?
    } else {
        let like = format!("{}%", q.replace(['%', '_', '\\'], ""));
        store
            .all(
                &format!(
                    "SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 \
                     AND (s.first_name LIKE ?2 OR s.last_name LIKE ?2) ORDER BY s.id LIMIT 50"
                ),
                &[num(who.campaign_id), text(&like)],
            )
            .await?
    };
    json(&rows, 200)
}

fn person_id(ctx: &RouteContext<()>) -> AppResult<u32> {
    ctx.param("id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::not_found("supporter"))
}

async fn person(store: &Store, who: &Staff, id: u32) -> AppResult<PersonRow> {
    store
        .first(
            &format!(
                "SELECT {PERSON_COLUMNS} FROM supporters s WHERE s.campaign_id = ?1 AND s.id = ?2"
            ),
            &[num(who.campaign_id), num(id)],
        )
        .await?
        .ok_or_else(|| AppError::not_found("supporter"))
}

/// `GET /api/v1/campaigns/:campaign/staff/supporters/:id`: everything stored about one person,
/// as JSON (a subject access request).
pub async fn data(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "export a person's data")?;
    let id = person_id(&ctx)?;
    let p = person(&store, &who, id).await?;
    let all = |sql: &str| {
        let store = &store;
        let sql = sql.to_owned();
        async move {
            store
                .all::<serde_json::Map<String, Value>>(&sql, &[num(id)])
                .await
        }
    };
    let supporter = all("SELECT * FROM supporters WHERE id = ?1").await?;
    let signatures = all(
        "SELECT p.slug AS petition, g.* FROM signatures g JOIN petitions p ON p.id = g.petition_id \
         WHERE g.supporter_id = ?1 ORDER BY g.id",
    )
    .await?;
    let commitments = all(
        "SELECT p.slug AS pledge, c.* FROM commitments c JOIN pledges p ON p.id = c.pledge_id \
         WHERE c.supporter_id = ?1 ORDER BY c.id",
    )
    .await?;
    let actions = all(
        "SELECT kind, points, week, created_at FROM actions WHERE supporter_id = ?1 ORDER BY id",
    )
    .await?;
    let reports: Vec<serde_json::Map<String, Value>> = store
        .all(
            "SELECT claim, link, seen_on, screenshot_text, created_at FROM reports \
             WHERE campaign_id = ?1 AND email = ?2 ORDER BY id",
            &[num(who.campaign_id), text(&p.email)],
        )
        .await?;
    who.audit(&store, "person_export", &id.to_string()).await?;
    let body = serde_json::json!({
        "supporter": supporter.into_iter().next(),
        "signatures": signatures,
        "commitments": commitments,
        "actions": actions,
        "reports": reports,
    });
    let mut resp = json(&body, 200)?;
    resp.headers_mut().set(
        "Content-Disposition",
        &format!("attachment; filename=\"supporter-{id}.json\""),
    )?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Hide {
    hidden: Option<bool>,
}

/// `PATCH /api/v1/campaigns/:campaign/staff/supporters/:id` `{ "hidden": true }`: a moderator
/// hides a name from public boards (abusive, impersonating); the points stay.
pub async fn hide(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Moderator], "hide names")?;
    let id = person_id(&ctx)?;
    person(&store, &who, id).await?;
    let Hide { hidden } = guard::json_body(&mut req).await?;
    let hidden = hidden.ok_or_else(|| {
        AppError::field(
            ErrorCode::Required,
            "hidden",
            "hidden must be true or false",
        )
    })?;
    store
        .batch(vec![
            store.stmt(
                "UPDATE supporters SET hidden = ?3 WHERE campaign_id = ?1 AND id = ?2",
                &[num(who.campaign_id), num(id), num(u8::from(hidden))],
            )?,
            staff::audit_stmt(
                &store,
                who.campaign_id,
                who.id,
                if hidden { "hide_name" } else { "show_name" },
                &id.to_string(),
                now(),
            )?,
        ])
        .await?;
    let p = person(&store, &who, id).await?;
    json(&p, 200)
}

#[derive(Serialize)]
struct Erased {
    id: u32,
    /// What stays, without the person: their signatures and commitments still count.
    signatures_kept: u32,
    commitments_kept: u32,
}

/// `DELETE /api/v1/campaigns/:campaign/staff/supporters/:id`: erasure. Name, email, postal code,
/// nickname, city, the page they came from and any email on their fact-check reports are
/// removed; their tokens stop working; their signatures and commitments stay as anonymous rows,
/// so every count stays right.
pub async fn erase(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "erase a supporter")?;
    let id = person_id(&ctx)?;
    let p = person(&store, &who, id).await?;
    let (c, i) = (num(who.campaign_id), num(id));
    let erased_email = format!("erased-{id}@erased.invalid");
    store
        .batch(vec![
            store.stmt(
                "UPDATE reports SET email = NULL WHERE campaign_id = ?1 AND email = ?2",
                &[c.clone(), text(&p.email)],
            )?,
            store.stmt(
                "DELETE FROM notify_outbox WHERE email = ?2 AND claim_id IN \
                 (SELECT id FROM claims WHERE campaign_id = ?1)",
                &[c.clone(), text(&p.email)],
            )?,
            store.stmt(
                "UPDATE signatures SET display_name = NULL, city = NULL, page_url = NULL WHERE supporter_id = ?1",
                std::slice::from_ref(&i),
            )?,
            store.stmt(
                "UPDATE commitments SET display_name = NULL, city = NULL, page_url = NULL WHERE supporter_id = ?1",
                std::slice::from_ref(&i),
            )?,
            store.stmt(
                "UPDATE supporters SET email = ?3, first_name = 'Erased', last_name = '', postal_code = '', \
                   nickname = NULL, listed = 0, hidden = 1, contact_consent = 0, \
                   token_version = token_version + 1 WHERE campaign_id = ?1 AND id = ?2",
                &[c.clone(), i.clone(), text(&erased_email)],
            )?,
            staff::audit_stmt(&store, who.campaign_id, who.id, "erase", &id.to_string(), now())?,
        ])
        .await?;
    #[derive(Deserialize)]
    struct Kept {
        signatures: u32,
        commitments: u32,
    }
    let kept: Kept = store
        .first(
            "SELECT (SELECT COUNT(*) FROM signatures WHERE supporter_id = ?1) AS signatures, \
                    (SELECT COUNT(*) FROM commitments WHERE supporter_id = ?1) AS commitments",
            std::slice::from_ref(&i),
        )
        .await?
        .ok_or_else(|| AppError::Internal("erasure read-back".into()))?;
    json(
        &Erased {
            id,
            signatures_kept: kept.signatures,
            commitments_kept: kept.commitments,
        },
        200,
    )
}
