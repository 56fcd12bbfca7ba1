//! Fact-checks: a supporter's report of a rumour, the claims reports are grouped into, the
//! staff's verdicts, and the published rebuttals anyone may read and share.
//!
//! Submitted text is data, never markup: it is stored as given (trimmed) and every view escapes
//! it; links are only ever shown with `rel="nofollow ugc noopener"`.

use serde::{Deserialize, Serialize};

use crate::{validate, ErrorCode, FieldError};

pub const CLAIM_MAX: usize = 1000;
pub const LINK_MAX: usize = 500;
pub const SCREENSHOT_MAX: usize = 2000;
pub const EXPLANATION_MAX: usize = 2000;
pub const SOURCES_MAX: usize = 8;
pub const SOURCE_TITLE_MAX: usize = 200;

/// Where a rumour was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeenOn {
    Whatsapp,
    Facebook,
    Instagram,
    X,
    Tiktok,
    Youtube,
    Telegram,
    InPerson,
    Other,
}

impl SeenOn {
    pub const ALL: [SeenOn; 9] = [
        SeenOn::Whatsapp,
        SeenOn::Facebook,
        SeenOn::Instagram,
        SeenOn::X,
        SeenOn::Tiktok,
        SeenOn::Youtube,
        SeenOn::Telegram,
        SeenOn::InPerson,
        SeenOn::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SeenOn::Whatsapp => "whatsapp",
            SeenOn::Facebook => "facebook",
            SeenOn::Instagram => "instagram",
            SeenOn::X => "x",
            SeenOn::Tiktok => "tiktok",
            SeenOn::Youtube => "youtube",
            SeenOn::Telegram => "telegram",
            SeenOn::InPerson => "in_person",
            SeenOn::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<SeenOn> {
        SeenOn::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A published verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    False,
    Misleading,
    MissingContext,
    True,
    Unverified,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::False,
        Verdict::Misleading,
        Verdict::MissingContext,
        Verdict::True,
        Verdict::Unverified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::False => "false",
            Verdict::Misleading => "misleading",
            Verdict::MissingContext => "missing_context",
            Verdict::True => "true",
            Verdict::Unverified => "unverified",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The English label, as schema.org's `alternateName` and share texts use it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::False => "False",
            Verdict::Misleading => "Misleading",
            Verdict::MissingContext => "Missing context",
            Verdict::True => "True",
            Verdict::Unverified => "Unverified",
        }
    }

    /// The rating on schema.org's 1 (false) to 5 (true) scale; unverified has none.
    pub fn rating(self) -> Option<u8> {
        match self {
            Verdict::False => Some(1),
            Verdict::Misleading => Some(2),
            Verdict::MissingContext => Some(3),
            Verdict::True => Some(5),
            Verdict::Unverified => None,
        }
    }
}

/// Where a claim stands in the staff's queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    New,
    InReview,
    Published,
    Dismissed,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::New => "new",
            ClaimStatus::InReview => "in_review",
            ClaimStatus::Published => "published",
            ClaimStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimStatus> {
        [
            ClaimStatus::New,
            ClaimStatus::InReview,
            ClaimStatus::Published,
            ClaimStatus::Dismissed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// `POST /api/v1/campaigns/{campaign}/reports`: a rumour, as the widget sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportRequest {
    /// What the rumour says (required).
    pub claim: String,
    /// Where it can be seen, if anywhere (`http` or `https`).
    pub link: String,
    /// One of [`SeenOn`]'s names.
    pub seen_on: String,
    /// The text of a screenshot, typed or pasted.
    pub screenshot_text: String,
    /// To be told the outcome: an email, and an explicit yes.
    pub email: String,
    pub notify_consent: bool,
    pub lang: Option<String>,
    /// The honeypot.
    pub website: String,
}

/// A report that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidReport {
    pub claim: String,
    pub link: Option<String>,
    pub seen_on: SeenOn,
    pub screenshot_text: Option<String>,
    /// Present only with consent.
    pub email: Option<String>,
    pub lang: crate::Lang,
}

/// Free text as given, trimmed; `max` characters at most; no control characters but new lines
/// and tabs.
fn text(raw: &str, max: usize) -> Result<String, ErrorCode> {
    let t = raw.trim();
    if t.chars().count() > max {
        return Err(ErrorCode::TooLong);
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ErrorCode::InvalidValue);
    }
    Ok(t.to_owned())
}

/// An `http` or `https` link without spaces.
pub fn link(raw: &str) -> Result<String, ErrorCode> {
    let l = raw.trim();
    if l.len() > LINK_MAX {
        return Err(ErrorCode::TooLong);
    }
    let rest = l
        .strip_prefix("https://")
        .or_else(|| l.strip_prefix("http://"))
        .ok_or(ErrorCode::InvalidValue)?;
    if rest.is_empty() || l.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ErrorCode::InvalidValue);
    }
    Ok(l.to_owned())
}

impl ReportRequest {
    /// Checks every field; all problems at once, in form order.
    pub fn validate(&self) -> Result<ValidReport, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, r: Result<(), ErrorCode>| {
            if let Err(code) = r {
                errors.push(FieldError { field, code });
            }
        };
        let claim = text(&self.claim, CLAIM_MAX).and_then(|c| {
            if c.is_empty() {
                Err(ErrorCode::Required)
            } else {
                Ok(c)
            }
        });
        check("claim", claim.as_ref().map(|_| ()).map_err(|c| *c));
        let link = match self.link.trim() {
            "" => Ok(None),
            l => link(l).map(Some),
        };
        check("link", link.as_ref().map(|_| ()).map_err(|c| *c));
        let seen_on = match self.seen_on.trim() {
            "" => Err(ErrorCode::Required),
            s => SeenOn::parse(s).ok_or(ErrorCode::InvalidValue),
        };
        check("seen_on", seen_on.map(|_| ()));
        let screenshot = text(&self.screenshot_text, SCREENSHOT_MAX);
        check(
            "screenshot_text",
            screenshot.as_ref().map(|_| ()).map_err(|c| *c),
        );
        let email = match self.email.trim() {
            "" if self.notify_consent => Err(ErrorCode::Required),
            "" => Ok(None),
            e => validate::email(e).map(Some),
        };
        check("email", email.as_ref().map(|_| ()).map_err(|c| *c));
        if !self.email.trim().is_empty() && !self.notify_consent {
            check("notify_consent", Err(ErrorCode::Required));
        }
        if !self.website.is_empty() {
            check("website", Err(ErrorCode::SpamSuspected));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Every field passed, so these are all Ok.
        let (Ok(claim), Ok(link), Ok(seen_on), Ok(screenshot), Ok(email)) =
            (claim, link, seen_on, screenshot, email)
        else {
            return Err(vec![FieldError {
                field: "claim",
                code: ErrorCode::InvalidValue,
            }]);
        };
        Ok(ValidReport {
            claim,
            link,
            seen_on,
            screenshot_text: Some(screenshot).filter(|s| !s.is_empty()),
            email,
            lang: crate::Lang::pick([self.lang.as_deref().unwrap_or("")]),
        })
    }
}

/// A source a rebuttal cites.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// A published rebuttal, as anyone may read and share it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rebuttal {
    /// The claim's public id.
    pub id: String,
    /// The claim, as the staff phrase it.
    pub claim: String,
    pub verdict: Verdict,
    pub explanation: String,
    pub sources: Vec<Source>,
    /// Milliseconds since the epoch.
    pub published_at: u64,
    /// How many people reported it.
    pub reports: u32,
    /// The rebuttal's own page (with ClaimReview markup), for share links.
    pub url: String,
}

impl Rebuttal {
    /// A text that stands on its own when forwarded without the link: verdict, claim,
    /// explanation, the first source, then the page.
    pub fn share_text(&self, verdict_label: &str) -> String {
        let mut t = format!(
            "{}: \"{}\"\n{}",
            verdict_label.to_uppercase(),
            self.claim,
            self.explanation
        );
        if let Some(s) = self.sources.first() {
            t.push_str(&format!("\n{}: {}", s.title, s.url));
        }
        t.push_str(&format!("\n{}", self.url));
        t
    }
}

/// `GET /api/v1/campaigns/{campaign}/rebuttals`, newest first; and `.../rebuttals/match?q=`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RebuttalFeed {
    pub rebuttals: Vec<Rebuttal>,
    pub as_of: u64,
    /// The campaign's Cloudflare Turnstile site key when it asks for the check on reports.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub turnstile: String,
}

/// The answer to a report: `201` (or `200` for a retried request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportResponse {
    /// The claim the report was grouped into.
    pub claim_id: String,
    /// How many reports that claim has now.
    pub reports: u32,
    /// Present when the claim is already answered.
    #[serde(default)]
    pub rebuttal: Option<Rebuttal>,
}

/// How often a claim was seen on one platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeenCount {
    pub seen_on: SeenOn,
    pub count: u32,
}

/// One report, as staff see it in a claim (never the reporter's email).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: u64,
    pub claim: String,
    pub link: Option<String>,
    pub seen_on: SeenOn,
    pub screenshot_text: Option<String>,
    pub at: u64,
}

/// A claim in the staff's queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimView {
    pub id: String,
    pub text: String,
    pub status: ClaimStatus,
    pub reports: u32,
    pub first_seen: u64,
    pub last_seen: u64,
    pub seen_on: Vec<SeenCount>,
    pub verdict: Option<Verdict>,
    pub explanation: Option<String>,
    pub sources: Vec<Source>,
    /// The latest reports (up to 20), for the moderator to read.
    #[serde(default)]
    pub latest: Vec<ReportView>,
}

/// `PATCH .../staff/claims/{id}`: a moderator's change. Absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimUpdate {
    pub status: Option<String>,
    /// The claim as it will be published ("The mayor is selling Riverside Park").
    pub text: Option<String>,
    pub verdict: Option<String>,
    pub explanation: Option<String>,
    pub sources: Option<Vec<Source>>,
}

/// A [`ClaimUpdate`] that passed validation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidClaimUpdate {
    pub status: Option<ClaimStatus>,
    pub text: Option<String>,
    pub verdict: Option<Verdict>,
    pub explanation: Option<String>,
    pub sources: Option<Vec<Source>>,
}

impl ClaimUpdate {
    pub fn validate(&self) -> Result<ValidClaimUpdate, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &'static str, code| errors.push(FieldError { field, code });
        let status = match self.status.as_deref() {
            None => None,
            Some(s) => match ClaimStatus::parse(s) {
                Some(v) => Some(v),
                None => {
                    err("status", ErrorCode::InvalidValue);
                    None
                }
            },
        };
        let text_of = |v: &Option<String>, max| v.as_deref().map(|t| text(t, max)).transpose();
        let claim_text = match text_of(&self.text, CLAIM_MAX) {
            Ok(Some(t)) if t.is_empty() => {
                err("text", ErrorCode::Required);
                None
            }
            Ok(t) => t,
            Err(code) => {
                err("text", code);
                None
            }
        };
        let verdict = match self.verdict.as_deref() {
            None => None,
            Some(v) => match Verdict::parse(v) {
                Some(v) => Some(v),
                None => {
                    err("verdict", ErrorCode::InvalidValue);
                    None
                }
            },
        };
        let explanation = match text_of(&self.explanation, EXPLANATION_MAX) {
            Ok(e) => e,
            Err(code) => {
                err("explanation", code);
                None
            }
        };
        let sources = match &self.sources {
            None => None,
            Some(list) if list.len() > SOURCES_MAX => {
                err("sources", ErrorCode::TooLong);
                None
            }
            Some(list) => {
                let mut out = Vec::new();
                for s in list {
                    match (text(&s.title, SOURCE_TITLE_MAX), link(&s.url)) {
                        (Ok(title), Ok(url)) if !title.is_empty() => {
                            out.push(Source { title, url })
                        }
                        _ => {
                            err("sources", ErrorCode::InvalidValue);
                            break;
                        }
                    }
                }
                Some(out)
            }
        };
        if errors.is_empty() {
            Ok(ValidClaimUpdate {
                status,
                text: claim_text,
                verdict,
                explanation,
                sources,
            })
        } else {
            Err(errors)
        }
    }
}

/// `POST .../staff/claims/{id}/merge`: fold this claim's reports into `into`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MergeClaims {
    pub into: String,
}

/// `POST .../staff/claims/{id}/split`: move these reports into a new claim.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SplitClaim {
    pub reports: Vec<u64>,
}

/// One entry of a claim's history: who did what, when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimEvent {
    pub at: u64,
    pub staff: String,
    pub action: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(claim: &str) -> ReportRequest {
        ReportRequest {
            claim: claim.into(),
            seen_on: "whatsapp".into(),
            ..ReportRequest::default()
        }
    }

    #[test]
    fn reports_validate_field_by_field() {
        let ok = report("  The <b>mayor</b> sells the park  ")
            .validate()
            .unwrap();
        assert_eq!(
            ok.claim, "The <b>mayor</b> sells the park",
            "stored as given, trimmed"
        );
        assert_eq!(
            (ok.link, ok.email, ok.seen_on),
            (None, None, SeenOn::Whatsapp)
        );

        let fields = |r: ReportRequest| crate::error::problems(r.validate());
        let cases: Vec<(ReportRequest, Vec<(&str, ErrorCode)>)> = vec![
            (
                ReportRequest::default(),
                vec![
                    ("claim", ErrorCode::Required),
                    ("seen_on", ErrorCode::Required),
                ],
            ),
            (
                ReportRequest {
                    seen_on: "myspace".into(),
                    ..report(&"x".repeat(CLAIM_MAX + 1))
                },
                vec![
                    ("claim", ErrorCode::TooLong),
                    ("seen_on", ErrorCode::InvalidValue),
                ],
            ),
            (
                ReportRequest {
                    link: "javascript:alert(1)".into(),
                    ..report("a claim")
                },
                vec![("link", ErrorCode::InvalidValue)],
            ),
            (
                ReportRequest {
                    email: "ana@example.org".into(),
                    ..report("a claim")
                },
                vec![("notify_consent", ErrorCode::Required)],
            ),
            (
                ReportRequest {
                    notify_consent: true,
                    ..report("a claim")
                },
                vec![("email", ErrorCode::Required)],
            ),
            (
                ReportRequest {
                    email: "nope".into(),
                    notify_consent: true,
                    ..report("a claim")
                },
                vec![("email", ErrorCode::InvalidEmail)],
            ),
            (
                ReportRequest {
                    website: "http://spam".into(),
                    ..report("a claim")
                },
                vec![("website", ErrorCode::SpamSuspected)],
            ),
            (
                report("bad \u{0} byte"),
                vec![("claim", ErrorCode::InvalidValue)],
            ),
        ];
        for (r, want) in cases {
            assert_eq!(fields(r.clone()), want, "{r:?}");
        }
        let with = ReportRequest {
            link: "https://wa.me/123".into(),
            email: " Ana@Example.org ".into(),
            notify_consent: true,
            screenshot_text: "line one\nline two".into(),
            seen_on: "in_person".into(),
            ..report("a claim")
        }
        .validate()
        .unwrap();
        assert_eq!(with.link.as_deref(), Some("https://wa.me/123"));
        assert_eq!(with.email.as_deref(), Some("ana@example.org"));
        assert_eq!(with.seen_on, SeenOn::InPerson);
    }

    #[test]
    fn claim_updates_validate() {
        let u = ClaimUpdate {
            status: Some("published".into()),
            verdict: Some("missing_context".into()),
            explanation: Some("The council has not voted.".into()),
            sources: Some(vec![Source {
                title: "Minutes".into(),
                url: "https://council.example/minutes".into(),
            }]),
            ..ClaimUpdate::default()
        }
        .validate()
        .unwrap();
        assert_eq!(u.status, Some(ClaimStatus::Published));
        assert_eq!(u.verdict, Some(Verdict::MissingContext));
        let bad = ClaimUpdate {
            status: Some("gone".into()),
            verdict: Some("pants_on_fire".into()),
            sources: Some(vec![Source {
                title: "x".into(),
                url: "ftp://x".into(),
            }]),
            ..ClaimUpdate::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["status", "verdict", "sources"]);
    }

    #[test]
    fn share_text_stands_alone() {
        let r = Rebuttal {
            id: "K3M9Q2XA".into(),
            claim: "The mayor is selling the park".into(),
            verdict: Verdict::False,
            explanation: "The council voted to keep it.".into(),
            sources: vec![Source {
                title: "Minutes".into(),
                url: "https://council.example/m".into(),
            }],
            published_at: 0,
            reports: 3,
            url: "https://rally.example/r/demo/K3M9Q2XA".into(),
        };
        assert_eq!(
            r.share_text("False"),
            "FALSE: \"The mayor is selling the park\"\nThe council voted to keep it.\nMinutes: https://council.example/m\nhttps://rally.example/r/demo/K3M9Q2XA"
        );
    }
}
