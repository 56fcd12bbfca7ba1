//! The route table: every route the edge serves, one row each (method, pattern, access class,
//! handler), and the one place that turns a request into a handler's call and its result into
//! the response.
//!
//! Who may call a route, and so whether its answers carry CORS headers and whether its
//! preflight is answered, is decided by the row's [`Access`], never by the path's text: a
//! petition or campaign whose slug is `staff` is as public as any other.

use std::future::Future;
use std::pin::Pin;

use rally_api::routes::{self as api, Access, Found, Method};
use rally_api::ErrorCode;
use worker::{Request, Response};

use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::{mail, osdi, pages, public, staff};

/// What a handler returns: the response, or the error the adapter turns into one.
pub type Reply = Pin<Box<dyn Future<Output = AppResult<Response>>>>;
/// A handler, passed by name through [`handler!`].
pub type Handler = fn(Request, Ctx) -> Reply;

/// One row: the route (as `rally_api::routes::ALL` lists it) and the function that serves it.
pub struct Row {
    pub route: api::Route,
    pub handler: Handler,
}

impl api::Row for Row {
    fn route(&self) -> &api::Route {
        &self.route
    }
}

/// Turns an `async fn(Request, Ctx) -> AppResult<Response>` into a [`Handler`].
macro_rules! handler {
    ($f:path) => {{
        fn h(req: Request, ctx: Ctx) -> Reply {
            Box::pin($f(req, ctx))
        }
        h as Handler
    }};
}

const fn row(method: Method, pattern: &'static str, access: Access, handler: Handler) -> Row {
    Row {
        route: api::Route {
            method,
            pattern,
            access,
        },
        handler,
    }
}

use Access::{Page, Public, Staff};
use Method::{Delete, Get, Patch, Post, Put};

/// Every route. The native tests check that this is exactly `rally_api::routes::ALL` and what
/// docs/API.md documents.
#[rustfmt::skip]
pub const ROUTES: &[Row] = &[
    // Acting: petitions, pledges, referrals.
    row(Get, "/api/v1/health", Public, handler!(public::petition::health)),
    row(Get, "/api/v1/meter", Public, handler!(public::petition::meter)),
    row(Get, "/api/v1/campaigns/:campaign/petitions/:petition", Public, handler!(public::petition::get)),
    row(Get, "/api/v1/campaigns/:campaign/petitions/:petition/form", Public, handler!(pages::act::first_paint::<public::act::Petition>)),
    row(Post, "/api/v1/campaigns/:campaign/petitions/:petition/signatures", Public, handler!(public::act::act::<public::act::Petition>)),
    row(Get, "/api/v1/campaigns/:campaign/referrals/:code", Public, handler!(public::petition::referral)),
    row(Get, "/api/v1/campaigns/:campaign/pledges/:pledge", Public, handler!(public::pledge::get)),
    row(Get, "/api/v1/campaigns/:campaign/pledges/:pledge/form", Public, handler!(pages::act::first_paint::<public::act::Pledge>)),
    row(Post, "/api/v1/campaigns/:campaign/pledges/:pledge/commitments", Public, handler!(public::act::act::<public::act::Pledge>)),
    row(Get, "/api/v1/campaigns/:campaign/pledges/:pledge/calendar.ics", Public, handler!(public::pledge::ics)),
    // Organising: boards, teams, the supporter's own standing.
    row(Get, "/api/v1/campaigns/:campaign/leaderboards/:board", Public, handler!(public::boards::leaderboard)),
    row(Post, "/api/v1/campaigns/:campaign/teams", Public, handler!(public::teams::create)),
    row(Post, "/api/v1/campaigns/:campaign/teams/join", Public, handler!(public::teams::join)),
    row(Post, "/api/v1/campaigns/:campaign/teams/leave", Public, handler!(public::teams::leave)),
    row(Get, "/api/v1/campaigns/:campaign/teams/:invite", Public, handler!(public::teams::invite)),
    row(Get, "/api/v1/campaigns/:campaign/me", Public, handler!(public::me::me)),
    row(Patch, "/api/v1/campaigns/:campaign/me", Public, handler!(public::me::update)),
    row(Delete, "/api/v1/campaigns/:campaign/me/token", Public, handler!(public::me::forget)),
    // Fact-checks.
    row(Post, "/api/v1/campaigns/:campaign/reports", Public, handler!(public::factcheck::report)),
    row(Get, "/api/v1/campaigns/:campaign/rebuttals", Public, handler!(public::factcheck::rebuttals)),
    // Staff: sessions, then everything under a campaign's `/staff`.
    row(Post, "/api/v1/staff/session", Staff, handler!(staff::session::sign_in)),
    row(Get, "/api/v1/staff/session", Staff, handler!(staff::session::current)),
    row(Delete, "/api/v1/staff/session", Staff, handler!(staff::session::sign_out)),
    row(Get, "/api/v1/campaigns/:campaign/staff/audit", Staff, handler!(staff::members::audit_log)),
    row(Get, "/api/v1/campaigns/:campaign/staff/overview", Staff, handler!(staff::overview::overview)),
    row(Get, "/api/v1/campaigns/:campaign/staff/supporters", Staff, handler!(staff::people::search)),
    row(Get, "/api/v1/campaigns/:campaign/staff/people", Staff, handler!(staff::roster::list)),
    row(Get, "/api/v1/campaigns/:campaign/staff/people/count", Staff, handler!(staff::roster::count)),
    row(Post, "/api/v1/campaigns/:campaign/staff/people/bulk", Staff, handler!(staff::roster::bulk)),
    row(Get, "/api/v1/campaigns/:campaign/staff/people/bulk", Staff, handler!(staff::roster::bulk_jobs)),
    row(Post, "/api/v1/campaigns/:campaign/staff/people/export", Staff, handler!(staff::roster::export)),
    row(Get, "/api/v1/campaigns/:campaign/staff/filters", Staff, handler!(staff::roster::filters)),
    row(Post, "/api/v1/campaigns/:campaign/staff/filters", Staff, handler!(staff::roster::save_filter)),
    row(Delete, "/api/v1/campaigns/:campaign/staff/filters/:id", Staff, handler!(staff::roster::delete_filter)),
    row(Get, "/api/v1/campaigns/:campaign/staff/supporters/:id/timeline", Staff, handler!(staff::roster::timeline)),
    row(Post, "/api/v1/campaigns/:campaign/staff/supporters/:id/tags", Staff, handler!(staff::roster::tag_one)),
    row(Get, "/api/v1/campaigns/:campaign/staff/teams", Staff, handler!(staff::roster::teams)),
    row(Patch, "/api/v1/campaigns/:campaign/staff/teams/:id", Staff, handler!(staff::roster::edit_team)),
    row(Get, "/api/v1/campaigns/:campaign/staff/supporters/:id", Staff, handler!(staff::people::data)),
    row(Patch, "/api/v1/campaigns/:campaign/staff/supporters/:id", Staff, handler!(staff::people::hide)),
    row(Delete, "/api/v1/campaigns/:campaign/staff/supporters/:id", Staff, handler!(staff::people::erase)),
    row(Get, "/api/v1/campaigns/:campaign/staff/exports/:what", Staff, handler!(staff::exports::csv)),
    row(Post, "/api/v1/campaigns/:campaign/staff/exports/:what", Staff, handler!(staff::export_jobs::start)),
    row(Get, "/api/v1/campaigns/:campaign/staff/export-jobs", Staff, handler!(staff::export_jobs::list)),
    row(Get, "/api/v1/campaigns/:campaign/staff/export-jobs/:id/file", Staff, handler!(staff::export_jobs::file)),
    row(Get, "/api/v1/campaigns/:campaign/staff/claims", Staff, handler!(staff::claims::queue)),
    row(Get, "/api/v1/campaigns/:campaign/staff/claims/export", Staff, handler!(staff::claims::export)),
    row(Get, "/api/v1/campaigns/:campaign/staff/claims/:id", Staff, handler!(staff::claims::get)),
    row(Patch, "/api/v1/campaigns/:campaign/staff/claims/:id", Staff, handler!(staff::claims::update)),
    row(Get, "/api/v1/campaigns/:campaign/staff/claims/:id/history", Staff, handler!(staff::claims::history)),
    row(Post, "/api/v1/campaigns/:campaign/staff/claims/:id/merge", Staff, handler!(staff::claims::merge)),
    row(Post, "/api/v1/campaigns/:campaign/staff/claims/:id/split", Staff, handler!(staff::claims::split)),
    row(Get, "/api/v1/campaigns/:campaign/staff/campaign", Staff, handler!(staff::settings::get)),
    row(Put, "/api/v1/campaigns/:campaign/staff/campaign", Staff, handler!(staff::settings::put)),
    row(Get, "/api/v1/campaigns/:campaign/staff/actions", Staff, handler!(staff::actions::list)),
    row(Post, "/api/v1/campaigns/:campaign/staff/actions", Staff, handler!(staff::actions::save)),
    row(Put, "/api/v1/campaigns/:campaign/staff/actions/:id", Staff, handler!(staff::actions::save)),
    row(Put, "/api/v1/campaigns/:campaign/staff/shards/:kind/:slug", Staff, handler!(staff::shards::put)),
    row(Post, "/api/v1/campaigns/:campaign/staff/shards/:kind/:slug/drain", Staff, handler!(staff::shards::drain)),
    row(Get, "/api/v1/campaigns/:campaign/staff/ladder", Staff, handler!(staff::ladder::get)),
    row(Put, "/api/v1/campaigns/:campaign/staff/ladder", Staff, handler!(staff::ladder::put)),
    row(Get, "/api/v1/campaigns/:campaign/staff/ladder/report", Staff, handler!(staff::ladder::get_report)),
    row(Get, "/api/v1/campaigns/:campaign/staff/ladder/report/export", Staff, handler!(staff::ladder::export)),
    row(Get, "/api/v1/campaigns/:campaign/staff/endpoints", Staff, handler!(staff::integrations::list)),
    row(Post, "/api/v1/campaigns/:campaign/staff/endpoints", Staff, handler!(staff::integrations::create)),
    row(Put, "/api/v1/campaigns/:campaign/staff/endpoints/:id", Staff, handler!(staff::integrations::update)),
    row(Delete, "/api/v1/campaigns/:campaign/staff/endpoints/:id", Staff, handler!(staff::integrations::delete)),
    row(Post, "/api/v1/campaigns/:campaign/staff/endpoints/:id/rotate", Staff, handler!(staff::integrations::rotate)),
    row(Get, "/api/v1/campaigns/:campaign/staff/endpoints/:id/deliveries", Staff, handler!(staff::integrations::deliveries)),
    row(Post, "/api/v1/campaigns/:campaign/staff/endpoints/:id/redeliver", Staff, handler!(staff::integrations::redeliver)),
    row(Get, "/api/v1/campaigns/:campaign/staff/action-network", Staff, handler!(staff::action_network::get)),
    row(Put, "/api/v1/campaigns/:campaign/staff/action-network", Staff, handler!(staff::action_network::put)),
    row(Delete, "/api/v1/campaigns/:campaign/staff/action-network", Staff, handler!(staff::action_network::delete)),
    row(Get, "/api/v1/campaigns/:campaign/staff/action-network/deliveries", Staff, handler!(staff::action_network::deliveries)),
    row(Post, "/api/v1/campaigns/:campaign/staff/action-network/redeliver", Staff, handler!(staff::action_network::redeliver)),
    row(Get, "/api/v1/campaigns/:campaign/staff/turnstile", Staff, handler!(staff::turnstile::get)),
    row(Put, "/api/v1/campaigns/:campaign/staff/turnstile", Staff, handler!(staff::turnstile::put)),
    row(Get, "/api/v1/campaigns/:campaign/staff/messages", Staff, handler!(staff::messages::list)),
    row(Post, "/api/v1/campaigns/:campaign/staff/messages/:id/resend", Staff, handler!(staff::messages::resend)),
    row(Get, "/api/v1/campaigns/:campaign/staff/members", Staff, handler!(staff::members::list)),
    row(Post, "/api/v1/campaigns/:campaign/staff/members", Staff, handler!(staff::members::issue)),
    row(Delete, "/api/v1/campaigns/:campaign/staff/members/:id", Staff, handler!(staff::members::revoke)),
    row(Get, "/api/v1/campaigns/:campaign/staff/widgets", Staff, handler!(staff::widgets::list)),
    row(Post, "/api/v1/campaigns/:campaign/staff/petitions", Staff, handler!(staff::widgets::save::<staff::widgets::Petition>)),
    row(Put, "/api/v1/campaigns/:campaign/staff/petitions/:petition", Staff, handler!(staff::widgets::save::<staff::widgets::Petition>)),
    row(Post, "/api/v1/campaigns/:campaign/staff/pledges", Staff, handler!(staff::widgets::save::<staff::widgets::Pledge>)),
    row(Put, "/api/v1/campaigns/:campaign/staff/pledges/:pledge", Staff, handler!(staff::widgets::save::<staff::widgets::Pledge>)),
    // The OSDI API other tools pull from: an API token in `OSDI-API-Token` names the campaign.
    row(Get, "/api/v1/osdi", Staff, handler!(osdi::entry)),
    row(Get, "/api/v1/osdi/people", Staff, handler!(osdi::people)),
    row(Get, "/api/v1/osdi/people/:id", Staff, handler!(osdi::person_one)),
    row(Get, "/api/v1/osdi/petitions", Staff, handler!(osdi::petitions)),
    row(Get, "/api/v1/osdi/petitions/:id", Staff, handler!(osdi::petition)),
    row(Get, "/api/v1/osdi/petitions/:id/signatures", Staff, handler!(osdi::signatures)),
    row(Get, "/api/v1/osdi/events", Staff, handler!(osdi::events)),
    row(Get, "/api/v1/osdi/events/:id", Staff, handler!(osdi::event)),
    row(Get, "/api/v1/osdi/events/:id/attendances", Staff, handler!(osdi::attendances)),
    // The edge's own pages.
    row(Get, "/p/:campaign/:petition", Page, handler!(pages::act::page::<public::act::Petition>)),
    row(Post, "/p/:campaign/:petition", Page, handler!(pages::act::act::<public::act::Petition>)),
    row(Get, "/pledge/:campaign/:pledge", Page, handler!(pages::act::page::<public::act::Pledge>)),
    row(Post, "/pledge/:campaign/:pledge", Page, handler!(pages::act::act::<public::act::Pledge>)),
    row(Get, "/r/:campaign/:id", Page, handler!(pages::rebuttal)),
    // The pages a message's links open.
    row(Get, "/m/:token", Page, handler!(mail::pages::confirm_page)),
    row(Post, "/m/:token", Page, handler!(mail::pages::confirm)),
    row(Get, "/hub/:campaign", Page, handler!(pages::hub::hub)),
    row(Post, "/hub/:campaign", Page, handler!(pages::hub::post)),
    row(Post, "/hub/:campaign/members/:id", Page, handler!(pages::hub::member)),
    row(Get, "/hub/:campaign/manifest.webmanifest", Page, handler!(pages::hub::manifest)),
    row(Get, "/hub/:campaign/n/:id", Page, handler!(pages::hub::clicked)),
    row(Get, "/h/:token", Page, handler!(pages::hub::link_page)),
    row(Post, "/h/:token", Page, handler!(pages::hub::link_open)),
    row(Get, "/u/:token", Page, handler!(mail::pages::unsubscribe_page)),
    row(Post, "/u/:token", Page, handler!(mail::pages::unsubscribe)),
];

/// What the table says about one request, before any handler runs.
pub enum Plan<'a> {
    /// Call this row's handler with these parameters.
    Serve(&'static Row, Vec<(&'static str, &'a str)>),
    /// A preflight: answer it as the path's access class says.
    Preflight(Access, Vec<Method>),
    /// The path is served, not for this method.
    WrongMethod(Access),
    /// No route.
    NotFound,
}

/// Looks a request's method and path up in [`ROUTES`].
pub fn plan<'a>(method: &str, path: &'a str) -> Plan<'a> {
    let preflight = method == "OPTIONS";
    match api::find(ROUTES, Method::parse(method), path) {
        Found::Route(row, params) => Plan::Serve(row, params),
        Found::OtherMethods(rows) if preflight => Plan::Preflight(
            rows[0].route.access,
            rows.iter().map(|r| r.route.method).collect(),
        ),
        Found::OtherMethods(rows) => Plan::WrongMethod(rows[0].route.access),
        Found::Nothing => Plan::NotFound,
    }
}

/// Serves one request: the row's handler, the adapter from its result to the response, and
/// the CORS headers of the row's access class.
pub async fn serve(req: Request, env: worker::Env) -> worker::Result<Response> {
    let path = req.path();
    let method = req.method().to_string();
    let (access, resp) = match plan(&method, &path) {
        Plan::Serve(row, params) => {
            let params = params.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
            let ctx = Ctx::new(env.clone(), params);
            let meter = ctx.meter.clone();
            let mut resp = respond((row.handler)(req, ctx).await);
            if crate::meter::on(&env) {
                let counts = meter.counts();
                let label = format!("{} {}", row.route.method.as_str(), row.route.pattern);
                crate::meter::record(&label, counts);
                resp.headers_mut().set("Rally-Meter", &counts.header())?;
            }
            (Some(row.route.access), resp)
        }
        Plan::Preflight(Access::Public, methods) => {
            return with_cors(Response::empty()?.with_status(204), Some(&methods));
        }
        Plan::Preflight(Access::Staff, _) => {
            return Ok(AppError::refused(
                ErrorCode::Forbidden,
                "staff routes take no cross-site requests",
            )
            .into_response());
        }
        Plan::Preflight(access @ Access::Page, _) | Plan::WrongMethod(access) => {
            let err = AppError::refused(
                ErrorCode::MethodNotAllowed,
                format!("{path} does not take {method}"),
            );
            (Some(access), err.into_response())
        }
        Plan::NotFound => (
            None,
            AppError::refused(ErrorCode::NotFound, format!("no route for {path}")).into_response(),
        ),
    };
    if access == Some(Access::Public) {
        with_cors(resp, None)
    } else {
        Ok(resp)
    }
}

/// The adapter: a handler's result as the response, errors included.
fn respond(r: AppResult<Response>) -> Response {
    r.unwrap_or_else(AppError::into_response)
}

/// The public API may be called from any site: that is what an embeddable widget is. A
/// preflight is told the methods the path takes.
fn with_cors(mut resp: Response, preflight: Option<&[Method]>) -> worker::Result<Response> {
    let h = resp.headers_mut();
    h.set("Access-Control-Allow-Origin", "*")?;
    h.set("Access-Control-Expose-Headers", "Retry-After")?;
    if let Some(methods) = preflight {
        let mut allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
        allow.push("OPTIONS");
        h.set("Access-Control-Allow-Methods", &allow.join(", "))?;
        h.set(
            "Access-Control-Allow-Headers",
            "Content-Type, Idempotency-Key, Authorization",
        )?;
        h.set("Access-Control-Max-Age", "86400")?;
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    //! The table as data: against `rally_api::routes::ALL` and docs/API.md.

    use super::{plan, Plan, ROUTES};
    use rally_api::routes::{Access, Method, Route, ALL};
    use std::collections::BTreeSet;

    fn set<'a>(routes: impl Iterator<Item = &'a Route>) -> BTreeSet<(Method, &'static str)> {
        routes.map(|r| (r.method, r.pattern)).collect()
    }

    #[test]
    fn table_is_exactly_the_api() {
        let edge: Vec<Route> = ROUTES.iter().map(|r| r.route).collect();
        assert_eq!(edge.len(), ROUTES.len());
        assert_eq!(
            set(edge.iter()),
            set(ALL.iter()),
            "edge table vs rally_api::routes::ALL"
        );
        assert_eq!(edge.len(), ALL.len(), "a route twice in the edge table");
        for r in &edge {
            let api = ALL
                .iter()
                .find(|a| (a.method, a.pattern) == (r.method, r.pattern));
            assert_eq!(api.map(|a| a.access), Some(r.access), "access of {r:?}");
        }
    }

    /// `### \`METHOD /path\`` headings of docs/API.md, read as data.
    fn documented() -> BTreeSet<(Method, &'static str)> {
        let doc: &'static str = include_str!("../../docs/API.md");
        doc.lines()
            .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
            .filter_map(|h| {
                let (m, p) = h.split_once(' ')?;
                Some((
                    Method::parse(m).unwrap_or_else(|| panic!("method of {h}")),
                    p,
                ))
            })
            .collect()
    }

    #[test]
    fn docs_document_exactly_the_table() {
        let edge = set(ROUTES.iter().map(|r| &r.route));
        let doc = documented();
        let undocumented: Vec<_> = edge.difference(&doc).collect();
        let unserved: Vec<_> = doc.difference(&edge).collect();
        assert!(
            undocumented.is_empty(),
            "not in docs/API.md: {undocumented:?}"
        );
        assert!(
            unserved.is_empty(),
            "documented but not served: {unserved:?}"
        );
    }

    fn access_of(method: &str, path: &str) -> Option<Access> {
        match plan(method, path) {
            Plan::Serve(row, _) => Some(row.route.access),
            Plan::Preflight(a, _) | Plan::WrongMethod(a) => Some(a),
            Plan::NotFound => None,
        }
    }

    /// Regression (issue 10): a slug `staff` or `session` made a public route a staff route, so
    /// its answers had no CORS and its preflight was refused.
    #[test]
    fn access_comes_from_the_row() {
        use Access::{Page, Public, Staff};
        for (method, path, expected) in [
            (
                "GET",
                "/api/v1/campaigns/demo/petitions/staff",
                Some(Public),
            ),
            (
                "OPTIONS",
                "/api/v1/campaigns/demo/petitions/staff/signatures",
                Some(Public),
            ),
            (
                "POST",
                "/api/v1/campaigns/demo/petitions/staff/signatures",
                Some(Public),
            ),
            (
                "GET",
                "/api/v1/campaigns/staff/petitions/save-the-park",
                Some(Public),
            ),
            (
                "OPTIONS",
                "/api/v1/campaigns/staff/petitions/staff/signatures",
                Some(Public),
            ),
            (
                "POST",
                "/api/v1/campaigns/session/petitions/session/signatures",
                Some(Public),
            ),
            ("GET", "/api/v1/campaigns/staff/pledges/staff", Some(Public)),
            ("OPTIONS", "/api/v1/campaigns/staff/me", Some(Public)),
            (
                "GET",
                "/api/v1/campaigns/staff/leaderboards/mobilisers",
                Some(Public),
            ),
            ("OPTIONS", "/api/v1/campaigns/staff/reports", Some(Public)),
            ("GET", "/api/v1/campaigns/staff/teams/staff", Some(Public)),
            ("GET", "/api/v1/campaigns/demo/staff/overview", Some(Staff)),
            (
                "OPTIONS",
                "/api/v1/campaigns/demo/staff/claims/ABC",
                Some(Staff),
            ),
            ("OPTIONS", "/api/v1/staff/session", Some(Staff)),
            ("PUT", "/api/v1/staff/session", Some(Staff)),
            ("GET", "/api/v1/campaigns/staff/staff/widgets", Some(Staff)),
            ("GET", "/p/staff/staff", Some(Page)),
            ("GET", "/r/demo/staff", Some(Page)),
            ("DELETE", "/api/v1/health", Some(Public)),
            ("GET", "/api/v1/staff", None),
            ("GET", "/api/v1/campaigns/demo/staff", None),
            ("GET", "/staff", None),
        ] {
            assert_eq!(access_of(method, path), expected, "{method} {path}");
        }
    }

    #[test]
    fn preflights_name_the_methods_of_the_path() {
        for (path, expected) in [
            (
                "/api/v1/campaigns/demo/me",
                vec![Method::Get, Method::Patch],
            ),
            (
                "/api/v1/campaigns/staff/petitions/staff/signatures",
                vec![Method::Post],
            ),
            ("/api/v1/campaigns/demo/me/token", vec![Method::Delete]),
        ] {
            match plan("OPTIONS", path) {
                Plan::Preflight(Access::Public, methods) => assert_eq!(methods, expected, "{path}"),
                _ => panic!("{path}: not a public preflight"),
            }
        }
    }
}
