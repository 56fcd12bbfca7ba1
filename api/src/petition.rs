//! Petitions: the public view of one, a signature request, and its answer.

use serde::{Deserialize, Serialize};

use crate::validate::{self, PAGE_URL_MAX, TRACKING_MAX};
use crate::{ErrorCode, FieldError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionStatus {
    Open,
    Closed,
}

/// `GET /api/v1/campaigns/{campaign}/petitions/{petition}`: what anyone may see of a petition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PetitionView {
    pub campaign: String,
    pub slug: String,
    pub title: String,
    /// The petition's short text.
    pub body: String,
    /// Who the petition is addressed to.
    pub target: String,
    pub status: PetitionStatus,
    pub count: u32,
    /// The goal the thermometer shows now; see [`crate::next_goal`].
    pub goal: u32,
    /// Newest first, only signers who chose to be shown.
    pub recent: Vec<RecentSigner>,
    /// When this view was read from the database (milliseconds since the epoch).
    pub as_of: u64,
}

/// A signer who agreed to be shown: first name and initial, and where they signed from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentSigner {
    pub name: String,
    #[serde(default)]
    pub city: Option<String>,
    pub country: String,
}

/// Attribution carried from the host page into the signature.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tracking {
    pub source: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    /// The host page the widget was embedded in (origin and path).
    pub page_url: Option<String>,
}

impl Tracking {
    /// The host site the action came from, for the overview: the host name of `page_url`,
    /// lower case, without `www.`; `(unknown)` without one.
    pub fn site(&self) -> String {
        let host = self
            .page_url
            .as_deref()
            .and_then(|u| u.split_once("://"))
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
            .map(|h| h.rsplit('@').next().unwrap_or(h).to_ascii_lowercase())
            .filter(|h| !h.is_empty());
        match host {
            Some(h) => h.strip_prefix("www.").map_or(h.clone(), str::to_owned),
            None => "(unknown)".to_owned(),
        }
    }

    /// The channel the visitor came through, for the overview: `?source=`, else `utm_source`,
    /// lower case; `(none)` without either.
    pub fn channel(&self) -> String {
        self.source
            .as_deref()
            .or(self.utm_source.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("(none)")
            .to_lowercase()
    }

    fn clean(&self) -> Tracking {
        let t = |v: &Option<String>| validate::tracking(v.as_deref(), TRACKING_MAX);
        Tracking {
            source: t(&self.source),
            utm_source: t(&self.utm_source),
            utm_medium: t(&self.utm_medium),
            utm_campaign: t(&self.utm_campaign),
            utm_term: t(&self.utm_term),
            utm_content: t(&self.utm_content),
            page_url: validate::tracking(self.page_url.as_deref(), PAGE_URL_MAX),
        }
    }
}

/// `POST .../signatures`: the signature form as the widget sends it.
///
/// Every text field defaults to empty so a missing field is reported by validation as
/// `required`, naming the field, rather than as a parse error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignRequest {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub postal_code: String,
    pub country: String,
    /// May the campaign contact this person again? An explicit yes or no is required: there is
    /// no default, so nobody is opted in by a pre-ticked box.
    pub contact_consent: Option<bool>,
    /// May the first name and initial appear in public lists? Off unless chosen.
    pub show_name: bool,
    /// The referral code of the link the visitor arrived through.
    #[serde(rename = "ref")]
    pub referral: Option<String>,
    pub tracking: Tracking,
    pub lang: Option<String>,
    /// The honeypot: a field hidden from people. Anything in it means a bot.
    pub website: String,
}

/// A [`SignRequest`] that passed validation, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSignature {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub postal_code: String,
    pub country: String,
    pub contact_consent: bool,
    pub show_name: bool,
    pub referral: Option<String>,
    pub tracking: Tracking,
    pub lang: crate::Lang,
}

impl SignRequest {
    /// Checks every field; on failure lists every problem, in form order.
    pub fn validate(&self) -> Result<ValidSignature, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut field = |name: &'static str, r: Result<String, ErrorCode>| match r {
            Ok(v) => v,
            Err(code) => {
                errors.push(FieldError { field: name, code });
                String::new()
            }
        };
        let first_name = field("first_name", validate::name(&self.first_name));
        let last_name = field("last_name", validate::name(&self.last_name));
        let email = field("email", validate::email(&self.email));
        let country = validate::country(&self.country);
        let postal_code = match &country {
            Ok(cc) => field("postal_code", validate::postal_code(&self.postal_code, cc)),
            // Without a country only emptiness can be judged.
            Err(_) if self.postal_code.trim().is_empty() => {
                field("postal_code", Err(ErrorCode::Required))
            }
            Err(_) => String::new(),
        };
        let country = field("country", country);
        if self.contact_consent.is_none() {
            errors.push(FieldError {
                field: "contact_consent",
                code: ErrorCode::Required,
            });
        }
        if !self.website.is_empty() {
            errors.push(FieldError {
                field: "website",
                code: ErrorCode::SpamSuspected,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidSignature {
            first_name,
            last_name,
            email,
            postal_code,
            country,
            contact_consent: self.contact_consent.unwrap_or(false),
            show_name: self.show_name,
            referral: self.referral.as_deref().and_then(validate::ref_code),
            tracking: self.tracking.clean(),
            lang: self
                .lang
                .as_deref()
                .and_then(crate::Lang::from_tag)
                .unwrap_or_default(),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignStatus {
    /// This request (or an earlier one with the same `Idempotency-Key`) added the signature.
    Signed,
    /// This email had already signed; nothing changed.
    AlreadySigned,
}

/// The answer to a signature: `201` when signed, `200` when already signed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignResponse {
    pub status: SignStatus,
    /// The count including this signature, read in the same transaction that wrote it.
    pub count: u32,
    pub goal: u32,
    /// The signer's personal referral code, for their share link (`?ref=CODE`).
    pub ref_code: String,
    /// A token the browser keeps to be recognised in this campaign (never the email). Only
    /// given to the request that created the supporter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supporter_token: Option<String>,
    /// The next step on the campaign's engagement ladder, in the signer's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<crate::ladder::NextStep>,
}

/// `GET /api/v1/campaigns/{campaign}/referrals/{code}`: how many people a share link brought.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferralView {
    pub code: String,
    pub recruits: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SignRequest {
        SignRequest {
            first_name: "Ana".into(),
            last_name: "Souza".into(),
            email: "Ana@Example.org".into(),
            postal_code: "01310100".into(),
            country: "br".into(),
            contact_consent: Some(false),
            show_name: true,
            referral: Some("7k3m9q2x".into()),
            tracking: Tracking {
                source: Some(" newsletter ".into()),
                ..Tracking::default()
            },
            lang: Some("pt-BR".into()),
            website: String::new(),
        }
    }

    use crate::error::problems as fields;

    #[test]
    fn normalises_a_valid_request() {
        let v = valid().validate().unwrap();
        assert_eq!(v.email, "ana@example.org");
        assert_eq!(v.country, "BR");
        assert_eq!(v.postal_code, "01310-100");
        assert!(!v.contact_consent);
        assert_eq!(v.referral.as_deref(), Some("7K3M9Q2X"));
        assert_eq!(v.tracking.source.as_deref(), Some("newsletter"));
        assert_eq!(v.lang, crate::Lang::PtBr);
    }

    #[test]
    fn field_errors_in_form_order() {
        use ErrorCode::*;
        type Mutation = Box<dyn Fn(&mut SignRequest)>;
        let cases: Vec<(Mutation, Vec<(&str, ErrorCode)>)> = vec![
            (
                Box::new(|r| r.first_name.clear()),
                vec![("first_name", Required)],
            ),
            (
                Box::new(|r| r.email = "nope".into()),
                vec![("email", InvalidEmail)],
            ),
            (
                Box::new(|r| r.contact_consent = None),
                vec![("contact_consent", Required)],
            ),
            (
                Box::new(|r| r.country = "ZZ".into()),
                vec![("country", InvalidCountry)],
            ),
            (
                Box::new(|r| r.postal_code = "123".into()),
                vec![("postal_code", InvalidPostalCode)],
            ),
            (
                Box::new(|r| {
                    r.country.clear();
                    r.postal_code.clear()
                }),
                vec![("postal_code", Required), ("country", Required)],
            ),
            (
                Box::new(|r| r.website = "http://x".into()),
                vec![("website", SpamSuspected)],
            ),
            (Box::new(|r| r.referral = Some("garbage".into())), vec![]),
            (
                Box::new(|r| *r = SignRequest::default()),
                vec![
                    ("first_name", Required),
                    ("last_name", Required),
                    ("email", Required),
                    ("postal_code", Required),
                    ("country", Required),
                    ("contact_consent", Required),
                ],
            ),
        ];
        for (i, (mutate, want)) in cases.into_iter().enumerate() {
            let mut r = valid();
            mutate(&mut r);
            assert_eq!(fields(r.validate()), want, "case {i}");
        }
    }

    #[test]
    fn missing_fields_parse_and_fail_validation() {
        let r: SignRequest = serde_json::from_str(r#"{"email":"a@b.co"}"#).unwrap();
        let errs = fields(r.validate());
        assert!(errs.contains(&("first_name", ErrorCode::Required)));
        assert!(!errs.iter().any(|(f, _)| *f == "email"));
    }

    #[test]
    fn wire_format_is_stable() {
        let json = serde_json::to_value(SignResponse {
            status: SignStatus::AlreadySigned,
            count: 7,
            goal: 100,
            ref_code: "7K3M9Q2X".into(),
            supporter_token: None,
            next: None,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status":"already_signed","count":7,"goal":100,"ref_code":"7K3M9Q2X"})
        );
        let r: SignRequest =
            serde_json::from_str(r#"{"ref":"AAAAAAAA","contact_consent":true}"#).unwrap();
        assert_eq!(r.referral.as_deref(), Some("AAAAAAAA"));
        assert_eq!(r.contact_consent, Some(true));
    }

    #[test]
    fn sites_and_channels_for_the_overview() {
        let t = |page: Option<&str>, source: Option<&str>, utm: Option<&str>| Tracking {
            page_url: page.map(str::to_owned),
            source: source.map(str::to_owned),
            utm_source: utm.map(str::to_owned),
            ..Tracking::default()
        };
        let cases = [
            (
                t(Some("https://www.Campaign.example/join"), None, None),
                "campaign.example",
                "(none)",
            ),
            (
                t(
                    Some("http://blog.example:8080?x=1"),
                    Some("Newsletter"),
                    Some("wa"),
                ),
                "blog.example:8080",
                "newsletter",
            ),
            (
                t(Some("not a url"), None, Some("WhatsApp")),
                "(unknown)",
                "whatsapp",
            ),
            (t(None, Some("  "), None), "(unknown)", "(none)"),
        ];
        for (tr, site, channel) in cases {
            assert_eq!(
                (tr.site().as_str(), tr.channel().as_str()),
                (site, channel),
                "{tr:?}"
            );
        }
    }
}
