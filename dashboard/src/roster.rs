//! The supporter list (filters that combine, the count, pages, saved filters, tagging and
//! exporting a filter's people), a person's page, and the Teams tab.
//!
//! The filter form's controls are named as the edge's query parameters, so the form's data is
//! the query string (`rally_api::people::Filter` reads it back); a refusal names its field and
//! is shown beside that control.

use gloo_net::http::Method;
use rally_api::people::{
    BulkDraft, BulkJob, BulkOp, BulkStart, Count, FilterDraft, Page, PersonTag, Row, SavedFilter,
    TeamEdit, TeamRow, TeamsPage, Timeline,
};
use rally_api::staff::ExportStart;
use rally_api::Lang;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit, Submit};
use crate::net;
use crate::words::{number, when};

/// The filter form's controls: (query key, kind). Text boxes unless a kind says otherwise.
const FIELDS: &[(&str, Kind)] = &[
    ("did", Kind::Text),
    ("not_did", Kind::Text),
    ("from", Kind::Date),
    ("to", Kind::Date),
    ("region", Kind::Text),
    ("country", Kind::Text),
    ("source", Kind::Text),
    ("utm_source", Kind::Text),
    ("referrer", Kind::Text),
    ("team", Kind::Text),
    ("rung", Kind::Text),
    ("tag", Kind::Text),
    ("goal_weeks", Kind::Number),
    ("leader", Kind::YesNo),
    ("consent", Kind::YesNo),
    ("unsubscribed", Kind::YesNo),
    ("confirmed", Kind::YesNo),
    ("push", Kind::YesNo),
    ("q", Kind::Text),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Date,
    Number,
    YesNo,
}

/// The form's data as a query string, without empty values (and a yes-or-no left at "any").
fn query_of(form: &web_sys::HtmlFormElement, skip: &[&str]) -> String {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return String::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
        return String::new();
    };
    String::from(params.to_string())
        .split('&')
        .filter(|p| !p.is_empty() && !p.ends_with('=') && !p.ends_with("=any"))
        .filter(|p| !skip.iter().any(|s| p.starts_with(&format!("{s}="))))
        .collect::<Vec<_>>()
        .join("&")
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

fn field_error(submit: &Submit, field: &str) -> Html {
    match submit.error(field) {
        Some(m) => {
            html! { <p class="field-error" id={format!("err-{field}")} role="alert">{ m }</p> }
        }
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub base: String,
    /// Whether the member may tag and export (owner, organiser).
    pub can_act: bool,
}

/// The list, with its filter form, count, pages, saved filters and bulk actions.
#[component]
pub fn PeopleList(props: &ListProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let form = use_node_ref();
    let filter = use_state(String::new);
    let rows = use_state(Vec::<Row>::new);
    let next = use_state(|| None::<String>);
    let count = use_state(|| None::<u64>);
    let message = use_state(|| None::<String>);
    let person = use_state(|| None::<Timeline>);
    let submit = use_submit();
    let counting = use_submit();
    let acting = use_submit();
    let saved = use_fetch::<Vec<SavedFilter>>(format!("{}/filters", props.base));
    let sort = use_state(|| "last".to_owned());

    // Runs the filter `q` (a query string): the count and the first page.
    let run = {
        let (base, rows, next, count, filter, submit, counting, sort) = (
            props.base.clone(),
            rows.clone(),
            next.clone(),
            count.clone(),
            filter.clone(),
            submit.clone(),
            counting.clone(),
            sort.clone(),
        );
        Callback::from(move |q: String| {
            filter.set(q.clone());
            let page = format!("{base}/people?sort={}&{q}", *sort);
            let (rows, next) = (rows.clone(), next.clone());
            submit.run(async move { net::get::<Page>(&page).await }, move |a| {
                if let Ok(p) = a {
                    rows.set(p.rows);
                    next.set(p.next);
                }
            });
            let path = format!("{base}/people/count?{q}");
            let count = count.clone();
            count.set(None);
            counting.run(async move { net::get::<Count>(&path).await }, move |a| {
                if let Ok(c) = a {
                    count.set(Some(c.count));
                }
            });
        })
    };
    let on_filter = {
        let (form, run) = (form.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(f) = form.cast::<web_sys::HtmlFormElement>() {
                run.emit(query_of(&f, &["sort", "name"]));
            }
        })
    };
    let on_sort = {
        let sort = sort.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                sort.set(s.value());
            }
        })
    };
    let more = {
        let (base, rows, next, filter, submit, sort) = (
            props.base.clone(),
            rows.clone(),
            next.clone(),
            filter.clone(),
            submit.clone(),
            sort.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(c) = (*next).clone() else { return };
            let path = format!(
                "{base}/people?sort={}&cursor={}&{}",
                *sort,
                String::from(js_sys::encode_uri_component(&c)),
                *filter
            );
            let (rows, next) = (rows.clone(), next.clone());
            submit.run(async move { net::get::<Page>(&path).await }, move |a| {
                if let Ok(p) = a {
                    let mut all = (*rows).clone();
                    all.extend(p.rows);
                    rows.set(all);
                    next.set(p.next);
                }
            });
        })
    };
    let open = {
        let (base, person, message) = (props.base.clone(), person.clone(), message.clone());
        Callback::from(move |id: u32| {
            let path = format!("{base}/supporters/{id}/timeline");
            let (person, message) = (person.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match net::get::<Timeline>(&path).await {
                    Ok(t) => person.set(Some(t)),
                    Err(f) => message.set(Some(f.message)),
                }
            });
        })
    };
    let tag_input = use_node_ref();
    let bulk = {
        let (base, filter, message, acting, tag_input, run) = (
            props.base.clone(),
            filter.clone(),
            message.clone(),
            acting.clone(),
            tag_input.clone(),
            run.clone(),
        );
        Callback::from(move |op: BulkOp| {
            let tag = tag_input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let body = BulkDraft {
                op: Some(op),
                tag: Some(tag),
                filter: Some((*filter).clone()),
            };
            let (path, jobs) = (format!("{base}/people/bulk"), format!("{base}/people/bulk"));
            let (message, run, q) = (message.clone(), run.clone(), (*filter).clone());
            acting.run(
                async move { net::send::<BulkStart>(Method::POST, &path, Some(&body)).await },
                move |a| {
                    let Ok(v) = a else { return };
                    let Some(id) = v.job.map(|j| u64::from(j.id)) else {
                        message.set(Some(w.matched_nobody.to_owned()));
                        return;
                    };
                    message.set(Some(w.job_running.to_owned()));
                    wasm_bindgen_futures::spawn_local(async move {
                        for _ in 0..600 {
                            sleep(500).await;
                            let Ok(list) = net::get::<Vec<BulkJob>>(&jobs).await else {
                                continue;
                            };
                            let Some(j) = list.iter().find(|j| u64::from(j.id) == id) else {
                                continue;
                            };
                            if j.status != "running" {
                                message.set(Some(format!(
                                    "{} {} / {}",
                                    w.job_done,
                                    number(j.done as f64, lang),
                                    number(j.expected as f64, lang)
                                )));
                                run.emit(q);
                                return;
                            }
                        }
                    });
                },
            );
        })
    };
    let export = {
        let (base, filter, message, acting) = (
            props.base.clone(),
            filter.clone(),
            message.clone(),
            acting.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let body = FilterDraft {
                name: None,
                filter: Some((*filter).clone()),
            };
            let (path, jobs) = (
                format!("{base}/people/export"),
                format!("{base}/export-jobs"),
            );
            let message = message.clone();
            acting.run(
                async move { net::send::<ExportStart>(Method::POST, &path, Some(&body)).await },
                move |a| {
                    let Some(job) = a.ok().and_then(|s| s.job) else {
                        return;
                    };
                    message.set(Some(w.export_running.to_owned()));
                    wasm_bindgen_futures::spawn_local(async move {
                        for _ in 0..1200 {
                            sleep(500).await;
                            let Ok(list) =
                                net::get::<Vec<rally_api::staff::ExportJob>>(&jobs).await
                            else {
                                continue;
                            };
                            if let Some(j) = list
                                .iter()
                                .find(|j| j.id == job.id && j.status != "running")
                            {
                                message.set(Some(match &j.download {
                                    Some(_) => w.export_ready.to_owned(),
                                    None => j.error.clone().unwrap_or_default(),
                                }));
                                return;
                            }
                        }
                    });
                },
            );
        })
    };
    let name_input = use_node_ref();
    let save = {
        let (base, filter, acting, name_input, reload, message) = (
            props.base.clone(),
            filter.clone(),
            acting.clone(),
            name_input.clone(),
            saved.reload.clone(),
            message.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let name = name_input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let body = FilterDraft {
                name: Some(name),
                filter: Some((*filter).clone()),
            };
            let path = format!("{base}/filters");
            let (reload, message) = (reload.clone(), message.clone());
            acting.run(
                async move { net::send::<SavedFilter>(Method::POST, &path, Some(&body)).await },
                move |a| {
                    if a.is_ok() {
                        message.set(Some(w.filter_saved.to_owned()));
                        reload.emit(());
                    }
                },
            );
        })
    };
    let apply_saved = {
        let (run, form) = (run.clone(), form.clone());
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let q = s.value();
            if q.is_empty() {
                return;
            }
            // The form shows the saved filter's values.
            if let Some(f) = form.cast::<web_sys::HtmlFormElement>() {
                f.reset();
                for (k, v) in rally_api::people::decode_pairs(&q) {
                    if let Some(el) = f.elements().named_item(&k) {
                        if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                            i.set_value(&v);
                        } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
                            s.set_value(&v);
                        }
                    }
                }
            }
            run.emit(q);
        })
    };
    let general = submit.general(
        &FIELDS
            .iter()
            .map(|(k, _)| *k)
            .chain(["cursor", "sort"])
            .collect::<Vec<_>>(),
    );
    let controls = FIELDS.iter().map(|(k, kind)| {
        let id = format!("f-{k}");
        let label = w.label(k);
        let err = submit.error(k).or_else(|| counting.error(k));
        let described = err.as_ref().map(|_| format!("err-{k}"));
        let invalid = err.is_some().then_some("true");
        let control = match kind {
            Kind::YesNo => html! {
                <select id={id.clone()} name={*k} aria-describedby={described.clone()} aria-invalid={invalid}>
                    <option value="any" selected=true>{ w.any }</option>
                    <option value="yes">{ w.yes }</option>
                    <option value="no">{ w.no }</option>
                </select>
            },
            Kind::Date => html! { <input id={id.clone()} name={*k} type="date" aria-describedby={described.clone()} aria-invalid={invalid} /> },
            Kind::Number => html! { <input id={id.clone()} name={*k} type="number" min="1" max="12" aria-describedby={described.clone()} aria-invalid={invalid} /> },
            Kind::Text => html! { <input id={id.clone()} name={*k} type="text" aria-describedby={described.clone()} aria-invalid={invalid} /> },
        };
        html! {
            <div class="filter-field">
                <label for={id}>{ label }</label>
                { control }
                if let Some(m) = err { <p class="field-error" id={format!("err-{k}")} role="alert">{ m }</p> }
            </div>
        }
    });
    let list = rows.iter().map(|r| {
        let id = r.id;
        let open = open.clone();
        let name = format!("{} {}", r.first_name, r.last_name);
        html! {
            <tr data-id={id.to_string()}>
                <td><button type="button" class="open-person" onclick={Callback::from(move |_| open.emit(id))}>{ name }</button></td>
                <td>{ r.email.clone().unwrap_or_else(|| "–".into()) }</td>
                <td>{ format!("{}{}", r.country, r.region.as_deref().map(|x| format!(" · {x}")).unwrap_or_default()) }</td>
                <td class="num">{ number(r.points as f64, lang) }</td>
                <td>{ r.rung.clone() }</td>
                <td>{ format!("{}{}", r.team.clone().unwrap_or_default(), if r.leader { w.leads } else { "" }) }</td>
                <td>{ r.last_action_at.map(|t| when(t, lang)).unwrap_or_else(|| "–".into()) }</td>
                <td class="tags">{ r.tags.join(", ") }</td>
            </tr>
        }
    });
    let saved_options = saved.data().cloned().unwrap_or_default();
    html! {
        <section aria-labelledby="list-h" class="people-list">
            <h2 id="list-h">{ w.heading }</h2>
            <form class="filters" ref={form} onsubmit={on_filter} novalidate=true>
                <p class="hint">{ w.hint }</p>
                <div class="filter-grid">{ for controls }</div>
                <div class="filter-field">
                    <label for="f-sort">{ w.sort }</label>
                    <select id="f-sort" name="sort" onchange={on_sort}>
                        <option value="last">{ w.sort_last }</option>
                        <option value="points">{ w.sort_points }</option>
                    </select>
                </div>
                <button type="submit" class="apply" disabled={submit.busy()}>{ w.apply }</button>
            </form>
            <div class="filter-field">
                <label for="saved">{ w.saved }</label>
                <select id="saved" onchange={apply_saved}>
                    <option value="">{ w.choose }</option>
                    { for saved_options.iter().map(|s| html! { <option value={s.filter.clone()}>{ s.name.clone() }</option> }) }
                </select>
            </div>
            { for general.iter().map(|m| html! { <p class="msg" role="alert">{ m.clone() }</p> }) }
            <p class="count" role="status" aria-live="polite">
                { match *count {
                    Some(n) => format!("{} {}", number(n as f64, lang), if n == 1 { w.matching_one } else { w.matching }),
                    None => String::new(),
                } }
            </p>
            if props.can_act && count.is_some() {
                <div class="bulk">
                    <label for="bulk-tag">{ w.tag_label }</label>
                    <input id="bulk-tag" ref={tag_input} type="text" maxlength="40" aria-describedby={acting.error("tag").map(|_| "err-tag-bulk")} />
                    if let Some(m) = acting.error("tag") { <p class="field-error" id="err-tag-bulk" role="alert">{ m }</p> }
                    <button type="button" class="tag-all" disabled={acting.busy()} onclick={{ let b = bulk.clone(); Callback::from(move |_| b.emit(BulkOp::Tag)) }}>{ w.tag_all }</button>
                    <button type="button" class="untag-all" disabled={acting.busy()} onclick={{ let b = bulk.clone(); Callback::from(move |_| b.emit(BulkOp::Untag)) }}>{ w.untag_all }</button>
                    <button type="button" class="export-filter" disabled={acting.busy()} onclick={export}>{ w.export }</button>
                    <label for="filter-name">{ w.name_label }</label>
                    <input id="filter-name" ref={name_input} type="text" maxlength="60" aria-describedby={acting.error("name").map(|_| "err-name")} />
                    { field_error(&acting, "name") }
                    <button type="button" class="save-filter" disabled={acting.busy()} onclick={save}>{ w.save }</button>
                </div>
            }
            if let Some(m) = &*message { <p class="msg job" role="status" aria-live="polite">{ m }</p> }
            if !rows.is_empty() {
                <table class="roster">
                    <caption class="visually-hidden">{ w.heading }</caption>
                    <thead><tr>{ for w.columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                    <tbody>{ for list }</tbody>
                </table>
            }
            if next.is_some() {
                <button type="button" class="more" onclick={more} disabled={submit.busy()}>{ w.more }</button>
            }
            if let Some(t) = &*person {
                <PersonPage base={props.base.clone()} person={t.clone()} can_act={props.can_act} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PersonProps {
    base: String,
    person: Timeline,
    can_act: bool,
}

/// A person's page: actions, rungs, team, recruiter and recruits, deliveries, consent, tags.
#[component]
fn PersonPage(props: &PersonProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let t = &props.person;
    let tags = use_state(|| t.tags.clone());
    {
        let tags = tags.clone();
        use_effect_with(t.tags.clone(), move |v| tags.set(v.clone()));
    }
    // The page takes the focus when it opens, so a keyboard user lands on it.
    use_effect_with(t.id, |_| {
        if let Some(h) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("person-h"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = h.focus();
        }
    });
    let input = use_node_ref();
    let submit = use_submit();
    let confirm = use_state(|| false);
    let erased = use_state(|| None::<String>);
    let erase = {
        let (path, confirm, erased, submit) = (
            format!("{}/supporters/{}", props.base, t.id),
            confirm.clone(),
            erased.clone(),
            submit.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if !*confirm {
                confirm.set(true);
                return;
            }
            confirm.set(false);
            let (path, erased) = (path.clone(), erased.clone());
            submit.run(
                async move {
                    net::send::<rally_api::staff::Erased>(Method::DELETE, &path, None::<&()>).await
                },
                move |a| match a {
                    Ok(_) => erased.set(Some(w.erased.to_owned())),
                    Err(f) if f.status == 403 => erased.set(Some(w.only_owners_erase.to_owned())),
                    Err(f) => erased.set(Some(f.message)),
                },
            );
        })
    };
    let add = {
        let (path, input, tags, submit) = (
            format!("{}/supporters/{}/tags", props.base, t.id),
            input.clone(),
            tags.clone(),
            submit.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let tag = input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let body = PersonTag {
                tag: Some(tag),
                on: Some(true),
            };
            let (path, tags) = (path.clone(), tags.clone());
            submit.run(
                async move { net::send::<PersonTag>(Method::POST, &path, Some(&body)).await },
                move |a| {
                    if let Some(t) = a.ok().and_then(|v| v.tag) {
                        let mut all = (*tags).clone();
                        if !all.contains(&t) {
                            all.push(t);
                            all.sort();
                        }
                        tags.set(all);
                    }
                },
            );
        })
    };
    html! {
        <section class="person" aria-labelledby="person-h">
            <h3 id="person-h" tabindex="-1">{ format!("{} {}", t.first_name, t.last_name) }</h3>
            <dl>
                <dt>{ w.email }</dt><dd>{ t.email.clone().unwrap_or_else(|| "–".into()) }</dd>
                <dt>{ w.place }</dt><dd>{ format!("{} {}", t.country, t.region.clone().unwrap_or_default()) }</dd>
                <dt>{ w.columns[3] }</dt><dd>{ number(t.points as f64, lang) }</dd>
                <dt>{ w.columns[4] }</dt><dd class="rung">{ t.rung.clone() }</dd>
                <dt>{ w.columns[5] }</dt>
                <dd class="team">{ t.team.as_ref().map(|x| format!("{}{}", x.name, if x.leader { w.leads } else { "" })).unwrap_or_else(|| "–".into()) }</dd>
                <dt>{ w.recruited_by }</dt><dd>{ t.recruited_by.as_ref().map(|l| l.name.clone()).unwrap_or_else(|| "–".into()) }</dd>
                <dt>{ w.recruits }</dt><dd class="recruits">{ t.recruits.iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(", ") }</dd>
                <dt>{ w.tags }</dt><dd class="person-tags">{ tags.join(", ") }</dd>
            </dl>
            <h4>{ w.actions }</h4>
            <ol class="timeline">
                { for t.actions.iter().map(|a| html! {
                    <li>{ format!("{} · {} · {} · {} {}", when(a.at, lang), w.kind(&a.kind), a.what.clone().unwrap_or_default(),
                        a.source.clone().into_iter().chain(a.utm_source.clone()).collect::<Vec<_>>().join(" / "),
                        if a.points != 0 { format!("· {} {}", number(a.points as f64, lang), w.points) } else { String::new() }) }</li>
                }) }
            </ol>
            <h4>{ w.rungs }</h4>
            <ol class="rung-history">
                { for t.rungs.iter().map(|m| html! { <li>{ format!("{} · {} → {} ({})", when(m.at, lang), m.from, m.to, m.cause) }</li> }) }
            </ol>
            <h4>{ w.deliveries }</h4>
            <ul class="deliveries">
                { for t.deliveries.iter().map(|d| html! { <li>{ format!("{} · {}{} · {}", when(d.at, lang), d.kind, d.event.as_deref().map(|e| format!(" {e}")).unwrap_or_default(), d.status) }</li> }) }
            </ul>
            <h4>{ w.consent }</h4>
            <ul class="consent">
                { for t.consent.iter().map(|c| html! { <li>{ format!("{}: {}{}", w.consent_what(&c.what), if c.value { w.yes } else { w.no }, c.at.map(|a| format!(" ({})", when(a, lang))).unwrap_or_default()) }</li> }) }
            </ul>
            if props.can_act {
                <form class="tag-person" onsubmit={add}>
                    <label for="person-tag">{ w.tag_label }</label>
                    <input id="person-tag" ref={input} type="text" maxlength="40" aria-describedby={submit.error("tag").map(|_| "err-tag")} />
                    { field_error(&submit, "tag") }
                    <button type="submit" disabled={submit.busy()}>{ w.add_tag }</button>
                </form>
                <button type="button" class="erase-person" onclick={erase} disabled={submit.busy()}>
                    { if *confirm { w.erase_confirm } else { w.erase } }
                </button>
                if let Some(m) = &*erased { <p class="msg" role="status">{ m.clone() }</p> }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TeamsProps {
    pub base: String,
    pub can_act: bool,
}

/// The Teams tab: every team with its leader, size, points, streak and stalled members; staff
/// rename a team and replace its leader.
#[component]
pub fn Teams(props: &TeamsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let data = use_fetch::<TeamsPage>(format!("{}/teams", props.base));
    let (base, can_act, reload) = (props.base.clone(), props.can_act, data.reload.clone());
    data.view(move |page| html! {
        <section aria-labelledby="teams-h">
            <h2 id="teams-h">{ w.teams }</h2>
            <table class="teams-table">
                <thead><tr>{ for w.team_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                <tbody>
                    { for page.teams.iter().map(|t| html! {
                        <TeamLine key={t.id} base={base.clone()} team={t.clone()} can_act={can_act} reload={reload.clone()} />
                    }) }
                </tbody>
            </table>
        </section>
    })
}

#[derive(Properties, PartialEq)]
struct TeamLineProps {
    base: String,
    team: TeamRow,
    can_act: bool,
    reload: Callback<()>,
}

#[component]
fn TeamLine(props: &TeamLineProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let t = &props.team;
    let members = use_state(|| None::<Vec<Row>>);
    let submit = use_submit();
    let name = use_node_ref();
    let pick = use_node_ref();
    let message = use_state(|| None::<String>);
    let path = format!("{}/teams/{}", props.base, t.id);
    let load = {
        let (path, members) = (
            format!("{}/people?team={}&limit=100", props.base, t.id),
            members.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (path, members) = (path.clone(), members.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(p) = net::get::<Page>(&path).await {
                    members.set(Some(p.rows));
                }
            });
        })
    };
    let edit = {
        let (path, submit, reload, message) = (
            path.clone(),
            submit.clone(),
            props.reload.clone(),
            message.clone(),
        );
        Callback::from(move |e: TeamEdit| {
            let (path, reload, message) = (path.clone(), reload.clone(), message.clone());
            submit.run(
                async move { net::send::<Option<TeamRow>>(Method::PATCH, &path, Some(&e)).await },
                move |a| {
                    if a.is_ok() {
                        message.set(Some(w.team_saved.to_owned()));
                        reload.emit(());
                    }
                },
            );
        })
    };
    let rename = {
        let (edit, name) = (edit.clone(), name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = name.cast::<web_sys::HtmlInputElement>().map(|i| i.value());
            edit.emit(TeamEdit {
                name: v,
                ..TeamEdit::default()
            });
        })
    };
    let lead = {
        let (edit, pick) = (edit.clone(), pick.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = pick
                .cast::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse().ok());
            edit.emit(TeamEdit {
                leader: v,
                ..TeamEdit::default()
            });
        })
    };
    let id = t.id;
    html! {
        <tr data-team={id.to_string()}>
            <td>{ t.name.clone() }</td>
            <td class="leader">{ t.leader.clone().unwrap_or_else(|| "–".into()) }</td>
            <td class="num">{ number(t.size as f64, lang) }</td>
            <td class="num">{ number(t.week_points as f64, lang) }</td>
            <td class="num">{ number(t.points as f64, lang) }</td>
            <td class="num">{ number(t.streak as f64, lang) }</td>
            <td class="num stalled">{ number(t.stalled as f64, lang) }</td>
            <td>{ t.leader_last_active.map(|a| when(a, lang)).unwrap_or_else(|| "–".into()) }</td>
            <td>
                if props.can_act {
                    <form class="rename" onsubmit={rename}>
                        <label for={format!("rename-{id}")}>{ w.rename }</label>
                        <input id={format!("rename-{id}")} ref={name} type="text" maxlength="40" value={t.name.clone()} aria-describedby={submit.error("name").map(|_| format!("err-name-{id}"))} />
                        if let Some(m) = submit.error("name") { <p class="field-error" id={format!("err-name-{id}")} role="alert">{ m }</p> }
                        <button type="submit" disabled={submit.busy()}>{ w.save }</button>
                    </form>
                    if let Some(list) = &*members {
                        <form class="replace-leader" onsubmit={lead}>
                            <label for={format!("leader-{id}")}>{ w.new_leader }</label>
                            <select id={format!("leader-{id}")} ref={pick} aria-describedby={submit.error("leader").map(|_| format!("err-leader-{id}"))}>
                                { for list.iter().filter(|m| Some(m.id) != t.leader_id).map(|m| html! { <option value={m.id.to_string()}>{ format!("{} {}", m.first_name, m.last_name) }</option> }) }
                            </select>
                            if let Some(m) = submit.error("leader") { <p class="field-error" id={format!("err-leader-{id}")} role="alert">{ m }</p> }
                            <button type="submit" disabled={submit.busy()}>{ w.replace }</button>
                        </form>
                    } else {
                        <button type="button" class="change-leader" onclick={load}>{ w.change_leader }</button>
                    }
                    if let Some(m) = &*message { <p class="msg" role="status">{ m.clone() }</p> }
                }
            </td>
        </tr>
    }
}

/// The words of the list, the person's page and the Teams tab.
pub struct Words {
    pub heading: &'static str,
    pub hint: &'static str,
    pub labels: [&'static str; 19],
    pub any: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub sort: &'static str,
    pub sort_last: &'static str,
    pub sort_points: &'static str,
    pub apply: &'static str,
    pub saved: &'static str,
    pub choose: &'static str,
    pub matching: &'static str,
    pub matching_one: &'static str,
    pub tag_label: &'static str,
    pub tag_all: &'static str,
    pub untag_all: &'static str,
    pub export: &'static str,
    pub name_label: &'static str,
    pub save: &'static str,
    pub columns: [&'static str; 8],
    pub more: &'static str,
    pub leads: &'static str,
    pub matched_nobody: &'static str,
    pub job_running: &'static str,
    pub job_done: &'static str,
    pub export_running: &'static str,
    pub export_ready: &'static str,
    pub filter_saved: &'static str,
    pub email: &'static str,
    pub place: &'static str,
    pub recruited_by: &'static str,
    pub recruits: &'static str,
    pub tags: &'static str,
    pub actions: &'static str,
    pub rungs: &'static str,
    pub deliveries: &'static str,
    pub consent: &'static str,
    pub consents: [&'static str; 4],
    pub kinds: [&'static str; 5],
    pub points: &'static str,
    pub add_tag: &'static str,
    pub erase: &'static str,
    pub erase_confirm: &'static str,
    pub erased: &'static str,
    pub only_owners_erase: &'static str,
    pub teams: &'static str,
    pub team_columns: [&'static str; 9],
    pub rename: &'static str,
    pub change_leader: &'static str,
    pub new_leader: &'static str,
    pub replace: &'static str,
    pub team_saved: &'static str,
}

impl Words {
    fn label(&self, key: &str) -> &'static str {
        FIELDS
            .iter()
            .position(|(k, _)| *k == key)
            .map_or("", |i| self.labels[i])
    }
    fn kind(&self, k: &str) -> &'static str {
        ["sign", "pledge", "report", "recruit", "done"]
            .iter()
            .position(|x| *x == k)
            .map_or("", |i| self.kinds[i])
    }
    fn consent_what(&self, k: &str) -> &'static str {
        ["contact", "unsubscribed", "leader_contact", "listed"]
            .iter()
            .position(|x| *x == k)
            .map_or("", |i| self.consents[i])
    }
}

const EN: Words = Words {
    heading: "Find people",
    hint: "Every condition you fill in must hold. Actions: sign, pledge, report, recruit or done, optionally with a slug or an action's number (sign:save-the-park).",
    labels: ["Did", "Did not do", "Acted from", "Acted until", "Region", "Country", "First came from", "utm_source", "Recruited by (referral code)", "Team number", "Rung", "Tag", "Weekly goal met, last weeks", "Leads a team", "Agreed to contact", "Unsubscribed", "Confirmed by email", "Push notifications", "Name or email"],
    any: "Any",
    yes: "Yes",
    no: "No",
    sort: "Sort by",
    sort_last: "Last action",
    sort_points: "Points",
    apply: "Show people",
    saved: "Saved filters",
    choose: "Choose one",
    matching: "people match",
    matching_one: "person matches",
    tag_label: "Tag",
    tag_all: "Tag these people",
    untag_all: "Remove this tag from them",
    export: "Export these people (CSV)",
    name_label: "Filter name",
    save: "Save",
    columns: ["Name", "Email", "Place", "Points", "Rung", "Team", "Last action", "Tags"],
    more: "More people",
    leads: " (leader)",
    matched_nobody: "The filter matches nobody: nothing was done.",
    job_running: "Tagging in the background…",
    job_done: "Done:",
    export_running: "Export running in the background…",
    export_ready: "Export ready: download it from the Exports tab.",
    filter_saved: "Filter saved.",
    email: "Email",
    place: "Place",
    recruited_by: "Recruited by",
    recruits: "Recruited",
    tags: "Tags",
    actions: "Actions",
    rungs: "Ladder history",
    deliveries: "Messages and deliveries",
    consent: "Consent",
    consents: ["Agreed to be contacted", "Unsubscribed", "Leader may contact", "Listed on public boards"],
    kinds: ["Signed", "Pledged", "Reported", "Recruited", "Did"],
    points: "points",
    add_tag: "Add tag",
    erase: "Erase this person",
    erase_confirm: "Erase: their details go for good (their counts stay). Confirm",
    erased: "Erased: their details are gone; their actions still count, anonymously.",
    only_owners_erase: "Only owners may erase a person.",
    teams: "Teams",
    team_columns: ["Team", "Leader", "Size", "This week", "All time", "Weeks in a row at goal", "Stalled members", "Leader last active", "Change"],
    rename: "Name",
    change_leader: "Replace leader…",
    new_leader: "New leader",
    replace: "Replace leader",
    team_saved: "Saved. Both leaders are told by email.",
};

const PT_BR: Words = Words {
    heading: "Encontrar pessoas",
    hint: "Toda condição preenchida precisa valer. Ações: sign, pledge, report, recruit ou done, com um slug ou o número da ação se quiser (sign:salve-o-parque).",
    labels: ["Fez", "Não fez", "Agiu a partir de", "Agiu até", "Região", "País", "Veio primeiro de", "utm_source", "Recrutado por (código)", "Número da equipe", "Degrau", "Etiqueta", "Meta semanal cumprida, últimas semanas", "Lidera uma equipe", "Aceitou contato", "Cancelou inscrição", "Confirmou por e-mail", "Notificações push", "Nome ou e-mail"],
    any: "Qualquer",
    yes: "Sim",
    no: "Não",
    sort: "Ordenar por",
    sort_last: "Última ação",
    sort_points: "Pontos",
    apply: "Mostrar pessoas",
    saved: "Filtros salvos",
    choose: "Escolha um",
    matching: "pessoas correspondem",
    matching_one: "pessoa corresponde",
    tag_label: "Etiqueta",
    tag_all: "Etiquetar estas pessoas",
    untag_all: "Tirar esta etiqueta delas",
    export: "Exportar estas pessoas (CSV)",
    name_label: "Nome do filtro",
    save: "Salvar",
    columns: ["Nome", "E-mail", "Local", "Pontos", "Degrau", "Equipe", "Última ação", "Etiquetas"],
    more: "Mais pessoas",
    leads: " (liderança)",
    matched_nobody: "O filtro não corresponde a ninguém: nada foi feito.",
    job_running: "Etiquetando em segundo plano…",
    job_done: "Pronto:",
    export_running: "Exportação em segundo plano…",
    export_ready: "Exportação pronta: baixe-a na aba Exportações.",
    filter_saved: "Filtro salvo.",
    email: "E-mail",
    place: "Local",
    recruited_by: "Recrutado por",
    recruits: "Recrutou",
    tags: "Etiquetas",
    actions: "Ações",
    rungs: "Histórico na escada",
    deliveries: "Mensagens e entregas",
    consent: "Consentimento",
    consents: ["Aceitou ser contatado", "Cancelou inscrição", "A liderança pode contatar", "Aparece nos placares públicos"],
    kinds: ["Assinou", "Comprometeu-se", "Denunciou", "Recrutou", "Fez"],
    points: "pontos",
    add_tag: "Adicionar etiqueta",
    erase: "Apagar esta pessoa",
    erase_confirm: "Apagar: os dados somem de vez (as contagens ficam). Confirmar",
    erased: "Apagado: os dados sumiram; as ações dela ainda contam, anônimas.",
    only_owners_erase: "Só quem é dono pode apagar uma pessoa.",
    teams: "Equipes voluntárias",
    team_columns: ["Equipe", "Liderança", "Tamanho", "Esta semana", "Total", "Semanas seguidas na meta", "Membros parados", "Última atividade da liderança", "Alterar"],
    rename: "Nome",
    change_leader: "Trocar liderança…",
    new_leader: "Nova liderança",
    replace: "Trocar liderança",
    team_saved: "Salvo. As duas lideranças são avisadas por e-mail.",
};

const ES: Words = Words {
    heading: "Buscar personas",
    hint: "Toda condición que completes debe cumplirse. Acciones: sign, pledge, report, recruit o done, con un slug o el número de la acción si quieres (sign:salva-el-parque).",
    labels: ["Hizo", "No hizo", "Actuó desde", "Actuó hasta", "Región", "País", "Llegó primero desde", "utm_source", "Reclutado por (código)", "Número de equipo", "Peldaño", "Etiqueta", "Meta semanal cumplida, últimas semanas", "Lidera un equipo", "Aceptó contacto", "Se dio de baja", "Confirmó por correo", "Notificaciones push", "Nombre o correo"],
    any: "Cualquiera",
    yes: "Sí",
    no: "No",
    sort: "Ordenar por",
    sort_last: "Última acción",
    sort_points: "Puntos",
    apply: "Mostrar personas",
    saved: "Filtros guardados",
    choose: "Elige uno",
    matching: "personas coinciden",
    matching_one: "persona coincide",
    tag_label: "Etiqueta",
    tag_all: "Etiquetar a estas personas",
    untag_all: "Quitarles esta etiqueta",
    export: "Exportar a estas personas (CSV)",
    name_label: "Nombre del filtro",
    save: "Guardar",
    columns: ["Nombre", "Correo", "Lugar", "Puntos", "Peldaño", "Equipo", "Última acción", "Etiquetas"],
    more: "Más personas",
    leads: " (líder)",
    matched_nobody: "El filtro no coincide con nadie: no se hizo nada.",
    job_running: "Etiquetando en segundo plano…",
    job_done: "Listo:",
    export_running: "Exportación en segundo plano…",
    export_ready: "Exportación lista: descárgala en la pestaña Exportaciones.",
    filter_saved: "Filtro guardado.",
    email: "Correo",
    place: "Lugar",
    recruited_by: "Reclutado por",
    recruits: "Reclutó",
    tags: "Etiquetas",
    actions: "Acciones",
    rungs: "Historial en la escalera",
    deliveries: "Mensajes y entregas",
    consent: "Consentimiento",
    consents: ["Aceptó ser contactado", "Se dio de baja", "El líder puede contactar", "Aparece en los tableros públicos"],
    kinds: ["Firmó", "Se comprometió", "Reportó", "Reclutó", "Hizo"],
    points: "puntos",
    add_tag: "Añadir etiqueta",
    erase: "Borrar a esta persona",
    erase_confirm: "Borrar: sus datos se van para siempre (los conteos quedan). Confirmar",
    erased: "Borrado: sus datos ya no están; sus acciones siguen contando, anónimas.",
    only_owners_erase: "Solo quien es dueño puede borrar a una persona.",
    teams: "Equipos voluntarios",
    team_columns: ["Equipo", "Líder", "Tamaño", "Esta semana", "Total", "Semanas seguidas en la meta", "Miembros detenidos", "Última actividad del líder", "Cambiar"],
    rename: "Nombre",
    change_leader: "Cambiar líder…",
    new_leader: "Nuevo líder",
    replace: "Cambiar líder",
    team_saved: "Guardado. Ambos líderes reciben un correo.",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::PtBr => &PT_BR,
        Lang::Es => &ES,
    }
}
