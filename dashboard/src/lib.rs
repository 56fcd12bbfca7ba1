//! Rally's staff dashboard: sign in with a credential, then the campaign's numbers (SVG charts),
//! exports, the fact-check queue and the audit log. Its own bundle, served by the edge at
//! `/dashboard/`, so it never weighs on the embed; it talks only to its own origin, where the
//! session cookie (`HttpOnly; SameSite=Strict`) goes with every request.
//!
//! Every answer is read as its `rally-api` type ([`net`]); every tab loads through
//! [`hooks::use_fetch`] (a failure is shown with a retry) and sends through
//! [`hooks::use_submit`].

use gloo_net::http::Method;
use rally_api::staff::SignIn as Credential;
use rally_api::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::hooks::use_submit;

mod action_network;
mod actions;
mod builder;
mod claims;
mod exports;
mod hooks;
mod integrations;
mod ladder;
mod members;
mod messages;
mod net;
mod overview;
mod people;
mod roster;
mod settings;
mod turnstile;
mod words;

/// Starts the dashboard in `#app`.
#[wasm_bindgen]
pub fn start() -> Result<(), JsValue> {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .ok_or("no #app element")?;
    yew::Renderer::<App>::with_root(root).render();
    Ok(())
}

/// Who is signed in.
type Session = rally_api::staff::SessionView;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Overview,
    Ladder,
    Actions,
    Supporters,
    Teams,
    Exports,
    FactChecks,
    Widgets,
    Staff,
    Integrations,
    Messages,
    Settings,
    Audit,
}

#[component]
fn App() -> Html {
    // `None` until the edge says who the session cookie is (if anyone).
    let session = use_state(|| None::<Option<Session>>);
    // The language: each staff member's own choice on this browser, else the browser's.
    let key = match &*session {
        Some(Some(who)) => format!("{LANG_KEY}:{}:{}", who.campaign, who.name),
        _ => LANG_KEY.to_owned(),
    };
    let lang = use_state(|| words::chosen(LANG_KEY));
    {
        let (lang, key) = (lang.clone(), key.clone());
        use_effect_with(key, move |key| lang.set(words::chosen(key)));
    }
    let choose = {
        let lang = lang.clone();
        Callback::from(move |l: Lang| {
            words::choose(&key, l);
            words::choose(LANG_KEY, l);
            lang.set(l);
        })
    };
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.tag());
    }
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let who = net::get::<Session>("/api/v1/staff/session").await.ok();
                session.set(Some(who));
            });
        });
    }
    let page = match &*session {
        None => html! { <p role="status">{ "…" }</p> },
        Some(None) => {
            html! { <SignIn on_signed_in={Callback::from(move |s| session.set(Some(Some(s))))} /> }
        }
        Some(Some(who)) => {
            let out = {
                let session = session.clone();
                Callback::from(move |_| {
                    let session = session.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ =
                            net::send::<()>(Method::DELETE, "/api/v1/staff/session", None::<&()>)
                                .await;
                        session.set(Some(None));
                    });
                })
            };
            html! { <Signed who={who.clone()} on_sign_out={out} on_lang={choose} /> }
        }
    };
    html! { <ContextProvider<Lang> context={*lang}>{ page }</ContextProvider<Lang>> }
}

/// Where the dashboard's language choice is kept (per staff member: `:<campaign>:<name>`).
const LANG_KEY: &str = "rally:dashboard-lang";

#[derive(Properties, PartialEq)]
struct SignInProps {
    on_signed_in: Callback<Session>,
}

#[component]
fn SignIn(props: &SignInProps) -> Html {
    let key = use_node_ref();
    let submit = use_submit();
    let onsubmit = {
        let (key, submit, done) = (key.clone(), submit.clone(), props.on_signed_in.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = Credential {
                key: key
                    .cast::<web_sys::HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default(),
            };
            let done = done.clone();
            submit.run(
                async move {
                    net::send::<Session>(Method::POST, "/api/v1/staff/session", Some(&body)).await
                },
                move |answer| {
                    if let Ok(who) = answer {
                        done.emit(who);
                    }
                },
            );
        })
    };
    let w = words::words(use_context::<Lang>().unwrap_or_default());
    let error = submit.failure().map(|f| match f.status {
        429 => w.too_many.to_owned(),
        0 => f.message.clone(),
        _ => w.not_valid.to_owned(),
    });
    html! {
        <main class="signin">
            <h1>{ w.staff_title }</h1>
            <form {onsubmit}>
                <label for="key">{ w.credential }</label>
                <input id="key" name="key" type="password" autocomplete="current-password" required=true ref={key}
                    aria-invalid={error.is_some().to_string()} aria-describedby={error.is_some().then_some("key-error")} />
                if let Some(e) = &error { <p class="err" id="key-error" role="alert">{ e }</p> }
                <button type="submit" disabled={submit.busy()}>{ w.sign_in }</button>
            </form>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct SignedProps {
    who: Session,
    on_sign_out: Callback<MouseEvent>,
    on_lang: Callback<Lang>,
}

#[component]
fn Signed(props: &SignedProps) -> Html {
    let tab = use_state(|| Tab::Overview);
    let who = &props.who;
    let base = format!("/api/v1/campaigns/{}/staff", who.campaign);
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words::words(lang);
    let t = w.tabs;
    let tabs = [
        (Tab::Overview, t[0]),
        (Tab::Ladder, ladder::words(lang).title),
        (Tab::Actions, actions::words(lang).tab),
        (Tab::Supporters, t[1]),
        (Tab::Teams, roster::words(lang).teams),
        (Tab::Exports, t[2]),
        (Tab::FactChecks, t[3]),
        (Tab::Widgets, t[4]),
        (Tab::Staff, t[5]),
        (Tab::Integrations, t[6]),
        (Tab::Messages, t[7]),
        (Tab::Settings, t[8]),
        (Tab::Audit, t[9]),
    ];
    // The ladder report's numbers open the people on that rung in the Supporters tab.
    let rung = use_state(|| None::<String>);
    let on_people = {
        let (tab, rung) = (tab.clone(), rung.clone());
        Callback::from(move |slug: String| {
            rung.set(Some(slug));
            tab.set(Tab::Supporters);
        })
    };
    let on_lang = {
        let on_lang = props.on_lang.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
                .unwrap_or_default();
            if let Some(l) = Lang::from_tag(&v) {
                on_lang.emit(l);
            }
        })
    };
    html! {
        <>
        <header>
            <h1>{ format!("Rally · {}", who.campaign) }</h1>
            <p class="who">{ format!("{} ({})", who.name, who.role) }</p>
            <label for="dash-lang">{ w.language }</label>
            <select id="dash-lang" class="lang" onchange={on_lang}>
                { for [(Lang::En, "English"), (Lang::PtBr, "Português (Brasil)"), (Lang::Es, "Español")].into_iter().map(|(l, name)| html! {
                    <option value={l.tag()} lang={l.tag()} selected={l == lang}>{ name }</option>
                }) }
            </select>
            <button type="button" class="out" onclick={props.on_sign_out.clone()}>{ w.sign_out }</button>
        </header>
        <nav aria-label={w.sections}>
            { for tabs.into_iter().map(|(t, label)| {
                let set = { let (tab, rung) = (tab.clone(), rung.clone()); Callback::from(move |_| { rung.set(None); tab.set(t) }) };
                html! { <button type="button" aria-pressed={(*tab == t).to_string()} onclick={set}>{ label }</button> }
            }) }
        </nav>
        <main>
            { match *tab {
                Tab::Overview => html! { <overview::Overview base={base.clone()} /> },
                Tab::Ladder => html! { <ladder::Ladder base={base.clone()} can_edit={who.role == "owner" || who.role == "organiser"} on_people={on_people.clone()} /> },
                Tab::Actions => html! { <actions::Actions base={base.clone()} can_edit={who.role == "owner" || who.role == "organiser"} /> },
                Tab::Supporters => html! {
                    <>
                    <roster::PeopleList base={base.clone()} can_act={who.role == "owner" || who.role == "organiser"} />
                    <people::Supporters base={base.clone()} rung={(*rung).clone()} />
                    </>
                },
                Tab::Teams => html! { <roster::Teams base={base.clone()} can_act={who.role == "owner" || who.role == "organiser"} /> },
                Tab::Exports => html! { <exports::Exports base={base.clone()} /> },
                Tab::FactChecks => html! { <claims::FactChecks base={base.clone()} /> },
                Tab::Widgets => html! { <builder::Builder base={base.clone()} campaign={who.campaign.clone()} /> },
                Tab::Staff if who.role == "owner" => html! { <members::Members base={base.clone()} /> },
                Tab::Staff => html! { <p class="note">{ w.only_owners_staff }</p> },
                Tab::Integrations if who.role == "owner" => html! { <integrations::Integrations base={base.clone()} /> },
                Tab::Integrations => html! { <p class="note">{ w.only_owners_integrations }</p> },
                Tab::Messages => html! { <messages::Messages base={base.clone()} can_resend={who.role == "owner" || who.role == "organiser"} /> },
                Tab::Settings => html! { <settings::Settings base={base.clone()} owner={who.role == "owner"} /> },
                Tab::Audit => html! { <people::Audit base={base.clone()} /> },
            } }
        </main>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct BaseProps {
    pub base: String,
}

/// Waits `ms` milliseconds (a debounce in the builder's preview).
pub(crate) async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// The input named `name` in form `form`, if there is one.
pub(crate) fn form_input(
    form: &web_sys::HtmlFormElement,
    name: &str,
) -> Option<web_sys::HtmlInputElement> {
    use wasm_bindgen::JsCast;
    form.query_selector(&format!("[name='{name}']"))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
}

/// Copies `text` to the clipboard.
pub(crate) fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}
