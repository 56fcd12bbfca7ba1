//! The paths of `/api/v1`, built in one place for the widgets, the edge router and the docs.

pub const PREFIX: &str = "/api/v1";

/// Every route the edge serves, as `(method, pattern)`; `docs/API.md` must document each one
/// (checked by the tidy test in `xtask`).
pub const ALL: &[(&str, &str)] = &[
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/campaigns/:campaign/petitions/:petition"),
    (
        "POST",
        "/api/v1/campaigns/:campaign/petitions/:petition/signatures",
    ),
    ("GET", "/api/v1/campaigns/:campaign/referrals/:code"),
    ("GET", "/api/v1/campaigns/:campaign/pledges/:pledge"),
    (
        "POST",
        "/api/v1/campaigns/:campaign/pledges/:pledge/commitments",
    ),
    (
        "GET",
        "/api/v1/campaigns/:campaign/pledges/:pledge/calendar.ics",
    ),
    ("GET", "/api/v1/campaigns/:campaign/leaderboards/:board"),
    ("POST", "/api/v1/campaigns/:campaign/teams"),
    ("POST", "/api/v1/campaigns/:campaign/teams/join"),
    ("POST", "/api/v1/campaigns/:campaign/teams/leave"),
    ("GET", "/api/v1/campaigns/:campaign/teams/:invite"),
    ("GET", "/api/v1/campaigns/:campaign/me"),
    ("PATCH", "/api/v1/campaigns/:campaign/me"),
    ("DELETE", "/api/v1/campaigns/:campaign/me/token"),
    ("POST", "/api/v1/campaigns/:campaign/reports"),
    ("GET", "/api/v1/campaigns/:campaign/rebuttals"),
    ("POST", "/api/v1/staff/session"),
    ("GET", "/api/v1/staff/session"),
    ("DELETE", "/api/v1/staff/session"),
    ("GET", "/api/v1/campaigns/:campaign/staff/audit"),
    ("GET", "/api/v1/campaigns/:campaign/staff/overview"),
    ("GET", "/api/v1/campaigns/:campaign/staff/supporters"),
    ("GET", "/api/v1/campaigns/:campaign/staff/supporters/:id"),
    ("PATCH", "/api/v1/campaigns/:campaign/staff/supporters/:id"),
    ("DELETE", "/api/v1/campaigns/:campaign/staff/supporters/:id"),
    ("GET", "/api/v1/campaigns/:campaign/staff/exports/:what"),
    ("GET", "/api/v1/campaigns/:campaign/staff/claims"),
    ("GET", "/api/v1/campaigns/:campaign/staff/claims/export"),
    ("GET", "/api/v1/campaigns/:campaign/staff/claims/:id"),
    ("PATCH", "/api/v1/campaigns/:campaign/staff/claims/:id"),
    (
        "GET",
        "/api/v1/campaigns/:campaign/staff/claims/:id/history",
    ),
    ("POST", "/api/v1/campaigns/:campaign/staff/claims/:id/merge"),
    ("POST", "/api/v1/campaigns/:campaign/staff/claims/:id/split"),
    ("GET", "/api/v1/campaigns/:campaign/staff/campaign"),
    ("PUT", "/api/v1/campaigns/:campaign/staff/campaign"),
    ("GET", "/api/v1/campaigns/:campaign/staff/members"),
    ("POST", "/api/v1/campaigns/:campaign/staff/members"),
    ("DELETE", "/api/v1/campaigns/:campaign/staff/members/:id"),
    ("GET", "/api/v1/campaigns/:campaign/staff/widgets"),
    ("POST", "/api/v1/campaigns/:campaign/staff/petitions"),
    (
        "PUT",
        "/api/v1/campaigns/:campaign/staff/petitions/:petition",
    ),
    ("POST", "/api/v1/campaigns/:campaign/staff/pledges"),
    ("PUT", "/api/v1/campaigns/:campaign/staff/pledges/:pledge"),
    ("GET", "/p/:campaign/:petition"),
    ("GET", "/r/:campaign/:id"),
];

pub fn reports(campaign: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/reports")
}

pub fn rebuttals(campaign: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/rebuttals")
}

pub fn petition(campaign: &str, petition: &str) -> String {
    format!("{PREFIX}/campaigns/{campaign}/petitions/{petition}")
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
        ];
        for b in built {
            assert!(
                super::ALL.iter().any(|(_, p)| fill(p) == b),
                "{b} is not in ALL"
            );
        }
    }
}
