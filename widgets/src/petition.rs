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
        routes::petition(&cfg.campaign, &cfg.item)
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
        crate::i18n::pick(lang, &EN, &PT_BR, &ES)
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
        }
    }
}

const EN: Words = Words {
    share_why: "A message from a friend is the most likely thing to make someone sign.",
    count: "signatures",
    progress: "Signatures toward the goal",
    recent: "Recent signers",
    submit: "Sign the petition",
    submitting: "Signing…",
    thanks: "Thank you for signing!",
    already: "You have already signed this petition. Thank you!",
    will_you_share: "Will you share this petition with your friends?",
    share_text: "I just signed this petition. Will you sign too?",
    closing: "Thank you. Every signature counts.",
    closed: "This petition is closed.",
    show_name: "Show my first name and initial in the list of signers",
    remind: "",
    calendar: "",
    google: "",
};

const PT_BR: Words = Words {
    share_why: "Uma mensagem de um amigo é o que mais leva alguém a assinar.",
    count: "assinaturas",
    progress: "Assinaturas rumo à meta",
    recent: "Assinaturas recentes",
    submit: "Assinar a petição",
    submitting: "Assinando…",
    thanks: "Obrigado por assinar!",
    already: "Você já assinou esta petição. Obrigado!",
    will_you_share: "Você vai compartilhar esta petição com seus amigos?",
    share_text: "Acabei de assinar esta petição. Assine você também?",
    closing: "Obrigado. Cada assinatura conta.",
    closed: "Esta petição está encerrada.",
    show_name: "Mostrar meu nome e inicial na lista de assinaturas",
    remind: "",
    calendar: "",
    google: "",
};

const ES: Words = Words {
    share_why: "Un mensaje de un amigo es lo que más anima a alguien a firmar.",
    count: "firmas",
    progress: "Firmas hacia la meta",
    recent: "Firmas recientes",
    submit: "Firmar la petición",
    submitting: "Firmando…",
    thanks: "¡Gracias por firmar!",
    already: "Ya firmaste esta petición. ¡Gracias!",
    will_you_share: "¿Compartirás esta petición con tus amigos?",
    share_text: "Acabo de firmar esta petición. ¿Firmas tú también?",
    closing: "Gracias. Cada firma cuenta.",
    closed: "Esta petición está cerrada.",
    show_name: "Mostrar mi nombre e inicial en la lista de firmas",
    remind: "",
    calendar: "",
    google: "",
};
