//! The widgets' words: the shared ones live in `rally_api::words` (the edge's own pages read
//! the same); numbers are written by the browser in the visitor's language.

pub use rally_api::words::{pick, text, Text};
use rally_api::Lang;

/// A number as the visitor's language writes it (1,234 / 1.234).
pub fn number(n: u32, lang: Lang) -> String {
    js_sys::Number::from(f64::from(n))
        .to_locale_string(lang.tag())
        .as_string()
        .unwrap_or_else(|| n.to_string())
}
