//! Supporters as staff see them: search, one person's data, hiding a name from public boards,
//! and erasure (the right to be forgotten: the person's details go, the counts stay).

use rally_api::staff::{Hide, PersonView};
use rally_api::ErrorCode;
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role, Staff};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, store, Ctx};

/// Who may see people's details.
const PEOPLE: &[Role] = &[Role::Owner, Role::Organiser];

/// `GET /api/v1/campaigns/:campaign/staff/supporters?q=`: by exact email, or by first or last
/// name prefix; at most 50.
pub async fn search(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "see supporters' details")?;
    let url = req.url()?;
    let get = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
    };
    // `?rung=slug`: the people on a rung of the ladder (the report's numbers link here).
    if let Some(rung) = get("rung") {
        if rung.is_empty()
            || rung.len() > 32
            || !rung
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(AppError::field(
                ErrorCode::InvalidValue,
                "rung",
                "rung must be a rung's slug",
            ));
        }
        return json(&store.people_on_rung(who.campaign_id, &rung).await?, 200);
    }
    let q = get("q").unwrap_or_default();
    if q.chars().count() < 2 || q.chars().count() > 100 {
        return Err(AppError::field(
            ErrorCode::InvalidValue,
            "q",
            "search with 2 to 100 characters: an email or the start of a name",
        ));
    }
    let rows = if q.contains('@') {
        let email = rally_api::validate::email(&q).unwrap_or_default();
        store.people_by_email(who.campaign_id, &email).await?
    } else {
        store.people_by_name(who.campaign_id, &q).await?
    };
    json(&rows, 200)
}

fn person_id(ctx: &Ctx) -> AppResult<u32> {
    ctx.param("id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::not_found("supporter"))
}

async fn person(store: &Store, who: &Staff, id: u32) -> AppResult<PersonView> {
    store
        .person_view(who.campaign_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("supporter"))
}

/// `GET /api/v1/campaigns/:campaign/staff/supporters/:id`: everything stored about one person,
/// as JSON (a subject access request).
pub async fn data(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(PEOPLE, "export a person's data")?;
    let id = person_id(&ctx)?;
    let p = person(&store, &who, id).await?;
    let d = store.person_data(who.campaign_id, id, &p.email).await?;
    who.audit(&store, "person_export", &id.to_string()).await?;
    let body = serde_json::json!({
        "supporter": d.supporter,
        "signatures": d.signatures,
        "commitments": d.commitments,
        "actions": d.actions,
        "reports": d.reports,
    });
    let mut resp = json(&body, 200)?;
    resp.headers_mut().set(
        "Content-Disposition",
        &format!("attachment; filename=\"supporter-{id}.json\""),
    )?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// `PATCH /api/v1/campaigns/:campaign/staff/supporters/:id` `{ "hidden": true }`: a moderator
/// hides a name from public boards (abusive, impersonating); the points stay.
pub async fn hide(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner, Role::Moderator], "hide names")?;
    let id = person_id(&ctx)?;
    person(&store, &who, id).await?;
    let Hide { hidden } = http::json_body(&mut req).await?;
    let hidden = hidden.ok_or_else(|| {
        AppError::field(
            ErrorCode::Required,
            "hidden",
            "hidden must be true or false",
        )
    })?;
    let action = if hidden { "hide_name" } else { "show_name" };
    let audit = store.audit_stmt(who.campaign_id, who.id, action, &id.to_string(), now())?;
    store
        .hide_person(who.campaign_id, id, hidden, audit)
        .await?;
    json(&person(&store, &who, id).await?, 200)
}

/// `DELETE /api/v1/campaigns/:campaign/staff/supporters/:id`: erasure. Name, email, postal code,
/// nickname, city, the page they came from and any email on their fact-check reports are
/// removed; their tokens stop working; their signatures and commitments stay as anonymous rows,
/// so every count stays right.
pub async fn erase(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "erase a supporter")?;
    let id = person_id(&ctx)?;
    let p = person(&store, &who, id).await?;
    // What a viral petition's shards still hold of them goes first (issue 25): a drain in
    // flight finishes before, so what it carried is in D1 for the erasure below.
    for item in store.campaign_sharded(who.campaign_id).await? {
        crate::shard::forget(
            &ctx.env,
            &ctx.meter,
            (&item.kind, item.id, item.shards),
            &p.email,
        )
        .await?;
    }
    let audit = store.audit_stmt(who.campaign_id, who.id, "erase", &id.to_string(), now())?;
    let (erased, hooks) = store
        .erase_person(who.campaign_id, id, &p.email, audit)
        .await?;
    crate::mail::enqueue(&hooks);
    json(&erased, 200)
}
