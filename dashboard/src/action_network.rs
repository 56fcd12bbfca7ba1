//! The Action Network connector (owners), inside the Integrations tab: the API key (stored
//! sealed; shown back only as its last four characters), tags, on/off, and beside each petition
//! and pledge the Action Network petition or event it is recorded on; the sync log with a
//! redeliver for dead syncs.

use gloo_net::http::Method;
use rally_api::builder::Widgets;
use rally_api::integrations::{ActionNetwork, ActionNetworkDraft, Delivery, Redeliver, SyncTarget};
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::{net, BaseProps};

#[component]
pub fn ActionNetworkPanel(props: &BaseProps) -> Html {
    let words = crate::words::use_words();
    let w = words.integrations;
    let data = use_fetch::<ActionNetwork>(format!("{}/action-network", props.base));
    let widgets = use_fetch::<Widgets>(format!("{}/widgets", props.base));
    let form = use_node_ref();
    let submit = use_submit();
    let message = use_state(|| None::<String>);
    let log = use_state(|| None::<Vec<Delivery>>);
    let items: Vec<(&'static str, String, String)> = widgets
        .data()
        .map(|w| {
            w.petitions
                .iter()
                .map(|p| ("petition", p.draft.slug.clone(), p.draft.title.clone()))
                .chain(
                    w.pledges
                        .iter()
                        .map(|p| ("pledge", p.draft.slug.clone(), p.draft.statement.clone())),
                )
                .collect()
        })
        .unwrap_or_default();
    let onsubmit = {
        let (path, form, submit, message, reload, items) = (
            format!("{}/action-network", props.base),
            form.clone(),
            submit.clone(),
            message.clone(),
            data.reload.clone(),
            items.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = form.cast::<web_sys::HtmlFormElement>() else {
                return;
            };
            let input = |name: &str| crate::form_input(&f, name);
            let value = |name: &str| input(name).map(|i| i.value()).unwrap_or_default();
            let body = ActionNetworkDraft {
                api_key: value("api_key"),
                enabled: input("enabled").is_some_and(|i| i.checked()),
                tags: value("tags")
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .collect(),
                targets: items
                    .iter()
                    .filter_map(|(kind, slug, _)| {
                        let remote_id = value(&format!("target-{kind}-{slug}"));
                        (!remote_id.trim().is_empty()).then(|| SyncTarget {
                            kind: (*kind).to_owned(),
                            slug: slug.clone(),
                            remote_id,
                        })
                    })
                    .collect(),
            };
            let (path, message, reload) = (path.clone(), message.clone(), reload.clone());
            submit.run(
                async move { net::send::<ActionNetwork>(Method::PUT, &path, Some(&body)).await },
                move |answer| {
                    if answer.is_ok() {
                        // The key is stored sealed; it does not stay on screen either.
                        if let Some(key) = crate::form_input(&f, "api_key") {
                            key.set_value("");
                        }
                        message.set(Some(w.an_saved.into()));
                        reload.emit(());
                    }
                },
            );
        })
    };
    let show_log = {
        let (log, path) = (
            log.clone(),
            format!("{}/action-network/deliveries", props.base),
        );
        Callback::from(move |_: MouseEvent| {
            let (log, path) = (log.clone(), path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(rows) = net::get::<Vec<Delivery>>(&path).await {
                    log.set(Some(rows));
                }
            });
        })
    };
    let redeliver = {
        let (path, message, log) = (
            format!("{}/action-network/redeliver", props.base),
            message.clone(),
            log.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (path, message, log) = (path.clone(), message.clone(), log.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let body = Redeliver { delivery: None };
                match net::send::<serde::de::IgnoredAny>(Method::POST, &path, Some(&body)).await {
                    Ok(_) => {
                        message.set(Some(w.an_resent.into()));
                        log.set(None);
                    }
                    Err(f) => message.set(Some(f.message)),
                }
            });
        })
    };
    let current = data.data().cloned().unwrap_or_default();
    // The form is drawn once the current settings are in, so its fields start from them.
    let loaded = data.data().is_some() && widgets.data().is_some();
    // Fields take the stored values when those arrive or change, and only then: a refused save
    // re-renders the form without wiping what was typed (so no `value` attributes below).
    {
        let form = form.clone();
        use_effect_with((data.data().cloned(), loaded), move |(stored, _)| {
            if let (Some(c), Some(f)) = (stored, form.cast::<web_sys::HtmlFormElement>()) {
                if let Some(i) = crate::form_input(&f, "tags") {
                    i.set_value(&c.tags.join(", "));
                }
                if let Some(i) = crate::form_input(&f, "enabled") {
                    i.set_checked(c.enabled || !c.configured);
                }
                for t in &c.targets {
                    if let Some(i) = crate::form_input(&f, &format!("target-{}-{}", t.kind, t.slug))
                    {
                        i.set_value(&t.remote_id);
                    }
                }
            }
        });
    }
    let key_error = submit.error("api_key");
    let tags_error = submit.error("tags");
    let targets_error = submit.error("targets");
    let general = submit.general(&["api_key", "tags", "targets"]);
    let log_view = log.as_ref().map(|rows| {
        let dead = rows.iter().filter(|d| d.status == "failed").count();
        html! {
            <section class="syncs" aria-label={w.an_syncs}>
                if dead > 0 {
                    <button type="button" class="redeliver" onclick={redeliver.clone()}>{ format!("{}{dead}{}", w.redeliver[0], w.redeliver[1]) }</button>
                }
                { crate::integrations::log_table(rows, w) }
            </section>
        }
    });
    html! {
        <section class="action-network" aria-labelledby="an-h">
            <h3 id="an-h">{ "Action Network" }</h3>
            <p>{ w.an_intro }</p>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            if loaded {
                <form class="an" ref={form} {onsubmit} novalidate=true>
                    <label for="an-key">{ w.an_key }</label>
                    <input id="an-key" name="api_key" type="password" autocomplete="off"
                        placeholder={ if current.configured { format!("{}{}{}", w.stored[0], current.key_hint, w.stored[1]) } else { String::new() } }
                        aria-invalid={key_error.is_some().to_string()}
                        aria-describedby={key_error.as_ref().map(|_| "an-key-error")} />
                    if let Some(e) = key_error { <p class="err" id="an-key-error">{ e }</p> }
                    <label for="an-tags">{ w.an_tags }</label>
                    <input id="an-tags" name="tags" autocomplete="off"
                        aria-invalid={tags_error.is_some().to_string()}
                        aria-describedby={tags_error.as_ref().map(|_| "an-tags-error")} />
                    if let Some(e) = tags_error { <p class="err" id="an-tags-error">{ e }</p> }
                    <div>
                        <input id="an-enabled" name="enabled" type="checkbox" />
                        <label for="an-enabled">{ w.columns[2] }</label>
                    </div>
                    <fieldset aria-describedby={targets_error.as_ref().map(|_| "an-targets-error")}>
                        <legend>{ w.an_targets }</legend>
                        { for items.iter().map(|(kind, slug, title)| {
                            let id = format!("an-{kind}-{slug}");
                            html! {
                                <div>
                                    <label for={id.clone()}>{ format!("{title} ({})", if *kind == "petition" { words.builder.kinds[0] } else { words.builder.kinds[1] }) }</label>
                                    <input id={id} name={format!("target-{kind}-{slug}")} autocomplete="off" />
                                </div>
                            }
                        }) }
                    </fieldset>
                    if let Some(e) = targets_error { <p class="err" id="an-targets-error">{ e }</p> }
                    { for general.iter().map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
                    <button type="submit" disabled={submit.busy()}>{ w.an_save }</button>
                    <button type="button" class="log" onclick={show_log}>{ w.an_log }</button>
                </form>
            }
            { log_view.unwrap_or_default() }
        </section>
    }
}
