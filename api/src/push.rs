//! Web Push on the wire: the kinds of notification a supporter opts into (per device, changeable
//! in the hub), a browser's subscription as the hub's script posts it (checked here, by field),
//! and the notification a service worker shows (the payload the edge encrypts).

use serde::{Deserialize, Serialize};

use crate::builder::Check;
use crate::{ErrorCode, FieldError};

/// What a notification is about; each is opted into on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushKind {
    /// A new campaign action this week.
    Action,
    /// A nudge from the person's team leader.
    Nudge,
    /// A rebuttal published (a rumour answered).
    Rebuttal,
    /// A pledge's reminder (the evening before, the morning of).
    Reminder,
}

impl PushKind {
    pub const ALL: [PushKind; 4] = [
        PushKind::Action,
        PushKind::Nudge,
        PushKind::Rebuttal,
        PushKind::Reminder,
    ];

    /// The kind's bit in a subscription's `types` (stored as an integer in D1, where the
    /// fan-out tests it with `&`).
    pub fn bit(self) -> u32 {
        match self {
            PushKind::Action => 1,
            PushKind::Nudge => 2,
            PushKind::Rebuttal => 4,
            PushKind::Reminder => 8,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PushKind::Action => "action",
            PushKind::Nudge => "nudge",
            PushKind::Rebuttal => "rebuttal",
            PushKind::Reminder => "reminder",
        }
    }

    pub fn parse(s: &str) -> Option<PushKind> {
        PushKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds in `types`.
    pub fn of(types: u32) -> impl Iterator<Item = PushKind> {
        PushKind::ALL
            .into_iter()
            .filter(move |k| types & k.bit() != 0)
    }
}

/// Every kind: what a new subscription gets unless the person chose otherwise.
pub const ALL_TYPES: u32 = 15;
/// A push service's address is at most this long (they are about 200 characters).
pub const ENDPOINT_MAX: usize = 1000;

/// A browser's push subscription (`PushSubscription.toJSON()`, flattened as the hub's form
/// posts it) and the kinds this device wants.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubscriptionDraft {
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (65 bytes, uncompressed).
    pub p256dh: String,
    /// The browser's authentication secret, base64url (16 bytes).
    pub auth: String,
    /// The kinds, by name (`action`, `nudge`, `rebuttal`, `reminder`).
    pub types: Vec<String>,
}

/// A subscription that passed [`SubscriptionDraft::validate`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub types: u32,
}

/// The length of `raw` decoded from unpadded base64url, or `None` if it is not that.
fn base64url_len(raw: &str) -> Option<usize> {
    let ok = raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (ok && raw.len() % 4 != 1).then(|| raw.len() * 3 / 4)
}

/// The kinds named in `names` as bits; `None` if one is not a kind.
pub fn types_of(names: &[String]) -> Option<u32> {
    names
        .iter()
        .try_fold(0, |acc, n| PushKind::parse(n.trim()).map(|k| acc | k.bit()))
}

impl SubscriptionDraft {
    /// Checks every field: the endpoint is a push service's address (public `https://`;
    /// `local` lets `http://127.0.0.1:<port>` through, for a test's stand-in), the keys are
    /// base64url of the right lengths, the kinds are known. On failure lists every problem.
    pub fn validate(&self, local: bool) -> Result<ValidSubscription, Vec<FieldError>> {
        let mut c = Check(Vec::new());
        let endpoint = self.endpoint.trim();
        if endpoint.is_empty() {
            c.fail("endpoint", ErrorCode::Required);
        } else if endpoint.len() > ENDPOINT_MAX
            || crate::integrations::check_url(endpoint, local).is_err()
        {
            c.fail("endpoint", ErrorCode::InvalidValue);
        }
        let key = |c: &mut Check, field: &'static str, raw: &str, len: usize| {
            let raw = raw.trim().trim_end_matches('=');
            if raw.is_empty() {
                c.fail(field, ErrorCode::Required);
            } else if base64url_len(raw) != Some(len) {
                c.fail(field, ErrorCode::InvalidValue);
            }
            raw.to_owned()
        };
        let p256dh = key(&mut c, "p256dh", &self.p256dh, 65);
        let auth = key(&mut c, "auth", &self.auth, 16);
        let types = match types_of(&self.types) {
            Some(t) => t,
            None => {
                c.fail("types", ErrorCode::InvalidValue);
                0
            }
        };
        c.done(ValidSubscription {
            endpoint: endpoint.to_owned(),
            p256dh,
            auth,
            types,
        })
    }
}

/// What the service worker shows: the payload the edge encrypts for one subscription.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// The notification's kind (`action`, `nudge`, `rebuttal`, `reminder`).
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where a click goes: the edge's click counter, which opens the hub at the card.
    pub url: String,
    /// Replaces an earlier notification about the same thing.
    pub tag: String,
    /// The notification's language (`lang` of the Notifications API).
    pub lang: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256DH: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn draft() -> SubscriptionDraft {
        SubscriptionDraft {
            endpoint: "https://fcm.googleapis.com/fcm/send/abc".into(),
            p256dh: P256DH.into(),
            auth: AUTH.into(),
            types: vec!["action".into(), "nudge".into()],
        }
    }

    #[test]
    fn a_browser_subscription_passes_with_its_kinds_as_bits() {
        let v = draft().validate(false).unwrap();
        assert_eq!(v.types, PushKind::Action.bit() | PushKind::Nudge.bit());
        assert_eq!(PushKind::of(v.types).count(), 2);
        assert_eq!(PushKind::of(ALL_TYPES).count(), 4);
    }

    #[test]
    fn bad_subscriptions_are_refused_by_field() {
        let fields = |d: SubscriptionDraft, local| -> Vec<(&'static str, ErrorCode)> {
            d.validate(local)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        let mut d = draft();
        d.endpoint = "http://push.example.org/x".into();
        d.p256dh = "short".into();
        d.auth = String::new();
        d.types = vec!["weather".into()];
        assert_eq!(
            fields(d, false),
            [
                ("endpoint", ErrorCode::InvalidValue),
                ("p256dh", ErrorCode::InvalidValue),
                ("auth", ErrorCode::Required),
                ("types", ErrorCode::InvalidValue),
            ]
        );
        let mut d = draft();
        d.endpoint = "http://127.0.0.1:9000/push/1".into();
        assert_eq!(
            fields(d.clone(), false),
            [("endpoint", ErrorCode::InvalidValue)]
        );
        assert!(
            d.validate(true).is_ok(),
            "a test's stand-in on loopback, locally"
        );
        let mut d = draft();
        d.endpoint = "https://10.0.0.1/push".into();
        assert_eq!(fields(d, false), [("endpoint", ErrorCode::InvalidValue)]);
    }
}
