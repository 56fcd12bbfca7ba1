//! Supporters (search, their data, erasure) and the staff audit log.

use gloo_net::http::Method;
use rally_api::staff::{AuditEntry, Erased, PersonRecord, PersonView};
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::words::Words;
use crate::{net, BaseProps};

#[derive(Properties, PartialEq)]
pub struct SupportersProps {
    pub base: String,
    /// The ladder report's link: list the people on this rung.
    #[prop_or_default]
    pub rung: Option<String>,
}

/// Find a supporter, download their data, erase them (with a confirmation step).
#[component]
pub fn Supporters(props: &SupportersProps) -> Html {
    let w = crate::words::use_words();
    let query = use_node_ref();
    let found = use_state(|| None::<Vec<PersonView>>);
    let message = use_state(|| None::<String>);
    // Opened from the ladder report: the people on that rung.
    {
        let (base, found, message) = (props.base.clone(), found.clone(), message.clone());
        use_effect_with(props.rung.clone(), move |rung| {
            if let Some(rung) = rung.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    let path = format!("{base}/supporters?rung={rung}");
                    match net::get::<Vec<PersonView>>(&path).await {
                        Ok(list) => found.set(Some(list)),
                        Err(f) => message.set(Some(f.message)),
                    }
                });
            }
        });
    }
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
                    Err(f) if f.status == 403 => message.set(Some(w.no_role_people.into())),
                    Err(f) if f.status == 0 => message.set(Some(f.message)),
                    Err(_) => message.set(Some(w.search_hint.into())),
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
                                        "{}{}{}{}{}",
                                        w.erased[0], e.signatures_kept, w.erased[1], e.commitments_kept, w.erased[2]
                                    )));
                                    found.set(None);
                                }
                                Err(f) if f.status == 403 => message.set(Some(w.only_owners_erase.into())),
                                Err(_) => message.set(Some(w.not_erased.into())),
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
                let record = shown.as_ref().filter(|(i, _)| *i == id).map(|(_, r)| record(r, w));
                html! {
                    <>
                    <tr data-id={id.to_string()}>
                        <td>{ format!("{} {}", p.first_name, p.last_name) }</td>
                        <td>{ p.email.clone() }</td>
                        <td>{ p.points }</td>
                        <td>
                            <button type="button" class="show-actions" onclick={show}>{ w.their_actions }</button>
                            <a class="person-data" href={format!("{}/supporters/{id}", props.base)} download="">{ w.their_data }</a>
                            if *confirm == Some(id) {
                                <button type="button" class="erase-confirm" onclick={erase}>{ w.erase_confirm }</button>
                            } else {
                                <button type="button" class="erase" onclick={ask}>{ w.erase }</button>
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
            <h2 id="people-h">{ w.tabs[1] }</h2>
            <form class="search" onsubmit={search}>
                <label for="q">{ w.email_or_name }</label>
                <input id="q" name="q" type="search" ref={query} />
                <button type="submit" disabled={submit.busy()}>{ w.search }</button>
            </form>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            if let Some(rows) = rows {
                <table class="people">
                    <thead><tr>{ for w.people_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
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
fn record(r: &PersonRecord, w: &Words) -> Html {
    let signed: Vec<&str> = r
        .signatures
        .iter()
        .map(|x| x.petition.as_str())
        .chain(r.commitments.iter().map(|x| x.pledge.as_str()))
        .collect();
    html! {
        <div class="actions-of">
            <p>{ format!("{}{}", w.signed_or_pledged, if signed.is_empty() { w.nothing.to_owned() } else { signed.join(", ") }) }</p>
            <ol>
                { for r.actions.iter().map(|a| html! {
                    <li>{ format!("{} · {} · {} {} ({} {})", minute(a.created_at), a.kind, a.points, w.points, w.week, a.week) }</li>
                }) }
            </ol>
        </div>
    }
}

#[component]
pub fn Audit(props: &BaseProps) -> Html {
    let data = use_fetch::<Vec<AuditEntry>>(format!("{}/audit", props.base));
    let lang = use_context::<rally_api::Lang>().unwrap_or_default();
    let w = crate::words::words(lang);
    data.view(|entries| html! {
        <section aria-labelledby="audit-h">
            <h2 id="audit-h">{ w.tabs[9] }</h2>
            <table class="audit">
                <thead><tr>{ for w.audit_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                <tbody>
                    { for entries.iter().map(|e| {
                        let at = crate::words::when(e.at, lang);
                        html! { <tr><td>{ at }</td><td>{ e.staff.clone() }</td><td>{ e.action.clone() }</td><td>{ e.detail.clone() }</td></tr> }
                    }) }
                </tbody>
            </table>
        </section>
    })
}
