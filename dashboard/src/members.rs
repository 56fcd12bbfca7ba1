//! Staff management (owners): issue a credential, shown once; revoke one.

use yew::prelude::*;

use crate::{call, copy, field_errors, items, n, obj, s, use_json, BaseProps};

/// A credential just issued: shown once, never again.
#[derive(Clone, PartialEq)]
struct Issued {
    name: String,
    role: String,
    key: String,
}

#[component]
pub fn Members(props: &BaseProps) -> Html {
    let reload = use_state(|| 0u32);
    let data = use_json(format!("{}/members", props.base), *reload);
    let name = use_node_ref();
    let role = use_node_ref();
    let errors = use_state(Vec::<(String, String)>::new);
    let issued = use_state(|| None::<Issued>);
    let message = use_state(|| None::<String>);
    let confirm = use_state(|| None::<u64>);
    let onsubmit = {
        let (base, name, role, errors, issued, reload) = (
            props.base.clone(),
            name.clone(),
            role.clone(),
            errors.clone(),
            issued.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let nm = name
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let rl = role
                .cast::<web_sys::HtmlSelectElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let body = obj(&[("name", nm.into()), ("role", rl.into())]);
            let (path, errors, issued, reload) = (
                format!("{base}/members"),
                errors.clone(),
                issued.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match call("POST", &path, Some(&body)).await {
                    Ok((201, v)) => {
                        errors.set(Vec::new());
                        issued.set(Some(Issued {
                            name: s(&v, "name"),
                            role: s(&v, "role"),
                            key: s(&v, "key"),
                        }));
                        reload.set(*reload + 1);
                    }
                    Ok((_, v)) => errors.set(field_errors(&v)),
                    Err(e) => errors.set(vec![(String::new(), e)]),
                }
            });
        })
    };
    let error_of = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    };
    let general: Vec<String> = errors
        .iter()
        .filter(|(f, _)| f != "name" && f != "role")
        .map(|(_, m)| m.clone())
        .collect();
    let list = match &*data {
        None => html! { <p role="status">{ "Loading…" }</p> },
        Some(v) => {
            let rows = items(v);
            html! {
                <table class="members">
                    <thead><tr><th scope="col">{ "Name" }</th><th scope="col">{ "Role" }</th><th scope="col">{ "Issued by" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Actions" }</th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|m| {
                            let id = n(m, "id");
                            let revoked = !crate::get(m, "revoked_at").is_null() && !crate::get(m, "revoked_at").is_undefined();
                            let ask = { let confirm = confirm.clone(); Callback::from(move |_| confirm.set(Some(id))) };
                            let revoke = {
                                let (path, message, confirm, reload) = (format!("{}/members/{id}", props.base), message.clone(), confirm.clone(), reload.clone());
                                Callback::from(move |_| {
                                    let (path, message, confirm, reload) = (path.clone(), message.clone(), confirm.clone(), reload.clone());
                                    wasm_bindgen_futures::spawn_local(async move {
                                        confirm.set(None);
                                        match call("DELETE", &path, None).await {
                                            Ok((200, v)) => {
                                                message.set(Some(format!("{}'s credential is revoked; their sessions have ended.", s(&v, "name"))));
                                                reload.set(*reload + 1);
                                            }
                                            Ok((_, v)) => message.set(Some(s(&crate::get(&v, "error"), "message"))),
                                            Err(e) => message.set(Some(e)),
                                        }
                                    });
                                })
                            };
                            html! {
                                <tr data-id={id.to_string()}>
                                    <td class="name">{ s(m, "name") }</td>
                                    <td class="role">{ s(m, "role") }</td>
                                    <td>{ s(m, "created_by") }</td>
                                    <td class="status">{ if revoked { "revoked" } else { "active" } }</td>
                                    <td>
                                        if !revoked {
                                            if *confirm == Some(id) {
                                                <button type="button" class="revoke-confirm" onclick={revoke}>{ format!("Yes, revoke {}", s(m, "name")) }</button>
                                            } else {
                                                <button type="button" class="revoke" onclick={ask}>{ "Revoke…" }</button>
                                            }
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        }
    };
    let copy_key = issued.as_ref().map(|i| {
        let (key, message) = (i.key.clone(), message.clone());
        Callback::from(move |_| {
            copy(&key);
            message.set(Some("Credential copied.".into()));
        })
    });
    html! {
        <section aria-labelledby="staff-h">
            <h2 id="staff-h">{ "Staff" }</h2>
            <p>{ "Owners manage staff. Organisers build widgets and export; moderators work the fact-check queue and hide names; viewers read." }</p>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            { list }
            <h3>{ "Issue a credential" }</h3>
            <form class="issue" {onsubmit} novalidate=true>
                <label for="staff-name">{ "Name" }</label>
                <input id="staff-name" ref={name} autocomplete="off"
                    aria-invalid={error_of("name").is_some().to_string()}
                    aria-describedby={error_of("name").map(|_| "staff-name-error")} />
                if let Some(e) = error_of("name") { <p class="err" id="staff-name-error">{ e }</p> }
                <label for="staff-role">{ "Role" }</label>
                <select id="staff-role" ref={role}
                    aria-invalid={error_of("role").is_some().to_string()}
                    aria-describedby={error_of("role").map(|_| "staff-role-error")}>
                    { for rally_api::staff::ROLES.iter().map(|r| html! { <option value={*r} selected={*r == "viewer"}>{ *r }</option> }) }
                </select>
                if let Some(e) = error_of("role") { <p class="err" id="staff-role-error">{ e }</p> }
                { for general.iter().map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
                <button type="submit">{ "Issue credential" }</button>
            </form>
            if let Some(i) = &*issued {
                <div class="issued" role="status">
                    <p>{ format!("A credential for {} ({}). It is shown this once: copy it now and hand it over privately. Rally keeps only its hash.", i.name, i.role) }</p>
                    <label for="issued-key">{ "Credential" }</label>
                    <input id="issued-key" readonly=true value={i.key.clone()} />
                    <button type="button" onclick={copy_key}>{ "Copy" }</button>
                </div>
            }
        </section>
    }
}
