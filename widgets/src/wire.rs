//! Reading the edge's answers from the browser's parsed JSON.
//!
//! The types are the shared ones from `rally_api`; only the reading is done here, field by
//! field, instead of through serde's deserializer. serde's error machinery drags float
//! formatting and a visitor per type into the bundle (about 8 KB brotli). Each widget's own
//! answers are read in its module (`pledge.rs`, `board.rs`), so a bundle reads only its own. The wasm tests check each reader against what serde
//! writes, so the two cannot drift apart.

use js_sys::{Array, Reflect};
use rally_api::{
    ErrorBody, ErrorCode, ErrorDetail, PetitionStatus, PetitionView, RecentSigner, SignResponse,
    SignStatus,
};
use wasm_bindgen::JsValue;

/// A JS value read as one of the API's types; `None` when a required field is missing.
pub trait FromJs: Sized {
    fn from_js(v: &JsValue) -> Option<Self>;
}

pub(crate) fn field(v: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(v, &JsValue::from_str(key))
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_null())
}

pub(crate) fn string(v: &JsValue, key: &str) -> Option<String> {
    field(v, key)?.as_string()
}

pub(crate) fn number(v: &JsValue, key: &str) -> Option<f64> {
    field(v, key)?
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

pub(crate) fn count(v: &JsValue, key: &str) -> Option<u32> {
    number(v, key).map(|n| n.min(f64::from(u32::MAX)) as u32)
}

impl FromJs for RecentSigner {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(RecentSigner {
            name: string(v, "name")?,
            city: string(v, "city"),
            country: string(v, "country")?,
        })
    }
}

/// The readable items of the array at `key` (none when it is missing).
pub(crate) fn list<T: FromJs>(v: &JsValue, key: &str) -> Vec<T> {
    field(v, key)
        .map(|r| {
            Array::from(&r)
                .iter()
                .filter_map(|e| T::from_js(&e))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn status(v: &JsValue) -> Option<PetitionStatus> {
    Some(match string(v, "status")?.as_str() {
        "closed" => PetitionStatus::Closed,
        _ => PetitionStatus::Open,
    })
}

impl FromJs for PetitionView {
    fn from_js(v: &JsValue) -> Option<Self> {
        let recent = list(v, "recent");
        Some(PetitionView {
            campaign: string(v, "campaign")?,
            slug: string(v, "slug")?,
            title: string(v, "title")?,
            body: string(v, "body").unwrap_or_default(),
            target: string(v, "target").unwrap_or_default(),
            status: status(v)?,
            count: count(v, "count")?,
            goal: count(v, "goal")?,
            recent,
            as_of: number(v, "as_of").unwrap_or(0.0) as u64,
        })
    }
}

impl FromJs for SignResponse {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(SignResponse {
            status: match string(v, "status")?.as_str() {
                "signed" => SignStatus::Signed,
                "already_signed" => SignStatus::AlreadySigned,
                _ => return None,
            },
            count: count(v, "count")?,
            goal: count(v, "goal")?,
            ref_code: string(v, "ref_code")?,
            supporter_token: string(v, "supporter_token"),
            next: crate::next::read(v, "next"),
        })
    }
}

impl FromJs for ErrorDetail {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(ErrorDetail {
            code: ErrorCode::parse(&string(v, "code")?).unwrap_or(ErrorCode::Internal),
            message: string(v, "message").unwrap_or_default(),
            field: string(v, "field"),
        })
    }
}

impl FromJs for ErrorBody {
    fn from_js(v: &JsValue) -> Option<Self> {
        let errors = list(v, "errors");
        Some(ErrorBody {
            error: ErrorDetail::from_js(&field(v, "error")?)?,
            errors,
        })
    }
}

/// Writes the sign request as the object serde would, for `JSON.stringify`.
pub fn sign_request(r: &rally_api::SignRequest) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
    };
    let opt = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    set("first_name", r.first_name.as_str().into());
    set("last_name", r.last_name.as_str().into());
    set("email", r.email.as_str().into());
    set("postal_code", r.postal_code.as_str().into());
    set("country", r.country.as_str().into());
    set(
        "contact_consent",
        r.contact_consent.map_or(JsValue::NULL, JsValue::from_bool),
    );
    set("show_name", JsValue::from_bool(r.show_name));
    set("ref", opt(&r.referral));
    set("lang", opt(&r.lang));
    set("website", r.website.as_str().into());
    let t = js_sys::Object::new();
    let tr = &r.tracking;
    for (k, v) in [
        ("source", &tr.source),
        ("utm_source", &tr.utm_source),
        ("utm_medium", &tr.utm_medium),
        ("utm_campaign", &tr.utm_campaign),
        ("utm_term", &tr.utm_term),
        ("utm_content", &tr.utm_content),
        ("page_url", &tr.page_url),
    ] {
        let _ = Reflect::set(&t, &JsValue::from_str(k), &opt(v));
    }
    set("tracking", t.into());
    o.into()
}
