//! The petition widget: [`Act`] over a [`PetitionView`]; what differs from a pledge is whom it
//! addresses ("To: City Council"), its words, and its own page on the edge.

use rally_api::{routes, Lang, PetitionView, SignRequest, SignResponse, SignStatus};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::act::{counted_view, Act, Item, Outcome, Words};
pub use crate::act::{Action, Load, Props, State as ActState};
use crate::config::Config;
use crate::i18n::Text;

/// The petition widget.
pub type Petition = Act<PetitionView>;
/// The petition widget's state.
pub type State = ActState<PetitionView>;

impl Item for PetitionView {
    type Done = SignResponse;

    fn view_path(cfg: &Config) -> String {
        format!(
            "{}?lang={}",
            routes::petition(&cfg.campaign, &cfg.item),
            cfg.lang.tag()
        )
    }
    fn page_path(cfg: &Config) -> Option<String> {
        Some(routes::petition_page(&cfg.campaign, &cfg.item))
    }
    fn act_path(cfg: &Config) -> String {
        routes::signatures(&cfg.campaign, &cfg.item)
    }
    counted_view!(title);
    fn header(&self, _cfg: &Config, t: &'static Text) -> Html {
        html! { <p class="target">{ format!("{}: ", t.to) }<strong>{ &self.target }</strong></p> }
    }
    fn words(lang: Lang) -> &'static Words {
        rally_api::words::petition(lang)
    }
    fn request(req: &SignRequest, _remind: bool) -> JsValue {
        crate::wire::sign_request(req)
    }
    fn outcome(d: &SignResponse) -> Outcome<'_> {
        Outcome {
            new: d.status == SignStatus::Signed,
            count: d.count,
            goal: d.goal,
            ref_code: &d.ref_code,
            token: d.supporter_token.as_deref(),
            next: d.next.as_ref(),
        }
    }
}
