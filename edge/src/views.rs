//! Widget views, for the overview's conversion from view to action.
//!
//! The loader's first read of a widget's data carries `?view=1`. Writing a row per view would
//! put a D1 write on the hottest read path (the one KV serves), so views are counted in this
//! isolate's memory and written as one batch at most every [`FLUSH_MS`], after the response
//! (`wait_until`). The cost is stated, not hidden: an isolate that is evicted between writes
//! loses up to [`FLUSH_MS`] of its views, so view counts (and conversion) are a slight
//! undercount, never an overcount.

use std::cell::RefCell;
use std::collections::HashMap;

use worker::{Env, Request};

use crate::db::Store;

/// How often an isolate writes the views it counted.
pub const FLUSH_MS: f64 = 2_000.0;

#[derive(Default)]
struct Pending {
    /// `(campaign slug, stats kind)` to views.
    counts: HashMap<(String, &'static str), u32>,
    last_flush: f64,
}

thread_local! {
    static PENDING: RefCell<Pending> = RefCell::new(Pending::default());
}

/// The `stats_hourly` kind of a view of widget `kind`.
pub fn kind(widget: &str) -> Option<&'static str> {
    Some(match widget {
        "petition" => "view_petition",
        "pledge" => "view_pledge",
        "factcheck" => "view_factcheck",
        _ => return None,
    })
}

/// Counts a view of a `widget` of `campaign` if the request is the loader's first read.
pub fn count_if_view(req: &Request, campaign: &str, widget: &str) {
    let first_read = req
        .url()
        .is_ok_and(|u| u.query_pairs().any(|(k, v)| k == "view" && v == "1"));
    if let (true, Some(k)) = (first_read, kind(widget)) {
        PENDING.with(|p| {
            *p.borrow_mut()
                .counts
                .entry((campaign.to_owned(), k))
                .or_default() += 1
        });
    }
}

/// The views to write now, if any are waiting and the last write is old enough.
pub fn take_due(now: f64) -> Option<Vec<((String, &'static str), u32)>> {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.counts.is_empty() || now - p.last_flush < FLUSH_MS {
            return None;
        }
        p.last_flush = now;
        Some(p.counts.drain().collect())
    })
}

/// Adds `due` to the hour of `now` in `stats_hourly`.
pub async fn write(env: &Env, due: Vec<((String, &'static str), u32)>, now: f64) {
    // After the response, in the invocation that counted the last view: a batch of its own.
    let Ok(store) = Store::open(env, &crate::meter::Meter::new()) else {
        return;
    };
    let hour = (now / 3_600_000.0).floor();
    let written = store.add_views(&due, hour).await.is_ok();
    if !written {
        worker::console_error!("views: {} counts not written", due.len());
    }
}
