//! Rally's staff dashboard: sign in with a credential, then the campaign's numbers (SVG charts),
//! exports, the fact-check queue and the audit log. Its own bundle, served by the edge at
//! `/dashboard/`, so it never weighs on the embed; it talks only to its own origin, where the
//! session cookie (`HttpOnly; SameSite=Strict`) goes with every request.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

mod builder;
mod claims;
mod members;
mod overview;
mod people;
mod settings;

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

/// A JSON request to the edge (same origin, with the session cookie); the parsed answer and
/// the status.
pub(crate) async fn call(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
) -> Result<(u16, JsValue), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some(b) = body {
        let headers = web_sys::Headers::new().map_err(|_| "headers")?;
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(&headers);
        init.set_body(&js_sys::JSON::stringify(b).map_err(|_| "json")?.into());
    }
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| "the edge did not answer")?
        .dyn_into()
        .map_err(|_| "not a response")?;
    let text = JsFuture::from(resp.text().map_err(|_| "body")?)
        .await
        .map_err(|_| "body")?
        .as_string()
        .unwrap_or_default();
    let value = if text.is_empty() {
        JsValue::NULL
    } else {
        js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
    };
    Ok((resp.status(), value))
}

pub(crate) fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub(crate) fn s(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

pub(crate) fn n(v: &JsValue, key: &str) -> u64 {
    get(v, key).as_f64().unwrap_or(0.0) as u64
}

pub(crate) fn items(v: &JsValue) -> Vec<JsValue> {
    js_sys::Array::from(v).iter().collect()
}

pub(crate) fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// Who is signed in.
#[derive(Clone, PartialEq)]
struct Session {
    campaign: String,
    name: String,
    role: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Overview,
    Supporters,
    Exports,
    FactChecks,
    Widgets,
    Staff,
    Settings,
    Audit,
}

#[component]
fn App() -> Html {
    let session = use_state(|| None::<Option<Session>>);
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let who = match call("GET", "/api/v1/staff/session", None).await {
                    Ok((200, v)) => Some(Session {
                        campaign: s(&v, "campaign"),
                        name: s(&v, "name"),
                        role: s(&v, "role"),
                    }),
                    _ => None,
                };
                session.set(Some(who));
            });
        });
    }
    match &*session {
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
                        let _ = call("DELETE", "/api/v1/staff/session", None).await;
                        session.set(Some(None));
                    });
                })
            };
            html! { <Signed who={who.clone()} on_sign_out={out} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct SignInProps {
    on_signed_in: Callback<Session>,
}

#[component]
fn SignIn(props: &SignInProps) -> Html {
    let key = use_node_ref();
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let key = key.clone();
        let error = error.clone();
        let done = props.on_signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = key
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let (error, done) = (error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call(
                    "POST",
                    "/api/v1/staff/session",
                    Some(&obj(&[("key", value.into())])),
                )
                .await
                {
                    Ok((201, v)) => done.emit(Session {
                        campaign: s(&v, "campaign"),
                        name: s(&v, "name"),
                        role: s(&v, "role"),
                    }),
                    Ok((429, _)) => error.set(Some(
                        "Too many attempts. Wait a minute and try again.".into(),
                    )),
                    Ok(_) => error.set(Some("This credential is not valid.".into())),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <main class="signin">
            <h1>{ "Rally staff" }</h1>
            <form {onsubmit}>
                <label for="key">{ "Your staff credential" }</label>
                <input id="key" name="key" type="password" autocomplete="current-password" required=true ref={key}
                    aria-invalid={error.is_some().to_string()} aria-describedby={error.is_some().then_some("key-error")} />
                if let Some(e) = &*error { <p class="err" id="key-error" role="alert">{ e }</p> }
                <button type="submit">{ "Sign in" }</button>
            </form>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct SignedProps {
    who: Session,
    on_sign_out: Callback<MouseEvent>,
}

#[component]
fn Signed(props: &SignedProps) -> Html {
    let tab = use_state(|| Tab::Overview);
    let who = &props.who;
    let base = format!("/api/v1/campaigns/{}/staff", who.campaign);
    let tabs = [
        (Tab::Overview, "Overview"),
        (Tab::Supporters, "Supporters"),
        (Tab::Exports, "Exports"),
        (Tab::FactChecks, "Fact-checks"),
        (Tab::Widgets, "Widgets"),
        (Tab::Staff, "Staff"),
        (Tab::Settings, "Settings"),
        (Tab::Audit, "Audit log"),
    ];
    html! {
        <>
        <header>
            <h1>{ format!("Rally · {}", who.campaign) }</h1>
            <p class="who">{ format!("{} ({})", who.name, who.role) }</p>
            <button type="button" class="out" onclick={props.on_sign_out.clone()}>{ "Sign out" }</button>
        </header>
        <nav aria-label="Sections">
            { for tabs.iter().map(|(t, label)| {
                let set = { let tab = tab.clone(); let t = *t; Callback::from(move |_| tab.set(t)) };
                html! { <button type="button" aria-pressed={(*tab == *t).to_string()} onclick={set}>{ *label }</button> }
            }) }
        </nav>
        <main>
            { match *tab {
                Tab::Overview => html! { <overview::Overview base={base.clone()} /> },
                Tab::Supporters => html! { <people::Supporters base={base.clone()} /> },
                Tab::Exports => overview::exports(&base),
                Tab::FactChecks => html! { <claims::FactChecks base={base.clone()} /> },
                Tab::Widgets => html! { <builder::Builder base={base.clone()} campaign={who.campaign.clone()} /> },
                Tab::Staff if who.role == "owner" => html! { <members::Members base={base.clone()} /> },
                Tab::Staff => html! { <p class="note">{ "Only owners manage staff." }</p> },
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

/// Loads `path` once; `None` while loading.
#[hook]
pub(crate) fn use_json(path: String, reload: u32) -> UseStateHandle<Option<JsValue>> {
    let data = use_state(|| None);
    {
        let data = data.clone();
        use_effect_with((path, reload), move |(path, _)| {
            let path = path.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok((200, v)) = call("GET", &path, None).await {
                    data.set(Some(v));
                }
            });
        });
    }
    data
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

/// Copies `text` to the clipboard.
pub(crate) fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let clipboard = get(&w.navigator(), "clipboard");
        if let Ok(write) = get(&clipboard, "writeText").dyn_into::<js_sys::Function>() {
            let _ = write.call1(&clipboard, &text.into());
        }
    }
}

/// The `{ field: message }` of a refusal's field errors, in the order the edge gave them.
pub(crate) fn field_errors(body: &JsValue) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = items(&get(body, "errors"))
        .iter()
        .map(|e| (s(e, "field"), s(e, "message")))
        .collect();
    if out.is_empty() {
        let e = get(body, "error");
        out.push((s(&e, "field"), s(&e, "message")));
    }
    out
}
