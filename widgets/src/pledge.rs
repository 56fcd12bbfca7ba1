//! The pledge widget: [`Act`] over a [`PledgeView`]. A pledge says what the supporter will do,
//! and maybe when and where; after pledging, the supporter can add it to a calendar (the edge's
//! `.ics` file or Google Calendar) and may ask to be reminded.

use rally_api::{
    routes, CalendarLinks, Lang, PledgeResponse, PledgeStatus, PledgeView, SignRequest,
};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::act::{counted_view, Act, Action, Item, Outcome, State, Words};
use crate::config::Config;
use crate::i18n::Text;
use crate::wire::{count, field, list, number, status, string, FromJs};

/// The pledge widget.
pub type Pledge = Act<PledgeView>;

impl FromJs for CalendarLinks {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(CalendarLinks {
            ics: string(v, "ics")?,
            google: string(v, "google")?,
        })
    }
}

fn calendar(v: &JsValue) -> Option<CalendarLinks> {
    CalendarLinks::from_js(&field(v, "calendar")?)
}

impl FromJs for PledgeView {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(PledgeView {
            campaign: string(v, "campaign")?,
            slug: string(v, "slug")?,
            statement: string(v, "statement")?,
            body: string(v, "body").unwrap_or_default(),
            starts_at: number(v, "starts_at").map(|n| n as u64),
            ends_at: number(v, "ends_at").map(|n| n as u64),
            place: string(v, "place"),
            status: status(v)?,
            count: count(v, "count")?,
            goal: count(v, "goal")?,
            recent: list(v, "recent"),
            as_of: number(v, "as_of").unwrap_or(0.0) as u64,
            calendar: calendar(v),
        })
    }
}

impl FromJs for PledgeResponse {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(PledgeResponse {
            status: match string(v, "status")?.as_str() {
                "pledged" => PledgeStatus::Pledged,
                "already_pledged" => PledgeStatus::AlreadyPledged,
                _ => return None,
            },
            count: count(v, "count")?,
            goal: count(v, "goal")?,
            ref_code: string(v, "ref_code")?,
            supporter_token: string(v, "supporter_token"),
            calendar: calendar(v),
        })
    }
}

/// A moment in the visitor's language and time zone ("Sunday, 4 October 2026 at 08:00").
fn when(ms: u64, lang: Lang) -> String {
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"full".into());
    let _ = js_sys::Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    js_sys::Date::new(&JsValue::from_f64(ms as f64))
        .to_locale_string(lang.tag(), &opts)
        .into()
}

impl Item for PledgeView {
    type Done = PledgeResponse;

    fn view_path(cfg: &Config) -> String {
        routes::pledge(&cfg.campaign, &cfg.item)
    }
    fn act_path(cfg: &Config) -> String {
        routes::commitments(&cfg.campaign, &cfg.item)
    }
    counted_view!(statement);
    fn header(&self, cfg: &Config, _t: &'static Text) -> Html {
        let at = self.starts_at.map(|ms| when(ms, cfg.lang));
        html! {
            <p class="when">
                if let Some(at) = at { <time>{ at }</time> }
                if let Some(place) = &self.place { <span class="place">{ place }</span> }
            </p>
        }
    }
    fn words(lang: Lang) -> &'static Words {
        crate::i18n::pick(lang, &EN, &PT_BR, &ES)
    }
    fn extra_fields(state: &UseReducerHandle<State<Self>>, w: &'static Words) -> Html {
        let onchange = {
            let state = state.clone();
            Callback::from(move |e: Event| {
                let on = e
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .checked();
                state.dispatch(Action::Remind(on));
            })
        };
        html! {
            <label class="show-name remind">
                <input type="checkbox" name="reminder" checked={state.remind} {onchange} />{ w.remind }
            </label>
        }
    }
    fn request(req: &SignRequest, remind: bool) -> JsValue {
        let body = crate::wire::sign_request(req);
        let _ = js_sys::Reflect::set(&body, &"reminder".into(), &JsValue::from_bool(remind));
        body
    }
    fn outcome(d: &PledgeResponse) -> Outcome<'_> {
        Outcome {
            new: d.status == PledgeStatus::Pledged,
            count: d.count,
            goal: d.goal,
            ref_code: &d.ref_code,
            token: d.supporter_token.as_deref(),
        }
    }
    fn after(&self, done: &PledgeResponse, w: &'static Words) -> Html {
        let Some(links) = done.calendar.as_ref().or(self.calendar.as_ref()) else {
            return html! {};
        };
        html! {
            <div class="calendar row">
                <a class="t ics" href={links.ics.clone()} download="">{ w.calendar }</a>
                <a class="t google" href={links.google.clone()} target="_blank" rel="noopener noreferrer">{ w.google }</a>
            </div>
        }
    }
}

const EN: Words = Words {
    share_why: "A message from a friend is what most often brings someone along.",
    count: "pledges",
    progress: "Pledges toward the goal",
    recent: "Recent pledges",
    submit: "I pledge",
    submitting: "Pledging…",
    thanks: "Thank you for pledging!",
    already: "You have already made this pledge. Thank you!",
    will_you_share: "Will you ask your friends to pledge too?",
    share_text: "I just pledged. Will you join me?",
    closing: "Thank you. See you there.",
    closed: "This pledge is closed.",
    show_name: "Show my first name and initial in the list of pledges",
    remind: "Remind me before the day",
    calendar: "Add to calendar (.ics)",
    google: "Google Calendar",
};

const PT_BR: Words = Words {
    share_why: "Uma mensagem de um amigo é o que mais traz alguém junto.",
    count: "compromissos",
    progress: "Compromissos rumo à meta",
    recent: "Compromissos recentes",
    submit: "Eu me comprometo",
    submitting: "Enviando…",
    thanks: "Obrigado pelo compromisso!",
    already: "Você já assumiu este compromisso. Obrigado!",
    will_you_share: "Você vai convidar seus amigos a se comprometerem também?",
    share_text: "Acabei de assumir este compromisso. Vem comigo?",
    closing: "Obrigado. Nos vemos lá.",
    closed: "Este compromisso está encerrado.",
    show_name: "Mostrar meu nome e inicial na lista de compromissos",
    remind: "Quero um lembrete antes do dia",
    calendar: "Adicionar à agenda (.ics)",
    google: "Google Agenda",
};

const ES: Words = Words {
    share_why: "Un mensaje de un amigo es lo que más anima a alguien a sumarse.",
    count: "compromisos",
    progress: "Compromisos hacia la meta",
    recent: "Compromisos recientes",
    submit: "Me comprometo",
    submitting: "Enviando…",
    thanks: "¡Gracias por comprometerte!",
    already: "Ya asumiste este compromiso. ¡Gracias!",
    will_you_share: "¿Invitarás a tus amigos a comprometerse también?",
    share_text: "Acabo de comprometerme. ¿Te sumas?",
    closing: "Gracias. Nos vemos allí.",
    closed: "Este compromiso está cerrado.",
    show_name: "Mostrar mi nombre e inicial en la lista de compromisos",
    remind: "Recordármelo antes del día",
    calendar: "Añadir al calendario (.ics)",
    google: "Google Calendar",
};
