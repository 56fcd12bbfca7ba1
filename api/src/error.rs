//! The error body every 4xx/5xx answer carries, and the closed set of error codes.

use serde::{Deserialize, Serialize};

/// Why a request was refused. Serialized in `snake_case`; clients branch on this, never on
/// `message`, which is English prose for humans reading logs and API responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A required field is missing or blank.
    Required,
    /// A field is longer than its limit.
    TooLong,
    /// A field has characters or a shape it may not have.
    InvalidValue,
    /// The email address is not one mail can be delivered to.
    InvalidEmail,
    /// The postal code does not fit the chosen country.
    InvalidPostalCode,
    /// The country is not an ISO 3166-1 alpha-2 code.
    InvalidCountry,
    /// The body is not JSON.
    InvalidJson,
    /// A field has the wrong JSON type (a number where a string belongs, ...).
    WrongType,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// The body is larger than the route accepts.
    PayloadTooLarge,
    /// The supporter token or staff credential is missing, malformed or revoked.
    Unauthorized,
    /// The staff member's role does not allow this.
    Forbidden,
    /// No such campaign, petition, referral code or route.
    NotFound,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The petition no longer takes signatures.
    PetitionClosed,
    /// The team has as many members as the campaign allows.
    TeamFull,
    /// The supporter already belongs to a team in this campaign (one team each).
    AlreadyInTeam,
    /// The supporter is in no team.
    NotInTeam,
    /// The slug (or other unique name) is already used in this campaign.
    Taken,
    /// The campaign action is not running today (field `action`), or cannot be done from
    /// the hub (a Rally item is done by acting on it).
    NotRunning,
    /// A self-reported Done can be undone only within a day of it (field `action`).
    UndoExpired,
    /// The `Idempotency-Key` header is not 8 to 64 letters, digits, `-` or `_`.
    InvalidIdempotencyKey,
    /// A field only a bot fills in was filled in.
    SpamSuspected,
    /// The campaign asks for Cloudflare Turnstile's check and this one failed, expired or was
    /// used already (field `turnstile`): do the check again.
    ChallengeFailed,
    /// Too many requests from this network; retry after the `Retry-After` seconds.
    RateLimited,
    /// Our fault; details are in the edge's log, never in the response.
    Internal,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and the API documentation check.
    pub const ALL: [ErrorCode; 26] = [
        ErrorCode::Required,
        ErrorCode::TooLong,
        ErrorCode::InvalidValue,
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidPostalCode,
        ErrorCode::InvalidCountry,
        ErrorCode::InvalidJson,
        ErrorCode::WrongType,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PetitionClosed,
        ErrorCode::TeamFull,
        ErrorCode::AlreadyInTeam,
        ErrorCode::NotInTeam,
        ErrorCode::Taken,
        ErrorCode::NotRunning,
        ErrorCode::UndoExpired,
        ErrorCode::InvalidIdempotencyKey,
        ErrorCode::SpamSuspected,
        ErrorCode::ChallengeFailed,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
    ];

    /// The wire name, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooLong => "too_long",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidPostalCode => "invalid_postal_code",
            ErrorCode::InvalidCountry => "invalid_country",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PetitionClosed => "petition_closed",
            ErrorCode::TeamFull => "team_full",
            ErrorCode::AlreadyInTeam => "already_in_team",
            ErrorCode::NotInTeam => "not_in_team",
            ErrorCode::Taken => "taken",
            ErrorCode::NotRunning => "not_running",
            ErrorCode::UndoExpired => "undo_expired",
            ErrorCode::InvalidIdempotencyKey => "invalid_idempotency_key",
            ErrorCode::SpamSuspected => "spam_suspected",
            ErrorCode::ChallengeFailed => "challenge_failed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
        }
    }

    /// The code for a wire name, for clients that do not deserialize with serde.
    pub fn parse(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The HTTP status this code is answered with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden | ErrorCode::ChallengeFailed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PetitionClosed
            | ErrorCode::TeamFull
            | ErrorCode::AlreadyInTeam
            | ErrorCode::NotInTeam
            | ErrorCode::Taken
            | ErrorCode::NotRunning
            | ErrorCode::UndoExpired => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Required
            | ErrorCode::TooLong
            | ErrorCode::InvalidValue
            | ErrorCode::InvalidEmail
            | ErrorCode::InvalidPostalCode
            | ErrorCode::InvalidCountry
            | ErrorCode::WrongType => 422,
            ErrorCode::InvalidJson
            | ErrorCode::InvalidIdempotencyKey
            | ErrorCode::SpamSuspected => 400,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}

/// A problem with one field of a request, as validation finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The JSON name of the field (`email`, `postal_code`, ...).
    pub field: &'static str,
    pub code: ErrorCode,
}

impl FieldError {
    /// English prose for this error, naming the field and the problem.
    pub fn message(&self) -> String {
        let f = self.field;
        match self.code {
            ErrorCode::Required => format!("{f} is required"),
            ErrorCode::TooLong => format!("{f} is too long"),
            ErrorCode::InvalidEmail => format!("{f} is not a valid email address"),
            ErrorCode::InvalidPostalCode => {
                format!("{f} is not a valid postal code for the country")
            }
            ErrorCode::InvalidCountry => format!("{f} must be an ISO 3166-1 alpha-2 country code"),
            ErrorCode::WrongType => format!("{f} has the wrong JSON type"),
            ErrorCode::SpamSuspected => format!("{f} must be left empty"),
            ErrorCode::Taken => format!("{f} is already used in this campaign"),
            ErrorCode::InvalidValue => invalid_value_hint(f)
                .map_or_else(|| format!("{f} has an invalid value"), str::to_owned),
            _ => format!("{f} has an invalid value"),
        }
    }
}

/// What `invalid_value` means for the fields whose rule is not obvious from their name (the
/// builder's, staff's and settings'), for the error message.
fn invalid_value_hint(field: &str) -> Option<&'static str> {
    Some(match field {
        "slug" => "slug must be 1 to 64 of a-z, 0-9 and '-'",
        "goal" => "goal must be a whole number from 1 to 10000000",
        "langs" => "langs must list en, pt-BR or es, each at most once",
        "accent" => {
            "accent must be a colour as #rrggbb, dark enough for white text on it (contrast 4.5:1 or more)"
        }
        "ends_at" => "ends_at must come after starts_at",
        "ends_on" => "ends_on must be a date (YYYY-MM-DD) no earlier than starts_on",
        "starts_on" => "starts_on must be a date as YYYY-MM-DD",
        "link" => "link must be an http:// or https:// address",
        "points" => "points must be a whole number from 1 to 1000",
        "item" => "item must name one of the campaign's petitions or pledges (slug) or published rebuttals (id), and only for sign, pledge and share",
        "role" => "role must be owner, organiser, moderator or viewer",
        "timezone" => "timezone must be an IANA time zone such as America/Sao_Paulo",
        "weekly_goal" => "weekly_goal must be a whole number from 1 to 100",
        "team_size" => "team_size must be a whole number from 2 to 50",
        "sender_name" => "sender_name must not hold < > \" \\ @ , ; : or line breaks",
        "points_sign" | "points_pledge" | "points_report" | "points_recruit" => {
            "points must be a whole number from 0 to 1000"
        }
        _ => return None,
    })
}

/// `{ "error": { "code", "message", "field" }, "errors": [...] }`: the body of every refusal.
///
/// `error` is the first (or only) problem; `errors` lists every field problem that validation
/// found, so a form can mark all of them at once. It is omitted when empty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetail>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// The JSON field at fault, when there is one.
    #[serde(default)]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.into(),
                field: field.map(str::to_owned),
            },
            errors: Vec::new(),
        }
    }

    /// The body for a failed validation; `errors` must not be empty.
    pub fn from_fields(errors: &[FieldError]) -> Self {
        let details: Vec<ErrorDetail> = errors
            .iter()
            .map(|e| ErrorDetail {
                code: e.code,
                message: e.message(),
                field: Some(e.field.to_owned()),
            })
            .collect();
        let first = details.first().cloned().unwrap_or(ErrorDetail {
            code: ErrorCode::InvalidValue,
            message: "invalid request".into(),
            field: None,
        });
        ErrorBody {
            error: first,
            errors: details,
        }
    }
}

/// `(field, code)` of each problem a validation found, none when it passed: what tests compare.
#[cfg(test)]
pub(crate) fn problems<T>(r: Result<T, Vec<FieldError>>) -> Vec<(&'static str, ErrorCode)> {
    r.err()
        .unwrap_or_default()
        .iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn only_internal_is_a_5xx() {
        for code in ErrorCode::ALL {
            let s = code.status();
            if code == ErrorCode::Internal {
                assert_eq!(s, 500);
            } else {
                assert!((400..500).contains(&s), "{code:?} -> {s}");
            }
        }
    }

    #[test]
    fn body_shape() {
        let body = ErrorBody::from_fields(&[
            FieldError {
                field: "email",
                code: ErrorCode::InvalidEmail,
            },
            FieldError {
                field: "country",
                code: ErrorCode::Required,
            },
        ]);
        let v: serde_json::Value = serde_json::to_value(&body).unwrap();
        assert_eq!(v["error"]["code"], "invalid_email");
        assert_eq!(v["error"]["field"], "email");
        assert_eq!(v["error"]["message"], "email is not a valid email address");
        assert_eq!(v["errors"].as_array().unwrap().len(), 2);
        let single = serde_json::to_value(ErrorBody::new(ErrorCode::NotFound, "no", None)).unwrap();
        assert!(single.get("errors").is_none());
        assert!(single["error"]["field"].is_null());
    }
}
