//! Handlers of the staff API, for the dashboard's own origin only (no CORS): sessions, the
//! overview, supporters, exports, the fact-check queue, settings, staff, integrations (webhooks,
//! Action Network), Turnstile and the widget builder.
//! Every handler starts with [`crate::auth::staff::signed_in`] and a role check.

pub mod action_network;
pub mod actions;
pub mod claims;
pub mod export_jobs;
pub mod exports;
pub mod integrations;
pub mod ladder;
pub mod members;
pub mod messages;
pub mod overview;
pub mod people;
pub mod roster;
pub mod session;
pub mod settings;
pub mod shards;
pub mod slices;
pub mod turnstile;
pub mod widgets;
