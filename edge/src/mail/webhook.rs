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
        "osdi:tags": crate::db::roster::tag_names(m.tags.as_deref()),
    });
    let data = match kind {
        // Nothing personal: the id receivers use to find their copy.
        "supporter.erased" => json!({ "person": { "identifiers": [person_id] } }),
        "supporter.unsubscribed" | "supporter.updated" => json!({ "person": person }),
        // A move on the engagement ladder: from and to are rung slugs ("" for none).
        "rung.changed" => json!({ "person": person, "rung": {
            "from": m.rung_from,
            "to": m.rung_to,
            "cause": m.rung_cause,
            "changed_date": m.rung_at.map(crate::format::iso_datetime),
        } }),
        // What was reported and where it was seen; never who reported it.
        "report.created" => json!({ "report": {
            "identifiers": [format!("rally:report-{}", m.report_row.unwrap_or_default() as u64)],
            "created_date": crate::format::iso_datetime(m.created_at),
            "text": m.report_text,
            "seen_on": m.report_seen_on,
            "link": m.report_link,
            "language": m.lang,
            "claim": { "id": m.claim_public_id, "verdict": m.verdict },
        } }),
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
    let retry = backoff(config, m.attempts);
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
    let event_id = format!("evt_{}", m.id as u64);
    let headers = [
        ("Rally-Event-Id", event_id.as_str()),
        (
            "Rally-Event-Type",
            m.event_type.as_deref().unwrap_or_default(),
        ),
        ("Rally-Signature", &signature(&secrets, t, &body)),
    ];
    outcome(post(url, &headers, &body).await, retry)
}

/// A failed delivery's outcome after `attempts`: tried again after a wait that doubles from
/// `WEBHOOK_RETRY_MS`, dead after `WEBHOOK_ATTEMPTS`.
pub fn backoff(config: &Config, attempts: u32) -> impl Fn(String, Option<Log>) -> Outcome + '_ {
    move |reason, log| {
        let wait = config.webhook_retry_ms * 2f64.powi(attempts.saturating_sub(1).min(30) as i32);
        Outcome::Failed(
            reason,
            crate::http::now() + wait,
            config.webhook_attempts,
            log,
        )
    }
}

/// What an answer (or its absence) makes of a delivery: `2xx` is taken, anything else is tried
/// again after `retry`'s wait (a redirect too: it is never followed).
pub fn outcome(
    answer: Result<Log, String>,
    retry: impl Fn(String, Option<Log>) -> Outcome,
) -> Outcome {
    match answer {
        Err(reason) => retry(reason, None),
        Ok(log) => match log.status {
            200..=299 => Outcome::Sent(format!("HTTP {}", log.status), Some(log)),
            300..=399 => retry(
                format!("HTTP {}: redirects are not followed", log.status),
                Some(log),
            ),
            status => retry(format!("HTTP {status}"), Some(log)),
        },
    }
}

/// POSTs JSON `body` to `url` with `headers`: the answer's status, latency and first bytes, or
/// why there was none (within [`TIMEOUT_MS`]). Redirects are returned, never followed.
pub async fn post(url: &str, headers: &[(&str, &str)], body: &str) -> Result<Log, String> {
    let request = (|| -> worker::Result<Request> {
        let h = Headers::new();
        h.set("Content-Type", "application/json")?;
        h.set("User-Agent", "Rally-Webhooks/1")?;
        for (k, v) in headers {
            h.set(k, v)?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(h)
            .with_redirect(RequestRedirect::Manual)
            .with_body(Some(body.to_owned().into()));
        Request::new_with_init(url, &init)
    })()
    .map_err(|_| "the request could not be built".to_owned())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let started = crate::http::now();
    let fetch = Box::pin(async move { Fetch::Request(request).send_with_signal(&signal).await });
    let timeout = Box::pin(Delay::from(Duration::from_millis(TIMEOUT_MS)));
    let mut resp = match select(fetch, timeout).await {
        Either::Left((Ok(resp), _)) => resp,
        Either::Left((Err(e), _)) => return Err(format!("no answer: {e}")),
        Either::Right(_) => {
            controller.abort();
            return Err(format!("no answer within {} s", TIMEOUT_MS / 1000));
        }
    };
    let status = resp.status_code();
    let text = resp.text().await.unwrap_or_default();
    Ok(Log {
        status,
        latency_ms: crate::http::now() - started,
        response: text.chars().take(LOGGED).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payloads_person_carries_the_staffs_tags() {
        let m = Outgoing {
            event_type: Some("supporter.updated".into()),
            supporter_id: Some(7.0),
            tags: Some(r#"["volunteer"]"#.into()),
            ..Outgoing::default()
        };
        let e = envelope(&m);
        assert_eq!(
            e["data"]["person"]["osdi:tags"],
            json!(["volunteer"]),
            "{e}"
        );
        let none = envelope(&Outgoing {
            event_type: Some("supporter.updated".into()),
            ..Outgoing::default()
        });
        assert_eq!(none["data"]["person"]["osdi:tags"], json!([]));
    }

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
