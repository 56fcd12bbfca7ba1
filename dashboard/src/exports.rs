//! The exports tab: one button an export. The edge chooses from the row count: a small export
//! downloads at once (streamed); a big one becomes a background job, listed here with a
//! progress bar that moves as its slices land, and a download link once its file is ready.

use std::rc::Rc;

use gloo_net::http::Method;
use rally_api::staff::{ExportJob, ExportStart};
use rally_api::Lang;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::words::{number, use_words};
use crate::{net, BaseProps};

/// Downloads `href` (same origin: the session cookie goes with it) as a link the staff member
/// clicked would.
fn download(href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", href);
        let _ = a.set_attribute("download", "");
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            a.click();
        }
    }
}

#[component]
pub fn Exports(props: &BaseProps) -> Html {
    let w = use_words();
    let lang = use_context::<Lang>().unwrap_or_default();
    let jobs = use_fetch::<Vec<ExportJob>>(format!("{}/export-jobs", props.base));
    let message = use_state(|| None::<String>);
    let running = jobs
        .data()
        .is_some_and(|j| j.iter().any(|j| j.status == "running"));
    // While a job runs, its progress is read again every second.
    {
        let reload = jobs.reload.clone();
        let loaded = Rc::as_ptr(&jobs.state) as usize;
        use_effect_with((running, loaded), move |(running, _)| {
            if *running {
                wasm_bindgen_futures::spawn_local(async move {
                    crate::sleep(1000).await;
                    reload.emit(());
                });
            }
        });
    }
    let start = |what: &'static str| {
        let (path, message, reload) = (
            format!("{}/exports/{what}", props.base),
            message.clone(),
            jobs.reload.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (path, message, reload) = (path.clone(), message.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match net::send::<ExportStart>(Method::POST, &path, None::<&()>).await {
                    Ok(ExportStart {
                        stream: Some(href), ..
                    }) => {
                        message.set(None);
                        download(&href);
                    }
                    Ok(_) => {
                        message.set(Some(w.export_started.to_owned()));
                        reload.emit(());
                    }
                    Err(f) => message.set(Some(f.message)),
                }
            });
        })
    };
    let files = [
        ("signatures", w.export_files[0]),
        ("commitments", w.export_files[1]),
        ("supporters", w.export_files[2]),
    ];
    let label = |what: &str| {
        files
            .iter()
            .find(|(k, _)| *k == what)
            .map_or(what.to_owned(), |(_, l)| (*l).to_owned())
    };
    let list = jobs.view(|rows| {
        if rows.is_empty() {
            return html! { <p>{ w.none_yet }</p> };
        }
        html! {
            <ul class="jobs">
                { for rows.iter().map(|j| {
                    let id = format!("job-{}", j.id);
                    let shown = j.rows_done.min(j.rows_expected.max(j.rows_done));
                    html! {
                        <li class="job" data-id={j.id.to_string()} data-status={j.status.clone()}>
                            <span id={id.clone()} class="what">{ label(&j.what) }</span>
                            <progress aria-labelledby={id.clone()} value={shown.to_string()}
                                max={j.rows_expected.max(j.rows_done).max(1).to_string()} />
                            <span class="rows">{ format!("{}{}{}{}{}", w.export_progress[0], number(j.rows_done as f64, lang),
                                w.export_progress[1], number(j.rows_expected as f64, lang), w.export_progress[2]) }</span>
                            if let Some(href) = &j.download {
                                <a class="download" href={href.clone()} download="">{ w.export_download }</a>
                            }
                            if j.status == "failed" {
                                <span class="err">{ format!("{}{}", w.export_failed, j.error.clone().unwrap_or_default()) }</span>
                            }
                        </li>
                    }
                }) }
            </ul>
        }
    });
    html! {
        <section aria-labelledby="exports-h">
            <h2 id="exports-h">{ w.exports }</h2>
            <p>{ w.exports_note }</p>
            <ul class="exports">
                { for files.iter().map(|(what, label)| html! {
                    <li><button type="button" class={format!("export-{what}")} onclick={start(what)}>{ *label }</button></li>
                }) }
                <li><a class="export-claims" href={format!("{}/claims/export?format=csv", props.base)} download="">{ w.export_files[3] }</a></li>
            </ul>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            <h3>{ w.export_jobs }</h3>
            <p>{ w.export_jobs_note }</p>
            <div aria-live="polite">{ list }</div>
        </section>
    }
}
