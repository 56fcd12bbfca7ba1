//! Rally's edge: a Cloudflare Worker that keeps the truth in D1 and serves hot reads from KV.
//!
//! Layers, each using only the ones below it:
//! - [`router`]: the route table (method, pattern, access class, handler) and the adapter from
//!   a handler's result to the response, CORS included;
//! - handlers, one module per concern: [`public`] (the API widgets call), [`staff`] (the
//!   dashboard's), [`pages`] (the edge's own HTML);
//! - [`auth`] (supporter tokens; staff sessions, roles and the cross-site check), [`http`]
//!   (parameters, JSON bodies, bindings, clock, ids, rate limits), [`cache`] (KV snapshots),
//!   [`views`] (view counting);
//! - [`db`]: every SQL statement, one file per domain; [`error`]: the one error type.
//!
//! Static files (the widget bundles, the dashboard, the example sites) are served by the
//! `[assets]` binding before the worker is called.

mod auth;
mod cache;
mod db;
mod error;
mod format;
mod http;
mod pages;
mod public;
mod router;
mod staff;
mod views;

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    // Views counted in this isolate's memory are written after the response (`views.rs`).
    let for_views = env.clone();
    let resp = router::serve(req, env).await?;
    if let Some(due) = views::take_due(http::now()) {
        ctx.wait_until(async move { views::write(&for_views, due, http::now()).await });
    }
    Ok(resp)
}
