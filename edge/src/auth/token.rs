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

fn hmac(secret: &str, message: &str) -> AppResult<[u8; 32]> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| AppError::Internal(format!("hmac key: {e}")))?;
    m.update(message.as_bytes());
    Ok(m.finalize().into_bytes().into())
}

/// The MAC of a token naming `supporter` (a supporter id, or `p` and the request that will
/// create the supporter: see [`issue_pending`]).
fn mac(secret: &str, campaign_id: u32, supporter: &str, version: u32) -> AppResult<String> {
    Ok(hmac(
        secret,
        &format!("rally-supporter\0{campaign_id}\0{supporter}\0{version}"),
    )?[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A token for a supporter a shard acknowledged and D1 does not have yet (issue 25):
/// `p{request id}.0.{mac}`. It holds once the drain has created the supporter with that
/// request (`supporters.created_request`), at the version every new supporter starts with.
pub fn issue_pending(env: &Env, campaign_id: u32, request_id: &str) -> AppResult<String> {
    let subject = format!("p{request_id}");
    Ok(format!(
        "{subject}.0.{}",
        mac(&secret(env)?, campaign_id, &subject, 0)?
    ))
}

/// What a token with a valid MAC names.
#[derive(Debug, PartialEq)]
pub enum Bearer {
    Supporter(Claims),
    /// The request that will create the supporter, and the version.
    Pending(String, u32),
}

/// The referral codes a new supporter acknowledged by a shard is told and, should that one be
/// taken when the drain creates them, given instead: derived from the email under the edge's
/// secret, so a retried acknowledgement tells the same code and nobody can guess another's.
pub fn ref_codes(env: &Env, campaign_id: u32, email: &str) -> AppResult<(String, String)> {
    let secret = secret(env)?;
    let code = |n: u8| -> AppResult<String> {
        let alphabet = rally_api::validate::REF_ALPHABET;
        Ok(
            hmac(&secret, &format!("rally-ref\0{n}\0{campaign_id}\0{email}"))?[..8]
                .iter()
                .map(|b| alphabet[usize::from(b & 31)] as char)
                .collect(),
        )
    };
    Ok((code(0)?, code(1)?))
}

pub fn issue(env: &Env, campaign_id: u32, (supporter, version): Claims) -> AppResult<String> {
    Ok(format!(
        "{supporter}.{version}.{}",
        mac(&secret(env)?, campaign_id, &supporter.to_string(), version)?
    ))
}

/// What a well-formed token with a valid MAC for this campaign names: a supporter, or a
/// pending one (see [`issue_pending`]).
pub fn verify_bearer(env: &Env, campaign_id: u32, token: &str) -> AppResult<Option<Bearer>> {
    let mut parts = token.trim().splitn(3, '.');
    let (Some(subject), Some(version), Some(given)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    let Ok(version) = version.parse::<u32>() else {
        return Ok(None);
    };
    let bearer = match subject.strip_prefix('p') {
        Some(request)
            if !request.is_empty()
                && request
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            Bearer::Pending(request.to_owned(), version)
        }
        Some(_) => return Ok(None),
        None => match subject.parse::<u32>() {
            Ok(id) => Bearer::Supporter((id, version)),
            Err(_) => return Ok(None),
        },
    };
    let expected = mac(&secret(env)?, campaign_id, subject, version)?;
    // Constant-time comparison: a MAC must not be guessable byte by byte from timing.
    let same = expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    Ok(same.then_some(bearer))
}

/// The bearer token of a request, if any.
pub fn bearer(req: &worker::Request) -> Option<String> {
    let h = req.headers().get("Authorization").ok().flatten()?;
    h.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}
