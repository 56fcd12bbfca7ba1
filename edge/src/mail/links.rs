//! The links a message carries (confirm, unsubscribe). A token is an HMAC-SHA256, keyed with
//! the edge's `TOKEN_SECRET`, of the link's purpose and the message's outbox id: it names no
//! email, cannot be guessed or enumerated, and the same message always carries the same link
//! (a resend after a crash sends the link already stored). D1 keeps only its SHA-256.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub use crate::auth::token::secret;
use crate::error::{AppError, AppResult};

/// The token of message `outbox_id`'s `purpose` link: 32 hex characters (128 bits).
pub fn token(secret: &str, purpose: &str, outbox_id: f64) -> AppResult<String> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| AppError::Internal(format!("hmac key: {e}")))?;
    m.update(format!("rally-link\0{purpose}\0{outbox_id}").as_bytes());
    Ok(hex(&m.finalize().into_bytes()[..16]))
}

/// What D1 stores of a token: its SHA-256, hex.
pub fn hash(token: &str) -> String {
    crate::auth::staff::key_hash(token)
}

/// Whether `s` has a token's shape (anything else is not looked up).
pub fn well_formed(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_purpose_message_and_secret_and_have_their_shape() {
        let a = token("s", "confirm", 1.0).unwrap();
        assert!(well_formed(&a));
        assert_eq!(a, token("s", "confirm", 1.0).unwrap(), "stable");
        for other in [
            token("s", "unsubscribe", 1.0).unwrap(),
            token("s", "confirm", 2.0).unwrap(),
            token("t", "confirm", 1.0).unwrap(),
        ] {
            assert_ne!(a, other);
        }
        for bad in ["", "xyz", &a[..31], &a.to_uppercase(), &format!("{a}0")] {
            assert!(!well_formed(bad), "{bad:?}");
        }
    }
}
