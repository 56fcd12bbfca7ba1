//! The next step on the campaign's engagement ladder, after an action and in the supporter's
//! own panel. The edge sends it as finished words in the visitor's language and what the tap
//! opens, so the bundle only draws it: another Rally widget opens in place, in the same shadow
//! root, as its custom element (the loader upgrades it, and the remembered supporter acts in
//! one click); the share step opens the share links; a link opens its page.

use rally_api::ladder::NextStep;
use yew::prelude::*;

use crate::wire::{field, string};

/// The next step at `key` of an answer, if it has a readable one.
pub fn read(v: &wasm_bindgen::JsValue, key: &str) -> Option<NextStep> {
    let v = field(v, key)?;
    let s = |k| string(&v, k).unwrap_or_default();
    Some(NextStep {
        rung: s("rung"),
        next: s("next"),
        needs: s("needs"),
        label: string(&v, "label")?,
        action: s("action"),
        open: s("open"),
        item: s("item"),
        href: s("href"),
    })
}

/// The widget a step opens in place, as its custom element (each kind reads its item from
/// the attribute named after it; a board opens on its teams, with the invite).
pub fn widget(s: &NextStep, campaign: &str) -> Html {
    let tag = format!("rally-{}", s.open);
    let item = s.item.clone();
    html! {
        <@{tag} campaign={campaign.to_owned()} petition={item.clone()} pledge={item.clone()} team={item} board="teams"></@>
    }
}

/// The step's box; `tap` is what its button does (`None`: no button, a link for `link`).
pub fn view(s: &NextStep, tap: Option<Callback<MouseEvent>>) -> Html {
    html! {
        <div class="next">
            <p class="rung">{ &s.rung }</p>
            <p class="ask-next">{ &s.label }</p>
            <p class="needs">{ &s.needs }</p>
            if s.open == "link" || (tap.is_none() && !s.href.is_empty()) {
                <a class="button" href={s.href.clone()} target="_blank" rel="noopener">{ &s.action }</a>
            } else if let Some(tap) = tap {
                <button type="button" class="primary" onclick={tap}>{ &s.action }</button>
            }
        </div>
    }
}
