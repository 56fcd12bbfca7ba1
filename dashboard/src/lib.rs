//! Rally's staff dashboard: sign in with a credential, then the campaign's numbers (SVG charts),
//! exports, the fact-check queue and the audit log. Its own bundle, served by the edge at
//! `/dashboard/`, so it never weighs on the embed; it talks only to its own origin, where the
//! session cookie (`HttpOnly; SameSite=Strict`) goes with every request.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

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
async fn call(method: &str, path: &str, body: Option<&JsValue>) -> Result<(u16, JsValue), String> {
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

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn s(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn n(v: &JsValue, key: &str) -> u64 {
    get(v, key).as_f64().unwrap_or(0.0) as u64
}

fn items(v: &JsValue) -> Vec<JsValue> {
    js_sys::Array::from(v).iter().collect()
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
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
                Tab::Overview => html! { <Overview base={base.clone()} /> },
                Tab::Supporters => html! { <Supporters base={base.clone()} /> },
                Tab::Exports => exports(&base),
                Tab::FactChecks => html! { <FactChecks base={base.clone()} /> },
                Tab::Audit => html! { <Audit base={base.clone()} /> },
            } }
        </main>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct BaseProps {
    base: String,
}

/// Loads `path` once; `None` while loading.
#[hook]
fn use_json(path: String, reload: u32) -> UseStateHandle<Option<JsValue>> {
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

/// A bar chart of `values` as SVG, with a text alternative.
fn bars(title: &str, labels: &[String], values: &[u64]) -> Html {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (640.0, 160.0);
    let step = w / values.len().max(1) as f64;
    let total: u64 = values.iter().sum();
    html! {
        <figure class="chart">
            <figcaption>{ format!("{title}: {total} in all") }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("{title}, {total} in all")}>
                { for values.iter().enumerate().map(|(i, v)| {
                    let bh = (*v as f64 / max as f64) * (h - 10.0);
                    html! {
                        <rect x={format!("{:.1}", i as f64 * step + 1.0)} y={format!("{:.1}", h - bh)}
                            width={format!("{:.1}", (step - 2.0).max(1.0))} height={format!("{bh:.1}")}>
                            <title>{ format!("{}: {v}", labels.get(i).cloned().unwrap_or_default()) }</title>
                        </rect>
                    }
                }) }
            </svg>
        </figure>
    }
}

#[component]
fn Overview(props: &BaseProps) -> Html {
    let data = use_json(format!("{}/overview", props.base), 0);
    let Some(v) = &*data else {
        return html! { <p role="status">{ "Loading…" }</p> };
    };
    let kinds: Vec<String> = items(&get(v, "kinds"))
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    let totals = items(&get(v, "totals"));
    let series = |key: &str, kind: usize| -> (Vec<String>, Vec<u64>) {
        items(&get(v, key))
            .iter()
            .map(|p| {
                let at = js_sys::Date::new(&get(p, "at"));
                let label: String = at.to_iso_string().into();
                let count = js_sys::Reflect::get_u32(&get(p, "counts"), kind as u32)
                    .ok()
                    .and_then(|c| c.as_f64())
                    .unwrap_or(0.0) as u64;
                (label, count)
            })
            .unzip()
    };
    let sign = kinds.iter().position(|k| k == "sign").unwrap_or(0);
    let (day_labels, days) = series("daily", sign);
    let (hour_labels, hours) = series("hourly", sign);
    html! {
        <section aria-labelledby="overview-h">
            <h2 id="overview-h">{ "Overview" }</h2>
            <table class="totals">
                <thead><tr><th scope="col">{ "Action" }</th><th scope="col">{ "Today" }</th><th scope="col">{ "This week" }</th><th scope="col">{ "All time" }</th></tr></thead>
                <tbody>
                    { for kinds.iter().zip(totals.iter()).map(|(k, t)| html! {
                        <tr data-kind={k.clone()}>
                            <th scope="row">{ k.clone() }</th>
                            <td class="today">{ n(t, "today") }</td>
                            <td class="week">{ n(t, "week") }</td>
                            <td class="all">{ n(t, "all") }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="note">{ "Periods are UTC." }</p>
            { bars("Signatures per day, last 35 days", &day_labels, &days) }
            { bars("Signatures per hour, last 48 hours", &hour_labels, &hours) }
        </section>
    }
}

fn exports(base: &str) -> Html {
    let files = [
        ("signatures", "Signatures"),
        ("commitments", "Pledge commitments"),
        ("supporters", "Supporters"),
    ];
    html! {
        <section aria-labelledby="exports-h">
            <h2 id="exports-h">{ "Exports" }</h2>
            <p>{ "CSV files with consent columns. Cells that a spreadsheet would run as formulas are neutralised." }</p>
            <ul class="exports">
                { for files.iter().map(|(what, label)| html! {
                    <li><a class={format!("export-{what}")} href={format!("{base}/exports/{what}")} download="">{ *label }</a></li>
                }) }
                <li><a class="export-claims" href={format!("{base}/claims/export?format=csv")} download="">{ "Fact-check claims" }</a></li>
            </ul>
        </section>
    }
}

#[component]
fn FactChecks(props: &BaseProps) -> Html {
    let reload = use_state(|| 0u32);
    let data = use_json(format!("{}/claims", props.base), *reload);
    let message = use_state(|| None::<String>);
    let Some(v) = &*data else {
        return html! { <p role="status">{ "Loading…" }</p> };
    };
    let claims = items(v);
    html! {
        <section aria-labelledby="claims-h">
            <h2 id="claims-h">{ "Fact-check queue" }</h2>
            if let Some(m) = &*message { <p role="status" class="msg">{ m }</p> }
            if claims.is_empty() { <p>{ "Nothing waiting." }</p> }
            { for claims.iter().map(|c| {
                let id = s(c, "id");
                let verdict = NodeRef::default();
                let explanation = NodeRef::default();
                let publish = {
                    let (base, id, verdict, explanation, reload, message) = (props.base.clone(), id.clone(), verdict.clone(), explanation.clone(), reload.clone(), message.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        let v = verdict.cast::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
                        let x = explanation.cast::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
                        let body = obj(&[("status", "published".into()), ("verdict", v.into()), ("explanation", x.into())]);
                        let (path, reload, message) = (format!("{base}/claims/{id}"), reload.clone(), message.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match call("PATCH", &path, Some(&body)).await {
                                Ok((200, _)) => { message.set(Some("Published.".into())); reload.set(*reload + 1); }
                                Ok((403, _)) => message.set(Some("Your role may not publish.".into())),
                                _ => message.set(Some("Not published: give a verdict and an explanation.".into())),
                            }
                        });
                    })
                };
                html! {
                    <article class="claim" id={format!("c-{id}")}>
                        <h3>{ s(c, "text") }</h3>
                        <p class="meta">{ format!("{} reports · {}", n(c, "reports"), s(c, "status")) }</p>
                        <form class="publish" onsubmit={publish}>
                            <label for={format!("v-{id}")}>{ "Verdict" }</label>
                            <select id={format!("v-{id}")} ref={verdict}>
                                { for rally_api::Verdict::ALL.iter().map(|v| html! { <option value={v.as_str()}>{ v.label() }</option> }) }
                            </select>
                            <label for={format!("x-{id}")}>{ "Explanation" }</label>
                            <textarea id={format!("x-{id}")} rows="3" ref={explanation} />
                            <button type="submit">{ "Publish" }</button>
                        </form>
                    </article>
                }
            }) }
        </section>
    }
}

/// Find a supporter, download their data, erase them (with a confirmation step).
#[component]
fn Supporters(props: &BaseProps) -> Html {
    let query = use_node_ref();
    let found = use_state(|| None::<Vec<JsValue>>);
    let message = use_state(|| None::<String>);
    let confirm = use_state(|| None::<u64>);
    let search = {
        let (base, query, found, message) = (
            props.base.clone(),
            query.clone(),
            found.clone(),
            message.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let q = query
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let path = format!(
                "{base}/supporters?q={}",
                String::from(js_sys::encode_uri_component(&q))
            );
            let (found, message) = (found.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call("GET", &path, None).await {
                    Ok((200, v)) => {
                        message.set(None);
                        found.set(Some(items(&v)));
                    }
                    Ok((403, _)) => {
                        message.set(Some("Your role may not see supporters' details.".into()))
                    }
                    _ => message.set(Some(
                        "Search with an email or at least two letters of a name.".into(),
                    )),
                }
            });
        })
    };
    let rows = found.as_ref().map(|list| {
        list.iter()
            .map(|p| {
                let id = n(p, "id");
                let ask = { let confirm = confirm.clone(); Callback::from(move |_| confirm.set(Some(id))) };
                let erase = {
                    let (base, found, message, confirm) = (props.base.clone(), found.clone(), message.clone(), confirm.clone());
                    Callback::from(move |_| {
                        let (path, found, message, confirm) = (format!("{base}/supporters/{id}"), found.clone(), message.clone(), confirm.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            confirm.set(None);
                            match call("DELETE", &path, None).await {
                                Ok((200, v)) => {
                                    message.set(Some(format!(
                                        "Erased. Their {} signatures and {} pledges still count, without their details.",
                                        n(&v, "signatures_kept"), n(&v, "commitments_kept")
                                    )));
                                    found.set(None);
                                }
                                Ok((403, _)) => message.set(Some("Only owners may erase a supporter.".into())),
                                _ => message.set(Some("Not erased: try again.".into())),
                            }
                        });
                    })
                };
                html! {
                    <tr data-id={id.to_string()}>
                        <td>{ format!("{} {}", s(p, "first_name"), s(p, "last_name")) }</td>
                        <td>{ s(p, "email") }</td>
                        <td>{ n(p, "points") }</td>
                        <td>
                            <a class="person-data" href={format!("{}/supporters/{id}", props.base)} download="">{ "Their data" }</a>
                            if *confirm == Some(id) {
                                <button type="button" class="erase-confirm" onclick={erase}>{ "Yes, erase for good" }</button>
                            } else {
                                <button type="button" class="erase" onclick={ask}>{ "Erase…" }</button>
                            }
                        </td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    html! {
        <section aria-labelledby="people-h">
            <h2 id="people-h">{ "Supporters" }</h2>
            <form class="search" onsubmit={search}>
                <label for="q">{ "Email or name" }</label>
                <input id="q" name="q" type="search" ref={query} />
                <button type="submit">{ "Search" }</button>
            </form>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            if let Some(rows) = rows {
                <table class="people">
                    <thead><tr><th scope="col">{ "Name" }</th><th scope="col">{ "Email" }</th><th scope="col">{ "Points" }</th><th scope="col">{ "Actions" }</th></tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            }
        </section>
    }
}

#[component]
fn Audit(props: &BaseProps) -> Html {
    let data = use_json(format!("{}/audit", props.base), 0);
    let Some(v) = &*data else {
        return html! { <p role="status">{ "Loading…" }</p> };
    };
    html! {
        <section aria-labelledby="audit-h">
            <h2 id="audit-h">{ "Audit log" }</h2>
            <table class="audit">
                <thead><tr><th scope="col">{ "When (UTC)" }</th><th scope="col">{ "Who" }</th><th scope="col">{ "What" }</th><th scope="col">{ "Detail" }</th></tr></thead>
                <tbody>
                    { for items(v).iter().map(|e| {
                        let at: String = js_sys::Date::new(&get(e, "at")).to_iso_string().into();
                        html! { <tr><td>{ at }</td><td>{ s(e, "staff") }</td><td>{ s(e, "action") }</td><td>{ s(e, "detail") }</td></tr> }
                    }) }
                </tbody>
            </table>
        </section>
    }
}
