//! Request guards: the per-network rate limit, body reading rules and random identifiers.

use rally_api::ErrorCode;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use worker::{Env, Request};

use crate::error::{AppError, AppResult};

/// The largest JSON body a public route accepts.
pub const MAX_BODY: usize = 8 * 1024;

/// The client network, hashed with a secret salt: the raw IP is never stored or passed on.
///
/// `CF-Connecting-IP` is set by Cloudflare (and by the local runtime) and cannot be forged by a
/// client in production.
pub fn client_key(req: &Request, env: &Env) -> String {
    let ip = req
        .headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_default();
    let salt = env
        .secret("IP_SALT")
        .map(|s| s.to_string())
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{salt}\0{ip}").as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies the `SIGN_LIMITER` rate limit binding to this client.
pub async fn rate_limit(
    req: &Request,
    env: &Env,
    binding: &str,
    period_secs: u32,
) -> AppResult<()> {
    let limiter = env
        .rate_limiter(binding)
        .map_err(|e| AppError::Internal(format!("rate limiter binding {binding}: {e}")))?;
    let outcome = limiter.limit(client_key(req, env)).await?;
    if outcome.success {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after: period_secs,
        })
    }
}

/// Reads a JSON body under the public routes' rules: `application/json`, at most [`MAX_BODY`]
/// bytes, and a type error names the field it happened in.
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    parse_json(&json_bytes(req).await?)
}

/// The bytes of a JSON body, checked for content type and size but not parsed.
pub async fn json_bytes(req: &mut Request) -> AppResult<Vec<u8>> {
    let ctype = req.headers().get("Content-Type")?.unwrap_or_default();
    if !ctype.to_ascii_lowercase().starts_with("application/json") {
        return Err(AppError::refused(
            ErrorCode::UnsupportedMediaType,
            "the body must be JSON, sent with Content-Type: application/json",
        ));
    }
    let too_large = || {
        AppError::refused(
            ErrorCode::PayloadTooLarge,
            format!("the body must be at most {MAX_BODY} bytes"),
        )
    };
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses JSON, telling a malformed body (`invalid_json`) from a field of the wrong type
/// (`wrong_type`, with the field's path).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    // serde accepts a JSON array for a struct (as a tuple); the API promises objects only.
    if let Some(first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        if *first != b'{' && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
            return Err(AppError::refused(
                ErrorCode::WrongType,
                "the body must be a JSON object",
            ));
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            if path == "." {
                AppError::refused(ErrorCode::WrongType, "the body must be a JSON object")
            } else {
                AppError::field(ErrorCode::WrongType, &path, format!("{path}: {inner}"))
            }
        } else {
            AppError::refused(
                ErrorCode::InvalidJson,
                format!("the body is not valid JSON: {inner}"),
            )
        }
    })
}

/// `n` random bytes from the platform's CSPRNG.
fn random<const N: usize>() -> AppResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
    Ok(buf)
}

/// A fresh request id: 128 random bits, hex.
pub fn request_id() -> AppResult<String> {
    Ok(random::<16>()?.iter().map(|b| format!("{b:02x}")).collect())
}

/// A fresh referral code: 8 characters of the referral alphabet (40 random bits).
pub fn ref_code() -> AppResult<String> {
    let alphabet = rally_api::validate::REF_ALPHABET;
    Ok(random::<8>()?
        .iter()
        .map(|b| alphabet[usize::from(b & 31)] as char)
        .collect())
}
