//! The Action Network connector: each signature or commitment on a mapped petition or pledge is
//! recorded on Action Network through its record signature / record attendance helper
//! (`POST {ACTION_NETWORK_URL}/petitions/{id}/signatures`, `.../events/{id}/attendances`, the key
//! in `OSDI-API-Token`), with the person, the connector's tags and the referrer data. A sync is
//! an outbox row of kind `sync`, so it shares the claim, retries, backoff, dead state and
//! redelivery of webhooks.
//!
//! Recording is idempotent on Action Network's side: people are matched by email address and a
//! person signs a petition (or RSVPs to an event) once, so a retry updates instead of adding.
//! Only people who agreed to be contacted are recorded (a new person on Action Network is
//! subscribed to the campaign's list); no `status` is sent, so someone who unsubscribed there
//! stays unsubscribed.

use serde_json::{json, Value};

use crate::db::outbox::{Outcome, Outgoing};
use crate::mail::webhook::{backoff, outcome, post};
use crate::mail::Config;

/// Action Network's API, unless the edge's `ACTION_NETWORK_URL` says otherwise (tests point it
/// at a local stand-in).
pub const DEFAULT_URL: &str = "https://actionnetwork.org/api/v2";

/// The helper's address and body for sync `m`.
pub fn request(base: &str, m: &Outgoing) -> (String, Value) {
    let (collection, items, prefix) = match m.action.as_deref() {
        Some("pledge") => ("events", "attendances", "commitment"),
        _ => ("petitions", "signatures", "signature"),
    };
    let url = format!(
        "{}/{collection}/{}/{items}",
        base.trim_end_matches('/'),
        m.remote_id.as_deref().unwrap_or_default()
    );
    let mut postal = serde_json::Map::new();
    if let Some(code) = m.postal_code.as_deref().filter(|c| !c.is_empty()) {
        postal.insert("postal_code".into(), code.into());
    }
    if let Some(country) = m.country.as_deref().filter(|c| !c.is_empty()) {
        postal.insert("country".into(), country.into());
    }
    let mut person = json!({
        "given_name": m.first_name,
        "family_name": m.last_name,
        "email_addresses": [{ "address": m.email }],
        "languages_spoken": [m.lang.split('-').next().unwrap_or("en")],
    });
    if !postal.is_empty() {
        person["postal_addresses"] = json!([postal]);
    }
    let mut tags: Vec<String> = m
        .sync_tags
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    // Where the person stands on the engagement ladder when the sync is sent.
    if let Some(rung) = m.rung.as_deref().filter(|r| !r.is_empty()) {
        tags.push(format!("rally:rung:{rung}"));
    }
    // The tags staff put on the person in Rally, as they are when the sync is sent.
    tags.extend(crate::db::roster::tag_names(m.tags.as_deref()));
    let mut referrer = serde_json::Map::new();
    for (k, v) in [
        ("source", &m.source),
        ("referrer", &m.referrer),
        ("website", &m.page_url),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            referrer.insert(k.into(), v.into());
        }
    }
    let body = json!({
        "identifiers": [format!("rally:{prefix}-{}", m.action_row.unwrap_or_default() as u64)],
        "person": person,
        "add_tags": tags,
        "action_network:referrer_data": referrer,
    });
    (url, body)
}

/// Why sync `m` is not to be made, if it is not.
fn drop_reason(m: &Outgoing) -> Option<&'static str> {
    if m.erased_at.is_some() || m.email.is_none() {
        return Some("erased");
    }
    if m.remote_id.is_none() {
        return Some("mapping removed");
    }
    if m.sync_enabled != Some(1.0) {
        return Some("connector off");
    }
    if m.action_row.is_none() {
        return Some("action removed");
    }
    None
}

/// Records sync `m` once; the outcome for the outbox. `key` is the opened API key.
pub async fn deliver(config: &Config, m: &Outgoing, key: Option<String>) -> Outcome {
    if let Some(reason) = drop_reason(m) {
        return Outcome::Dropped(reason);
    }
    let retry = backoff(config, m.attempts);
    let Some(key) = key else {
        return retry(
            "the stored API key could not be opened (SYNC_KEY changed?)".into(),
            None,
        );
    };
    let (url, body) = request(&config.action_network_url, m);
    outcome(
        post(&url, &[("OSDI-API-Token", key.as_str())], &body.to_string()).await,
        retry,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_and_commitments_go_to_their_helpers_with_the_person_and_referrer() {
        let m = Outgoing {
            action: Some("sign".into()),
            action_row: Some(42.0),
            remote_id: Some("abc-123".into()),
            first_name: Some("Ana".into()),
            last_name: Some("Souza".into()),
            email: Some("ana@example.org".into()),
            postal_code: Some("01310-100".into()),
            country: Some("BR".into()),
            lang: "pt-BR".into(),
            source: Some("newsletter".into()),
            referrer: Some("K7P2QX9A".into()),
            sync_tags: Some("rally,signer".into()),
            rung: Some("team-leader".into()),
            tags: Some(r#"["caller","volunteer"]"#.into()),
            ..Outgoing::default()
        };
        let (url, body) = request("http://127.0.0.1:9/api/v2/", &m);
        assert_eq!(
            url,
            "http://127.0.0.1:9/api/v2/petitions/abc-123/signatures"
        );
        assert_eq!(
            body,
            json!({
                "identifiers": ["rally:signature-42"],
                "person": {
                    "given_name": "Ana", "family_name": "Souza",
                    "email_addresses": [{ "address": "ana@example.org" }],
                    "postal_addresses": [{ "postal_code": "01310-100", "country": "BR" }],
                    "languages_spoken": ["pt"],
                },
                "add_tags": ["rally", "signer", "rally:rung:team-leader", "caller", "volunteer"],
                "action_network:referrer_data": { "source": "newsletter", "referrer": "K7P2QX9A" },
            })
        );
        let pledge = Outgoing {
            action: Some("pledge".into()),
            sync_tags: Some(String::new()),
            rung: Some(String::new()),
            tags: None,
            ..m
        };
        let (url, body) = request(DEFAULT_URL, &pledge);
        assert_eq!(
            url,
            "https://actionnetwork.org/api/v2/events/abc-123/attendances"
        );
        assert_eq!(body["identifiers"], json!(["rally:commitment-42"]));
        assert_eq!(body["add_tags"], json!([]));
    }
}
