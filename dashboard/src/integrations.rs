//! Integrations (owners): webhook endpoints. Add one (its signing secret is shown once), turn it
//! on or off, rotate its secret, remove it, and read its delivery log with a redeliver for dead
//! deliveries. Below them, the Action Network connector (`action_network.rs`).

use gloo_net::http::Method;
use rally_api::integrations::{
    Delivery, Endpoint, EndpointDraft, EndpointSecret, Redeliver, EVENTS,
};
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::words::IntegrationWords;
use crate::{copy, net, BaseProps};

/// What staff read for each event.
fn event_label<'a>(event: &'a str, w: &IntegrationWords) -> &'a str {
    match EVENTS.iter().position(|e| *e == event) {
        Some(i) => w.events[i],
        None => event,
    }
}

/// The bodies the endpoint buttons send.
#[derive(Clone, serde::Serialize)]
#[serde(untagged)]
enum Body {
    Draft(EndpointDraft),
    Redeliver(Redeliver),
}

/// A delivery log: event, type, status (`failed` shown as dead), attempts, the answer, latency.
pub(crate) fn log_table(rows: &[Delivery], w: &IntegrationWords) -> Html {
    let status = |s: &str| {
        let named = w.statuses.iter().find(|(k, _)| *k == s);
        named.map_or_else(|| s.to_owned(), |(_, v)| (*v).to_owned())
    };
    html! {
        <table>
            <thead><tr>{ for w.log_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
            <tbody>
                { for rows.iter().map(|d| html! {
                    <tr>
                        <td>{ d.event_id.clone() }</td><td>{ d.kind.clone() }</td>
                        <td class="status" data-status={d.status.clone()}>{ status(&d.status) }</td>
                        <td>{ d.attempts }</td>
                        <td>{ format!("{} {}", d.last_status.map(|s| s.to_string()).unwrap_or_default(),
                            d.response.clone().or(d.error.clone()).unwrap_or_default()) }</td>
                        <td>{ d.latency_ms.map(|l| format!("{l} ms")).unwrap_or_default() }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[component]
pub fn Integrations(props: &BaseProps) -> Html {
    let words = crate::words::use_words();
    let w = words.integrations;
    let data = use_fetch::<Vec<Endpoint>>(format!("{}/endpoints", props.base));
    let form = use_node_ref();
    let submit = use_submit();
    let secret = use_state(|| None::<EndpointSecret>);
    let message = use_state(|| None::<String>);
    let log = use_state(|| None::<(u64, Vec<Delivery>)>);
    let onsubmit = {
        let (base, form, submit, secret, reload) = (
            props.base.clone(),
            form.clone(),
            submit.clone(),
            secret.clone(),
            data.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = form.cast::<web_sys::HtmlFormElement>() else {
                return;
            };
            let input = |name: &str| crate::form_input(&f, name);
            let body = EndpointDraft {
                url: input("url").map(|i| i.value()).unwrap_or_default(),
                events: EVENTS
                    .iter()
                    .filter(|ev| input(ev).is_some_and(|i| i.checked()))
                    .map(|ev| (*ev).to_owned())
                    .collect(),
                enabled: true,
            };
            let (path, secret, reload) =
                (format!("{base}/endpoints"), secret.clone(), reload.clone());
            submit.run(
                async move { net::send::<EndpointSecret>(Method::POST, &path, Some(&body)).await },
                move |answer| {
                    if let Ok(s) = answer {
                        secret.set(Some(s));
                        reload.emit(());
                    }
                },
            );
        })
    };
    // One call to the edge that ends in a message and a reload.
    let act = {
        let (message, reload) = (message.clone(), data.reload.clone());
        move |method: Method, path: String, body: Option<Body>, done: &'static str| {
            let (message, reload) = (message.clone(), reload.clone());
            Callback::from(move |_: MouseEvent| {
                let (message, reload, path, body, method) = (
                    message.clone(),
                    reload.clone(),
                    path.clone(),
                    body.clone(),
                    method.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    match net::send::<serde::de::IgnoredAny>(method, &path, body.as_ref()).await {
                        Ok(_) => {
                            message.set(Some(done.to_owned()));
                            reload.emit(());
                        }
                        Err(f) => message.set(Some(f.message)),
                    }
                });
            })
        }
    };
    let list = data.view(|rows| {
        if rows.is_empty() {
            return html! { <p>{ w.no_endpoints }</p> };
        }
        html! {
            <table class="endpoints">
                <caption>{ w.endpoints }</caption>
                <thead><tr>{ for w.columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                <tbody>
                    { for rows.iter().map(|ep| {
                        let base = format!("{}/endpoints/{}", props.base, ep.id);
                        let toggle = Body::Draft(EndpointDraft { url: ep.url.clone(), events: ep.events.clone(), enabled: !ep.enabled });
                        let show_log = {
                            let (log, path, id) = (log.clone(), format!("{base}/deliveries"), ep.id);
                            Callback::from(move |_: MouseEvent| {
                                let (log, path) = (log.clone(), path.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    if let Ok(rows) = net::get::<Vec<Delivery>>(&path).await {
                                        log.set(Some((id, rows)));
                                    }
                                });
                            })
                        };
                        let rotate = {
                            let (secret, path) = (secret.clone(), format!("{base}/rotate"));
                            Callback::from(move |_: MouseEvent| {
                                let (secret, path) = (secret.clone(), path.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    if let Ok(s) = net::send::<EndpointSecret>(Method::POST, &path, None::<&()>).await {
                                        secret.set(Some(s));
                                    }
                                });
                            })
                        };
                        html! {
                            <tr data-id={ep.id.to_string()}>
                                <td class="url">{ ep.url.clone() }</td>
                                <td>{ ep.events.iter().map(|e| event_label(e, w)).collect::<Vec<_>>().join(", ") }</td>
                                <td>{ if ep.enabled { w.on } else { w.off } }</td>
                                <td>
                                    <button type="button" class="toggle" onclick={act(Method::PUT, base.clone(), Some(toggle), w.saved)}>
                                        { if ep.enabled { w.turn_off } else { w.turn_on } }</button>
                                    <button type="button" class="rotate" onclick={rotate}>{ w.rotate }</button>
                                    <button type="button" class="log" onclick={show_log}>{ w.deliveries }</button>
                                    <button type="button" class="remove" onclick={act(Method::DELETE, base.clone(), None, w.removed)}>{ w.remove }</button>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        }
    });
    let log_view = log.as_ref().map(|(id, rows)| {
        let redeliver = act(
            Method::POST,
            format!("{}/endpoints/{id}/redeliver", props.base),
            Some(Body::Redeliver(Redeliver { delivery: None })),
            w.redelivered,
        );
        let dead = rows.iter().filter(|d| d.status == "failed").count();
        html! {
            <section class="deliveries" aria-label={w.log}>
                <h3>{ format!("{}{id}", w.deliveries_of) }</h3>
                if dead > 0 {
                    <button type="button" class="redeliver" onclick={redeliver}>{ format!("{}{dead}{}", w.redeliver[0], w.redeliver[1]) }</button>
                }
                { log_table(rows, w) }
            </section>
        }
    });
    let copy_secret = secret.as_ref().map(|s| {
        let (key, message) = (s.secret.clone(), message.clone());
        Callback::from(move |_| {
            copy(&key);
            message.set(Some(w.secret_copied.into()));
        })
    });
    let url_error = submit.error("url");
    let events_error = submit.error("events");
    html! {
        <section aria-labelledby="integrations-h">
            <h2 id="integrations-h">{ words.tabs[6] }</h2>
            <p>{ w.intro }</p>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            { list }
            { log_view.unwrap_or_default() }
            <h3>{ w.add_h }</h3>
            <form class="endpoint" ref={form} {onsubmit} novalidate=true>
                <label for="ep-url">{ w.address }</label>
                <input id="ep-url" name="url" type="url" autocomplete="off"
                    aria-invalid={url_error.is_some().to_string()}
                    aria-describedby={url_error.as_ref().map(|_| "ep-url-error")} />
                if let Some(e) = url_error { <p class="err" id="ep-url-error">{ e }</p> }
                <fieldset aria-describedby={events_error.as_ref().map(|_| "ep-events-error")}>
                    <legend>{ w.events_legend }</legend>
                    { for EVENTS.iter().map(|ev| html! {
                        <div>
                            <input type="checkbox" id={format!("ep-{ev}")} name={*ev} />
                            <label for={format!("ep-{ev}")}>{ event_label(ev, w) }</label>
                        </div>
                    }) }
                </fieldset>
                if let Some(e) = events_error { <p class="err" id="ep-events-error">{ e }</p> }
                <button type="submit" disabled={submit.busy()}>{ w.add }</button>
            </form>
            if let Some(s) = &*secret {
                <div class="issued" role="status">
                    <p>{ format!("{}{}{}", w.secret_shown[0], s.endpoint.url, w.secret_shown[1]) }</p>
                    <label for="ep-secret">{ w.secret }</label>
                    <input id="ep-secret" readonly=true value={s.secret.clone()} />
                    <button type="button" onclick={copy_secret}>{ w.copy }</button>
                </div>
            }
            <crate::action_network::ActionNetworkPanel base={props.base.clone()} />
            <crate::turnstile::TurnstilePanel base={props.base.clone()} />
        </section>
    }
}
