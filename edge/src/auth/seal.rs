//! Secrets kept at rest (a connector's API key): AES-256-GCM under a key derived from the
//! edge's `SYNC_KEY` secret (its SHA-256), stored as `hex(nonce || ciphertext)`. A database copy
//! without the worker secret reads as noise; the key is opened only to make a request with it.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use sha2::{Digest, Sha256};
use worker::Env;

use crate::error::{AppError, AppResult};

/// The edge's `SYNC_KEY`.
pub fn secret(env: &Env) -> AppResult<String> {
    env.secret("SYNC_KEY")
        .map(|s| s.to_string())
        .map_err(|_| AppError::Internal("SYNC_KEY is not set".into()))
}

fn cipher(secret: &str) -> Aes256Gcm {
    let key = Sha256::digest(format!("rally-seal\0{secret}").as_bytes());
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `plain`, sealed with a fresh random nonce.
/// A new credential staff typed (an API key, a secret), sealed with the edge's `SYNC_KEY`, and
/// the hint they see afterwards (its last four characters); `None` for an empty one (keep the
/// stored one).
pub fn seal_typed(env: &Env, typed: &str) -> AppResult<Option<(String, String)>> {
    if typed.is_empty() {
        return Ok(None);
    }
    let chars: Vec<char> = typed.chars().collect();
    let hint = chars[chars.len().saturating_sub(4)..].iter().collect();
    Ok(Some((seal(&secret(env)?, typed)?, hint)))
}

pub fn seal(secret: &str, plain: &str) -> AppResult<String> {
    let mut nonce = [0u8; 12];
    getrandom::getrandom(&mut nonce).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    let sealed = cipher(secret)
        .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
        .map_err(|_| AppError::Internal("sealing failed".into()))?;
    Ok(hex(&nonce) + &hex(&sealed))
}

/// What [`seal`] sealed, if `sealed` is intact and was sealed with `secret`.
pub fn open(secret: &str, sealed: &str) -> Option<String> {
    let bytes = unhex(sealed)?;
    if bytes.len() < 12 + 16 {
        return None;
    }
    let (nonce, body) = bytes.split_at(12);
    let plain = cipher(secret)
        .decrypt(Nonce::from_slice(nonce), body)
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_with_their_secret_and_intact() {
        let sealed = seal("secret-one", "an-api-key-0123456789").unwrap();
        assert!(!sealed.contains("api-key"));
        assert_eq!(
            open("secret-one", &sealed).as_deref(),
            Some("an-api-key-0123456789")
        );
        assert_ne!(
            seal("secret-one", "an-api-key-0123456789").unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(open("secret-two", &sealed), None);
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            open("secret-one", &String::from_utf8(tampered).unwrap()),
            None
        );
        assert_eq!(open("secret-one", "zz"), None);
    }
}
