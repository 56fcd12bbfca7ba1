//! Web Push from the edge: one outbox row of kind `push` is one notification to one device.
//!
//! - **Encryption** (RFC 8291, `aes128gcm` of RFC 8188): a fresh P-256 key pair per message,
//!   ECDH with the browser's key and HKDF with its authentication secret, one record.
//! - **VAPID** (RFC 8292): an ES256 JWT (`aud` the push service's origin, `exp` in 12 hours,
//!   `sub` the campaign's contact) signed with the edge's key pair, the secret
//!   `VAPID_PRIVATE_KEY` (base64url of the 32-byte scalar) beside the var `VAPID_PUBLIC_KEY`
//!   (base64url of the 65-byte point, the one the hub hands `pushManager.subscribe`).
//!
//! The elliptic-curve work (key generation, ECDH, ECDSA) is the runtime's own WebCrypto, so the
//! Worker carries no curve code; HKDF is `hmac` + `sha2` and the cipher is `aes-gcm`, which
//! the edge already has for sealing connector keys.
//!
//! Answers: 2xx sent; 404 and 410 mean the subscription is gone (the row is dropped and the
//! subscription deleted); 429 waits `Retry-After`; anything else is retried with the outbox's
//! backoff, then `failed`.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Key, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use js_sys::{Array, Object, Reflect, Uint8Array};
use sha2::Sha256;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use crate::db::outbox::{Log, Outcome, Outgoing, MAX_ATTEMPTS};
use crate::mail::Config;

/// The edge's VAPID key pair, from its environment.
pub struct Vapid {
    /// base64url of the uncompressed public point (65 bytes).
    pub public: String,
    private: String,
}

impl Vapid {
    /// The key pair, if this edge has one (without it, the hub offers no notifications).
    pub fn from_env(env: &Env) -> Option<Vapid> {
        let public = env.var("VAPID_PUBLIC_KEY").ok()?.to_string();
        let private = env
            .secret("VAPID_PRIVATE_KEY")
            .or_else(|_| env.var("VAPID_PRIVATE_KEY"))
            .ok()?
            .to_string();
        (!public.is_empty() && !private.is_empty()).then_some(Vapid { public, private })
    }
}

/// The `Retry-After` a push service asks for, in milliseconds (seconds, or an HTTP date we
/// do not parse: then a minute).
fn retry_after_ms(v: Option<&str>) -> f64 {
    v.and_then(|s| s.trim().parse::<f64>().ok())
        .map_or(60_000.0, |s| (s * 1000.0).clamp(1000.0, 86_400_000.0))
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The content encryption key and nonce of RFC 8291 section 3.4 and RFC 8188 section 2.2,
/// from the ECDH secret, the browser's authentication secret and both public keys.
pub fn derive(
    ecdh: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8],
) -> ([u8; 16], [u8; 12]) {
    // HKDF-Extract(auth, ecdh), then Expand with "WebPush: info" || 0 || ua || as.
    let prk_key = hmac(auth, &[ecdh]);
    let ikm = hmac(&prk_key, &[b"WebPush: info\0", ua_public, as_public, &[1]]);
    let prk = hmac(salt, &[&ikm]);
    let cek = hmac(&prk, &[b"Content-Encoding: aes128gcm\0", &[1]]);
    let nonce = hmac(&prk, &[b"Content-Encoding: nonce\0", &[1]]);
    let mut k = [0u8; 16];
    let mut n = [0u8; 12];
    k.copy_from_slice(&cek[..16]);
    n.copy_from_slice(&nonce[..12]);
    (k, n)
}

/// The `aes128gcm` body: the header (salt, record size, the sender's key) and one record of
/// `plain` with its delimiter.
pub fn seal(
    plain: &[u8],
    (cek, nonce): ([u8; 16], [u8; 12]),
    salt: &[u8],
    as_public: &[u8],
) -> Option<Vec<u8>> {
    let mut record = Vec::with_capacity(plain.len() + 1);
    record.extend_from_slice(plain);
    record.push(2); // the last (and only) record
    let sealed = Aes128Gcm::new(Key::<Aes128Gcm>::from_slice(&cek))
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &record,
                aad: b"",
            },
        )
        .ok()?;
    let mut body = Vec::with_capacity(21 + as_public.len() + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&4096u32.to_be_bytes());
    body.push(as_public.len() as u8);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&sealed);
    Some(body)
}

/// The runtime's `crypto.subtle`.
fn subtle() -> Result<JsValue, String> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(|_| "no crypto")?;
    Reflect::get(&crypto, &"subtle".into()).map_err(|_| "no crypto.subtle".into())
}

/// `crypto.subtle[method](...args)`, awaited.
async fn call(method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let subtle = subtle()?;
    let f: js_sys::Function = Reflect::get(&subtle, &method.into())
        .map_err(|_| format!("no crypto.subtle.{method}"))?
        .dyn_into()
        .map_err(|_| format!("crypto.subtle.{method} is not a function"))?;
    let promise: js_sys::Promise = f
        .apply(&subtle, &args.iter().collect::<Array>())
        .map_err(|e| format!("{method}: {e:?}"))?
        .dyn_into()
        .map_err(|_| format!("{method} did not return a promise"))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| format!("{method}: {e:?}"))
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

fn bytes(v: &JsValue) -> Vec<u8> {
    Uint8Array::new(v).to_vec()
}

fn ec(name: &str) -> JsValue {
    obj(&[("name", name.into()), ("namedCurve", "P-256".into())])
}

fn usages(u: &[&str]) -> JsValue {
    u.iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

/// ECDH with a fresh key pair against the browser's public key: the shared secret and the
/// fresh public key (uncompressed).
async fn ecdh(ua_public: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let pair = call(
        "generateKey",
        &[ec("ECDH"), JsValue::TRUE, usages(&["deriveBits"])],
    )
    .await?;
    let private = Reflect::get(&pair, &"privateKey".into()).map_err(|_| "no private key")?;
    let public = Reflect::get(&pair, &"publicKey".into()).map_err(|_| "no public key")?;
    let as_public = bytes(&call("exportKey", &["raw".into(), public]).await?);
    let theirs = call(
        "importKey",
        &[
            "raw".into(),
            Uint8Array::from(ua_public).into(),
            ec("ECDH"),
            JsValue::FALSE,
            usages(&[]),
        ],
    )
    .await?;
    let secret = call(
        "deriveBits",
        &[
            obj(&[("name", "ECDH".into()), ("public", theirs)]),
            private,
            JsValue::from_f64(256.0),
        ],
    )
    .await?;
    Ok((bytes(&secret), as_public))
}

/// The VAPID `Authorization` header's JWT for the push service at `audience`.
pub async fn vapid_jwt(
    vapid: &Vapid,
    audience: &str,
    subject: &str,
    now_ms: f64,
) -> Result<String, String> {
    let public = B64
        .decode(&vapid.public)
        .map_err(|_| "VAPID_PUBLIC_KEY is not base64url")?;
    if public.len() != 65 {
        return Err("VAPID_PUBLIC_KEY is not a P-256 point".into());
    }
    let jwk = obj(&[
        ("kty", "EC".into()),
        ("crv", "P-256".into()),
        ("x", B64.encode(&public[1..33]).into()),
        ("y", B64.encode(&public[33..65]).into()),
        ("d", vapid.private.trim().into()),
    ]);
    let key = call(
        "importKey",
        &[
            "jwk".into(),
            jwk,
            ec("ECDSA"),
            JsValue::FALSE,
            usages(&["sign"]),
        ],
    )
    .await?;
    let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = serde_json::json!({
        "aud": audience,
        "exp": (now_ms / 1000.0) as u64 + 12 * 3600,
        "sub": subject,
    });
    let input = format!("{header}.{}", B64.encode(claims.to_string()));
    let signature = call(
        "sign",
        &[
            obj(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]),
            key,
            Uint8Array::from(input.as_bytes()).into(),
        ],
    )
    .await?;
    Ok(format!("{input}.{}", B64.encode(bytes(&signature))))
}

/// `plain` encrypted for the browser whose keys are `p256dh` and `auth` (base64url).
pub async fn encrypt(plain: &[u8], p256dh: &str, auth: &str) -> Result<Vec<u8>, String> {
    let ua_public = B64
        .decode(p256dh.trim_end_matches('='))
        .map_err(|_| "the subscription's key is not base64url")?;
    let auth = B64
        .decode(auth.trim_end_matches('='))
        .map_err(|_| "the subscription's secret is not base64url")?;
    let (secret, as_public) = ecdh(&ua_public).await?;
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| format!("random: {e}"))?;
    let keys = derive(&secret, &auth, &ua_public, &as_public, &salt);
    seal(plain, keys, &salt, &as_public).ok_or_else(|| "encryption failed".into())
}

/// The origin (`scheme://host[:port]`) of a push service's address: the JWT's audience.
fn origin(endpoint: &str) -> Option<String> {
    let url = worker::Url::parse(endpoint).ok()?;
    Some(url.origin().ascii_serialization())
}

/// How long a push service keeps a notification for an offline device (a day).
const TTL_SECS: &str = "86400";

/// Sends one claimed push: the notification `payload` to the message's device.
pub async fn deliver(
    config: &Config,
    vapid: Option<&Vapid>,
    m: &Outgoing,
    payload: &str,
) -> Outcome {
    let (Some(endpoint), Some(p256dh), Some(auth)) = (
        m.push_endpoint.as_deref(),
        m.push_p256dh.as_deref(),
        m.push_auth.as_deref(),
    ) else {
        return Outcome::Dropped("device unsubscribed");
    };
    let retry = |reason: String, log: Option<Log>, wait: Option<f64>| {
        let wait = wait.unwrap_or_else(|| {
            config.retry_ms * 4f64.powi(m.attempts.saturating_sub(1).min(MAX_ATTEMPTS) as i32)
        });
        Outcome::Failed(reason, crate::http::now() + wait, MAX_ATTEMPTS, log)
    };
    let Some(vapid) = vapid else {
        return retry(
            "VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not set".into(),
            None,
            None,
        );
    };
    let Some(audience) = origin(endpoint) else {
        return Outcome::Dropped("device unsubscribed");
    };
    let started = crate::http::now();
    let subject = format!("{}/hub/{}", config.public_url, m.campaign);
    let jwt = match vapid_jwt(vapid, &audience, &subject, started).await {
        Ok(j) => j,
        Err(e) => return retry(e, None, None),
    };
    let body = match encrypt(payload.as_bytes(), p256dh, auth).await {
        Ok(b) => b,
        Err(e) => return retry(e, None, None),
    };
    let request = (|| -> worker::Result<Request> {
        let h = Headers::new();
        h.set("Content-Type", "application/octet-stream")?;
        h.set("Content-Encoding", "aes128gcm")?;
        h.set("TTL", TTL_SECS)?;
        h.set("Urgency", "normal")?;
        h.set(
            "Authorization",
            &format!("vapid t={jwt}, k={}", vapid.public),
        )?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(h)
            .with_redirect(RequestRedirect::Manual)
            .with_body(Some(Uint8Array::from(body.as_slice()).into()));
        Request::new_with_init(endpoint, &init)
    })();
    let Ok(request) = request else {
        return Outcome::Dropped("device unsubscribed");
    };
    let mut resp = match Fetch::Request(request).send().await {
        Ok(r) => r,
        Err(e) => return retry(format!("no answer: {e}"), None, None),
    };
    let status = resp.status_code();
    let after = resp.headers().get("Retry-After").ok().flatten();
    let text = resp.text().await.unwrap_or_default();
    let log = Log {
        status,
        latency_ms: crate::http::now() - started,
        response: text.chars().take(200).collect(),
    };
    match status {
        200..=299 => Outcome::Sent(format!("HTTP {status}"), Some(log)),
        404 | 410 => Outcome::Gone(log),
        429 => retry(
            format!("HTTP 429: retry after {}", after.as_deref().unwrap_or("?")),
            Some(log),
            Some(retry_after_ms(after.as_deref())),
        ),
        _ => retry(format!("HTTP {status}"), Some(log), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8291 appendix A: the example's keys and salt give its content key, nonce and body.
    #[test]
    fn rfc8291_example() {
        let d = |s: &str| B64.decode(s).unwrap();
        let ua_public = d("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
        let as_public = d("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8");
        let auth = d("BTBZMqHH6r4Tts7J_aSIgg");
        let salt = d("DGv6ra1nlYgDCS1FRnbzlw");
        let ecdh = d("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs");
        let keys = derive(&ecdh, &auth, &ua_public, &as_public, &salt);
        assert_eq!(B64.encode(keys.0), "oIhVW04MRdy2XN9CiKLxTg");
        assert_eq!(B64.encode(keys.1), "4h_95klXJ5E_qnoN");
        let body = seal(
            b"When I grow up, I want to be a watermelon",
            keys,
            &salt,
            &as_public,
        )
        .unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn retry_after_is_seconds_within_bounds() {
        assert_eq!(retry_after_ms(Some("30")), 30_000.0);
        assert_eq!(retry_after_ms(Some("0")), 1000.0);
        assert_eq!(retry_after_ms(None), 60_000.0);
        assert_eq!(
            retry_after_ms(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            60_000.0
        );
    }
}
