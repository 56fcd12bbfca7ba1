//! What the runtime's `Intl` knows, for the edge's own pages: country names in a language,
//! sorted as that language sorts them, and numbers as it writes them. workerd carries full ICU,
//! so a page reads the same as the widget (whose loader asks the browser's `Intl`).

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Function, Object, Reflect};
use rally_api::Lang;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// Per language tag: `(code, name)` sorted. Built once per isolate and language.
    static NAMES: RefCell<HashMap<&'static str, Vec<(String, String)>>> = RefCell::new(HashMap::new());
}

/// `new Intl[class]([lang], options)`, if the runtime has it.
fn intl(class: &str, lang: &str, options: &Object) -> Option<JsValue> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor: Function = Reflect::get(&intl, &class.into()).ok()?.dyn_into().ok()?;
    let args = Array::of2(&Array::of1(&lang.into()), options);
    Reflect::construct(&ctor, &args).ok()
}

/// Every country Rally accepts, `(code, name)` named in `lang` and sorted by its collator
/// (codes as names where the runtime cannot say).
pub fn countries(lang: Lang) -> Vec<(String, String)> {
    let tag = lang.tag();
    if let Some(hit) = NAMES.with(|n| n.borrow().get(tag).cloned()) {
        return hit;
    }
    let codes = rally_api::validate::country_codes();
    let options = Object::new();
    let _ = Reflect::set(&options, &"type".into(), &"region".into());
    let display = intl("DisplayNames", tag, &options);
    let of = display
        .as_ref()
        .and_then(|d| Reflect::get(d, &"of".into()).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    let mut list: Vec<(String, String)> = codes
        .map(|code| {
            let name = match (&display, &of) {
                (Some(d), Some(f)) => f
                    .call1(d, &JsValue::from_str(code))
                    .ok()
                    .and_then(|v| v.as_string()),
                _ => None,
            };
            (code.to_owned(), name.unwrap_or_else(|| code.to_owned()))
        })
        .collect();
    let collator = intl("Collator", tag, &Object::new());
    let compare = collator
        .as_ref()
        .and_then(|c| Reflect::get(c, &"compare".into()).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    match (&collator, &compare) {
        (Some(c), Some(f)) => list.sort_by(|a, b| {
            let order = f
                .call2(c, &a.1.as_str().into(), &b.1.as_str().into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            order.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal)
        }),
        _ => list.sort_by(|a, b| a.1.cmp(&b.1)),
    }
    NAMES.with(|n| n.borrow_mut().insert(tag, list.clone()));
    list
}

/// A number as `lang` writes it (1,234 / 1.234).
pub fn number(n: u32, lang: Lang) -> String {
    js_sys::Number::from(f64::from(n))
        .to_locale_string(lang.tag())
        .as_string()
        .unwrap_or_else(|| n.to_string())
}

/// A moment in `lang`, in time zone `tz` ("Sunday, 4 October 2026 at 08:00").
pub fn when(ms: f64, lang: Lang, tz: &str) -> String {
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"full".into());
    let _ = Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    if !tz.is_empty() {
        let _ = Reflect::set(&opts, &"timeZone".into(), &tz.into());
    }
    js_sys::Date::new(&JsValue::from_f64(ms))
        .to_locale_string(lang.tag(), &opts)
        .into()
}

/// A day in `lang`, in time zone `tz` ("3 Dec 2026").
pub fn day(ms: f64, lang: Lang, tz: &str) -> String {
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
    if !tz.is_empty() {
        let _ = Reflect::set(&opts, &"timeZone".into(), &tz.into());
    }
    js_sys::Date::new(&JsValue::from_f64(ms))
        .to_locale_date_string(lang.tag(), &opts)
        .into()
}
