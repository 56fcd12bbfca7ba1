//! The widgets where a supporter acts once and is counted (petitions, pledges): title, an
//! accessible count toward a goal, the latest supporters, the form, and the "will you share?"
//! step with the supporter's personal link.
//!
//! [`Act`] is generic over the [`Item`] it shows; `petition.rs` and `pledge.rs` say what
//! differs. A bundle holds only the kinds it was built with (cargo features), so the petition
//! bundle carries nothing of the pledge.

use std::rc::Rc;

use rally_api::{ErrorCode, FieldError, PetitionStatus, RecentSigner, SignRequest};
use wasm_bindgen::JsValue;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::config::Config;
use crate::form::{focus_first_invalid, FormState};
use crate::i18n::{self, Text};
use crate::me::Greeting;
use crate::net::{self, NetError};
use crate::share;
use crate::wire::FromJs;

/// How often an open widget refreshes its count.
const REFRESH_MS: i32 = 30_000;

/// What an acting widget shows and sends: a petition or a pledge.
pub trait Item: FromJs + Clone + PartialEq + 'static {
    /// The edge's answer to the action.
    type Done: FromJs + Clone + PartialEq + 'static;
    /// The item's public view, relative to the API base.
    fn view_path(cfg: &Config) -> String;
    /// The item's own page on the edge, for the fallback link, if it has one.
    fn page_path(_cfg: &Config) -> Option<String> {
        None
    }
    /// Where the action is POSTed.
    fn act_path(cfg: &Config) -> String;
    fn title(&self) -> &str;
    fn body(&self) -> &str;
    fn status(&self) -> PetitionStatus;
    fn count(&self) -> (u32, u32);
    fn set_count(&mut self, count: u32, goal: u32);
    fn recent(&self) -> &[RecentSigner];
    /// The line under the title: whom a petition addresses, when and where a pledge happens.
    fn header(&self, cfg: &Config, t: &'static Text) -> Html;
    /// The words that differ between kinds.
    fn words(lang: rally_api::Lang) -> &'static Words;
    /// Fields beyond the person's (a pledge's reminder opt-in).
    fn extra_fields(_state: &UseReducerHandle<State<Self>>, _t: &'static Words) -> Html {
        html! {}
    }
    /// The request body as JSON-ready JS.
    fn request(req: &SignRequest, remind: bool) -> JsValue;
    fn outcome(done: &Self::Done) -> Outcome<'_>;
    /// Shown after acting, before the share step (a pledge's calendar links).
    fn after(&self, _done: &Self::Done, _t: &'static Words) -> Html {
        html! {}
    }
}

/// The [`Item`] accessors of a view with the counting fields petitions and pledges share
/// (`body`, `status`, `count`, `goal`, `recent`); `$title` names the field shown as the title.
macro_rules! counted_view {
    ($title:ident) => {
        fn title(&self) -> &str {
            &self.$title
        }
        fn body(&self) -> &str {
            &self.body
        }
        fn status(&self) -> rally_api::PetitionStatus {
            self.status
        }
        fn count(&self) -> (u32, u32) {
            (self.count, self.goal)
        }
        fn set_count(&mut self, count: u32, goal: u32) {
            self.count = count;
            self.goal = goal;
        }
        fn recent(&self) -> &[rally_api::RecentSigner] {
            &self.recent
        }
    };
}
pub(crate) use counted_view;

/// The common part of an action's answer.
pub struct Outcome<'a> {
    /// False when this email had already acted (counted once, not again).
    pub new: bool,
    pub count: u32,
    pub goal: u32,
    pub ref_code: &'a str,
    pub token: Option<&'a str>,
    /// The next step on the ladder, when the edge sent one.
    pub next: Option<&'a rally_api::ladder::NextStep>,
}

pub use rally_api::words::ActWords as Words;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Config,
}

/// Where the item's data stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Load<I> {
    Loading,
    Failed,
    Ready(I),
}

/// A message about the whole form rather than one field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Notice {
    FixFields,
    Network,
    RateLimited,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ShareStep {
    Ask,
    Sharing,
    Declined,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State<I: Item> {
    pub load: Load<I>,
    /// The form as typed; the page-derived fields (`ref`, `tracking`, `lang`) are added on submit.
    pub form: SignRequest,
    /// Errors per field, submitting, the idempotency key: as every form keeps them.
    pub sending: FormState,
    pub notice: Option<Notice>,
    /// Pledges: whether to be reminded before the date.
    pub remind: bool,
    pub done: Option<I::Done>,
    pub share: ShareStep,
    pub copied: bool,
    /// Whether the ladder's next step was opened in place.
    pub opened: bool,
    /// The remembered supporter (see [`crate::me`]), and whether they just asked to be
    /// forgotten.
    pub greeting: Option<Greeting>,
    pub forgotten: bool,
}

pub enum Action<I: Item> {
    Greet(Option<Greeting>),
    Forget,
    Loaded(I),
    LoadFailed,
    Edit(Box<dyn FnOnce(&mut SignRequest)>),
    Remind(bool),
    Invalid(Vec<FieldError>),
    Submitting(String),
    Signed(I::Done),
    Failed(NetError),
    Share(bool),
    Copied,
    /// The ladder's next step was tapped: its widget opens in place.
    Open,
}

impl<I: Item> State<I> {
    pub fn new(country: String) -> State<I> {
        State {
            load: Load::Loading,
            form: SignRequest {
                country,
                ..SignRequest::default()
            },
            sending: FormState::default(),
            notice: None,
            remind: false,
            done: None,
            share: ShareStep::Ask,
            copied: false,
            opened: false,
            greeting: None,
            forgotten: false,
        }
    }

    pub fn error_for(&self, field: &str) -> Option<ErrorCode> {
        self.sending.error_for(field)
    }

    /// The count to show: never lower than what this visitor's own action returned.
    pub fn count(&self) -> Option<(u32, u32)> {
        let Load::Ready(v) = &self.load else {
            return None;
        };
        let shown = v.count();
        match self.done.as_ref().map(I::outcome) {
            Some(d) if d.count > shown.0 => Some((d.count, d.goal)),
            _ => Some(shown),
        }
    }
}

impl<I: Item> Reducible for State<I> {
    type Action = Action<I>;

    fn reduce(self: Rc<Self>, action: Action<I>) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Loaded(mut view) => {
                // A refresh never shows a count going backwards (a lagging cache elsewhere).
                if let Load::Ready(old) = &s.load {
                    let (count, goal) = old.count();
                    if count > view.count().0 {
                        view.set_count(count, goal);
                    }
                }
                s.load = Load::Ready(view);
            }
            Action::LoadFailed => s.load = Load::Failed,
            Action::Greet(g) => s.greeting = g,
            Action::Forget => {
                s.greeting = None;
                s.forgotten = true;
            }
            Action::Edit(f) => {
                let before = s.form.clone();
                f(&mut s.form);
                if s.form != before {
                    s.sending.edited();
                }
            }
            Action::Remind(on) => s.remind = on,
            Action::Invalid(errors) => {
                s.sending.invalid(&errors);
                s.notice = Some(Notice::FixFields);
            }
            Action::Submitting(key) => {
                s.sending.submitting(key);
                s.notice = None;
            }
            Action::Signed(resp) => {
                s.sending.answered();
                s.done = Some(resp);
            }
            Action::Failed(err) => {
                s.sending.answered();
                s.notice = Some(match err {
                    NetError::Api { status: 401, .. } => {
                        s.greeting = None;
                        Notice::FixFields
                    }
                    NetError::Api { body, .. } => {
                        let code = body.error.code;
                        match code {
                            _ if s.sending.refused(body) => Notice::FixFields,
                            ErrorCode::RateLimited => Notice::RateLimited,
                            ErrorCode::PetitionClosed => Notice::Closed,
                            _ => Notice::Network,
                        }
                    }
                    NetError::Network | NetError::Unreadable => Notice::Network,
                });
            }
            Action::Share(yes) => {
                s.share = if yes {
                    ShareStep::Sharing
                } else {
                    ShareStep::Declined
                }
            }
            Action::Copied => s.copied = true,
            Action::Open => s.opened = true,
        }
        Rc::new(s)
    }
}

/// The region of the browser's language (`pt-BR` -> `BR`), as a default country.
fn default_country() -> String {
    let lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    lang.rsplit(['-', '_'])
        .next()
        .filter(|r| r.len() == 2 && *r != lang)
        .and_then(|r| rally_api::validate::country(r).ok())
        .unwrap_or_default()
}

/// `(code, name)` for every country, named in the visitor's language and sorted by the
/// browser's collator for that language ("Áustria" between "Austrália" and "Azerbaijão"): the
/// loader's `names`, over `Intl.DisplayNames` and `Intl.Collator`. The browser does both jobs
/// better than Rust could; in JavaScript they cost a few bytes, through web-sys about 1 KB.
fn countries(cfg: &Config) -> Vec<(String, String)> {
    cfg.names(rally_api::validate::country_codes())
}

fn to_request(form: &SignRequest, cfg: &Config) -> SignRequest {
    SignRequest {
        referral: cfg.referral.clone(),
        tracking: cfg.tracking.clone(),
        lang: Some(cfg.lang.tag().to_owned()),
        ..form.clone()
    }
}

/// The acting widget for item kind `I`.
#[component]
pub fn Act<I: Item>(props: &Props) -> Html {
    let cfg = &props.config;
    let t = i18n::text(cfg.lang);
    let w = I::words(cfg.lang);
    let state = use_reducer(|| {
        let mut s = State::<I>::new(default_country());
        // The view the loader holds: the first render is the form itself.
        if let Some(v) = cfg.view.as_ref().and_then(I::from_js) {
            s.load = Load::Ready(v);
        }
        s
    });
    let preloaded = matches!(state.load, Load::Ready(_));
    let in_flight = use_mut_ref(|| false);
    let form_ref = use_node_ref();
    let thanks_ref = use_node_ref();
    // 249 localised, collated names: computed once, not on every keystroke.
    let country_list = use_memo(cfg.clone(), countries);

    // The petition as the loader passed it (the first render shows it), else a request.
    {
        let state = state.clone();
        let cfg = cfg.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // Without the loader's view (its request failed): one more try from here.
                if !preloaded {
                    let result = net::get_json(&cfg.url(&I::view_path(&cfg))).await;
                    state.dispatch(match result {
                        Ok(v) => Action::Loaded(v),
                        Err(_) => Action::LoadFailed,
                    });
                }
                // A supporter this browser remembers is greeted (after the count: the count is
                // what every visitor waits for).
                if let Some(g) = Greeting::load(&cfg).await {
                    state.dispatch(Action::Greet(Some(g)));
                }
            });
        });
    }
    let onforget = {
        let state = state.clone();
        let cfg = cfg.clone();
        Callback::from(move |_| {
            state.dispatch(Action::Forget);
            crate::me::forget(&cfg);
        })
    };

    let ready = matches!(state.load, Load::Ready(_));
    {
        let state = state.clone();
        let cfg = cfg.clone();
        use_effect_with(ready, move |ready| {
            if *ready {
                crate::mark("rally:count");
                crate::mark("rally:interactive");
                // Watch the count climb: a refresh every 30 s while the page is visible. The edge
                // answers these from its KV snapshot.
                wasm_bindgen_futures::spawn_local(async move {
                    let url = cfg.url(&I::view_path(&cfg));
                    loop {
                        net::sleep(REFRESH_MS).await;
                        if net::page_visible() {
                            if let Ok(v) = net::get_json(&url).await {
                                state.dispatch(Action::Loaded(v));
                            }
                        }
                    }
                });
            }
        });
    }

    {
        let form_ref = form_ref.clone();
        use_effect_with(state.sending.error_round, move |round| {
            if *round > 0 {
                focus_first_invalid(&form_ref);
            }
        });
    }
    {
        let thanks_ref = thanks_ref.clone();
        // On the thank-you, and again when its step changes (the share links replace the
        // buttons that had focus, the next step's widget replaces its button): focus stays in
        // the widget, on its heading.
        use_effect_with(
            (state.done.is_some(), state.share, state.opened),
            move |(done, _, _)| {
                if *done {
                    if let Some(h) = thanks_ref.cast::<HtmlElement>() {
                        let _ = h.focus();
                    }
                }
            },
        );
    }

    let onsubmit = {
        let state = state.clone();
        let cfg = cfg.clone();
        let in_flight = in_flight.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *in_flight.borrow() {
                return; // a double click: the first submission is still on its way
            }
            let req = to_request(&state.form, &cfg);
            // A remembered supporter acts as themselves (their token names them; the edge
            // fills in the person), so there is no person to check here.
            let token = state
                .greeting
                .as_ref()
                .and_then(|_| crate::config::supporter_token(&cfg.campaign));
            if let (None, Err(errors)) = (&token, req.validate()) {
                state.dispatch(Action::Invalid(errors));
                return;
            }
            let key = state.sending.key();
            *in_flight.borrow_mut() = true;
            state.dispatch(Action::Submitting(key.clone()));
            let state = state.clone();
            let in_flight = in_flight.clone();
            let cfg = cfg.clone();
            let url = cfg.url(&I::act_path(&cfg));
            let body = I::request(&req, state.remind);
            wasm_bindgen_futures::spawn_local(async move {
                let result = net::post_json::<I::Done>(&url, &body, &key, token.as_deref()).await;
                *in_flight.borrow_mut() = false;
                if matches!(result, Err(NetError::Api { status: 401, .. })) {
                    // Revoked elsewhere: forget it here too, and ask for the whole form.
                    crate::config::forget_supporter(&cfg.campaign);
                }
                match result.as_ref().ok().map(I::outcome) {
                    Some(Outcome {
                        token: Some(token), ..
                    }) => crate::config::remember_supporter(&cfg.campaign, token),
                    // The board on the page re-reads: points moved.
                    Some(_) => crate::config::announce(),
                    None => {}
                }
                state.dispatch(match result {
                    Ok(r) => Action::Signed(r),
                    Err(e) => Action::Failed(e),
                });
            });
        })
    };

    let view = match &state.load {
        Load::Loading => {
            return html! { <div class="loading" role="status" aria-live="polite">{"…"}</div> }
        }
        Load::Failed => return failed::<I>(cfg, t),
        Load::Ready(v) => v,
    };

    html! {
        <article class="act" lang={cfg.lang.tag()}>
            <h2 class="title">{ view.title() }</h2>
            { view.header(cfg, t) }
            <p class="body">{ view.body() }</p>
            { counter(&state, cfg, t, w) }
            { recent(view.recent(), cfg, w) }
            if let Some(g) = &state.greeting {
                { g.view(t, onforget) }
            } else if state.forgotten {
                <p class="me" role="status">{ t.forgotten }</p>
            }
            if let Some(done) = &state.done {
                { thanks(&state, done, view, cfg, t, w, thanks_ref) }
            } else if view.status() == PetitionStatus::Closed {
                <p class="notice" role="status">{ w.closed }</p>
            } else {
                { form(&state, &country_list, t, w, onsubmit, form_ref) }
            }
        </article>
    }
}

fn failed<I: Item>(cfg: &Config, t: &Text) -> Html {
    html! {
        <div class="failed" role="alert">
            <p>{ t.load_failed }</p>
            if let Some(page) = I::page_path(cfg) {
                <a href={cfg.url(&page)} target="_blank" rel="noopener">{ t.open_page }</a>
            }
        </div>
    }
}

fn counter<I: Item>(state: &State<I>, cfg: &Config, t: &Text, w: &Words) -> Html {
    let Some((count, goal)) = state.count() else {
        return html! {};
    };
    let (n, g) = (i18n::number(count, cfg.lang), i18n::number(goal, cfg.lang));
    html! {
        <div class="counter">
            <p class="count" aria-live="polite" aria-atomic="true">
                <strong data-count={count.to_string()}>{ n }</strong>{ format!(" {} · {} {}", w.count, t.goal, g) }
            </p>
            <progress max={goal.to_string()} value={count.to_string()} aria-label={w.progress}></progress>
        </div>
    }
}

fn recent(recent: &[RecentSigner], cfg: &Config, w: &Words) -> Html {
    if recent.is_empty() {
        return html! {};
    }
    html! {
        <section class="recent" aria-label={w.recent}>
            <h3>{ w.recent }</h3>
            <ul>
                { for recent.iter().map(|r| {
                    let place = r.city.clone().unwrap_or_else(|| cfg.names([r.country.as_str()]).remove(0).1);
                    html! { <li><span class="who">{ &r.name }</span>{ " · " }<span class="where">{ place }</span></li> }
                }) }
            </ul>
        </section>
    }
}

/// `(name, label, autocomplete, type)` of each text field, in form order.
fn fields(t: &Text) -> [(&'static str, &'static str, &'static str, &'static str); 4] {
    [
        ("first_name", t.first_name, "given-name", "text"),
        ("last_name", t.last_name, "family-name", "text"),
        ("email", t.email, "email", "email"),
        ("postal_code", t.postal_code, "postal-code", "text"),
    ]
}

fn field_value<'a>(form: &'a SignRequest, name: &str) -> &'a str {
    match name {
        "first_name" => &form.first_name,
        "last_name" => &form.last_name,
        "email" => &form.email,
        "postal_code" => &form.postal_code,
        _ => "",
    }
}

fn error_text<I: Item>(state: &State<I>, t: &Text, field: &str) -> Html {
    match state.error_for(field) {
        Some(code) => {
            // A missing anti-bot token is not a field to fill: say what to do.
            let msg = if field == "turnstile" {
                t.err_challenge
            } else {
                t.field_error(code)
            };
            html! { <p class="err" id={format!("err-{field}")}>{ msg }</p> }
        }
        None => html! {},
    }
}

fn form<I: Item>(
    state: &UseReducerHandle<State<I>>,
    countries: &[(String, String)],
    t: &'static Text,
    w: &'static Words,
    onsubmit: Callback<SubmitEvent>,
    form_ref: NodeRef,
) -> Html {
    // Every field edit is one kind of change: a function of the form and the control's value
    // (text boxes, the country select and the consent radios all fire `input`).
    let edit = |apply: fn(&mut SignRequest, String)| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            state.dispatch(Action::Edit(Box::new(move |f| apply(f, v))));
        })
    };
    let text_inputs = fields(t).into_iter().map(|(name, label, auto, kind)| {
        let oninput = match name {
            "first_name" => edit(|f, v| f.first_name = v),
            "last_name" => edit(|f, v| f.last_name = v),
            "email" => edit(|f, v| f.email = v),
            _ => edit(|f, v| f.postal_code = v),
        };
        let invalid = state.error_for(name).is_some();
        html! {
            <div class={classes!("field", format!("f-{name}"))}>
                <label for={format!("in-{name}")}>{ label }</label>
                <input id={format!("in-{name}")} name={name} type={kind} autocomplete={auto}
                    value={field_value(&state.form, name).to_owned()} required=true
                    aria-invalid={invalid.to_string()}
                    aria-describedby={invalid.then(|| format!("err-{name}"))}
                    {oninput} />
                { error_text(state, t, name) }
            </div>
        }
    });
    let on_country = edit(|f, v| f.country = v);
    let on_consent = edit(|f, v| f.contact_consent = Some(v == "yes"));
    let on_show = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            state.dispatch(Action::Edit(Box::new(move |f| f.show_name = on)));
        })
    };
    let on_hp = edit(|f, v| f.website = v);
    let country_invalid = state.error_for("country").is_some();
    let consent_invalid = state.error_for("contact_consent").is_some();
    let f = &state.form;
    html! {
        <form class="sign" novalidate=true {onsubmit} ref={form_ref}>
            if state.greeting.is_none() {
            { for text_inputs }
            <div class="field f-country">
                <label for="in-country">{ t.country }</label>
                <select id="in-country" name="country" autocomplete="country" required=true
                    aria-invalid={country_invalid.to_string()}
                    aria-describedby={country_invalid.then_some("err-country")}
                    oninput={on_country}>
                    <option value="" selected={f.country.is_empty()}>{ t.choose_country }</option>
                    { for countries.iter().map(|(code, name)| html! {
                        <option value={code.clone()} selected={f.country == *code}>{ name.clone() }</option>
                    }) }
                </select>
                { error_text(state, t, "country") }
            </div>
            <fieldset class="consent" aria-invalid={consent_invalid.to_string()}
                aria-describedby={consent_invalid.then_some("err-contact_consent")}>
                <legend>{ t.consent_legend }</legend>
                <label><input type="radio" name="contact_consent" value="yes"
                    checked={f.contact_consent == Some(true)} oninput={on_consent.clone()} />{ t.consent_yes }</label>
                <label><input type="radio" name="contact_consent" value="no"
                    checked={f.contact_consent == Some(false)} oninput={on_consent} />{ t.consent_no }</label>
                { error_text(state, t, "contact_consent") }
            </fieldset>
            }
            <label class="show-name"><input type="checkbox" name="show_name" checked={f.show_name} onchange={on_show} />{ w.show_name }</label>
            { I::extra_fields(state, w) }
            <div class="hp" aria-hidden="true">
                <label for="in-website">{"Website"}</label>
                <input id="in-website" name="website" tabindex="-1" autocomplete="off" value={f.website.clone()} oninput={on_hp} />
            </div>
            // Where the loader draws Cloudflare Turnstile, if the campaign asks for it.
            <div class="challenge"></div>
            { error_text(state, t, "turnstile") }
            { notice(state, t, w) }
            <button type="submit" disabled={state.sending.submitting} aria-disabled={state.sending.submitting.to_string()}>
                { if state.sending.submitting { w.submitting } else { w.submit } }
            </button>
        </form>
    }
}

fn notice<I: Item>(state: &State<I>, t: &Text, w: &Words) -> Html {
    let Some(n) = state.notice else {
        return html! {};
    };
    let msg = match n {
        Notice::FixFields => t.fix_fields,
        Notice::Network => t.network,
        Notice::RateLimited => t.rate_limited,
        Notice::Closed => w.closed,
    };
    html! { <p class="notice" role="alert">{ msg }</p> }
}

fn thanks<I: Item>(
    state: &UseReducerHandle<State<I>>,
    done: &I::Done,
    view: &I,
    cfg: &Config,
    t: &'static Text,
    w: &'static Words,
    heading: NodeRef,
) -> Html {
    let title = if I::outcome(done).new {
        w.thanks
    } else {
        w.already
    };
    let step = match state.share {
        ShareStep::Ask => {
            let yes = {
                let s = state.clone();
                Callback::from(move |_| s.dispatch(Action::Share(true)))
            };
            let no = {
                let s = state.clone();
                Callback::from(move |_| s.dispatch(Action::Share(false)))
            };
            html! {
                <div class="ask">
                    <p class="q">{ w.will_you_share }</p>
                    <p class="why">{ w.share_why }</p>
                    <div class="row">
                        <button type="button" class="primary" onclick={yes}>{ t.yes_share }</button>
                        <button type="button" class="secondary" onclick={no}>{ t.not_now }</button>
                    </div>
                </div>
            }
        }
        ShareStep::Declined => html! { <p class="closing">{ w.closing }</p> },
        ShareStep::Sharing => share_step(state, I::outcome(done).ref_code, view.title(), cfg, t, w),
    };
    // The ladder's next step: another widget opens in place; "invite friends" is the share step.
    let next = I::outcome(done).next.map(|n| {
        let s = state.clone();
        let share = n.open == "share";
        let tap = Callback::from(move |_| s.dispatch(if share { Action::Share(true) } else { Action::Open }));
        html! {
            <>
                { crate::next::view(n, (!(state.opened || share && state.share == ShareStep::Sharing)).then_some(tap)) }
                if state.opened { { crate::next::widget(n, &cfg.campaign) } }
            </>
        }
    });
    // The person's own hub on the edge; the token goes in the fragment (never sent to a
    // server, nor in a Referer), and the hub's script signs them in with it once.
    let hub = cfg.url(&format!(
        "/hub/{}#t={}",
        cfg.campaign,
        crate::config::supporter_token(&cfg.campaign).unwrap_or_default()
    ));
    html! {
        <section class="thanks">
            <h3 tabindex="-1" ref={heading}>{ title }</h3>
            { view.after(done, w) }
            { for next }
            { step }
            <p class="hub"><a href={hub} target="_blank" rel="noopener">{ t.open_hub }</a></p>
        </section>
    }
}

fn share_step<I: Item>(
    state: &UseReducerHandle<State<I>>,
    ref_code: &str,
    title: &str,
    cfg: &Config,
    t: &'static Text,
    w: &'static Words,
) -> Html {
    let link = share::personal_link(&cfg.page_url, ref_code, "link");
    let text = if cfg.share.is_empty() {
        w.share_text
    } else {
        &cfg.share
    };
    let targets = share::targets(&cfg.page_url, ref_code, title, text, t.email);
    let copy = {
        let s = state.clone();
        let link = link.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            s.dispatch(Action::Copied);
        })
    };
    let navigator = web_sys::window().map(|w| w.navigator());
    let can_share = navigator
        .as_ref()
        .is_some_and(|n| js_sys::Reflect::has(n, &"share".into()).unwrap_or(false));
    let web_share = {
        let link = link.clone();
        let title = title.to_owned();
        let text = text.to_owned();
        Callback::from(move |_| {
            if let Some(n) = web_sys::window().map(|w| w.navigator()) {
                let data = web_sys::ShareData::new();
                data.set_title(&title);
                data.set_text(&text);
                data.set_url(&link);
                let _ = n.share_with_data(&data);
            }
        })
    };
    html! {
        <div class="share">
            <ul class="targets">
                { for targets.into_iter().map(|(channel, label, href)| html! {
                    <li><a class={classes!("t", channel)} href={href} target="_blank" rel="noopener noreferrer"
                        aria-label={format!("{} {label}", t.share_on)}>{ label }</a></li>
                }) }
            </ul>
            <label class="link" for="in-link">{ t.your_link }</label>
            <div class="row">
                <input id="in-link" readonly=true value={link} />
                <button type="button" onclick={copy}>{ t.copy_link }</button>
                if can_share {
                    <button type="button" onclick={web_share}>{ t.more }</button>
                }
            </div>
            <p class="copied" aria-live="polite">{ if state.copied { t.copied } else { "" } }</p>
        </div>
    }
}
