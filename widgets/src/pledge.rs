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
            timezone: String::new(),
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
            next: crate::next::read(v, "next"),
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
        format!(
            "{}?lang={}",
            routes::pledge(&cfg.campaign, &cfg.item),
            cfg.lang.tag()
        )
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
        rally_api::words::pledge(lang)
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
            next: d.next.as_ref(),
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
