//! Rally's embeddable widgets: one Wasm bundle, mounted by `loader/embed.js` into a shadow root.
//!
//! The loader is the only hand-written JavaScript. It calls [`mount`] once per widget on the
//! page with the element to render into and the widget's configuration; everything else
//! (rendering, validation, network, sharing) is Rust.

pub mod config;
pub mod i18n;
pub mod net;
pub mod petition;
mod share;
pub mod wire;

use wasm_bindgen::prelude::*;

pub use config::Config;

/// Renders the widget `kind` into `root`. Called by the loader; `cfg` is the object it built
/// from the embed's attributes (see [`Config::from_js`]).
#[wasm_bindgen]
pub fn mount(root: web_sys::Element, kind: &str, cfg: JsValue) -> Result<(), JsValue> {
    let config = Config::from_js(&cfg)?;
    root.set_inner_html("");
    root.remove_attribute("aria-busy")?;
    match kind {
        "petition" => {
            yew::Renderer::<petition::Petition>::with_root_and_props(
                root,
                petition::Props { config },
            )
            .render();
            Ok(())
        }
        // Display, not Debug: `{:?}` on a str links Unicode escape tables into the bundle.
        other => Err(JsValue::from_str(&format!(
            "rally: unknown widget \"{other}\""
        ))),
    }
}

/// Marks a moment in the page's performance timeline (`rally:interactive`, `rally:count`), so
/// `cargo xtask bench` can measure what a visitor waits for.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
