//! The petition widget: title, target, an accessible count toward a goal, the latest signers,
//! the signature form, and the "will you share?" step with the signer's personal link.

use std::rc::Rc;

use rally_api::{
    routes, ErrorCode, PetitionStatus, PetitionView, SignRequest, SignResponse, SignStatus,
};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::config::Config;
use crate::i18n::{self, Text};
use crate::net::{self, NetError};
use crate::share;

/// How often an open widget refreshes its count.
const REFRESH_MS: i32 = 30_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Config,
}

/// Where the petition's data stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    Loading,
    Failed,
    Ready(PetitionView),
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
pub struct State {
    pub load: Load,
    /// The form as typed; the page-derived fields (`ref`, `tracking`, `lang`) are added on submit.
    pub form: SignRequest,
    pub errors: Vec<(String, ErrorCode)>,
    /// Bumped whenever validation fails, so focus moves to the first field at fault.
    pub error_round: u32,
    pub notice: Option<Notice>,
    pub submitting: bool,
    /// The key of the last attempt; reused for a retry of the same form so it counts once.
    pub idempotency_key: Option<String>,
    pub done: Option<SignResponse>,
    pub share: ShareStep,
    pub copied: bool,
}

pub enum Action {
    Loaded(PetitionView),
    LoadFailed,
    Edit(Box<dyn FnOnce(&mut SignRequest)>),
    Invalid(Vec<(String, ErrorCode)>),
    Submitting(String),
    Signed(SignResponse),
    Failed(NetError),
    Share(bool),
    Copied,
}

impl State {
    pub fn new(country: String) -> State {
        State {
            load: Load::Loading,
            form: SignRequest {
                country,
                ..SignRequest::default()
            },
            errors: Vec::new(),
            error_round: 0,
            notice: None,
            submitting: false,
            idempotency_key: None,
            done: None,
            share: ShareStep::Ask,
            copied: false,
        }
    }

    pub fn error_for(&self, field: &str) -> Option<ErrorCode> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| *c)
    }

    /// The count to show: never lower than what this visitor's own signature returned.
    pub fn count(&self) -> Option<(u32, u32)> {
        let Load::Ready(v) = &self.load else {
            return None;
        };
        match &self.done {
            Some(d) if d.count > v.count => Some((d.count, d.goal)),
            _ => Some((v.count, v.goal)),
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Loaded(mut view) => {
                // A refresh never shows a count going backwards (a lagging cache elsewhere).
                if let Load::Ready(old) = &s.load {
                    if old.count > view.count {
                        view.count = old.count;
                        view.goal = old.goal;
                    }
                }
                s.load = Load::Ready(view);
            }
            Action::LoadFailed => s.load = Load::Failed,
            Action::Edit(f) => {
                let before = s.form.clone();
                f(&mut s.form);
                if s.form != before {
                    // New content is a new signature attempt.
                    s.idempotency_key = None;
                }
            }
            Action::Invalid(errors) => {
                s.errors = errors;
                s.error_round += 1;
                s.notice = Some(Notice::FixFields);
            }
            Action::Submitting(key) => {
                s.submitting = true;
                s.idempotency_key = Some(key);
                s.errors.clear();
                s.notice = None;
            }
            Action::Signed(resp) => {
                s.submitting = false;
                s.done = Some(resp);
            }
            Action::Failed(err) => {
                s.submitting = false;
                match err {
                    NetError::Api { body, .. } if body.error.field.is_some() => {
                        let list = if body.errors.is_empty() {
                            vec![body.error]
                        } else {
                            body.errors
                        };
                        s.errors = list
                            .into_iter()
                            .filter_map(|e| Some((e.field?, e.code)))
                            .collect();
                        s.error_round += 1;
                        s.notice = Some(Notice::FixFields);
                    }
                    NetError::Api { body, .. } => {
                        s.notice = Some(match body.error.code {
                            ErrorCode::RateLimited => Notice::RateLimited,
                            ErrorCode::PetitionClosed => Notice::Closed,
                            _ => Notice::Network,
                        })
                    }
                    NetError::Network | NetError::Unreadable => s.notice = Some(Notice::Network),
                }
            }
            Action::Share(yes) => {
                s.share = if yes {
                    ShareStep::Sharing
                } else {
                    ShareStep::Declined
                }
            }
            Action::Copied => s.copied = true,
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
/// browser's collator for that language ("Áustria" between "Austrália" and "Azerbaijão").
/// The browser's `Intl` does both jobs better than Rust could, and costs the bundle nothing.
fn countries(lang: rally_api::Lang) -> Vec<(String, String)> {
    let names = intl("DisplayNames", lang.tag(), Some(("type", "region")));
    let of = names.as_ref().and_then(|n| method(n, "of"));
    let pairs = js_sys::Array::new();
    for code in rally_api::validate::country_codes() {
        let name = match (&names, &of) {
            (Some(n), Some(f)) => f.call1(n, &code.into()).ok().and_then(|v| v.as_string()),
            _ => None,
        }
        .unwrap_or_else(|| code.to_owned());
        pairs.push(&js_sys::Array::of2(&name.into(), &code.into()));
    }
    // Sort by name with `Intl.Collator(lang).compare` on each pair's first element.
    if let Some(compare) = intl("Collator", lang.tag(), None)
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"compare".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let mut by_name = |a: wasm_bindgen::JsValue, b: wasm_bindgen::JsValue| {
            let first =
                |v: &wasm_bindgen::JsValue| js_sys::Reflect::get_u32(v, 0).unwrap_or_default();
            compare
                .call2(&wasm_bindgen::JsValue::NULL, &first(&a), &first(&b))
                .ok()
                .and_then(|v| v.as_f64())
                .map_or(0, |n| n as i32)
        };
        pairs.sort_by(&mut by_name);
    }
    pairs
        .iter()
        .map(|p| {
            let get = |i| {
                js_sys::Reflect::get_u32(&p, i)
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            (get(1), get(0))
        })
        .collect()
}

/// `new Intl[ctor]([tag], { key: value })`, where the browser has it.
fn intl(ctor: &str, tag: &str, option: Option<(&str, &str)>) -> Option<wasm_bindgen::JsValue> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor: js_sys::Function = js_sys::Reflect::get(&intl, &ctor.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let opts = js_sys::Object::new();
    if let Some((k, v)) = option {
        js_sys::Reflect::set(&opts, &k.into(), &v.into()).ok()?;
    }
    let args = js_sys::Array::of2(&js_sys::Array::of1(&tag.into()), &opts);
    js_sys::Reflect::construct(&ctor, &args).ok()
}

fn method(obj: &wasm_bindgen::JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(obj, &name.into())
        .ok()?
        .dyn_into()
        .ok()
}

fn to_request(form: &SignRequest, cfg: &Config) -> SignRequest {
    SignRequest {
        referral: cfg.referral.clone(),
        tracking: cfg.tracking.clone(),
        lang: Some(cfg.lang.tag().to_owned()),
        ..form.clone()
    }
}

#[component]
pub fn Petition(props: &Props) -> Html {
    let cfg = &props.config;
    let t = i18n::text(cfg.lang);
    let state = use_reducer(|| State::new(default_country()));
    let in_flight = use_mut_ref(|| false);
    let form_ref = use_node_ref();
    let thanks_ref = use_node_ref();
    // 249 localised, collated names: computed once, not on every keystroke.
    let country_list = use_memo(cfg.lang, |lang| countries(*lang));

    // Load the petition: the loader's prefetch when there is one, else a fresh request.
    {
        let state = state.clone();
        let cfg = cfg.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = match cfg.prefetch.clone() {
                    Some(p) => net::await_json::<PetitionView>(p).await,
                    None => {
                        net::get_json(&cfg.url(&routes::petition(&cfg.campaign, &cfg.petition)))
                            .await
                    }
                };
                state.dispatch(match result {
                    Ok(v) => Action::Loaded(v),
                    Err(_) => Action::LoadFailed,
                });
            });
        });
    }

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
                    let url = cfg.url(&routes::petition(&cfg.campaign, &cfg.petition));
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

    // After a failed validation, focus the first field at fault (screen readers then read its
    // error, which the field names in aria-describedby).
    {
        let form_ref = form_ref.clone();
        use_effect_with(state.error_round, move |round| {
            if *round > 0 {
                if let Some(el) = form_ref
                    .cast::<HtmlElement>()
                    .and_then(|f| f.query_selector("[aria-invalid='true']").ok().flatten())
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            }
        });
    }
    {
        let thanks_ref = thanks_ref.clone();
        use_effect_with(state.done.is_some(), move |done| {
            if *done {
                if let Some(h) = thanks_ref.cast::<HtmlElement>() {
                    let _ = h.focus();
                }
            }
        });
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
            if let Err(errors) = req.validate() {
                state.dispatch(Action::Invalid(
                    errors
                        .iter()
                        .map(|e| (e.field.to_owned(), e.code))
                        .collect(),
                ));
                return;
            }
            let key = state
                .idempotency_key
                .clone()
                .unwrap_or_else(net::new_idempotency_key);
            *in_flight.borrow_mut() = true;
            state.dispatch(Action::Submitting(key.clone()));
            let state = state.clone();
            let in_flight = in_flight.clone();
            let cfg = cfg.clone();
            let url = cfg.url(&routes::signatures(&cfg.campaign, &cfg.petition));
            wasm_bindgen_futures::spawn_local(async move {
                let result =
                    net::post_json::<SignResponse>(&url, &crate::wire::sign_request(&req), &key)
                        .await;
                *in_flight.borrow_mut() = false;
                if let Ok(SignResponse {
                    supporter_token: Some(token),
                    ..
                }) = &result
                {
                    crate::config::remember_supporter(&cfg.campaign, token);
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
        Load::Failed => return failed(cfg, t),
        Load::Ready(v) => v,
    };

    html! {
        <article class="petition" lang={cfg.lang.tag()}>
            <h2 class="title">{ &view.title }</h2>
            <p class="target">{ format!("{}: ", t.to) }<strong>{ &view.target }</strong></p>
            <p class="body">{ &view.body }</p>
            { counter(&state, cfg, t) }
            { recent(view, cfg, t) }
            if let Some(done) = &state.done {
                { thanks(&state, done, view, cfg, t, thanks_ref) }
            } else if view.status == PetitionStatus::Closed {
                <p class="notice" role="status">{ t.closed }</p>
            } else {
                { form(&state, &country_list, t, onsubmit, form_ref) }
            }
        </article>
    }
}

fn failed(cfg: &Config, t: &Text) -> Html {
    html! {
        <div class="failed" role="alert">
            <p>{ t.load_failed }</p>
            <a href={cfg.url(&routes::petition_page(&cfg.campaign, &cfg.petition))} target="_blank" rel="noopener">
                { t.open_page }
            </a>
        </div>
    }
}

fn counter(state: &State, cfg: &Config, t: &Text) -> Html {
    let Some((count, goal)) = state.count() else {
        return html! {};
    };
    let (n, g) = (i18n::number(count, cfg.lang), i18n::number(goal, cfg.lang));
    html! {
        <div class="counter">
            <p class="count" aria-live="polite" aria-atomic="true">
                <strong data-count={count.to_string()}>{ n }</strong>{ format!(" {} · {} {}", t.signatures, t.goal, g) }
            </p>
            <progress max={goal.to_string()} value={count.to_string()} aria-label={t.progress_label}></progress>
        </div>
    }
}

/// A country's name in the visitor's language (`BR` -> "Brasil"), or its code.
fn region_name(lang: rally_api::Lang, code: &str) -> String {
    intl("DisplayNames", lang.tag(), Some(("type", "region")))
        .and_then(|n| method(&n, "of")?.call1(&n, &code.into()).ok()?.as_string())
        .unwrap_or_else(|| code.to_owned())
}

fn recent(view: &PetitionView, cfg: &Config, t: &Text) -> Html {
    if view.recent.is_empty() {
        return html! {};
    }
    html! {
        <section class="recent" aria-label={t.recent}>
            <h3>{ t.recent }</h3>
            <ul>
                { for view.recent.iter().map(|r| {
                    let place = r.city.clone().unwrap_or_else(|| region_name(cfg.lang, &r.country));
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

fn error_text(state: &State, t: &Text, field: &str) -> Html {
    match state.error_for(field) {
        Some(code) => {
            html! { <p class="err" id={format!("err-{field}")}>{ t.field_error(code) }</p> }
        }
        None => html! {},
    }
}

fn form(
    state: &UseReducerHandle<State>,
    countries: &[(String, String)],
    t: &'static Text,
    onsubmit: Callback<SubmitEvent>,
    form_ref: NodeRef,
) -> Html {
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
    let on_country = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            state.dispatch(Action::Edit(Box::new(move |f| f.country = v)));
        })
    };
    let consent = |value: bool| {
        let state = state.clone();
        Callback::from(move |_: Event| {
            state.dispatch(Action::Edit(Box::new(move |f| {
                f.contact_consent = Some(value)
            })))
        })
    };
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
            { for text_inputs }
            <div class="field f-country">
                <label for="in-country">{ t.country }</label>
                <select id="in-country" name="country" autocomplete="country" required=true
                    aria-invalid={country_invalid.to_string()}
                    aria-describedby={country_invalid.then_some("err-country")}
                    onchange={on_country}>
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
                    checked={f.contact_consent == Some(true)} onchange={consent(true)} />{ t.consent_yes }</label>
                <label><input type="radio" name="contact_consent" value="no"
                    checked={f.contact_consent == Some(false)} onchange={consent(false)} />{ t.consent_no }</label>
                { error_text(state, t, "contact_consent") }
            </fieldset>
            <label class="show-name"><input type="checkbox" name="show_name" checked={f.show_name} onchange={on_show} />{ t.show_name }</label>
            <div class="hp" aria-hidden="true">
                <label for="in-website">{"Website"}</label>
                <input id="in-website" name="website" tabindex="-1" autocomplete="off" value={f.website.clone()} oninput={on_hp} />
            </div>
            { notice(state, t) }
            <button type="submit" disabled={state.submitting} aria-disabled={state.submitting.to_string()}>
                { if state.submitting { t.signing } else { t.sign } }
            </button>
        </form>
    }
}

fn notice(state: &State, t: &Text) -> Html {
    let Some(n) = state.notice else {
        return html! {};
    };
    let msg = match n {
        Notice::FixFields => t.fix_fields,
        Notice::Network => t.network,
        Notice::RateLimited => t.rate_limited,
        Notice::Closed => t.closed,
    };
    html! { <p class="notice" role="alert">{ msg }</p> }
}

fn thanks(
    state: &UseReducerHandle<State>,
    done: &SignResponse,
    view: &PetitionView,
    cfg: &Config,
    t: &'static Text,
    heading: NodeRef,
) -> Html {
    let title = if done.status == SignStatus::Signed {
        t.thanks
    } else {
        t.already_signed
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
                    <p class="q">{ t.will_you_share }</p>
                    <p class="why">{ t.share_why }</p>
                    <div class="row">
                        <button type="button" class="primary" onclick={yes}>{ t.yes_share }</button>
                        <button type="button" class="secondary" onclick={no}>{ t.not_now }</button>
                    </div>
                </div>
            }
        }
        ShareStep::Declined => html! { <p class="closing">{ t.closing }</p> },
        ShareStep::Sharing => share_step(state, done, view, cfg, t),
    };
    html! {
        <section class="thanks">
            <h3 tabindex="-1" ref={heading}>{ title }</h3>
            { step }
        </section>
    }
}

fn share_step(
    state: &UseReducerHandle<State>,
    done: &SignResponse,
    view: &PetitionView,
    cfg: &Config,
    t: &'static Text,
) -> Html {
    let link = share::personal_link(&cfg.page_url, &done.ref_code, "link");
    let targets = share::targets(
        &cfg.page_url,
        &done.ref_code,
        &view.title,
        t.share_text,
        t.email,
    );
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
        let title = view.title.clone();
        Callback::from(move |_| {
            if let Some(n) = web_sys::window().map(|w| w.navigator()) {
                let data = web_sys::ShareData::new();
                data.set_title(&title);
                data.set_text(t.share_text);
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
