//! The fact-check queue: publish a verdict, merge duplicates, split a claim's reports.

use gloo_net::http::Method;
use rally_api::{ClaimUpdate, ClaimView, MergeClaims, ReportView, Source, SplitClaim};
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::{net, BaseProps};

#[component]
pub fn FactChecks(props: &BaseProps) -> Html {
    let data = use_fetch::<Vec<ClaimView>>(format!("{}/claims", props.base));
    let w = crate::words::use_words();
    let message = use_state(|| None::<String>);
    let reload = data.reload.clone();
    let done = {
        let (reload, message) = (reload.clone(), message.clone());
        Callback::from(move |m: String| {
            message.set(Some(m));
            reload.emit(());
        })
    };
    data.view(|claims| {
    let others: Vec<(String, String)> = claims.iter().map(|c| (c.id.clone(), c.text.clone())).collect();
    html! {
        <section aria-labelledby="claims-h">
            <h2 id="claims-h">{ w.claims_title }</h2>
            if let Some(m) = &*message { <p role="status" class="msg">{ m }</p> }
            if claims.is_empty() { <p>{ w.nothing_waiting }</p> }
            { for claims.iter().map(|c| {
                let id = c.id.clone();
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
                        let said = wording.cast::<web_sys::HtmlInputElement>().map(|t| t.value()).unwrap_or_default();
                        let src = sources.cast::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
                        let body = ClaimUpdate {
                            status: Some("published".into()), verdict: Some(v), explanation: Some(x),
                            text: Some(said), sources: Some(parse_sources(&src)),
                        };
                        let (path, reload, message) = (format!("{base}/claims/{id}"), reload.clone(), message.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match net::send::<ClaimView>(Method::PATCH, &path, Some(&body)).await {
                                Ok(_) => { message.set(Some(w.published.into())); reload.emit(()); }
                                Err(f) => message.set(Some(format!("{}{}.", w.not_published, f.fields.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("; ")))),
                            }
                        });
                    })
                };
                html! {
                    <article class="claim" id={format!("c-{id}")}>
                        <h3>{ c.text.clone() }</h3>
                        <p class="meta">{ format!("{} {} · {}", c.reports, w.reports, c.status.as_str()) }</p>
                        <form class="publish" onsubmit={publish}>
                            <label for={format!("v-{id}")}>{ w.verdict }</label>
                            <select id={format!("v-{id}")} ref={verdict}>
                                { for rally_api::Verdict::ALL.iter().zip(w.verdicts).map(|(v, label)| html! { <option value={v.as_str()}>{ label }</option> }) }
                            </select>
                            <label for={format!("w-{id}")}>{ w.wording }</label>
                            <input id={format!("w-{id}")} ref={wording} value={c.text.clone()} />
                            <label for={format!("x-{id}")}>{ w.explanation }</label>
                            <textarea id={format!("x-{id}")} rows="3" ref={explanation} />
                            <label for={format!("s-{id}")}>{ w.sources }</label>
                            <textarea id={format!("s-{id}")} class="sources" rows="2" ref={sources} />
                            <button type="submit">{ w.publish }</button>
                        </form>
                        <ClaimTools base={props.base.clone()} id={id.clone()} others={others.iter().filter(|(o, _)| *o != id).cloned().collect::<Vec<_>>()} on_done={done.clone()} />
                    </article>
                }
            }) }
        </section>
    }
    })
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
    let w = crate::words::use_words();
    let into = use_node_ref();
    let reports = use_state(|| None::<Vec<ReportView>>);
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
            let body = MergeClaims { into: target };
            wasm_bindgen_futures::spawn_local(async move {
                match net::send::<ClaimView>(Method::POST, &path, Some(&body)).await {
                    Ok(c) => done.emit(format!("{}{}{}", w.merged[0], c.reports, w.merged[1])),
                    Err(f) => error.set(Some(f.message)),
                }
            });
        })
    };
    let show = {
        let (path, reports, error) = (
            format!("{}/claims/{id}", props.base),
            reports.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let (path, reports, error) = (path.clone(), reports.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match net::get::<ClaimView>(&path).await {
                    Ok(c) => reports.set(Some(c.latest)),
                    Err(f) => error.set(Some(f.message)),
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
            let body = SplitClaim {
                reports: (*checked).clone(),
            };
            let (path, done, error) = (path.clone(), done.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match net::send::<ClaimView>(Method::POST, &path, Some(&body)).await {
                    Ok(c) => done.emit(format!(
                        "{}{}{}",
                        w.split_done[0], c.reports, w.split_done[1]
                    )),
                    Err(f) => error.set(Some(f.message)),
                }
            });
        })
    };
    html! {
        <div class="tools">
            if !props.others.is_empty() {
                <form class="merge" onsubmit={merge}>
                    <label for={format!("m-{id}")}>{ w.same_rumour }</label>
                    <select id={format!("m-{id}")} ref={into}>
                        { for props.others.iter().map(|(o, text)| html! { <option value={o.clone()}>{ text.chars().take(80).collect::<String>() }</option> }) }
                    </select>
                    <button type="submit">{ w.merge_into }</button>
                </form>
            }
            { match &*reports {
                None => html! { <button type="button" class="show-reports" onclick={show}>{ w.show_reports }</button> },
                Some(list) => html! {
                    <form class="split" onsubmit={split}>
                        <fieldset>
                            <legend>{ w.reports_legend }</legend>
                            { for list.iter().map(|r| {
                                let rid = r.id;
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
                                        { r.claim.clone() }
                                    </label>
                                }
                            }) }
                        </fieldset>
                        <button type="submit" disabled={checked.is_empty()}>{ w.split }</button>
                    </form>
                },
            } }
            if let Some(e) = &*error { <p class="err" role="alert">{ e }</p> }
        </div>
    }
}

/// Sources typed one a line, "Title https://link". A line without a link is sent as a title
/// with an empty URL, so the edge names the problem.
fn parse_sources(text: &str) -> Vec<Source> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (title, url) = match line.find("http") {
                Some(at) => (&line[..at], &line[at..]),
                None => (line, ""),
            };
            let title = title.trim().trim_end_matches(['-', '—', '|', ':']).trim();
            Source {
                title: title.to_owned(),
                url: url.trim().to_owned(),
            }
        })
        .collect()
}
