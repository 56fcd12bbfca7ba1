//! Talking to the edge: `fetch` and `JSON.parse`.
//!
//! Not serde_json: the browser's own `JSON.parse` and the readers in [`crate::wire`] keep the
//! JSON parser and serde out of the bundle.

use rally_api::{ErrorBody, ErrorCode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::wire::FromJs;
use web_sys::{RequestInit, Response};

/// Why a request did not produce the answer we wanted.
#[derive(Clone, Debug, PartialEq)]
pub enum NetError {
    /// The edge answered with an error body.
    Api { status: u16, body: ErrorBody },
    /// No answer: offline, blocked, timed out. Safe to retry with the same idempotency key.
    Network,
    /// An answer we could not read.
    Unreadable,
}

impl NetError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            NetError::Api { body, .. } => Some(body.error.code),
            _ => None,
        }
    }

    /// The field the refusal names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            NetError::Api { body, .. } => body.error.field.as_deref(),
            _ => None,
        }
    }
}

fn from_js<T: FromJs>(v: JsValue) -> Result<T, NetError> {
    T::from_js(&v).ok_or(NetError::Unreadable)
}

/// Awaits a promise of already-parsed JSON (the loader's prefetch).
pub async fn await_json<T: FromJs>(p: js_sys::Promise) -> Result<T, NetError> {
    let v = JsFuture::from(p).await.map_err(|_| NetError::Network)?;
    from_js(v)
}

/// The Cloudflare Turnstile token the loader holds where the campaign asks for the check
/// (`window.__rally.take()`; each token is good for one request, so taking it resets the check).
fn challenge_token() -> Option<JsValue> {
    let r = js_sys::Reflect::get(&js_sys::global(), &"__rally".into()).ok()?;
    js_sys::Reflect::get(&r, &"take".into())
        .ok()?
        .dyn_ref::<js_sys::Function>()?
        .call0(&r)
        .ok()
}

/// Asks the loader to draw Cloudflare Turnstile (site key `key`) in the `.challenge` boxes of the
/// widget around `el` (`window.__rally.guard`), for widgets whose first read names the key.
pub fn guard(el: &web_sys::Element, key: &str, lang: rally_api::Lang) {
    let Ok(Some(root)) = el.closest(".rally") else {
        return;
    };
    let f = js_sys::Reflect::get(&js_sys::global(), &"__rally".into())
        .and_then(|r| js_sys::Reflect::get(&r, &"guard".into()));
    if let Some(f) = f.ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call3(&JsValue::NULL, &root, &key.into(), &lang.tag().into());
    }
}

/// Sends a request and reads its JSON answer (`null` for an empty one, as after `204`).
/// `body` is JSON-ready JS; `token` is the supporter token, sent as a bearer credential.
pub async fn call(
    method: &str,
    url: &str,
    body: Option<&JsValue>,
    idempotency_key: Option<&str>,
    token: Option<&str>,
) -> Result<JsValue, NetError> {
    let window = web_sys::window().ok_or(NetError::Network)?;
    let headers = web_sys::Headers::new().map_err(|_| NetError::Unreadable)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        if method == "POST" {
            if let Some(t) = challenge_token() {
                let _ = js_sys::Reflect::set(body, &"turnstile".into(), &t);
            }
        }
        let json = js_sys::JSON::stringify(body).map_err(|_| NetError::Unreadable)?;
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&json);
    }
    if let Some(key) = idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    init.set_headers(&headers);
    let resp: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| NetError::Network)?
        .dyn_into()
        .map_err(|_| NetError::Unreadable)?;
    let status = resp.status();
    let text = JsFuture::from(resp.text().map_err(|_| NetError::Unreadable)?)
        .await
        .map_err(|_| NetError::Network)?
        .as_string()
        .unwrap_or_default();
    let value = if text.is_empty() {
        JsValue::NULL
    } else {
        js_sys::JSON::parse(&text).map_err(|_| NetError::Unreadable)?
    };
    if resp.ok() {
        Ok(value)
    } else {
        Err(NetError::Api {
            status,
            body: from_js(value)?,
        })
    }
}

pub async fn get_json<T: FromJs>(url: &str) -> Result<T, NetError> {
    from_js(call("GET", url, None, None, None).await?)
}

/// POSTs a JSON body (an object built by [`crate::wire`]), as the remembered supporter when
/// `token` is given.
pub async fn post_json<T: FromJs>(
    url: &str,
    value: &JsValue,
    idempotency_key: &str,
    token: Option<&str>,
) -> Result<T, NetError> {
    from_js(call("POST", url, Some(value), Some(idempotency_key), token).await?)
}

/// A fresh idempotency key. Uniqueness, not secrecy, is what matters here, and
/// `crypto.randomUUID` is missing on plain-HTTP host pages.
pub fn new_idempotency_key() -> String {
    let mut s = format!("{:x}", js_sys::Date::now() as u64);
    while s.len() < 32 {
        s.push_str(&format!(
            "{:x}",
            (js_sys::Math::random() * 4_294_967_296.0) as u64
        ));
    }
    s
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// Whether the visitor can see the page (no refreshes for background tabs).
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}
