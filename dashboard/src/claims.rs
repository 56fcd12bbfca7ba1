//! The fact-check queue: publish a verdict, merge duplicates, split a claim's reports.

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::{call, field_errors, get, items, n, obj, s, use_json, BaseProps};

#[component]
pub fn FactChecks(props: &BaseProps) -> Html {
    let reload = use_state(|| 0u32);
    let data = use_json(format!("{}/claims", props.base), *reload);
    let message = use_state(|| None::<String>);
    let Some(v) = &*data else {
        return html! { <p role="status">{ "Loading…" }</p> };
    };
    let claims = items(v);
    let others: Vec<(String, String)> = claims.iter().map(|c| (s(c, "id"), s(c, "text"))).collect();
    let done = {
        let (reload, message) = (reload.clone(), message.clone());
        Callback::from(move |m: String| {
            message.set(Some(m));
            reload.set(*reload + 1);
        })
    };
    html! {
        <section aria-labelledby="claims-h">
            <h2 id="claims-h">{ "Fact-check queue" }</h2>
            if let Some(m) = &*message { <p role="status" class="msg">{ m }</p> }
            if claims.is_empty() { <p>{ "Nothing waiting." }</p> }
            { for claims.iter().map(|c| {
                let id = s(c, "id");
                let verdict = NodeRef::default();
                let explanation = NodeRef::default();
                let wording = NodeRef::default();
                let sources = NodeRef::default();
                let publish = {
                    let (base, id, verdict, explanation, wording, sources, reload, message) = (props.base.clone(), id.clone(), verdict.clone(), explanation.clone(), wording.clone(), sources.clone(), reload.clone(), message.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        let v = verdict.cast::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
                        let x = explanation.cast::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
                        let w = wording.cast::<web_sys::HtmlInputElement>().map(|t| t.value()).unwrap_or_default();
                        let src = sources.cast::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
                        let body = obj(&[
                            ("status", "published".into()), ("verdict", v.into()), ("explanation", x.into()),
                            ("text", w.into()), ("sources", parse_sources(&src)),
                        ]);
                        let (path, reload, message) = (format!("{base}/claims/{id}"), reload.clone(), message.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match call("PATCH", &path, Some(&body)).await {
                                Ok((200, _)) => { message.set(Some("Published.".into())); reload.set(*reload + 1); }
                                Ok((_, v)) => message.set(Some(format!("Not published: {}.", field_errors(&v).into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("; ")))),
                                Err(e) => message.set(Some(e)),
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
                            <label for={format!("w-{id}")}>{ "The claim, as the rebuttal will state it" }</label>
                            <input id={format!("w-{id}")} ref={wording} value={s(c, "text")} />
                            <label for={format!("x-{id}")}>{ "Explanation" }</label>
                            <textarea id={format!("x-{id}")} rows="3" ref={explanation} />
                            <label for={format!("s-{id}")}>{ "Sources: one a line, a title then its https:// link" }</label>
                            <textarea id={format!("s-{id}")} class="sources" rows="2" ref={sources} />
                            <button type="submit">{ "Publish" }</button>
                        </form>
                        <ClaimTools base={props.base.clone()} id={id.clone()} others={others.iter().filter(|(o, _)| *o != id).cloned().collect::<Vec<_>>()} on_done={done.clone()} />
                    </article>
                }
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ToolsProps {
    base: String,
    id: String,
    /// The other claims in the queue: `(id, text)`.
    others: Vec<(String, String)>,
    on_done: Callback<String>,
}

/// Merge this claim into another, or split some of its reports into a new claim.
#[component]
fn ClaimTools(props: &ToolsProps) -> Html {
    let into = use_node_ref();
    let reports = use_state(|| None::<Vec<JsValue>>);
    let checked = use_state(Vec::<u64>::new);
    let error = use_state(|| None::<String>);
    let id = &props.id;
    let merge = {
        let (path, into, done, error) = (
            format!("{}/claims/{id}/merge", props.base),
            into.clone(),
            props.on_done.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let target = into
                .cast::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let (path, done, error) = (path.clone(), done.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call("POST", &path, Some(&obj(&[("into", target.into())]))).await {
                    Ok((200, v)) => done.emit(format!(
                        "Merged: the claim now has {} reports.",
                        n(&v, "reports")
                    )),
                    Ok((_, v)) => error.set(Some(s(&get(&v, "error"), "message"))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let show = {
        let (path, reports) = (format!("{}/claims/{id}", props.base), reports.clone());
        Callback::from(move |_| {
            let (path, reports) = (path.clone(), reports.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok((200, v)) = call("GET", &path, None).await {
                    reports.set(Some(items(&get(&v, "latest"))));
                }
            });
        })
    };
    let split = {
        let (path, checked, done, error) = (
            format!("{}/claims/{id}/split", props.base),
            checked.clone(),
            props.on_done.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let list: js_sys::Array = checked
                .iter()
                .map(|r| JsValue::from_f64(*r as f64))
                .collect();
            let (path, done, error) = (path.clone(), done.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match call("POST", &path, Some(&obj(&[("reports", list.into())]))).await {
                    Ok((201, v)) => done.emit(format!(
                        "Split: a new claim with {} reports.",
                        n(&v, "reports")
                    )),
                    Ok((_, v)) => error.set(Some(s(&get(&v, "error"), "message"))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <div class="tools">
            if !props.others.is_empty() {
                <form class="merge" onsubmit={merge}>
                    <label for={format!("m-{id}")}>{ "Same rumour as" }</label>
                    <select id={format!("m-{id}")} ref={into}>
                        { for props.others.iter().map(|(o, text)| html! { <option value={o.clone()}>{ text.chars().take(80).collect::<String>() }</option> }) }
                    </select>
                    <button type="submit">{ "Merge into it" }</button>
                </form>
            }
            { match &*reports {
                None => html! { <button type="button" class="show-reports" onclick={show}>{ "Reports…" }</button> },
                Some(list) => html! {
                    <form class="split" onsubmit={split}>
                        <fieldset>
                            <legend>{ "Reports: check the ones about another rumour" }</legend>
                            { for list.iter().map(|r| {
                                let rid = n(r, "id");
                                let toggle = {
                                    let checked = checked.clone();
                                    Callback::from(move |_| {
                                        let mut c = (*checked).clone();
                                        if let Some(i) = c.iter().position(|x| *x == rid) { c.remove(i); } else { c.push(rid); }
                                        checked.set(c);
                                    })
                                };
                                html! {
                                    <label class="report">
                                        <input type="checkbox" value={rid.to_string()} checked={checked.contains(&rid)} onchange={toggle} />
                                        { s(r, "claim") }
                                    </label>
                                }
                            }) }
                        </fieldset>
                        <button type="submit" disabled={checked.is_empty()}>{ "Split the checked into a new claim" }</button>
                    </form>
                },
            } }
            if let Some(e) = &*error { <p class="err" role="alert">{ e }</p> }
        </div>
    }
}

/// Sources typed one a line, "Title https://link": `[{ title, url }]`. A line without a link is
/// sent as a title with an empty URL, so the edge names the problem.
fn parse_sources(text: &str) -> JsValue {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (title, url) = match line.find("http") {
                Some(at) => (&line[..at], &line[at..]),
                None => (line, ""),
            };
            let title = title.trim().trim_end_matches(['-', '—', '|', ':']).trim();
            obj(&[("title", title.into()), ("url", url.trim().into())])
        })
        .collect::<js_sys::Array>()
        .into()
}
