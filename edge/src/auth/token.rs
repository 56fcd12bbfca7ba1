//! Supporter tokens: how a browser is remembered within a campaign without ever holding the
//! email. A token is `{supporter id}.{version}.{mac}`, where the MAC is HMAC-SHA256 with the
//! edge's `TOKEN_SECRET` over campaign, supporter and version. Bumping the supporter's
//! `token_version` revokes every token issued before.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use worker::Env;

use crate::error::{AppError, AppResult};

/// The supporter a valid token names: `(supporter id, version)`.
pub type Claims = (u32, u32);

/// The edge's `TOKEN_SECRET`: it keys supporter tokens and (`mail::links`) message links.
pub fn secret(env: &Env) -> AppResult<String> {
    env.secret("TOKEN_SECRET")
        .map(|s| s.to_string())
        .map_err(|_| AppError::Internal("TOKEN_SECRET is not set".into()))
}

fn mac(secret: &str, campaign_id: u32, supporter: u32, version: u32) -> AppResult<String> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| AppError::Internal(format!("hmac key: {e}")))?;
    m.update(format!("rally-supporter\0{campaign_id}\0{supporter}\0{version}").as_bytes());
    Ok(m.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

pub fn issue(env: &Env, campaign_id: u32, (supporter, version): Claims) -> AppResult<String> {
    Ok(format!(
        "{supporter}.{version}.{}",
        mac(&secret(env)?, campaign_id, supporter, version)?
    ))
}

/// The claims of a well-formed token with a valid MAC for this campaign. The caller must still
/// check the version against the supporter's current one.
pub fn verify(env: &Env, campaign_id: u32, token: &str) -> AppResult<Option<Claims>> {
    let mut parts = token.trim().splitn(3, '.');
    let (Some(id), Some(version), Some(given)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (Ok(id), Ok(version)) = (id.parse::<u32>(), version.parse::<u32>()) else {
        return Ok(None);
    };
    let expected = mac(&secret(env)?, campaign_id, id, version)?;
    // Constant-time comparison: a MAC must not be guessable byte by byte from timing.
    let same = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    Ok(same.then_some((id, version)))
}

/// The bearer token of a request, if any.
pub fn bearer(req: &worker::Request) -> Option<String> {
    let h = req.headers().get("Authorization").ok().flatten()?;
    h.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}
