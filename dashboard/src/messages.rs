//! Follow-up messages: what was sent, what waits and what failed, per day and kind; the latest
//! failures with their reasons and a resend (owners and organisers); and the cron's
//! housekeeping runs.

use gloo_net::http::Method;
use rally_api::staff::{Messages as View, Resent};
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::net;
use crate::words::Words;

/// What staff read for each kind of message.
fn kind_label<'a>(kind: &'a str, w: &'static Words) -> &'a str {
    w.message_kinds
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, label)| label)
}

#[derive(Properties, PartialEq)]
pub struct MessagesProps {
    pub base: String,
    /// Owners and organisers may resend.
    pub can_resend: bool,
}

#[component]
pub fn Messages(props: &MessagesProps) -> Html {
    let data = use_fetch::<View>(format!("{}/messages", props.base));
    let lang = use_context::<rally_api::Lang>().unwrap_or_default();
    let w = crate::words::words(lang);
    let when = move |ms: u64| crate::words::when(ms as f64, lang);
    let message = use_state(|| None::<String>);
    let body = data.view(|v| {
        let days = if v.days.is_empty() {
            html! { <p>{ w.no_messages }</p> }
        } else {
            html! {
                <table class="message-days">
                    <caption>{ w.by_day }</caption>
                    <thead><tr>
                        { for w.day_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for v.days.iter().map(|d| html! {
                            <tr data-kind={d.kind.clone()}>
                                <td>{ d.day.clone() }</td><td>{ kind_label(&d.kind, w) }</td>
                                <td class="queued">{ d.queued }</td><td class="sent">{ d.sent }</td>
                                <td class="failed">{ d.failed }</td><td class="dropped">{ d.dropped }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        };
        let failures = if v.failures.is_empty() {
            html! { <p>{ w.no_failures }</p> }
        } else {
            html! {
                <table class="failures">
                    <caption>{ w.latest_failures }</caption>
                    <thead><tr>
                        { for w.failure_columns[..4].iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
                        <th scope="col"><span class="sr-only">{ w.failure_columns[4] }</span></th>
                    </tr></thead>
                    <tbody>
                        { for v.failures.iter().map(|f| {
                            let resend = {
                                let (path, message, reload) = (format!("{}/messages/{}/resend", props.base, f.id), message.clone(), data.reload.clone());
                                Callback::from(move |_| {
                                    let (path, message, reload) = (path.clone(), message.clone(), reload.clone());
                                    wasm_bindgen_futures::spawn_local(async move {
                                        match net::send::<Resent>(Method::POST, &path, None::<&()>).await {
                                            Ok(r) => {
                                                message.set(Some(format!("{}{}{}", w.resent[0], r.id, w.resent[1])));
                                                reload.emit(());
                                            }
                                            Err(f) => message.set(Some(f.message)),
                                        }
                                    });
                                })
                            };
                            html! {
                                <tr data-id={f.id.to_string()}>
                                    <td>{ kind_label(&f.kind, w) }</td><td>{ when(f.created_at) }</td>
                                    <td>{ f.attempts }</td><td class="reason">{ f.error.clone() }</td>
                                    <td>if props.can_resend {
                                        <button type="button" class="resend" onclick={resend}
                                            aria-label={format!("{}{}", w.resend_label, f.id)}>{ w.resend }</button>
                                    }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        };
        html! {
            <>
                { days }
                <h3>{ w.failures }</h3>
                { failures }
                <h3>{ w.housekeeping }</h3>
                <p>{ w.housekeeping_note }</p>
                <ul class="sweeps">
                    { for v.sweeps.iter().map(|s| html! {
                        <li>{ format!("{}{}{}{}{}{}{}{}{}{}{}{}{}{}",
                            when(s.at), w.sweep[0], s.enqueued, w.sweep[1], s.reminders, w.sweep[2], s.expired, w.sweep[3],
                            s.keys_dropped, w.sweep[4], s.sessions_dropped, w.sweep[5], s.links_dropped, w.sweep[6]) }</li>
                    }) }
                </ul>
            </>
        }
    });
    let refresh = data.reload.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="messages-h">
            <h2 id="messages-h">{ w.tabs[7] }</h2>
            <p>{ w.messages_intro }</p>
            <button type="button" onclick={refresh}>{ w.refresh }</button>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            { body }
        </section>
    }
}
