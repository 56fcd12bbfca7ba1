//! The paths of `/api/v1`, built in one place for the widgets, the edge router and the docs.

pub const PREFIX: &str = "/api/v1";

/// An HTTP method a route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// `"GET"` to [`Method::Get`]; `None` for a method no route takes (`OPTIONS`, `HEAD`, ...).
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Who may call a route, and so which answers carry CORS headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// The public API that widgets call from any site: CORS for every origin, preflights
    /// answered.
    Public,
    /// Staff routes: the dashboard's own origin only. No CORS headers; preflights refused, so
    /// another site's page cannot make a browser call them with a credential.
    Staff,
    /// HTML pages of the edge's own (a petition's page, a rebuttal's page): no CORS.
    Page,
}

/// One row of the route table: what the edge serves, and to whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    pub method: Method,
    /// Segments separated by `/`; a segment `:name` matches any one non-empty segment.
    pub pattern: &'static str,
    pub access: Access,
}

const fn route(method: Method, pattern: &'static str, access: Access) -> Route {
    Route {
        method,
        pattern,
        access,
    }
}

use Access::{Page, Public, Staff};
use Method::{Delete, Get, Patch, Post, Put};

/// Every route the edge serves. `docs/API.md` documents each one and the edge's route table
/// serves exactly these (both checked as data by the edge's native tests).
pub const ALL: &[Route] = &[
    route(Get, "/api/v1/health", Public),
    route(Get, "/api/v1/meter", Public),
    route(
        Get,
        "/api/v1/campaigns/:campaign/petitions/:petition",
        Public,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/petitions/:petition/form",
        Public,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/petitions/:petition/signatures",
        Public,
    ),
    route(Get, "/api/v1/campaigns/:campaign/referrals/:code", Public),
    route(Get, "/api/v1/campaigns/:campaign/pledges/:pledge", Public),
    route(
        Get,
        "/api/v1/campaigns/:campaign/pledges/:pledge/form",
        Public,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/pledges/:pledge/commitments",
        Public,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/pledges/:pledge/calendar.ics",
        Public,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/leaderboards/:board",
        Public,
    ),
    route(Post, "/api/v1/campaigns/:campaign/teams", Public),
    route(Post, "/api/v1/campaigns/:campaign/teams/join", Public),
    route(Post, "/api/v1/campaigns/:campaign/teams/leave", Public),
    route(Get, "/api/v1/campaigns/:campaign/teams/:invite", Public),
    route(Get, "/api/v1/campaigns/:campaign/me", Public),
    route(Patch, "/api/v1/campaigns/:campaign/me", Public),
    route(Delete, "/api/v1/campaigns/:campaign/me/token", Public),
    route(Post, "/api/v1/campaigns/:campaign/reports", Public),
    route(Get, "/api/v1/campaigns/:campaign/rebuttals", Public),
    route(Post, "/api/v1/staff/session", Staff),
    route(Get, "/api/v1/staff/session", Staff),
    route(Delete, "/api/v1/staff/session", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/audit", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/overview", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/supporters", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/people", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/people/count", Staff),
    route(Post, "/api/v1/campaigns/:campaign/staff/people/bulk", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/people/bulk", Staff),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/people/export",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/filters", Staff),
    route(Post, "/api/v1/campaigns/:campaign/staff/filters", Staff),
    route(
        Delete,
        "/api/v1/campaigns/:campaign/staff/filters/:id",
        Staff,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/supporters/:id/timeline",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/supporters/:id/tags",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/teams", Staff),
    route(Patch, "/api/v1/campaigns/:campaign/staff/teams/:id", Staff),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/supporters/:id",
        Staff,
    ),
    route(
        Patch,
        "/api/v1/campaigns/:campaign/staff/supporters/:id",
        Staff,
    ),
    route(
        Delete,
        "/api/v1/campaigns/:campaign/staff/supporters/:id",
        Staff,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/exports/:what",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/exports/:what",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/export-jobs", Staff),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/export-jobs/:id/file",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/claims", Staff),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/claims/export",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/claims/:id", Staff),
    route(Patch, "/api/v1/campaigns/:campaign/staff/claims/:id", Staff),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/claims/:id/history",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/claims/:id/merge",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/claims/:id/split",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/campaign", Staff),
    route(Put, "/api/v1/campaigns/:campaign/staff/campaign", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/actions", Staff),
    route(Post, "/api/v1/campaigns/:campaign/staff/actions", Staff),
    route(Put, "/api/v1/campaigns/:campaign/staff/actions/:id", Staff),
    route(
        Put,
        "/api/v1/campaigns/:campaign/staff/shards/:kind/:slug",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/shards/:kind/:slug/drain",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/ladder", Staff),
    route(Put, "/api/v1/campaigns/:campaign/staff/ladder", Staff),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/ladder/report",
        Staff,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/ladder/report/export",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/endpoints", Staff),
    route(Post, "/api/v1/campaigns/:campaign/staff/endpoints", Staff),
    route(
        Put,
        "/api/v1/campaigns/:campaign/staff/endpoints/:id",
        Staff,
    ),
    route(
        Delete,
        "/api/v1/campaigns/:campaign/staff/endpoints/:id",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/endpoints/:id/rotate",
        Staff,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/endpoints/:id/deliveries",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/endpoints/:id/redeliver",
        Staff,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/action-network",
        Staff,
    ),
    route(
        Put,
        "/api/v1/campaigns/:campaign/staff/action-network",
        Staff,
    ),
    route(
        Delete,
        "/api/v1/campaigns/:campaign/staff/action-network",
        Staff,
    ),
    route(
        Get,
        "/api/v1/campaigns/:campaign/staff/action-network/deliveries",
        Staff,
    ),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/action-network/redeliver",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/turnstile", Staff),
    route(Put, "/api/v1/campaigns/:campaign/staff/turnstile", Staff),
    route(Get, "/api/v1/campaigns/:campaign/staff/messages", Staff),
    route(
        Post,
        "/api/v1/campaigns/:campaign/staff/messages/:id/resend",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/members", Staff),
    route(Post, "/api/v1/campaigns/:campaign/staff/members", Staff),
    route(
        Delete,
        "/api/v1/campaigns/:campaign/staff/members/:id",
        Staff,
    ),
    route(Get, "/api/v1/campaigns/:campaign/staff/widgets", Staff),
    route(Post, "/api/v1/campaigns/:campaign/staff/petitions", Staff),
    route(
        Put,
        "/api/v1/campaigns/:campaign/staff/petitions/:petition",
        Staff,
    ),
    route(Post, "/api/v1/campaigns/:campaign/staff/pledges", Staff),
    route(
        Put,
        "/api/v1/campaigns/:campaign/staff/pledges/:pledge",
        Staff,
    ),
    // The OSDI API other tools pull from (an API token in `OSDI-API-Token`).
    route(Get, "/api/v1/osdi", Staff),
    route(Get, "/api/v1/osdi/people", Staff),
    route(Get, "/api/v1/osdi/people/:id", Staff),
    route(Get, "/api/v1/osdi/petitions", Staff),
    route(Get, "/api/v1/osdi/petitions/:id", Staff),
    route(Get, "/api/v1/osdi/petitions/:id/signatures", Staff),
    route(Get, "/api/v1/osdi/events", Staff),
    route(Get, "/api/v1/osdi/events/:id", Staff),
    route(Get, "/api/v1/osdi/events/:id/attendances", Staff),
    route(Get, "/p/:campaign/:petition", Page),
    route(Post, "/p/:campaign/:petition", Page),
    route(Get, "/pledge/:campaign/:pledge", Page),
    route(Post, "/pledge/:campaign/:pledge", Page),
    route(Get, "/r/:campaign/:id", Page),
    route(Get, "/m/:token", Page),
    route(Post, "/m/:token", Page),
    route(Get, "/hub/:campaign", Page),
    route(Post, "/hub/:campaign", Page),
    route(Post, "/hub/:campaign/members/:id", Page),
    route(Get, "/hub/:campaign/manifest.webmanifest", Page),
    route(Get, "/hub/:campaign/n/:id", Page),
    route(Get, "/h/:token", Page),
    route(Post, "/h/:token", Page),
    route(Get, "/u/:token", Page),
    route(Post, "/u/:token", Page),
];

/// The parameters of `path` if it matches `pattern`: `(name, value)` pairs in order.
pub fn matches<'p, 'a>(pattern: &'p str, path: &'a str) -> Option<Vec<(&'p str, &'a str)>> {
    let mut params = Vec::new();
    let mut pat = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(p), Some(g)) => match p.strip_prefix(':') {
                Some(name) if !g.is_empty() => params.push((name, g)),
                None if p == g => {}
                _ => return None,
            },
            _ => return None,
        }
    }
}

/// How specific a pattern is, for choosing among patterns that match the same path: a literal
/// segment beats a parameter at the first place they differ (`/claims/export` before
/// `/claims/:id`), as in every common router.
fn specificity(pattern: &str) -> impl Iterator<Item = bool> + '_ {
    pattern.split('/').map(|s| !s.starts_with(':'))
}

/// What a request's path and method find in `table`.
#[derive(Debug, PartialEq, Eq)]
pub enum Found<'t, 'a, R> {
    /// The row for this method and path, with the path's parameters.
    Route(&'t R, Vec<(&'static str, &'a str)>),
    /// The path is served, but not for this method: these rows are (for `Allow`, and for the
    /// path's access class).
    OtherMethods(Vec<&'t R>),
    /// No row serves this path.
    Nothing,
}

/// Something that holds a [`Route`] (the edge's rows add a handler).
pub trait Row {
    fn route(&self) -> &Route;
}

impl Row for Route {
    fn route(&self) -> &Route {
        self
    }
}

/// Looks `method` and `path` up in `table`. Among several rows that match, the most specific
/// pattern wins; `method` is `None` for a method no route takes (a preflight).
pub fn find<'t, 'a, R: Row>(
    table: &'t [R],
    method: Option<Method>,
    path: &'a str,
) -> Found<'t, 'a, R> {
    let mut best: Option<(&'t R, Vec<(&'static str, &'a str)>)> = None;
    let mut others = Vec::new();
    for row in table {
        let r = row.route();
        let Some(params) = matches(r.pattern, path) else {
            continue;
        };
        if Some(r.method) != method {
            others.push(row);
            continue;
        }
        let better = match &best {
            None => true,
            Some((b, _)) => specificity(r.pattern).gt(specificity(b.route().pattern)),
        };
        if better {
            best = Some((row, params));
        }
    }
    match best {
        Some((row, params)) => Found::Route(row, params),
        None if others.is_empty() => Found::Nothing,
        None => {
            // The rows of the most specific pattern only.
            let top = others
                .iter()
                .map(|r| r.route().pattern)
                .max_by(|a, b| specificity(a).cmp(specificity(b)))
                .unwrap_or_default();
            others.retain(|r| r.route().pattern == top);
            Found::OtherMethods(others)
        }
    }
}

pub fn reports(campaign: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/reports")
}

pub fn rebuttals(campaign: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/rebuttals")
}

pub fn petition(campaign: &str, petition: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/petitions/{petition}")
}

/// The first paint of a petition's widget: `{ lang, html, view }`.
pub fn petition_form(campaign: &str, petition: &str) -> String {
    format!("{}/form", self::petition(campaign, petition))
}

pub fn signatures(campaign: &str, petition: &str) -> String {
    format!("{}/signatures", self::petition(campaign, petition))
}

pub fn referral(campaign: &str, code: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/referrals/{code}")
}

pub fn leaderboard(campaign: &str, board: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/leaderboards/{board}")
}

pub fn me(campaign: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/me")
}

pub fn pledge(campaign: &str, pledge: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/pledges/{pledge}")
}

pub fn commitments(campaign: &str, pledge: &str) -> String {
    format!("{}/commitments", self::pledge(campaign, pledge))
}

pub fn teams(campaign: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/teams")
}

/// A team's public invite view (`invite` is also the `join` body's field).
pub fn team(campaign: &str, invite: &str) -> String {
    format!("{}/{invite}", self::teams(campaign))
}

pub fn me_token(campaign: &str) -> String {
    format!("{}/token", self::me(campaign))
}

pub fn pledge_calendar(campaign: &str, pledge: &str) -> String {
    format!("{}/calendar.ics", self::pledge(campaign, pledge))
}

/// The petition's own page on the edge: where the widget's fallback link points.
pub fn petition_page(campaign: &str, petition: &str) -> String {
    format!("/p/{campaign}/{petition}")
}

/// The pledge's own page on the edge.
pub fn pledge_page(campaign: &str, pledge: &str) -> String {
    format!("/pledge/{campaign}/{pledge}")
}

/// A staff export: streamed (`GET`) or started (`POST`).
pub fn staff_export(campaign: &str, what: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/staff/exports/{what}")
}

/// The file of a finished background export.
pub fn export_job_file(campaign: &str, id: u32) -> String {
    format!("{PREFIX}/campaigns/{campaign}/staff/export-jobs/{id}/file")
}

#[cfg(test)]
mod tests {
    #[test]
    fn builders_match_patterns() {
        let fill = |p: &str| {
            p.replace(":campaign", "c")
                .replace(":petition", "p")
                .replace(":code", "X")
                .replace(":board", "mobilisers")
                .replace(":pledge", "v")
                .replace(":invite", "X")
                .replace(":what", "signatures")
                .replace(":id", "7")
        };
        let built = [
            super::petition("c", "p"),
            super::signatures("c", "p"),
            super::referral("c", "X"),
            super::leaderboard("c", "mobilisers"),
            super::me("c"),
            super::pledge("c", "v"),
            super::pledge_calendar("c", "v"),
            super::commitments("c", "v"),
            super::teams("c"),
            super::team("c", "X"),
            format!("{}/join", super::teams("c")),
            format!("{}/leave", super::teams("c")),
            super::me_token("c"),
            super::reports("c"),
            super::rebuttals("c"),
            super::petition_page("c", "p"),
            super::staff_export("c", "signatures"),
            super::export_job_file("c", 7),
        ];
        for b in built {
            assert!(
                super::ALL.iter().any(|r| fill(r.pattern) == b),
                "{b} is not in ALL"
            );
        }
    }

    use super::{find, matches, Access, Found, Method, ALL};

    /// `(method, path)` and what the table finds: the row's pattern and access, or the other
    /// methods, or nothing.
    fn check(method: Option<Method>, path: &str, expected: Expect) {
        let got = match find(ALL, method, path) {
            Found::Route(r, params) => Expect::Row(r.pattern, r.access, params),
            Found::OtherMethods(rows) => {
                Expect::Others(rows.iter().map(|r| r.method).collect(), rows[0].access)
            }
            Found::Nothing => Expect::Nothing,
        };
        assert_eq!(got, expected, "{method:?} {path}");
    }

    #[derive(Debug, PartialEq)]
    enum Expect<'a> {
        Row(&'static str, Access, Vec<(&'static str, &'a str)>),
        Others(Vec<Method>, Access),
        Nothing,
    }
    use Expect::{Nothing, Others, Row};
    use Method::{Delete, Get, Patch, Post};

    #[test]
    fn slugs_that_are_words_of_the_api_are_just_slugs() {
        // A petition or campaign called `staff` or `session` is public: the access class comes
        // from the row, not from the path's text (issue 10's bug).
        let sig = "/api/v1/campaigns/:campaign/petitions/:petition/signatures";
        let pet = "/api/v1/campaigns/:campaign/petitions/:petition";
        for (campaign, petition) in [
            ("demo", "staff"),
            ("staff", "staff"),
            ("staff", "save-the-park"),
            ("session", "session"),
            ("demo", "session"),
            ("staff", "export"),
        ] {
            let path = format!("/api/v1/campaigns/{campaign}/petitions/{petition}");
            check(
                Some(Get),
                &path,
                Row(
                    pet,
                    Access::Public,
                    vec![("campaign", campaign), ("petition", petition)],
                ),
            );
            let path = format!("{path}/signatures");
            check(
                Some(Post),
                &path,
                Row(
                    sig,
                    Access::Public,
                    vec![("campaign", campaign), ("petition", petition)],
                ),
            );
            check(None, &path, Others(vec![Post], Access::Public));
        }
        check(
            Some(Get),
            "/api/v1/campaigns/staff/me",
            Row(
                "/api/v1/campaigns/:campaign/me",
                Access::Public,
                vec![("campaign", "staff")],
            ),
        );
        check(
            Some(Get),
            "/api/v1/campaigns/staff/staff/overview",
            Row(
                "/api/v1/campaigns/:campaign/staff/overview",
                Access::Staff,
                vec![("campaign", "staff")],
            ),
        );
    }

    #[test]
    fn table_lookups() {
        check(
            Some(Get),
            "/api/v1/campaigns/c/staff/claims/export",
            Row(
                "/api/v1/campaigns/:campaign/staff/claims/export",
                Access::Staff,
                vec![("campaign", "c")],
            ),
        );
        check(
            Some(Get),
            "/api/v1/campaigns/c/staff/claims/ABC",
            Row(
                "/api/v1/campaigns/:campaign/staff/claims/:id",
                Access::Staff,
                vec![("campaign", "c"), ("id", "ABC")],
            ),
        );
        // Per method, as in every common router: a GET of `teams/join` is an invite code.
        check(
            Some(Get),
            "/api/v1/campaigns/c/teams/join",
            Row(
                "/api/v1/campaigns/:campaign/teams/:invite",
                Access::Public,
                vec![("campaign", "c"), ("invite", "join")],
            ),
        );
        check(
            Some(Delete),
            "/api/v1/campaigns/c/teams/join",
            Others(vec![Post], Access::Public),
        );
        check(
            Some(Get),
            "/api/v1/campaigns/c/teams/X7",
            Row(
                "/api/v1/campaigns/:campaign/teams/:invite",
                Access::Public,
                vec![("campaign", "c"), ("invite", "X7")],
            ),
        );
        check(
            None,
            "/api/v1/staff/session",
            Others(vec![Post, Get, Delete], Access::Staff),
        );
        check(
            Some(Patch),
            "/api/v1/staff/session",
            Others(vec![Post, Get, Delete], Access::Staff),
        );
        check(
            Some(Delete),
            "/api/v1/health",
            Others(vec![Get], Access::Public),
        );
        check(
            Some(Get),
            "/p/demo/staff",
            Row(
                "/p/:campaign/:petition",
                Access::Page,
                vec![("campaign", "demo"), ("petition", "staff")],
            ),
        );
        for nothing in [
            "/api/v1/nope",
            "/api/v1/campaigns//petitions/x",
            "/api/v1/campaigns/c/petitions/x/",
            "/api/v1/campaigns/c/petitions",
            "",
            "/",
            "/p/demo",
            "/p/demo/x/y",
        ] {
            check(Some(Get), nothing, Nothing);
        }
    }

    #[test]
    fn matcher() {
        for (pattern, path, expected) in [
            ("/a/:x", "/a/1", Some(vec![("x", "1")])),
            ("/a/:x/b/:y", "/a/1/b/2", Some(vec![("x", "1"), ("y", "2")])),
            ("/a/:x", "/a/", None),
            ("/a/:x", "/a", None),
            ("/a/:x", "/a/1/", None),
            ("/a/b", "/a/b", Some(vec![])),
            ("/a/b", "/a/c", None),
            ("/a/b", "/A/b", None),
        ] {
            assert_eq!(matches(pattern, path), expected, "{pattern} {path}");
        }
    }

    #[test]
    fn every_row_is_unique_and_methods_round_trip() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert!(
                    (a.method, a.pattern) != (b.method, b.pattern),
                    "{a:?} twice"
                );
            }
            assert_eq!(Method::parse(a.method.as_str()), Some(a.method));
        }
        assert_eq!(Method::parse("OPTIONS"), None);
    }
}
