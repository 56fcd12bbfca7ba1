//! Webhook deliveries: the same outbox, queue and cron as messages, sent over HTTP instead of
//! email. Each delivery is a JSON envelope (`id`, `type`, `created_at`, `campaign`, `data`)
//! whose `data` follows OSDI where OSDI has a shape (`osdi:signature` with its `person` and
//! `referrer_data`), signed with HMAC-SHA256 over `"{t}.{body}"` in
//! `Rally-Signature: t=<unix seconds>,v1=<hex>` (a second `v1` while a rotated-out secret still
//! signs). The id is the same on every retry, so receivers de-duplicate. Redirects are never
//! followed; an answer slower than [`TIMEOUT_MS`] is a failure.

use std::time::Duration;

use futures_util::future::{select, Either};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
};

use crate::db::outbox::{Log, Outcome, Outgoing};
use crate::mail::Config;

/// How long a receiver may take to answer.
const TIMEOUT_MS: u64 = 10_000;
/// How much of an answer the delivery log keeps.
const LOGGED: usize = 200;

/// `Rally-Signature` for `body` at unix time `t`: one `v1` per secret.
pub fn signature(secrets: &[&str], t: u64, body: &str) -> String {
    let mut out = format!("t={t}");
    for secret in secrets {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            continue;
        };
        mac.update(format!("{t}.{body}").as_bytes());
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        out.push_str(&format!(",v1={hex}"));
    }
    out
}

/// The envelope of delivery `m`.
pub fn envelope(m: &Outgoing) -> Value {
    let kind = m.event_type.as_deref().unwrap_or_default();
    let person_id = m
        .supporter_id
        .map(|s| format!("rally:supporter-{}", s as u64));
    let status = if m.unsubscribed_at.is_some() || m.contact_consent != Some(1.0) {
        "unsubscribed"
    } else {
        "subscribed"
    };
    let person = json!({
        "identifiers": [person_id],
        "given_name": m.first_name,
        "family_name": m.last_name,
        "email_addresses": [{ "address": m.email, "primary": true, "status": status }],
        "postal_addresses": [{ "postal_code": m.postal_code, "country": m.country }],
        "languages_spoken": [m.lang],
    });
    let data = match kind {
        // Nothing personal: the id receivers use to find their copy.
        "supporter.erased" => json!({ "person": { "identifiers": [person_id] } }),
        "supporter.unsubscribed" | "supporter.updated" => json!({ "person": person }),
        "claim.published" => json!({ "claim": {
            "id": m.claim_public_id,
            "text": m.claim_text,
            "verdict": m.verdict,
            "explanation": m.explanation,
        } }),
        _ => {
            let item = json!({ "slug": m.slug, "title": m.title });
            let action = json!({
                "identifiers": [format!("rally:{}-{}", m.action.as_deref().unwrap_or("action"), m.action_row.unwrap_or_default() as u64)],
                "created_date": crate::format::iso_datetime(m.action_at.unwrap_or(m.created_at)),
                "person": person,
                "referrer_data": { "source": m.source, "referrer": m.referrer, "website": m.page_url },
            });
            if kind == "commitment.created" {
                json!({ "osdi:attendance": action, "event": item })
            } else {
                json!({ "osdi:signature": action, "petition": item })
            }
        }
    };
    json!({
        "id": format!("evt_{}", m.id as u64),
        "type": kind,
        "created_at": crate::format::iso_datetime(m.created_at),
        "campaign": m.campaign,
        "data": data,
    })
}

/// Delivers `m` once; the outcome for the outbox.
pub async fn deliver(config: &Config, m: &Outgoing, now: f64) -> Outcome {
    let retry = |reason: String, log: Option<Log>| {
        let wait = config.webhook_retry_ms * 2f64.powi(m.attempts.saturating_sub(1).min(30) as i32);
        Outcome::Failed(
            reason,
            crate::http::now() + wait,
            config.webhook_attempts,
            log,
        )
    };
    let Some(url) = m.endpoint_url.as_deref() else {
        return Outcome::Dropped("endpoint removed");
    };
    let body = envelope(m).to_string();
    let mut secrets = vec![m.secret.as_deref().unwrap_or_default()];
    if let (Some(old), Some(until)) = (m.previous_secret.as_deref(), m.previous_until) {
        if until > now {
            secrets.push(old);
        }
    }
    let t = (now / 1000.0) as u64;
    let request = (|| -> worker::Result<Request> {
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        headers.set("User-Agent", "Rally-Webhooks/1")?;
        headers.set("Rally-Event-Id", &format!("evt_{}", m.id as u64))?;
        headers.set(
            "Rally-Event-Type",
            m.event_type.as_deref().unwrap_or_default(),
        )?;
        headers.set("Rally-Signature", &signature(&secrets, t, &body))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_redirect(RequestRedirect::Manual)
            .with_body(Some(body.clone().into()));
        Request::new_with_init(url, &init)
    })();
    let Ok(request) = request else {
        return retry("the request could not be built".into(), None);
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let started = crate::http::now();
    let fetch = Box::pin(async move { Fetch::Request(request).send_with_signal(&signal).await });
    let timeout = Box::pin(Delay::from(Duration::from_millis(TIMEOUT_MS)));
    let mut resp = match select(fetch, timeout).await {
        Either::Left((Ok(resp), _)) => resp,
        Either::Left((Err(e), _)) => return retry(format!("no answer: {e}"), None),
        Either::Right(_) => {
            controller.abort();
            return retry(format!("no answer within {} s", TIMEOUT_MS / 1000), None);
        }
    };
    let status = resp.status_code();
    let text = resp.text().await.unwrap_or_default();
    let log = Some(Log {
        status,
        latency_ms: crate::http::now() - started,
        response: text.chars().take(LOGGED).collect(),
    });
    match status {
        200..=299 => Outcome::Sent(format!("HTTP {status}"), log),
        300..=399 => retry(format!("HTTP {status}: redirects are not followed"), log),
        _ => retry(format!("HTTP {status}"), log),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_time_dot_body_one_per_secret() {
        // Known answer: HMAC-SHA256(key "whsec_test", "1700000000.{}").
        let one = signature(&["whsec_test"], 1_700_000_000, "{}");
        assert!(one.starts_with("t=1700000000,v1="), "{one}");
        assert_eq!(one.len(), "t=1700000000,v1=".len() + 64);
        let two = signature(&["whsec_test", "whsec_old"], 1_700_000_000, "{}");
        assert!(
            two.starts_with(&one) && two.matches(",v1=").count() == 2,
            "{two}"
        );
        assert_ne!(
            signature(&["whsec_test"], 1_700_000_001, "{}"),
            one,
            "the time is signed"
        );
        assert_ne!(
            signature(&["whsec_test"], 1_700_000_000, "{ }"),
            one,
            "the body is signed"
        );
    }
}
