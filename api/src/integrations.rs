//! Integrations: the events Rally hands to a campaign's other tools, and which addresses may
//! receive them. A webhook address is checked when it is saved, here, so the dashboard shows
//! the same reason beside the field that the edge refuses it with.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// The events an endpoint may ask for, as named in each delivery's `type`.
pub const EVENTS: [&str; 8] = [
    "signature.created",
    "commitment.created",
    "report.created",
    "supporter.updated",
    "supporter.unsubscribed",
    "supporter.erased",
    "claim.published",
    "rung.changed",
];

/// Why an address may not receive webhooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsafeUrl {
    /// Not a URL with a host.
    Malformed,
    /// Not `https://` (deliveries carry personal data).
    NotHttps,
    /// A user name or password in the address.
    Credentials,
    /// A port other than 443.
    Port,
    /// Loopback, private, link-local, shared or reserved: a name or address inside a network,
    /// never a campaign's tool on the internet (and the classic way to reach cloud metadata).
    Private,
}

impl UnsafeUrl {
    /// The reason, for the form beside the field.
    pub fn message(self) -> &'static str {
        match self {
            UnsafeUrl::Malformed => "url must be a full address such as https://crm.example.org/hooks/rally",
            UnsafeUrl::NotHttps => "url must start with https://",
            UnsafeUrl::Credentials => "url must not contain a user name or password",
            UnsafeUrl::Port => "url must use the standard https port (443)",
            UnsafeUrl::Private => {
                "url must be a public address: not localhost, a private, loopback or link-local address"
            }
        }
    }
}

/// The parts of an absolute URL this check needs.
struct Parts<'a> {
    scheme: String,
    host: String,
    port: Option<&'a str>,
    userinfo: bool,
}

fn parts(raw: &str) -> Option<Parts<'_>> {
    let (scheme, rest) = raw.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((_, hp)) => (true, hp),
        None => (false, authority),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{}]", h.to_ascii_lowercase()), port)
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
            None => (hostport.to_ascii_lowercase(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return None;
    }
    Some(Parts {
        scheme: scheme.to_ascii_lowercase(),
        host: host.trim_end_matches('.').to_owned(),
        port,
        userinfo,
    })
}

/// A dotted quad, if `host` is one.
fn ipv4(host: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut n = 0;
    for part in host.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        out[n] = part.parse().ok()?;
        n += 1;
    }
    (n == 4).then_some(out)
}

/// Whether an IPv4 address is anything but a public unicast one.
fn private_v4([a, b, c, _]: [u8; 4]) -> bool {
    a == 0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b))
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 224
}

/// Whether a host is loopback, private, link-local or otherwise not on the public internet.
fn private_host(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        if let Some(v4) = v6.strip_prefix("::ffff:") {
            return ipv4(v4).is_none_or(private_v4);
        }
        let first = v6.split(':').next().unwrap_or("");
        let head = u16::from_str_radix(first, 16).unwrap_or(0);
        return v6 == "::1"
            || v6 == "::"
            || first.is_empty()
            || (head & 0xffc0) == 0xfe80
            || (head & 0xfe00) == 0xfc00
            || (head & 0xff00) == 0xff00;
    }
    if let Some(v4) = ipv4(host) {
        return private_v4(v4);
    }
    // Digits and dots (or hex) that are not a dotted quad: `2130706433`, `0x7f.1`, `127.1`,
    // which resolvers read as addresses. Nobody's tool lives at such a name.
    let numeric = host
        .split('.')
        .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x'));
    numeric
        || !host.contains('.')
        || host == "localhost"
        || [".localhost", ".local", ".internal", ".home.arpa", ".lan"]
            .iter()
            .any(|s| host.ends_with(s))
}

/// Checks a webhook address: `https://`, no credentials, port 443, a public host. `local`
/// (a local-only setting for tests, never in production) also lets exactly
/// `http://127.0.0.1:<port>` through, for a receiver on the test machine; every other loopback
/// form stays refused. The trimmed address.
pub fn check_url(raw: &str, local: bool) -> Result<String, UnsafeUrl> {
    let raw = raw.trim();
    if raw.len() > 2000 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UnsafeUrl::Malformed);
    }
    let p = parts(raw).ok_or(UnsafeUrl::Malformed)?;
    let test_receiver = p.host == "127.0.0.1" && p.scheme == "http" && p.port.is_some();
    if local && test_receiver && !p.userinfo {
        return Ok(raw.to_owned());
    }
    if p.scheme != "https" {
        return Err(if p.scheme == "http" {
            UnsafeUrl::NotHttps
        } else {
            UnsafeUrl::Malformed
        });
    }
    if p.userinfo {
        return Err(UnsafeUrl::Credentials);
    }
    if private_host(&p.host) {
        return Err(UnsafeUrl::Private);
    }
    match p.port {
        None | Some("443") => Ok(raw.to_owned()),
        Some(_) => Err(UnsafeUrl::Port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UnsafeUrl::*;

    #[test]
    fn webhook_addresses_must_be_public_https_on_443() {
        let cases: [(&str, Result<(), UnsafeUrl>); 30] = [
            ("https://crm.example.org/hooks/rally", Ok(())),
            ("https://crm.example.org:443/hooks?x=1", Ok(())),
            ("  https://Hooks.Example.COM/  ", Ok(())),
            ("https://93.184.216.34/hook", Ok(())),
            ("https://[2606:4700::6810:84e5]/hook", Ok(())),
            ("http://crm.example.org/hooks", Err(NotHttps)),
            ("ftp://crm.example.org/", Err(Malformed)),
            ("crm.example.org/hooks", Err(Malformed)),
            ("https:///nohost", Err(Malformed)),
            ("https://crm.example .org/", Err(Malformed)),
            ("https://user:pass@crm.example.org/", Err(Credentials)),
            ("https://crm.example.org:8443/hooks", Err(Port)),
            ("https://crm.example.org:80/", Err(Port)),
            ("https://localhost/hook", Err(Private)),
            ("https://app.localhost/hook", Err(Private)),
            ("https://printer.local/", Err(Private)),
            ("https://intranet/", Err(Private)),
            ("https://10.0.0.1/hook", Err(Private)),
            ("https://172.16.5.4/", Err(Private)),
            ("https://192.168.1.1/", Err(Private)),
            ("https://100.64.0.1/", Err(Private)),
            ("https://127.0.0.1/", Err(Private)),
            ("https://169.254.169.254/latest/meta-data/", Err(Private)),
            ("https://0.0.0.0/", Err(Private)),
            ("https://[::1]/hook", Err(Private)),
            ("https://[fe80::1]/", Err(Private)),
            ("https://[fd00::5]/", Err(Private)),
            ("https://[::ffff:10.0.0.1]/", Err(Private)),
            ("https://2130706433/", Err(Private)),
            ("https://0x7f.1/", Err(Private)),
        ];
        for (url, want) in cases {
            assert_eq!(check_url(url, false).map(|_| ()), want, "{url}");
        }
    }

    #[test]
    fn the_local_setting_admits_a_loopback_receiver_only() {
        assert!(check_url("http://127.0.0.1:9999/hook", true).is_ok());
        assert_eq!(
            check_url("http://127.0.0.1:9999/hook", false),
            Err(NotHttps)
        );
        for (url, want) in [
            ("http://10.0.0.1:9999/", NotHttps),
            ("https://169.254.169.254/", Private),
            ("http://user@127.0.0.1:1/", NotHttps),
            ("https://localhost/hook", Private),
            ("http://localhost:8080/", NotHttps),
            ("https://[::1]/hook", Private),
            ("http://127.0.0.1/", NotHttps),
        ] {
            assert_eq!(check_url(url, true), Err(want), "{url}");
        }
    }

    #[test]
    fn every_reason_names_the_field() {
        for r in [Malformed, NotHttps, Credentials, Port, Private] {
            assert!(r.message().starts_with("url "), "{r:?}");
        }
    }
}

/// `POST` and `PUT .../staff/endpoints[/:id]`: where to send which events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndpointDraft {
    pub url: String,
    /// Names from [`EVENTS`].
    pub events: Vec<String>,
    pub enabled: bool,
}

/// A draft that passed [`EndpointDraft::validate`]: the address, and the events in
/// [`EVENTS`] order, each once.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidEndpoint {
    pub url: String,
    pub events: Vec<&'static str>,
    pub enabled: bool,
}

impl EndpointDraft {
    /// Checks the address ([`check_url`]) and the events; on failure, each problem with its
    /// field (the address's reason is [`UnsafeUrl::message`]).
    pub fn validate(
        &self,
        local: bool,
    ) -> Result<ValidEndpoint, Vec<(FieldError, Option<UnsafeUrl>)>> {
        let mut errors = Vec::new();
        let url = if self.url.trim().is_empty() {
            errors.push((
                FieldError {
                    field: "url",
                    code: ErrorCode::Required,
                },
                None,
            ));
            String::new()
        } else {
            check_url(&self.url, local).unwrap_or_else(|why| {
                errors.push((
                    FieldError {
                        field: "url",
                        code: ErrorCode::InvalidValue,
                    },
                    Some(why),
                ));
                String::new()
            })
        };
        let unknown = self.events.iter().any(|e| !EVENTS.contains(&e.as_str()));
        let events: Vec<&'static str> = EVENTS
            .iter()
            .copied()
            .filter(|e| self.events.iter().any(|x| x == e))
            .collect();
        if unknown {
            errors.push((
                FieldError {
                    field: "events",
                    code: ErrorCode::InvalidValue,
                },
                None,
            ));
        } else if events.is_empty() {
            errors.push((
                FieldError {
                    field: "events",
                    code: ErrorCode::Required,
                },
                None,
            ));
        }
        if errors.is_empty() {
            Ok(ValidEndpoint {
                url,
                events,
                enabled: self.enabled,
            })
        } else {
            Err(errors)
        }
    }
}

/// An endpoint as staff see it (never its secret).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Endpoint {
    pub id: u64,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub created_at: u64,
    /// While set, deliveries are also signed with the secret before the last rotation.
    pub previous_secret_until: Option<u64>,
}

/// The answer to creating an endpoint or rotating its secret: the secret, shown this once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndpointSecret {
    pub endpoint: Endpoint,
    /// `whsec_` and 64 hex digits: the HMAC-SHA256 key of `Rally-Signature`.
    pub secret: String,
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    #[test]
    fn drafts_name_each_problem_and_order_events() {
        let ok = EndpointDraft {
            url: "https://crm.example.org/h".into(),
            events: vec![
                "supporter.erased".into(),
                "signature.created".into(),
                "signature.created".into(),
            ],
            enabled: true,
        }
        .validate(false)
        .unwrap();
        assert_eq!(ok.events, ["signature.created", "supporter.erased"]);
        let problems = |d: EndpointDraft| {
            d.validate(false)
                .unwrap_err()
                .into_iter()
                .map(|(e, why)| (e.field, e.code, why))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            problems(EndpointDraft::default()),
            [
                ("url", ErrorCode::Required, None),
                ("events", ErrorCode::Required, None)
            ]
        );
        assert_eq!(
            problems(EndpointDraft {
                url: "https://10.0.0.1/".into(),
                events: vec!["signature.deleted".into()],
                enabled: true,
            }),
            [
                ("url", ErrorCode::InvalidValue, Some(UnsafeUrl::Private)),
                ("events", ErrorCode::InvalidValue, None)
            ]
        );
    }
}

/// One delivery in an endpoint's log (`GET .../staff/endpoints/:id/deliveries`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Delivery {
    pub id: u64,
    /// The envelope's `id`: the same on every retry.
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `pending`, `queued`, `sending`, `sent`, `failed` (dead), `dropped`.
    pub status: String,
    pub attempts: u64,
    /// The receiver's last answer: status code, latency, first bytes.
    pub last_status: Option<u64>,
    pub latency_ms: Option<u64>,
    pub response: Option<String>,
    pub error: Option<String>,
    pub created_at: u64,
    pub sent_at: Option<u64>,
}

/// `POST .../staff/endpoints/:id/redeliver`: `{ "delivery": id }` for one dead delivery, `{}`
/// for all of the endpoint's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Redeliver {
    pub delivery: Option<u64>,
}

/// How many dead deliveries are on their way again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Redelivered {
    pub count: u64,
}

/// The Action Network connector (`GET .../staff/action-network`): whether a key is stored (its
/// last four characters, never the key), on/off, the tags each person gets, and which petition
/// or pledge is recorded on which Action Network petition or event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionNetwork {
    pub configured: bool,
    pub key_hint: String,
    pub enabled: bool,
    pub tags: Vec<String>,
    pub targets: Vec<SyncTarget>,
}

/// One mapping: a Rally petition (`kind` `petition`) or pledge (`pledge`), by slug, and the
/// Action Network petition or event id (the part of its API address after `/petitions/` or
/// `/events/`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncTarget {
    pub kind: String,
    pub slug: String,
    pub remote_id: String,
}

/// `PUT .../staff/action-network`: an empty `api_key` keeps the stored one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionNetworkDraft {
    pub api_key: String,
    pub enabled: bool,
    pub tags: Vec<String>,
    pub targets: Vec<SyncTarget>,
}

/// The longest tag, and the most tags, a connector adds.
pub const TAG_MAX: usize = 64;
pub const TAGS_MAX: usize = 20;

/// An Action Network API key: 16 to 128 letters, digits, `-` or `_`.
fn key_ok(key: &str) -> bool {
    (16..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn remote_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl ActionNetworkDraft {
    /// Checks the draft; `has_key` says whether a key is already stored (then an empty one
    /// keeps it). The key, tags and targets trimmed, or each problem with its field.
    pub fn validate(&self, has_key: bool) -> Result<ActionNetworkDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut bad = |field, code| errors.push(FieldError { field, code });
        let api_key = self.api_key.trim().to_owned();
        if api_key.is_empty() && !has_key {
            bad("api_key", ErrorCode::Required);
        } else if !api_key.is_empty() && !key_ok(&api_key) {
            bad("api_key", ErrorCode::InvalidValue);
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.is_empty() {
                continue;
            }
            if t.chars().count() > TAG_MAX || t.contains(',') {
                bad("tags", ErrorCode::InvalidValue);
                break;
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.len() > TAGS_MAX {
            bad("tags", ErrorCode::TooLong);
        }
        let mut targets: Vec<SyncTarget> = Vec::new();
        for t in &self.targets {
            let target = SyncTarget {
                kind: t.kind.trim().to_owned(),
                slug: t.slug.trim().to_owned(),
                remote_id: t.remote_id.trim().to_owned(),
            };
            let duplicate = targets
                .iter()
                .any(|x| x.kind == target.kind && x.slug == target.slug);
            if !matches!(target.kind.as_str(), "petition" | "pledge")
                || target.slug.is_empty()
                || !remote_id_ok(&target.remote_id)
                || duplicate
            {
                bad("targets", ErrorCode::InvalidValue);
                break;
            }
            targets.push(target);
        }
        if errors.is_empty() {
            Ok(ActionNetworkDraft {
                api_key,
                enabled: self.enabled,
                tags,
                targets,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod action_network_tests {
    use super::*;

    fn target(kind: &str, slug: &str, remote_id: &str) -> SyncTarget {
        SyncTarget {
            kind: kind.into(),
            slug: slug.into(),
            remote_id: remote_id.into(),
        }
    }

    #[test]
    fn drafts_are_checked_field_by_field() {
        let draft = |api_key: &str, tags: &[&str], targets: Vec<SyncTarget>| ActionNetworkDraft {
            api_key: api_key.into(),
            enabled: true,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            targets,
        };
        let ok = draft(
            " 0123456789abcdef0123 ",
            &[" rally ", "", "rally", "petition  signer"],
            vec![target(
                "petition",
                "save-the-park",
                "d91b4b2e-ae0e-4cd3-9ed7",
            )],
        )
        .validate(false)
        .unwrap();
        assert_eq!(ok.api_key, "0123456789abcdef0123");
        assert_eq!(ok.tags, ["rally", "petition signer"]);
        // (draft, has a key already, the fields refused)
        type Case = (ActionNetworkDraft, bool, Vec<(&'static str, ErrorCode)>);
        let cases: Vec<Case> = vec![
            (draft("", &[], vec![]), true, vec![]),
            (
                draft("", &[], vec![]),
                false,
                vec![("api_key", ErrorCode::Required)],
            ),
            (
                draft("short", &[], vec![]),
                true,
                vec![("api_key", ErrorCode::InvalidValue)],
            ),
            (
                draft("0123456789abcdef 0123", &[], vec![]),
                true,
                vec![("api_key", ErrorCode::InvalidValue)],
            ),
            (
                draft("", &["a,b"], vec![]),
                true,
                vec![("tags", ErrorCode::InvalidValue)],
            ),
            (
                draft("", &[&"x".repeat(65)], vec![]),
                true,
                vec![("tags", ErrorCode::InvalidValue)],
            ),
            (
                draft("", &[], vec![target("event", "a", "b")]),
                true,
                vec![("targets", ErrorCode::InvalidValue)],
            ),
            (
                draft("", &[], vec![target("pledge", "a", "../x")]),
                true,
                vec![("targets", ErrorCode::InvalidValue)],
            ),
            (
                draft("", &[], vec![target("pledge", "", "x")]),
                true,
                vec![("targets", ErrorCode::InvalidValue)],
            ),
            (
                draft(
                    "",
                    &[],
                    vec![target("pledge", "a", "x"), target("pledge", "a", "y")],
                ),
                true,
                vec![("targets", ErrorCode::InvalidValue)],
            ),
        ];
        for (d, has_key, expected) in cases {
            assert_eq!(
                crate::error::problems(d.validate(has_key)),
                expected,
                "{d:?}"
            );
        }
    }
}

/// The campaign's Turnstile setting (`GET .../staff/turnstile`): on or off for every public
/// write, the site key the widgets render with (public by nature), and whether a secret is
/// stored (its last four characters, never the secret).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Turnstile {
    pub enabled: bool,
    pub site_key: String,
    pub configured: bool,
    pub secret_hint: String,
}

/// `PUT .../staff/turnstile`: an empty `secret` keeps the stored one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TurnstileDraft {
    pub enabled: bool,
    pub site_key: String,
    pub secret: String,
}

/// A Turnstile site key or secret: 8 to 128 letters, digits, `-`, `_` or `.`.
fn turnstile_key_ok(key: &str) -> bool {
    (8..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl TurnstileDraft {
    /// Checks the draft; `has_secret` says whether a secret is already stored (then an empty
    /// one keeps it). Turning it on needs a site key and a secret; off, both may stay.
    pub fn validate(&self, has_secret: bool) -> Result<TurnstileDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let site_key = self.site_key.trim().to_owned();
        let secret = self.secret.trim().to_owned();
        if site_key.is_empty() && self.enabled {
            errors.push(FieldError {
                field: "site_key",
                code: ErrorCode::Required,
            });
        } else if !site_key.is_empty() && !turnstile_key_ok(&site_key) {
            errors.push(FieldError {
                field: "site_key",
                code: ErrorCode::InvalidValue,
            });
        }
        if secret.is_empty() && self.enabled && !has_secret {
            errors.push(FieldError {
                field: "secret",
                code: ErrorCode::Required,
            });
        } else if !secret.is_empty() && !turnstile_key_ok(&secret) {
            errors.push(FieldError {
                field: "secret",
                code: ErrorCode::InvalidValue,
            });
        }
        if errors.is_empty() {
            Ok(TurnstileDraft {
                enabled: self.enabled,
                site_key,
                secret,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod turnstile_tests {
    use super::*;
    use ErrorCode::*;

    #[test]
    fn drafts() {
        let d = |enabled, site_key: &str, secret: &str| TurnstileDraft {
            enabled,
            site_key: site_key.into(),
            secret: secret.into(),
        };
        let site = "1x00000000000000000000AA";
        let secret = "1x0000000000000000000000000000000AA";
        type Case = (TurnstileDraft, bool, Vec<(&'static str, ErrorCode)>);
        let cases: Vec<Case> = vec![
            (d(true, site, secret), false, vec![]),
            (d(true, site, ""), true, vec![]),
            (d(false, "", ""), false, vec![]),
            (
                d(true, "", ""),
                false,
                vec![("site_key", Required), ("secret", Required)],
            ),
            (
                d(true, "short", secret),
                false,
                vec![("site_key", InvalidValue)],
            ),
            (
                d(true, site, "has space inside"),
                false,
                vec![("secret", InvalidValue)],
            ),
            (
                d(false, "<script>", ""),
                false,
                vec![("site_key", InvalidValue)],
            ),
        ];
        for (draft, has_secret, want) in cases {
            let got = match draft.validate(has_secret) {
                Ok(_) => vec![],
                Err(e) => e.into_iter().map(|e| (e.field, e.code)).collect(),
            };
            assert_eq!(got, want, "{draft:?}");
        }
        assert_eq!(
            d(true, &format!(" {site} "), "")
                .validate(true)
                .unwrap()
                .site_key,
            site
        );
    }
}
