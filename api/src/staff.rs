//! Staff of a campaign, as an owner manages them.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// The roles, most powerful first: `owner` (everything, manages staff), `organiser` (widgets,
/// exports), `moderator` (the fact-check queue, hiding names), `viewer` (reads only).
pub const ROLES: [&str; 4] = ["owner", "organiser", "moderator", "viewer"];

/// `POST /api/v1/campaigns/{campaign}/staff/members`: an owner issues a credential.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewStaff {
    pub name: String,
    pub role: String,
    /// `person` (the default: signs in to the dashboard) or `api` (an API token: reads the
    /// OSDI API with `OSDI-API-Token`, nothing else).
    pub kind: String,
}

/// The kinds of credential: a person's, or an API token.
pub const KINDS: [&str; 2] = ["person", "api"];

impl NewStaff {
    /// The member's name (as a person's name is checked), role and kind.
    pub fn validate(&self) -> Result<(String, &'static str, &'static str), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = crate::validate::name(&self.name).unwrap_or_else(|code| {
            errors.push(FieldError {
                field: "name",
                code,
            });
            String::new()
        });
        let role = ROLES.iter().find(|r| **r == self.role.trim());
        if role.is_none() {
            errors.push(FieldError {
                field: "role",
                code: if self.role.trim().is_empty() {
                    ErrorCode::Required
                } else {
                    ErrorCode::InvalidValue
                },
            });
        }
        let kind = match self.kind.trim() {
            "" => Some(KINDS[0]),
            k => KINDS.iter().copied().find(|x| *x == k),
        };
        if kind.is_none() {
            errors.push(FieldError {
                field: "kind",
                code: ErrorCode::InvalidValue,
            });
        }
        match (role, kind) {
            (Some(r), Some(k)) if errors.is_empty() => Ok((name, r, k)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_roles() {
        let ok = NewStaff {
            name: "  Rita   Reis ".into(),
            role: "moderator".into(),
            kind: String::new(),
        };
        assert_eq!(
            ok.validate().unwrap(),
            ("Rita Reis".into(), "moderator", "person")
        );
        let api = NewStaff {
            name: "CRM sync".into(),
            role: "organiser".into(),
            kind: "api".into(),
        };
        assert_eq!(api.validate().unwrap().2, "api");
        let bad = NewStaff {
            name: String::new(),
            role: "admin".into(),
            kind: "robot".into(),
        };
        assert_eq!(
            crate::error::problems(bad.validate()),
            [
                ("name", ErrorCode::Required),
                ("role", ErrorCode::InvalidValue),
                ("kind", ErrorCode::InvalidValue)
            ]
        );
    }
}

/// `GET` and `PUT /api/v1/campaigns/{campaign}/staff/campaign`: the campaign's settings. Owners
/// change them; changes apply to actions from then on (points already earned stay).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignSettings {
    pub name: String,
    /// IANA time zone (`America/Sao_Paulo`): weeks start on its Mondays, the overview's days at
    /// its midnights. The edge checks that its runtime knows the zone.
    pub timezone: String,
    /// Actions a week a supporter aims for.
    pub weekly_goal: Option<u64>,
    /// Most members a team may have (its leader included).
    pub team_size: Option<u64>,
    pub points_sign: Option<u64>,
    pub points_pledge: Option<u64>,
    pub points_report: Option<u64>,
    pub points_recruit: Option<u64>,
    /// The name messages come from (`Friends of the Park`); empty: the campaign's name.
    pub sender_name: String,
    /// The address messages come from, on a domain verified with Cloudflare Email Service;
    /// empty: the deployment's `MAIL_FROM`.
    pub sender_email: String,
    /// Where replies go; empty: no `Reply-To`.
    pub reply_to: String,
    /// Whether each signature and commitment is confirmed by email (double opt-in). Unconfirmed
    /// actions count at once and are marked as such in the overview and exports.
    pub confirm: bool,
}

/// Bounds of the numeric settings, `(field, least, most)`.
pub const SETTING_BOUNDS: [(&str, u64, u64); 6] = [
    ("weekly_goal", 1, 100),
    ("team_size", 2, 50),
    ("points_sign", 0, 1000),
    ("points_pledge", 0, 1000),
    ("points_report", 0, 1000),
    ("points_recruit", 0, 1000),
];

impl CampaignSettings {
    /// Checks every field; on failure lists every problem.
    pub fn validate(&self) -> Result<CampaignSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(FieldError {
                field: "name",
                code: ErrorCode::Required,
            });
        } else if name.chars().count() > 80 {
            errors.push(FieldError {
                field: "name",
                code: ErrorCode::TooLong,
            });
        }
        let tz = self.timezone.trim();
        let tz_ok = !tz.is_empty()
            && tz.len() <= 64
            && tz
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
        if !tz_ok {
            errors.push(FieldError {
                field: "timezone",
                code: if tz.is_empty() {
                    ErrorCode::Required
                } else {
                    ErrorCode::InvalidValue
                },
            });
        }
        let values = [
            self.weekly_goal,
            self.team_size,
            self.points_sign,
            self.points_pledge,
            self.points_report,
            self.points_recruit,
        ];
        for ((field, least, most), v) in SETTING_BOUNDS.iter().zip(values) {
            match v {
                None => errors.push(FieldError {
                    field,
                    code: ErrorCode::Required,
                }),
                Some(v) if v < *least || v > *most => errors.push(FieldError {
                    field,
                    code: ErrorCode::InvalidValue,
                }),
                Some(_) => {}
            }
        }
        let sender_name = self
            .sender_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // A display name goes into a header: no line breaks (split_whitespace took them), no
        // characters that end or quote an address.
        if sender_name.chars().count() > 64 {
            errors.push(FieldError {
                field: "sender_name",
                code: ErrorCode::TooLong,
            });
        } else if sender_name
            .chars()
            .any(|c| c.is_control() || "<>\"\\@,;:".contains(c))
        {
            errors.push(FieldError {
                field: "sender_name",
                code: ErrorCode::InvalidValue,
            });
        }
        let address =
            |field: &'static str, raw: &str, errors: &mut Vec<FieldError>| match raw.trim() {
                "" => String::new(),
                a => crate::validate::email(a).unwrap_or_else(|code| {
                    errors.push(FieldError { field, code });
                    String::new()
                }),
            };
        let sender_email = address("sender_email", &self.sender_email, &mut errors);
        let reply_to = address("reply_to", &self.reply_to, &mut errors);
        if errors.is_empty() {
            Ok(CampaignSettings {
                name,
                timezone: tz.to_owned(),
                sender_name,
                sender_email,
                reply_to,
                ..self.clone()
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    fn good() -> CampaignSettings {
        CampaignSettings {
            name: " Save  the park ".into(),
            timezone: "America/Sao_Paulo".into(),
            weekly_goal: Some(3),
            team_size: Some(8),
            points_sign: Some(10),
            points_pledge: Some(20),
            points_report: Some(10),
            points_recruit: Some(50),
            sender_name: "Friends of  the Park".into(),
            sender_email: " Hello@Park.example ".into(),
            reply_to: String::new(),
            confirm: true,
        }
    }

    #[test]
    fn senders_are_addresses_and_names_fit_a_header() {
        let ok = good().validate().unwrap();
        assert_eq!(ok.sender_name, "Friends of the Park");
        assert_eq!(ok.sender_email, "hello@park.example");
        // (sender name, sender address, reply-to, the problems)
        type Case<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, ErrorCode)]);
        let cases: [Case; 5] = [
            (
                "Park <evil@x.example>",
                "",
                "",
                &[("sender_name", ErrorCode::InvalidValue)],
            ),
            (
                "Park\r\nBcc: x@y.example",
                "",
                "",
                &[("sender_name", ErrorCode::InvalidValue)],
            ),
            (
                "",
                "not-an-address",
                "",
                &[("sender_email", ErrorCode::InvalidEmail)],
            ),
            ("", "", "reply@@x", &[("reply_to", ErrorCode::InvalidEmail)]),
            ("", "", "replies@park.example", &[]),
        ];
        for (name, from, reply, want) in cases {
            let s = CampaignSettings {
                sender_name: name.into(),
                sender_email: from.into(),
                reply_to: reply.into(),
                ..good()
            };
            assert_eq!(
                crate::error::problems(s.validate()),
                want,
                "{name:?} {from:?} {reply:?}"
            );
        }
    }

    #[test]
    fn settings_are_bounded() {
        assert_eq!(good().validate().unwrap().name, "Save the park");
        let bad = CampaignSettings {
            timezone: "Mars/Olympus Mons".into(),
            team_size: Some(1),
            points_sign: Some(5000),
            points_report: None,
            ..good()
        };
        assert_eq!(
            crate::error::problems(bad.validate()),
            [
                ("timezone", ErrorCode::InvalidValue),
                ("team_size", ErrorCode::InvalidValue),
                ("points_sign", ErrorCode::InvalidValue),
                ("points_report", ErrorCode::Required),
            ]
        );
    }
}

/// `GET|POST /api/v1/staff/session`: who is signed in, for which campaign, until when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub campaign: String,
    pub name: String,
    pub role: String,
    /// Milliseconds since the epoch.
    pub expires_at: u64,
}

/// `POST /api/v1/staff/session`: the credential to exchange for a session cookie.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SignIn {
    #[serde(default)]
    pub key: String,
}

/// One row of the audit log: who did what, when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: f64,
    pub staff: String,
    pub role: String,
    pub action: String,
    pub detail: String,
}

/// What an owner sees of a staff member (never the credential: D1 has only its hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: u32,
    pub name: String,
    pub role: String,
    /// `person` or `api` ([`KINDS`]).
    #[serde(default)]
    pub kind: String,
    pub created_at: f64,
    pub revoked_at: Option<f64>,
    /// Who issued the credential, if it was issued from the dashboard.
    pub created_by: Option<String>,
}

/// A credential just issued: the only time its key is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Issued {
    pub id: u32,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub kind: String,
    /// The credential itself: shown this once, stored only as its hash.
    pub key: String,
}

/// A credential just revoked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Revoked {
    pub name: String,
    pub role: String,
}

/// A supporter as staff with the right role see them (search results, one person).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub country: String,
    pub points: u32,
    /// 1 when they appear on public boards.
    pub listed: u32,
    /// 1 when a moderator hid their name.
    pub hidden: u32,
    pub created_at: f64,
}

/// `PATCH .../staff/supporters/:id`: hide or show a name on public boards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hide {
    pub hidden: Option<bool>,
}

/// What an erasure kept, without the person: their signatures and commitments still count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Erased {
    pub id: u32,
    pub signatures_kept: u32,
    pub commitments_kept: u32,
}

// The staff overview.

/// `GET .../staff/overview`: totals, series, conversion, top sites, sources, recruiters, teams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub today: u64,
    pub week: u64,
    pub all: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The start of the hour or day (ms since the epoch).
    pub at: u64,
    /// The date (`2026-11-21`) or hour (`14:00`) in the campaign's time zone.
    pub label: String,
    /// Counts in the order of `kinds`.
    pub counts: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub widget: String,
    pub action: String,
    pub views: Totals,
    pub actions: Totals,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Top {
    pub value: String,
    pub n: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tops {
    pub week: Vec<Top>,
    pub all: Vec<Top>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recruiter {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub recruits: u32,
    pub points: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamTop {
    pub name: String,
    pub size: u32,
    pub points: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// `sign`, `pledge`, `report`, `recruit`.
    pub kinds: Vec<String>,
    pub totals: Vec<Totals>,
    pub hourly: Vec<Point>,
    pub daily: Vec<Point>,
    /// Views of each widget beside the actions they lead to (views slightly under: an
    /// evicted isolate loses up to 2 s of them).
    pub funnels: Vec<Funnel>,
    /// Top host sites (`site`) and sources (`source`), this week (by UTC day) and all time.
    pub sites: Tops,
    pub sources: Tops,
    pub recruiters: Vec<Recruiter>,
    pub teams: Vec<TeamTop>,
    /// Signatures and commitments still waiting for their email confirmation (counted in the
    /// totals at once; zero when the campaign does not confirm by email).
    #[serde(default)]
    pub unconfirmed: Unconfirmed,
    /// The campaign's IANA time zone: today starts at its midnight, the week on its Monday.
    pub timezone: String,
    /// Its offset from UTC now, in whole hours (the buckets are hours).
    pub utc_offset_hours: i64,
    pub as_of: u64,
}

/// Actions counted and not yet confirmed by email.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Unconfirmed {
    pub signatures: u64,
    pub commitments: u64,
}

/// `GET .../staff/supporters/:id`, as the dashboard reads it: what the person did. The answer
/// (a subject access request) carries every stored column besides, table by table; readers
/// ignore what they do not name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonRecord {
    pub actions: Vec<ActionEntry>,
    pub signatures: Vec<SignedEntry>,
    pub commitments: Vec<PledgedEntry>,
}

/// One action in a person's record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionEntry {
    pub kind: String,
    pub points: u32,
    pub week: String,
    pub created_at: f64,
}

/// A petition the person signed (by slug).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignedEntry {
    pub petition: String,
}

/// A pledge the person made (by slug).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PledgedEntry {
    pub pledge: String,
}

// Follow-up messages.

/// `GET .../staff/messages`: what the outbox did, per day and kind, the latest failures, and the
/// cron's last runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Messages {
    pub days: Vec<MessageDay>,
    pub failures: Vec<MessageFailure>,
    pub sweeps: Vec<Sweep>,
}

/// Messages of one kind created on one UTC day (`2026-11-30`), by where they are now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageDay {
    pub day: String,
    /// `confirm`, `confirm_reminder`, `pledge_eve`, `pledge_morning`, `outcome`.
    pub kind: String,
    /// Written and not yet sent (waiting, queued or being sent).
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    /// Not sent on purpose: unsubscribed, erased, already confirmed, too late.
    pub dropped: u64,
}

/// A message that stopped as `failed`, with the last reason (never its address).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageFailure {
    pub id: u64,
    pub kind: String,
    pub created_at: u64,
    pub attempts: u64,
    pub error: String,
}

/// One cron run: what it handed to the queue and what it cleared away.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sweep {
    pub at: u64,
    pub enqueued: u64,
    pub reminders: u64,
    pub expired: u64,
    pub keys_dropped: u64,
    pub sessions_dropped: u64,
    pub links_dropped: u64,
}

/// `POST .../staff/messages/:id/resend`: the failed message is waiting again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Resent {
    pub id: u64,
}

/// An export too big for one request, run in the background (`POST .../staff/exports/{what}`
/// starts one; `GET .../staff/export-jobs` lists them): how far it got, and where its file is
/// once done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportJob {
    pub id: u32,
    /// `signatures`, `commitments` or `supporters`.
    pub what: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// The rows there were when it started (rows added since are exported too).
    pub rows_expected: u64,
    pub rows_done: u64,
    pub created_at: u64,
    #[serde(default)]
    pub finished_at: Option<u64>,
    /// When the job and its file are deleted.
    pub expires_at: u64,
    /// The file's staff route, once done.
    #[serde(default)]
    pub download: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// What starting an export answers: the file to stream now when it fits one request (`stream`),
/// else the background job (`job`). The edge chooses, from the row count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportStart {
    #[serde(default)]
    pub stream: Option<String>,
    #[serde(default)]
    pub job: Option<ExportJob>,
}
