//! Rally's edge: a Cloudflare Worker that keeps the truth in D1 and serves hot reads from KV.
//!
//! One `fetch` entry point hands every request to a [`Router`]; each route is a named async
//! function in [`routes`]. Static files (the widget bundle, the example site) are served by the
//! `[assets]` binding before the worker is even called.

mod board;
mod builder;
mod cache;
mod error;
mod exports;
mod factcheck;
mod guard;
mod overview;
mod page;
mod people;
mod pledge;
mod routes;
mod settings;
mod staff;
mod store;
mod teams;
mod token;
mod views;

use rally_api::ErrorCode;
use worker::{event, Context, Env, Request, Response, Result, RouteContext, Router};

use crate::error::{AppError, AppResult};

// Route patterns are literals so they read like the API; the tidy test in xtask checks that
// each one is in `rally_api::routes::ALL` and documented in docs/API.md.

/// Turns a handler's result into the response, errors included.
fn respond(r: AppResult<Response>) -> Result<Response> {
    Ok(r.unwrap_or_else(AppError::into_response))
}

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let path = req.path();
    // Staff routes are for the dashboard's own origin only: no CORS, so another site's page
    // cannot make a browser call them with a credential (their preflight is refused).
    let is_staff = path.contains("/staff/") || path.ends_with("/staff");
    let is_api = path.starts_with(rally_api::routes::PREFIX) && !is_staff;
    if req.method() == worker::Method::Options {
        if is_api {
            return with_cors(Response::empty()?.with_status(204), true);
        }
        if is_staff {
            return Ok(AppError::refused(
                ErrorCode::Forbidden,
                "staff routes take no cross-site requests",
            )
            .into_response());
        }
    }
    // Views counted in this isolate's memory are written after the response (`views.rs`).
    let for_views = env.clone();
    let resp = Router::new()
        .get_async("/api/v1/health", |_req, _ctx: RouteContext<()>| async {
            respond(routes::health())
        })
        .get_async(
            "/api/v1/campaigns/:campaign/petitions/:petition",
            |req, ctx| async move { respond(routes::get_petition(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/petitions/:petition/signatures",
            |req, ctx| async move { respond(routes::sign(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/referrals/:code",
            |req, ctx| async move { respond(routes::referral(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/leaderboards/:board",
            |req, ctx| async move { respond(board::leaderboard(req, ctx).await) },
        )
        .get_async("/api/v1/campaigns/:campaign/me", |req, ctx| async move {
            respond(board::me(req, ctx).await)
        })
        .get_async(
            "/api/v1/campaigns/:campaign/pledges/:pledge",
            |req, ctx| async move { respond(pledge::get(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/pledges/:pledge/commitments",
            |req, ctx| async move { respond(pledge::commit(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/pledges/:pledge/calendar.ics",
            |req, ctx| async move { respond(pledge::ics(req, ctx).await) },
        )
        .post_async("/api/v1/campaigns/:campaign/teams", |req, ctx| async move {
            respond(teams::create(req, ctx).await)
        })
        .post_async(
            "/api/v1/campaigns/:campaign/teams/join",
            |req, ctx| async move { respond(teams::join(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/teams/leave",
            |req, ctx| async move { respond(teams::leave(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/teams/:invite",
            |req, ctx| async move { respond(teams::invite(req, ctx).await) },
        )
        .patch_async("/api/v1/campaigns/:campaign/me", |req, ctx| async move {
            respond(board::update_me(req, ctx).await)
        })
        .delete_async(
            "/api/v1/campaigns/:campaign/me/token",
            |req, ctx| async move { respond(board::forget(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/reports",
            |req, ctx| async move { respond(factcheck::report(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/rebuttals",
            |req, ctx| async move { respond(factcheck::rebuttals(req, ctx).await) },
        )
        .post_async("/api/v1/staff/session", |req, ctx| async move {
            respond(staff::sign_in(req, ctx).await)
        })
        .get_async("/api/v1/staff/session", |req, ctx| async move {
            respond(staff::current(req, ctx).await)
        })
        .delete_async("/api/v1/staff/session", |req, ctx| async move {
            respond(staff::sign_out(req, ctx).await)
        })
        .get_async(
            "/api/v1/campaigns/:campaign/staff/audit",
            |req, ctx| async move { respond(staff::audit_log(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/exports/:what",
            |req, ctx| async move { respond(exports::csv(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/supporters",
            |req, ctx| async move { respond(people::search(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/supporters/:id",
            |req, ctx| async move { respond(people::data(req, ctx).await) },
        )
        .patch_async(
            "/api/v1/campaigns/:campaign/staff/supporters/:id",
            |req, ctx| async move { respond(people::hide(req, ctx).await) },
        )
        .delete_async(
            "/api/v1/campaigns/:campaign/staff/supporters/:id",
            |req, ctx| async move { respond(people::erase(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/overview",
            |req, ctx| async move { respond(overview::overview(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/claims",
            |req, ctx| async move { respond(factcheck::queue(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/claims/export",
            |req, ctx| async move { respond(factcheck::export(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/claims/:id",
            |req, ctx| async move { respond(factcheck::get_claim(req, ctx).await) },
        )
        .patch_async(
            "/api/v1/campaigns/:campaign/staff/claims/:id",
            |req, ctx| async move { respond(factcheck::update(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/claims/:id/history",
            |req, ctx| async move { respond(factcheck::history(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/staff/claims/:id/merge",
            |req, ctx| async move { respond(factcheck::merge(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/staff/claims/:id/split",
            |req, ctx| async move { respond(factcheck::split(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/campaign",
            |req, ctx| async move { respond(settings::get(req, ctx).await) },
        )
        .put_async(
            "/api/v1/campaigns/:campaign/staff/campaign",
            |req, ctx| async move { respond(settings::put(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/members",
            |req, ctx| async move { respond(staff::members(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/staff/members",
            |req, ctx| async move { respond(staff::issue(req, ctx).await) },
        )
        .delete_async(
            "/api/v1/campaigns/:campaign/staff/members/:id",
            |req, ctx| async move { respond(staff::revoke(req, ctx).await) },
        )
        .get_async(
            "/api/v1/campaigns/:campaign/staff/widgets",
            |req, ctx| async move { respond(builder::list(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/staff/petitions",
            |req, ctx| async move { respond(builder::save::<builder::Petition>(req, ctx).await) },
        )
        .put_async(
            "/api/v1/campaigns/:campaign/staff/petitions/:petition",
            |req, ctx| async move { respond(builder::save::<builder::Petition>(req, ctx).await) },
        )
        .post_async(
            "/api/v1/campaigns/:campaign/staff/pledges",
            |req, ctx| async move { respond(builder::save::<builder::Pledge>(req, ctx).await) },
        )
        .put_async(
            "/api/v1/campaigns/:campaign/staff/pledges/:pledge",
            |req, ctx| async move { respond(builder::save::<builder::Pledge>(req, ctx).await) },
        )
        .get_async("/p/:campaign/:petition", |req, ctx| async move {
            respond(page::petition_page(req, ctx).await)
        })
        .get_async("/r/:campaign/:id", |req, ctx| async move {
            respond(factcheck::page(req, ctx).await)
        })
        .run(req, env)
        .await?;
    if let Some(due) = views::take_due(routes::now()) {
        ctx.wait_until(async move { views::write(&for_views, due, routes::now()).await });
    }
    // The router's own 404 and 405 are plain text; the API promises JSON errors everywhere.
    let resp = match resp.status_code() {
        404 if !is_json(&resp) => {
            AppError::refused(ErrorCode::NotFound, format!("no route for {path}")).into_response()
        }
        405 if !is_json(&resp) => AppError::refused(
            ErrorCode::MethodNotAllowed,
            format!("{path} does not take this method"),
        )
        .into_response(),
        _ => resp,
    };
    if is_api {
        with_cors(resp, false)
    } else {
        Ok(resp)
    }
}

fn is_json(resp: &Response) -> bool {
    resp.headers()
        .get("Content-Type")
        .ok()
        .flatten()
        .is_some_and(|c| c.contains("json") || c.contains("html"))
}

/// The public API may be called from any site: that is what an embeddable widget is.
fn with_cors(mut resp: Response, preflight: bool) -> Result<Response> {
    let h = resp.headers_mut();
    h.set("Access-Control-Allow-Origin", "*")?;
    h.set("Access-Control-Expose-Headers", "Retry-After")?;
    if preflight {
        h.set(
            "Access-Control-Allow-Methods",
            "GET, POST, PATCH, DELETE, OPTIONS",
        )?;
        h.set(
            "Access-Control-Allow-Headers",
            "Content-Type, Idempotency-Key, Authorization",
        )?;
        h.set("Access-Control-Max-Age", "86400")?;
    }
    Ok(resp)
}
