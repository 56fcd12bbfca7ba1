//! The OSDI API other tools pull from (`/api/v1/osdi/...`): the entry point, people, petitions
//! and their signatures, events (pledges) and their attendances, as HAL+JSON with `_links`.
//!
//! - Authentication: an API token an owner issued (a staff credential of kind `api`, with a
//!   role), sent as `OSDI-API-Token`. The token names the campaign. People, signatures and
//!   attendances carry personal data: owners and organisers only, as for exports, and every
//!   such read is written to the audit log like an export.
//! - Pagination is keyset: `?per_page=` (at most [`MAX_PAGE`]) and `_links.next`, which carries
//!   `after=<last id>`. There are no page numbers, so page 10 000 costs what page 1 does.
//! - Erased people are not listed; their signatures stay (counts do not move) with a person
//!   that carries only the Rally id.

use serde_json::{json, Map, Value};
use worker::{Request, Response, Url};

use crate::auth::staff::{api_token, Role, Staff};
use crate::db::osdi::{ItemRow, Items, Row};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::format::iso_datetime;
use crate::http::{store, Ctx};
use rally_api::ErrorCode;

/// The largest page.
pub const MAX_PAGE: u32 = 1000;
/// The page size when none is asked for (OSDI's usual).
const DEFAULT_PAGE: u32 = 25;

/// A request's token, base address and paging.
struct Call {
    who: Staff,
    campaign: String,
    store: Store,
    url: Url,
    base: String,
}

impl Call {
    async fn new(req: &Request, ctx: &Ctx) -> AppResult<Call> {
        let store = store(ctx)?;
        let (who, campaign) = api_token(req, &store).await?;
        let url = req.url()?;
        let base = format!("{}/api/v1/osdi", url.origin().ascii_serialization());
        Ok(Call {
            who,
            campaign,
            store,
            url,
            base,
        })
    }

    /// Refuses a token whose role may not read personal data; audits the read otherwise.
    async fn personal(&self) -> AppResult<()> {
        self.who.require(
            &[Role::Owner, Role::Organiser],
            "read people through the API (owners and organisers may)",
        )?;
        let mut what = self.url.path().to_owned();
        if let Some(q) = self.url.query() {
            what.push('?');
            what.push_str(q);
        }
        self.who.audit(&self.store, "osdi_read", &what).await
    }

    /// `(after, per_page)` from the query; a clear refusal naming the parameter otherwise.
    fn paging(&self) -> AppResult<(f64, u32)> {
        let mut after = 0.0;
        let mut per_page = DEFAULT_PAGE;
        for (k, v) in self.url.query_pairs() {
            match k.as_ref() {
                "after" => {
                    after = v.parse::<u64>().map_err(|_| {
                        AppError::field(
                            ErrorCode::InvalidValue,
                            "after",
                            "after is the last id of the previous page (from _links.next)",
                        )
                    })? as f64
                }
                "per_page" => {
                    per_page = v
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| {
                            AppError::field(
                                ErrorCode::InvalidValue,
                                "per_page",
                                format!("per_page is a whole number from 1 to {MAX_PAGE}"),
                            )
                        })?
                }
                _ => {}
            }
        }
        Ok((after, per_page))
    }

    /// The petition or pledge the route's `:id` (its slug) names, in the token's campaign.
    async fn item<'a>(&self, ctx: &'a Ctx, which: Items) -> AppResult<(&'a str, ItemRow)> {
        let slug = crate::http::param(ctx, "id")?;
        let row = self
            .store
            .osdi_item(self.who.campaign_id, which, slug)
            .await?
            .ok_or_else(|| {
                AppError::not_found(match which {
                    Items::Petitions => "petition",
                    Items::Pledges => "event",
                })
            })?;
        Ok((slug, row))
    }

    fn href(&self, path: &str) -> Value {
        json!({ "href": format!("{}{path}", self.base) })
    }
}

/// HAL+JSON, never cached.
fn hal(value: &Value) -> AppResult<Response> {
    let mut resp = Response::from_json(value)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "application/hal+json; charset=utf-8")?;
    h.set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// A collection page: its items under `_embedded[name]`, `self`, and `next` when the page is
/// full (the next one may be empty: the walk ends at the first page without `next`).
fn page(
    call: &Call,
    path: &str,
    name: &str,
    items: Vec<Value>,
    last: Option<f64>,
    per_page: u32,
    total: Option<f64>,
) -> Value {
    let mut links = Map::new();
    links.insert("self".into(), json!({ "href": call.url.as_str() }));
    if let (Some(last), true) = (last, items.len() as u32 == per_page) {
        links.insert(
            "next".into(),
            call.href(&format!("{path}?per_page={per_page}&after={}", last as u64)),
        );
    }
    let mut out = json!({
        "per_page": per_page,
        "_links": links,
        "_embedded": { name: items },
    });
    if let Some(total) = total {
        out["total_records"] = json!(total as u64);
    }
    out
}

fn person_id(id: f64) -> String {
    format!("rally:person-{}", id as u64)
}

/// The person of `r`, as OSDI shapes a person (an erased one carries only the Rally id).
fn person(call: &Call, r: &Row) -> Value {
    let self_link = call.href(&format!("/people/{}", r.person_id as u64));
    if r.erased_at.is_some() {
        return json!({ "identifiers": [person_id(r.person_id)], "_links": { "self": self_link } });
    }
    let status = if r.contact_consent == 1.0 && r.unsubscribed_at.is_none() {
        "subscribed"
    } else {
        "unsubscribed"
    };
    let mut postal = json!({ "postal_code": r.postal_code, "country": r.country });
    if let Some(region) = &r.region {
        postal["region"] = json!(region);
    }
    json!({
        "identifiers": [person_id(r.person_id)],
        "created_date": iso_datetime(r.person_created_at),
        "given_name": r.first_name,
        "family_name": r.last_name,
        "email_addresses": [{ "address": r.email, "primary": true, "status": status }],
        "postal_addresses": [postal],
        "languages_spoken": [r.lang.split('-').next().unwrap_or("en")],
        // Where they stand on the campaign's engagement ladder (a rung's slug, "" for none).
        "custom_fields": { "rally_rung": r.rung },
        // The tags staff put on the person (OSDI's `osdi:tags`, embedded as names).
        "osdi:tags": crate::db::roster::tag_names(r.tags.as_deref()),
        "_links": { "self": self_link },
    })
}

/// A signature or attendance of item `slug`.
fn action(call: &Call, which: Items, slug: &str, r: &Row) -> Value {
    let (collection, prefix) = match which {
        Items::Petitions => ("petitions", "signature"),
        Items::Pledges => ("events", "attendance"),
    };
    let mut referrer = Map::new();
    for (k, v) in [
        ("source", &r.source),
        ("referrer", &r.referrer),
        ("website", &r.page_url),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            referrer.insert(k.into(), v.into());
        }
    }
    let confirmation = match r.confirmed {
        Some(1.0) => "confirmed",
        Some(_) => "unconfirmed",
        None => "not asked",
    };
    let mut out = json!({
        "identifiers": [format!("rally:{prefix}-{}", r.id as u64)],
        "created_date": iso_datetime(r.created_at),
        "action_network:referrer_data": referrer,
        "rally:confirmation": confirmation,
        "person": person(call, r),
        "_links": {
            "osdi:person": call.href(&format!("/people/{}", r.person_id as u64)),
            (format!("osdi:{}", &collection[..collection.len() - 1])): call.href(&format!("/{collection}/{slug}")),
        },
    });
    if which == Items::Pledges {
        out["status"] = json!("accepted");
    }
    out
}

/// A petition or an event.
fn item(call: &Call, which: Items, r: &ItemRow) -> Value {
    let (collection, items, kind) = match which {
        Items::Petitions => ("petitions", "signatures", "petition"),
        Items::Pledges => ("events", "attendances", "event"),
    };
    let mut out = json!({
        "identifiers": [format!("rally:{kind}-{}", r.id as u64)],
        "origin_system": "Rally",
        "created_date": iso_datetime(r.created_at),
        "title": r.title,
        "description": r.body,
        "status": if r.status == "open" { "open" } else { "closed" },
        "_links": {
            "self": call.href(&format!("/{collection}/{}", r.slug)),
            (format!("osdi:{items}")): call.href(&format!("/{collection}/{}/{items}", r.slug)),
        },
    });
    match which {
        Items::Petitions => out["total_signatures"] = json!(r.count as u64),
        Items::Pledges => {
            out["name"] = json!(r.slug);
            out["total_accepted"] = json!(r.count as u64);
            if let Some(s) = r.starts_at {
                out["start_date"] = json!(iso_datetime(s));
            }
            if let Some(e) = r.ends_at {
                out["end_date"] = json!(iso_datetime(e));
            }
            if let Some(p) = &r.place {
                out["location"] = json!({ "venue": p });
            }
        }
    }
    out
}

/// `GET /api/v1/osdi`: the entry point (OSDI's "AEP").
pub async fn entry(req: Request, ctx: Ctx) -> AppResult<Response> {
    let call = Call::new(&req, &ctx).await?;
    hal(&json!({
        "motd": format!("Rally's OSDI API for the campaign {}", call.campaign),
        "vendor_name": "Rally",
        "product_name": "Rally",
        "osdi_version": "1.0",
        "max_pagesize": MAX_PAGE,
        "namespace": "rally",
        "_links": {
            "self": call.href(""),
            "osdi:people": call.href("/people"),
            "osdi:petitions": call.href("/petitions"),
            "osdi:events": call.href("/events"),
        },
    }))
}

/// `GET /api/v1/osdi/people`
pub async fn people(req: Request, ctx: Ctx) -> AppResult<Response> {
    let call = Call::new(&req, &ctx).await?;
    let (after, per_page) = call.paging()?;
    call.personal().await?;
    let rows = call
        .store
        .osdi_people(call.who.campaign_id, after, per_page)
        .await?;
    let last = rows.last().map(|r| r.id);
    let items = rows.iter().map(|r| person(&call, r)).collect();
    hal(&page(
        &call,
        "/people",
        "osdi:people",
        items,
        last,
        per_page,
        None,
    ))
}

/// `GET /api/v1/osdi/people/:id`
pub async fn person_one(req: Request, ctx: Ctx) -> AppResult<Response> {
    let call = Call::new(&req, &ctx).await?;
    let id: f64 = ctx
        .param("id")
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| AppError::not_found("person"))?
        .into();
    call.personal().await?;
    let row = call
        .store
        .osdi_person(call.who.campaign_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("person"))?;
    hal(&person(&call, &row))
}

async fn items(req: Request, ctx: Ctx, which: Items) -> AppResult<Response> {
    let call = Call::new(&req, &ctx).await?;
    let rows = call.store.osdi_items(call.who.campaign_id, which).await?;
    let (path, name) = match which {
        Items::Petitions => ("/petitions", "osdi:petitions"),
        Items::Pledges => ("/events", "osdi:events"),
    };
    let n = rows.len() as f64;
    let list: Vec<Value> = rows.iter().map(|r| item(&call, which, r)).collect();
    // A campaign's petitions and pledges are one page.
    let per_page = list.len().max(1) as u32 + 1;
    hal(&page(&call, path, name, list, None, per_page, Some(n)))
}

async fn one(req: Request, ctx: Ctx, which: Items) -> AppResult<Response> {
    let call = Call::new(&req, &ctx).await?;
    let (_, row) = call.item(&ctx, which).await?;
    hal(&item(&call, which, &row))
}

async fn actions(req: Request, ctx: Ctx, which: Items) -> AppResult<Response> {
    let call = Call::new(&req, &ctx).await?;
    let (after, per_page) = call.paging()?;
    let (slug, parent) = call.item(&ctx, which).await?;
    call.personal().await?;
    let rows = call
        .store
        .osdi_actions(which, parent.id, after, per_page)
        .await?;
    let last = rows.last().map(|r| r.id);
    let (path, name) = match which {
        Items::Petitions => (format!("/petitions/{slug}/signatures"), "osdi:signatures"),
        Items::Pledges => (format!("/events/{slug}/attendances"), "osdi:attendances"),
    };
    let list = rows.iter().map(|r| action(&call, which, slug, r)).collect();
    hal(&page(
        &call,
        &path,
        name,
        list,
        last,
        per_page,
        Some(parent.count),
    ))
}

/// `GET /api/v1/osdi/petitions`
pub async fn petitions(req: Request, ctx: Ctx) -> AppResult<Response> {
    items(req, ctx, Items::Petitions).await
}

/// `GET /api/v1/osdi/petitions/:id` (the petition's slug)
pub async fn petition(req: Request, ctx: Ctx) -> AppResult<Response> {
    one(req, ctx, Items::Petitions).await
}

/// `GET /api/v1/osdi/petitions/:id/signatures`
pub async fn signatures(req: Request, ctx: Ctx) -> AppResult<Response> {
    actions(req, ctx, Items::Petitions).await
}

/// `GET /api/v1/osdi/events` (Rally's pledges)
pub async fn events(req: Request, ctx: Ctx) -> AppResult<Response> {
    items(req, ctx, Items::Pledges).await
}

/// `GET /api/v1/osdi/events/:id` (the pledge's slug)
pub async fn event(req: Request, ctx: Ctx) -> AppResult<Response> {
    one(req, ctx, Items::Pledges).await
}

/// `GET /api/v1/osdi/events/:id/attendances`
pub async fn attendances(req: Request, ctx: Ctx) -> AppResult<Response> {
    actions(req, ctx, Items::Pledges).await
}
