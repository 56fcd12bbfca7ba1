//! Supporters (search, their data, erasure) and the staff audit log.

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::{call, get, items, n, s, use_json, BaseProps};

/// Find a supporter, download their data, erase them (with a confirmation step).
#[component]
pub fn Supporters(props: &BaseProps) -> Html {
    let query = use_node_ref();
    let found = use_state(|| None::<Vec<JsValue>>);
    let message = use_state(|| None::<String>);
    let confirm = use_state(|| None::<u64>);
    // One person's record, read on request (each read is in the audit log).
    let shown = use_state(|| None::<(u64, JsValue)>);
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
                let show = {
                    let (path, shown) = (format!("{}/supporters/{id}", props.base), shown.clone());
                    Callback::from(move |_| {
                        let (path, shown) = (path.clone(), shown.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Ok((200, v)) = call("GET", &path, None).await {
                                shown.set(Some((id, v)));
                            }
                        });
                    })
                };
                let record = shown.as_ref().filter(|(i, _)| *i == id).map(|(_, v)| record(v));
                html! {
                    <>
                    <tr data-id={id.to_string()}>
                        <td>{ format!("{} {}", s(p, "first_name"), s(p, "last_name")) }</td>
                        <td>{ s(p, "email") }</td>
                        <td>{ n(p, "points") }</td>
                        <td>
                            <button type="button" class="show-actions" onclick={show}>{ "Their actions" }</button>
                            <a class="person-data" href={format!("{}/supporters/{id}", props.base)} download="">{ "Their data" }</a>
                            if *confirm == Some(id) {
                                <button type="button" class="erase-confirm" onclick={erase}>{ "Yes, erase for good" }</button>
                            } else {
                                <button type="button" class="erase" onclick={ask}>{ "Erase…" }</button>
                            }
                        </td>
                    </tr>
                    if let Some(r) = record {
                        <tr class="record"><td colspan="4">{ r }</td></tr>
                    }
                    </>
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

/// What one person did: each action with its points, and what they signed and pledged.
fn record(v: &JsValue) -> Html {
    let date = |ms: &JsValue| -> String {
        String::from(js_sys::Date::new(ms).to_iso_string())
            .chars()
            .take(16)
            .collect()
    };
    let actions = items(&get(v, "actions"));
    let signed: Vec<String> = items(&get(v, "signatures"))
        .iter()
        .map(|x| s(x, "petition"))
        .chain(items(&get(v, "commitments")).iter().map(|x| s(x, "pledge")))
        .collect();
    html! {
        <div class="actions-of">
            <p>{ format!("Signed or pledged: {}", if signed.is_empty() { "nothing".to_owned() } else { signed.join(", ") }) }</p>
            <ol>
                { for actions.iter().map(|a| html! {
                    <li>{ format!("{} · {} · {} points (week {})", date(&get(a, "created_at")), s(a, "kind"), n(a, "points"), s(a, "week")) }</li>
                }) }
            </ol>
        </div>
    }
}

#[component]
pub fn Audit(props: &BaseProps) -> Html {
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
