//! Cloudflare Turnstile, for campaigns that turn it on: every public write (a signature, a
//! commitment, a report, a team joined or started) carries a Turnstile token, which is checked
//! with the siteverify API before anything is written. Without a token: `422 required`
//! (`field: "turnstile"`); a failed, expired or already used one: `403 challenge_failed`.
//!
//! The siteverify address is configuration (`TURNSTILE_VERIFY_URL`): tests point it at a local
//! stand-in, since Cloudflare cannot be reached from where they run. A retry of a request with
//! the same `Idempotency-Key` sends siteverify the same `idempotency_key`, which Cloudflare
//! answers as the first time, so a retried signature is not refused for a token it already
//! used.

use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use worker::{console_error, Fetch, Headers, Method, Request, RequestInit};

use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use rally_api::ErrorCode;

pub const DEFAULT_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// The field a token travels in: `turnstile` in JSON bodies; the own pages' forms carry the
/// name Turnstile's own script gives it.
pub const FIELD: &str = "turnstile";
pub const FORM_FIELD: &str = "cf-turnstile-response";

#[derive(Deserialize, Default)]
struct Verdict {
    #[serde(default)]
    success: bool,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

/// The token of a JSON body (read beside the body's own type, as a pledge's reminder is).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Token {
    pub turnstile: String,
}

/// Checks `token` if campaign `campaign` (by slug) asks for Turnstile; `Ok` when it does not.
pub async fn check(
    req: &Request,
    ctx: &Ctx,
    campaign: &str,
    token: &str,
    idempotency_key: Option<&str>,
) -> AppResult<()> {
    // The gate is read where a replica may answer (the primary's one writer is kept for the
    // writes): a campaign that has just turned the check on may see it start a moment later.
    let gate = Store::replica(&ctx.env, &ctx.meter)?
        .turnstile_gate(campaign)
        .await?;
    let Some(gate) = gate else {
        return Ok(()); // no such campaign: the handler answers 404 itself
    };
    if !gate.enabled {
        return Ok(());
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(AppError::field(
            ErrorCode::Required,
            FIELD,
            "this campaign asks for the anti-bot check (Cloudflare Turnstile): send its token",
        ));
    }
    let secret = gate
        .sealed_secret
        .and_then(|s| crate::auth::seal::open(&crate::auth::seal::secret(&ctx.env).ok()?, &s))
        .ok_or_else(|| {
            AppError::Internal("the campaign's Turnstile secret cannot be opened".into())
        })?;
    let url = ctx
        .env
        .var("TURNSTILE_VERIFY_URL")
        .map(|v| v.to_string())
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_owned());
    let ip = crate::http::client_ip(req);
    let mut body = json!({ "secret": secret, "response": token, "remoteip": ip });
    if let Some(key) = idempotency_key {
        body["idempotency_key"] = uuid_of(&format!("{campaign}\0{key}")).into();
    }
    // A connection the pool kept open may have been closed by the other end just as it was
    // reused ("Network connection lost"): the request never reached siteverify, so it is sent
    // once more. (A resend is safe: with the idempotency key Cloudflare answers as the first
    // time; without one, at worst the token reads as already used and the visitor redoes it.)
    let body = body.to_string();
    ctx.meter.fetch();
    let verdict = match verify(&url, &body).await {
        Err(Unverified::Unsent(_)) => {
            ctx.meter.fetch();
            verify(&url, &body).await
        }
        v => v,
    };
    match verdict {
        Ok(v) if v.success => Ok(()),
        Ok(v) => {
            let spent = v.error_codes.iter().any(|c| c == "timeout-or-duplicate");
            let ours = v
                .error_codes
                .iter()
                .any(|c| c.contains("secret") || c == "bad-request" || c == "internal-error");
            if ours {
                console_error!("turnstile: siteverify says {:?}", v.error_codes);
            }
            Err(AppError::field(
                ErrorCode::ChallengeFailed,
                FIELD,
                if spent {
                    "the anti-bot check expired or was used already: do it again"
                } else if ours {
                    "the anti-bot check could not be verified: try again in a moment"
                } else {
                    "the anti-bot check failed: do it again"
                },
            ))
        }
        Err(e) => {
            console_error!("turnstile: siteverify unreachable: {e}");
            Err(AppError::field(
                ErrorCode::ChallengeFailed,
                FIELD,
                "the anti-bot check could not be verified: try again in a moment",
            ))
        }
    }
}

/// Why siteverify gave no verdict: the request was not sent (or its connection was lost), or
/// its answer could not be read.
enum Unverified {
    Unsent(String),
    Unreadable(String),
}

impl std::fmt::Display for Unverified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unverified::Unsent(e) => write!(f, "not sent: {e}"),
            Unverified::Unreadable(e) => write!(f, "no verdict: {e}"),
        }
    }
}

async fn verify(url: &str, body: &str) -> Result<Verdict, Unverified> {
    let unsent = |e: worker::Error| Unverified::Unsent(e.to_string());
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json")
        .map_err(unsent)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init).map_err(unsent)?;
    let mut resp = Fetch::Request(request).send().await.map_err(unsent)?;
    let text = resp
        .text()
        .await
        .map_err(|e| Unverified::Unreadable(e.to_string()))?;
    serde_json::from_str(&text).map_err(|_| {
        Unverified::Unreadable(format!(
            "status {}: not siteverify's JSON",
            resp.status_code()
        ))
    })
}

/// A UUID-shaped digest of `seed` (siteverify's `idempotency_key` is a UUID).
fn uuid_of(seed: &str) -> String {
    let d = Sha256::digest(seed.as_bytes());
    let h: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_uuids_and_stable() {
        let a = uuid_of("demo\0key-1");
        assert_eq!(a, uuid_of("demo\0key-1"));
        assert_ne!(a, uuid_of("demo\0key-2"));
        let parts: Vec<_> = a.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }
}
