//! Supporters (search, their data, erasure) and the staff audit log.

use gloo_net::http::Method;
use rally_api::staff::{AuditEntry, Erased, PersonRecord, PersonView};
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::{net, BaseProps};

/// Find a supporter, download their data, erase them (with a confirmation step).
#[component]
pub fn Supporters(props: &BaseProps) -> Html {
    let query = use_node_ref();
    let found = use_state(|| None::<Vec<PersonView>>);
    let message = use_state(|| None::<String>);
    let confirm = use_state(|| None::<u32>);
    // One person's record, read on request (each read is in the audit log).
    let shown = use_state(|| None::<(u32, PersonRecord)>);
    let submit = use_submit();
    let search = {
        let (base, query, found, message, submit) = (
            props.base.clone(),
            query.clone(),
            found.clone(),
            message.clone(),
            submit.clone(),
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
            submit.run(
                async move { net::get::<Vec<PersonView>>(&path).await },
                move |answer| match answer {
                    Ok(list) => {
                        message.set(None);
                        found.set(Some(list));
                    }
                    Err(f) if f.status == 403 => {
                        message.set(Some("Your role may not see supporters' details.".into()))
                    }
                    Err(f) if f.status == 0 => message.set(Some(f.message)),
                    Err(_) => message.set(Some(
                        "Search with an email or at least two letters of a name.".into(),
                    )),
                },
            );
        })
    };
    let rows = found.as_ref().map(|list| {
        list.iter()
            .map(|p| {
                let id = p.id;
                let ask = { let confirm = confirm.clone(); Callback::from(move |_| confirm.set(Some(id))) };
                let erase = {
                    let (base, found, message, confirm, submit) = (props.base.clone(), found.clone(), message.clone(), confirm.clone(), submit.clone());
                    Callback::from(move |_| {
                        let (path, found, message) = (format!("{base}/supporters/{id}"), found.clone(), message.clone());
                        confirm.set(None);
                        submit.run(
                            async move { net::send::<Erased>(Method::DELETE, &path, None::<&()>).await },
                            move |answer| match answer {
                                Ok(e) => {
                                    message.set(Some(format!(
                                        "Erased. Their {} signatures and {} pledges still count, without their details.",
                                        e.signatures_kept, e.commitments_kept
                                    )));
                                    found.set(None);
                                }
                                Err(f) if f.status == 403 => message.set(Some("Only owners may erase a supporter.".into())),
                                Err(_) => message.set(Some("Not erased: try again.".into())),
                            },
                        );
                    })
                };
                let show = {
                    let (path, shown, message, submit) = (format!("{}/supporters/{id}", props.base), shown.clone(), message.clone(), submit.clone());
                    Callback::from(move |_| {
                        let (path, shown, message) = (path.clone(), shown.clone(), message.clone());
                        submit.run(async move { net::get::<PersonRecord>(&path).await }, move |answer| match answer {
                            Ok(r) => shown.set(Some((id, r))),
                            Err(f) => message.set(Some(f.message)),
                        });
                    })
                };
                let record = shown.as_ref().filter(|(i, _)| *i == id).map(|(_, r)| record(r));
                html! {
                    <>
                    <tr data-id={id.to_string()}>
                        <td>{ format!("{} {}", p.first_name, p.last_name) }</td>
                        <td>{ p.email.clone() }</td>
                        <td>{ p.points }</td>
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
                <button type="submit" disabled={submit.busy()}>{ "Search" }</button>
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

/// A moment as `2026-11-21T14:05` (UTC).
fn minute(ms: f64) -> String {
    String::from(js_sys::Date::new(&ms.into()).to_iso_string())
        .chars()
        .take(16)
        .collect()
}

/// What one person did: each action with its points, and what they signed and pledged.
fn record(r: &PersonRecord) -> Html {
    let signed: Vec<&str> = r
        .signatures
        .iter()
        .map(|x| x.petition.as_str())
        .chain(r.commitments.iter().map(|x| x.pledge.as_str()))
        .collect();
    html! {
        <div class="actions-of">
            <p>{ format!("Signed or pledged: {}", if signed.is_empty() { "nothing".to_owned() } else { signed.join(", ") }) }</p>
            <ol>
                { for r.actions.iter().map(|a| html! {
                    <li>{ format!("{} · {} · {} points (week {})", minute(a.created_at), a.kind, a.points, a.week) }</li>
                }) }
            </ol>
        </div>
    }
}

#[component]
pub fn Audit(props: &BaseProps) -> Html {
    let data = use_fetch::<Vec<AuditEntry>>(format!("{}/audit", props.base));
    data.view(|entries| html! {
        <section aria-labelledby="audit-h">
            <h2 id="audit-h">{ "Audit log" }</h2>
            <table class="audit">
                <thead><tr><th scope="col">{ "When (UTC)" }</th><th scope="col">{ "Who" }</th><th scope="col">{ "What" }</th><th scope="col">{ "Detail" }</th></tr></thead>
                <tbody>
                    { for entries.iter().map(|e| {
                        let at: String = js_sys::Date::new(&e.at.into()).to_iso_string().into();
                        html! { <tr><td>{ at }</td><td>{ e.staff.clone() }</td><td>{ e.action.clone() }</td><td>{ e.detail.clone() }</td></tr> }
                    }) }
                </tbody>
            </table>
        </section>
    })
}
