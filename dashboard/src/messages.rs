//! Follow-up messages: what was sent, what waits and what failed, per day and kind; the latest
//! failures with their reasons and a resend (owners and organisers); and the cron's
//! housekeeping runs.

use gloo_net::http::Method;
use rally_api::staff::{Messages as View, Resent};
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::net;

/// What staff read for each kind of message.
fn kind_label(kind: &str) -> &str {
    match kind {
        "confirm" => "Confirmation",
        "confirm_reminder" => "Reminder to confirm",
        "pledge_eve" => "Pledge reminder (day before)",
        "pledge_morning" => "Pledge reminder (on the day)",
        "outcome" => "Fact-check outcome",
        other => other,
    }
}

fn when(ms: u64) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    String::from(d.to_locale_string("en-GB", &js_sys::Object::new()))
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
    let message = use_state(|| None::<String>);
    let body = data.view(|v| {
        let days = if v.days.is_empty() {
            html! { <p>{ "No messages in the last 14 days." }</p> }
        } else {
            html! {
                <table class="message-days">
                    <caption>{ "Messages by day (UTC) and kind, last 14 days" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Day" }</th><th scope="col">{ "Kind" }</th>
                        <th scope="col">{ "Waiting" }</th><th scope="col">{ "Sent" }</th>
                        <th scope="col">{ "Failed" }</th><th scope="col">{ "Not sent" }</th>
                    </tr></thead>
                    <tbody>
                        { for v.days.iter().map(|d| html! {
                            <tr data-kind={d.kind.clone()}>
                                <td>{ d.day.clone() }</td><td>{ kind_label(&d.kind) }</td>
                                <td class="queued">{ d.queued }</td><td class="sent">{ d.sent }</td>
                                <td class="failed">{ d.failed }</td><td class="dropped">{ d.dropped }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        };
        let failures = if v.failures.is_empty() {
            html! { <p>{ "No failed messages." }</p> }
        } else {
            html! {
                <table class="failures">
                    <caption>{ "Latest failures" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Kind" }</th><th scope="col">{ "Written" }</th>
                        <th scope="col">{ "Attempts" }</th><th scope="col">{ "Reason" }</th>
                        <th scope="col"><span class="sr-only">{ "Action" }</span></th>
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
                                                message.set(Some(format!("Message {} is being sent again.", r.id)));
                                                reload.emit(());
                                            }
                                            Err(f) => message.set(Some(f.message)),
                                        }
                                    });
                                })
                            };
                            html! {
                                <tr data-id={f.id.to_string()}>
                                    <td>{ kind_label(&f.kind) }</td><td>{ when(f.created_at) }</td>
                                    <td>{ f.attempts }</td><td class="reason">{ f.error.clone() }</td>
                                    <td>if props.can_resend {
                                        <button type="button" class="resend" onclick={resend}
                                            aria-label={format!("Resend message {}", f.id)}>{ "Resend" }</button>
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
                <h3>{ "Failures" }</h3>
                { failures }
                <h3>{ "Housekeeping" }</h3>
                <p>{ "Every minute the cron hands due messages to the queue and drops old idempotency keys, expired sessions and spent links." }</p>
                <ul class="sweeps">
                    { for v.sweeps.iter().map(|s| html! {
                        <li>{ format!("{}: {} queued, {} confirmation reminders, {} too late; dropped {} keys, {} sessions, {} links",
                            when(s.at), s.enqueued, s.reminders, s.expired, s.keys_dropped, s.sessions_dropped, s.links_dropped) }</li>
                    }) }
                </ul>
            </>
        }
    });
    let refresh = data.reload.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="messages-h">
            <h2 id="messages-h">{ "Messages" }</h2>
            <p>{ "Confirmations, pledge reminders and fact-check outcomes, sent by email. A message that fails is tried again 4 times, each wait longer, then shown here." }</p>
            <button type="button" onclick={refresh}>{ "Refresh" }</button>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            { body }
        </section>
    }
}
