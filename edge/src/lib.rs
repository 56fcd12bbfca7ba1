//! Rally's edge: a Cloudflare Worker that keeps the truth in D1 and serves hot reads from KV.
//!
//! Layers, each using only the ones below it:
//! - [`router`]: the route table (method, pattern, access class, handler) and the adapter from
//!   a handler's result to the response, CORS included;
//! - handlers, one module per concern: [`public`] (the API widgets call), [`staff`] (the
//!   dashboard's), [`osdi`] (the OSDI API other tools pull from, by API token), [`pages`]
//!   (the edge's own HTML);
//! - [`auth`] (supporter tokens; staff sessions, roles and the cross-site check), [`http`]
//!   (parameters, JSON bodies, bindings, clock, ids, rate limits), [`cache`] (KV snapshots),
//!   [`views`] (view counting);
//! - [`db`]: every SQL statement, one file per domain; [`error`]: the one error type.
//!
//! Beside requests, the worker consumes the `OUTBOX` queue and runs a cron every minute: both
//! are [`mail`]: follow-up messages (confirmations, reminders, fact-check outcomes), webhook
//! deliveries and Action Network syncs, all rows of one outbox.
//!
//! Static files (the widget bundles, the dashboard, the example sites) are served by the
//! `[assets]` binding before the worker is called.

mod auth;
mod cache;
mod db;
mod error;
mod format;
mod http;
mod intl;
mod mail;
mod meter;
mod osdi;
mod pages;
mod public;
mod router;
mod shard;
mod staff;
mod views;

use worker::{
    event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent,
};

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    // Work done after the response: views counted in this isolate's memory are written
    // (`views.rs`), and messages this request wrote go to the queue (`mail::enqueue`).
    let resp = router::serve(req, env.clone()).await?;
    if let Some(due) = views::take_due(http::now()) {
        let env = env.clone();
        ctx.wait_until(async move { views::write(&env, due, http::now()).await });
    }
    if let Some(ids) = mail::take_due() {
        ctx.wait_until(async move { mail::hand_over(&env, ids).await });
    }
    Ok(resp)
}

/// The queues' consumer: the outbox's messages are outbox ids to send (`mail::consume`); the
/// exports', the ladder's and the supporter list's bulk jobs are slices of background jobs (`staff::slices::consume`).
#[event(queue)]
pub async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    if batch.queue() == staff::export_jobs::QUEUE {
        return staff::slices::consume::<staff::export_jobs::Slice>(batch, &env).await;
    }
    if batch.queue() == staff::ladder::QUEUE {
        return staff::slices::consume::<staff::ladder::Slice>(batch, &env).await;
    }
    if batch.queue() == staff::roster::QUEUE {
        return staff::slices::consume::<staff::roster::Slice>(batch, &env).await;
    }
    mail::consume(batch, &env).await
}

/// Every minute: due messages to the queue, housekeeping (`mail::sweep`), the ladder's weekly
/// re-evaluation. On test edges (`RALLY_TEST_CLOCK=1`), a run whose cron is `at:<ms>` moves
/// this isolate's clock ahead to that time first (`http::set_test_clock`).
#[event(scheduled)]
pub async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    http::set_test_clock(&env, &event.cron());
    if let Err(e) = mail::sweep(&env).await {
        worker::console_error!("cron sweep: {e}");
    }
    // Shards whose alarm was lost are drained here (issue 25).
    if let Err(e) = shard::sweep(&env).await {
        worker::console_error!("cron shards: {e}");
    }
}
