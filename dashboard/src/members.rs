//! Staff management (owners): issue a credential, shown once; revoke one.

use gloo_net::http::Method;
use rally_api::staff::{Issued, Member, NewStaff, Revoked};
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::{copy, net, BaseProps};

#[component]
pub fn Members(props: &BaseProps) -> Html {
    let words = crate::words::use_words();
    let w = words.staff;
    let role_name = |r: &str| {
        let i = rally_api::staff::ROLES.iter().position(|x| *x == r);
        i.map(|i| w.roles[i]).unwrap_or("").to_owned()
    };
    let data = use_fetch::<Vec<Member>>(format!("{}/members", props.base));
    let name = use_node_ref();
    let role = use_node_ref();
    let kind = use_node_ref();
    let submit = use_submit();
    let issued = use_state(|| None::<Issued>);
    let message = use_state(|| None::<String>);
    let confirm = use_state(|| None::<u32>);
    let onsubmit = {
        let (base, name, role, kind, submit, issued, reload) = (
            props.base.clone(),
            name.clone(),
            role.clone(),
            kind.clone(),
            submit.clone(),
            issued.clone(),
            data.reload.clone(),
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
            let kd = kind
                .cast::<web_sys::HtmlSelectElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let body = NewStaff {
                name: nm,
                role: rl,
                kind: kd,
            };
            let (path, issued, reload) =
                (format!("{base}/members"), issued.clone(), reload.clone());
            submit.run(
                async move { net::send::<Issued>(Method::POST, &path, Some(&body)).await },
                move |answer| {
                    if let Ok(i) = answer {
                        issued.set(Some(i));
                        reload.emit(());
                    }
                },
            );
        })
    };
    let error_of = |field: &str| submit.error(field);
    let general = submit.general(&["name", "role", "kind"]);
    let list = data.view(|rows| {
            html! {
                <table class="members">
                    <thead><tr>{ for w.columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                    <tbody>
                        { for rows.iter().map(|m| {
                            let id = m.id;
                            let revoked = m.revoked_at.is_some();
                            let ask = { let confirm = confirm.clone(); Callback::from(move |_| confirm.set(Some(id))) };
                            let revoke = {
                                let (path, message, confirm, reload) = (format!("{}/members/{id}", props.base), message.clone(), confirm.clone(), data.reload.clone());
                                Callback::from(move |_| {
                                    let (path, message, reload) = (path.clone(), message.clone(), reload.clone());
                                    confirm.set(None);
                                    wasm_bindgen_futures::spawn_local(async move {
                                        match net::send::<Revoked>(Method::DELETE, &path, None::<&()>).await {
                                            Ok(r) => {
                                                message.set(Some(format!("{}{}{}", w.revoked_msg[0], r.name, w.revoked_msg[1])));
                                                reload.emit(());
                                            }
                                            Err(f) => message.set(Some(f.message)),
                                        }
                                    });
                                })
                            };
                            html! {
                                <tr data-id={id.to_string()}>
                                    <td class="name">{ m.name.clone() }</td>
                                    <td class="role" data-role={m.role.clone()}>{ role_name(&m.role) }</td>
                                    <td class="kind">{ if m.kind == "api" { w.api_token } else { w.person } }</td>
                                    <td>{ m.created_by.clone().unwrap_or_default() }</td>
                                    <td class="status">{ if revoked { w.revoked } else { w.active } }</td>
                                    <td>
                                        if !revoked {
                                            if *confirm == Some(id) {
                                                <button type="button" class="revoke-confirm" onclick={revoke}>{ format!("{}{}", w.revoke_yes, m.name) }</button>
                                            } else {
                                                <button type="button" class="revoke" onclick={ask}>{ w.revoke }</button>
                                            }
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
    });
    let copy_key = issued.as_ref().map(|i| {
        let (key, message) = (i.key.clone(), message.clone());
        Callback::from(move |_| {
            copy(&key);
            message.set(Some(w.copied.into()));
        })
    });
    html! {
        <section aria-labelledby="staff-h">
            <h2 id="staff-h">{ words.tabs[5] }</h2>
            <p>{ w.intro }</p>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            { list }
            <h3>{ w.issue_h }</h3>
            <form class="issue" {onsubmit} novalidate=true>
                <label for="staff-name">{ w.columns[0] }</label>
                <input id="staff-name" ref={name} autocomplete="off"
                    aria-invalid={error_of("name").is_some().to_string()}
                    aria-describedby={error_of("name").map(|_| "staff-name-error")} />
                if let Some(e) = error_of("name") { <p class="err" id="staff-name-error">{ e }</p> }
                <label for="staff-role">{ w.columns[1] }</label>
                <select id="staff-role" ref={role}
                    aria-invalid={error_of("role").is_some().to_string()}
                    aria-describedby={error_of("role").map(|_| "staff-role-error")}>
                    { for rally_api::staff::ROLES.iter().zip(w.roles).map(|(r, name)| html! { <option value={*r} selected={*r == "viewer"}>{ name }</option> }) }
                </select>
                if let Some(e) = error_of("role") { <p class="err" id="staff-role-error">{ e }</p> }
                <label for="staff-kind">{ w.columns[2] }</label>
                <select id="staff-kind" ref={kind}
                    aria-invalid={error_of("kind").is_some().to_string()}
                    aria-describedby={error_of("kind").map(|_| "staff-kind-error")}>
                    <option value="person" selected=true>{ w.kind_person }</option>
                    <option value="api">{ w.kind_api }</option>
                </select>
                if let Some(e) = error_of("kind") { <p class="err" id="staff-kind-error">{ e }</p> }
                { for general.iter().map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
                <button type="submit" disabled={submit.busy()}>{ w.issue }</button>
            </form>
            if let Some(i) = &*issued {
                <div class="issued" role="status">
                    <p>{ format!("{}{} ({}){}", if i.kind == "api" { w.issued[1] } else { w.issued[0] }, i.name, role_name(&i.role), w.issued[2]) }</p>
                    <label for="issued-key">{ w.credential }</label>
                    <input id="issued-key" readonly=true value={i.key.clone()} />
                    <button type="button" onclick={copy_key}>{ words.builder.copy }</button>
                </div>
            }
        </section>
    }
}
