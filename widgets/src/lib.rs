//! Rally's embeddable widgets, mounted by `loader/embed.js` into a shadow root.
//!
//! One crate; one Wasm bundle per widget kind (cargo features `petition`, `pledge`, `board`, `factcheck`), so
//! a host page downloads only the widgets it shows. The loader is the only hand-written
//! JavaScript. It calls [`mount`] once per widget on the page with the element to render into
//! and the widget's configuration; everything else (rendering, validation, network, sharing) is
//! Rust.

#[cfg(any(feature = "petition", feature = "pledge"))]
pub mod act;
#[cfg(feature = "board")]
pub mod board;
pub mod config;
#[cfg(feature = "factcheck")]
pub mod factcheck;
#[cfg(any(feature = "petition", feature = "pledge", feature = "factcheck"))]
pub mod form;
pub mod i18n;
pub mod me;
pub mod net;
pub mod next;
#[cfg(feature = "petition")]
pub mod petition;
#[cfg(feature = "pledge")]
pub mod pledge;
#[cfg(any(feature = "petition", feature = "pledge", feature = "board"))]
mod share;
pub mod wire;

use wasm_bindgen::prelude::*;

pub use config::Config;

/// Renders the widget `kind` into `root`. Called by the loader; `cfg` is the object it built
/// from the embed's attributes (see [`Config::from_js`]).
#[wasm_bindgen]
pub fn mount(root: web_sys::Element, kind: &str, cfg: JsValue) -> Result<(), JsValue> {
    let config = Config::from_js(&cfg, matches!(kind, "petition" | "pledge"))?;
    root.set_inner_html("");
    root.remove_attribute("aria-busy")?;
    match kind {
        #[cfg(feature = "petition")]
        "petition" => {
            yew::Renderer::<petition::Petition>::with_root_and_props(root, act::Props { config })
                .render();
        }
        #[cfg(feature = "pledge")]
        "pledge" => {
            yew::Renderer::<pledge::Pledge>::with_root_and_props(root, act::Props { config })
                .render();
        }
        #[cfg(feature = "board")]
        "board" => {
            yew::Renderer::<board::Leaderboard>::with_root_and_props(root, board::Props { config })
                .render();
        }
        #[cfg(feature = "factcheck")]
        "factcheck" => {
            yew::Renderer::<factcheck::FactCheck>::with_root_and_props(
                root,
                factcheck::Props { config },
            )
            .render();
        }
        // Display, not Debug: `{:?}` on a str links Unicode escape tables into the bundle.
        other => {
            return Err(JsValue::from_str(&format!(
                "rally: this bundle has no widget \"{other}\""
            )))
        }
    }
    Ok(())
}

/// Marks a moment in the page's performance timeline (`rally:interactive`, `rally:count`), so
/// `cargo xtask bench` can measure what a visitor waits for.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
