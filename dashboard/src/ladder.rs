//! The engagement ladder tab: the report (people on each rung now, moves up and down per week
//! as a chart and a table, conversion to the next rung within four weeks, filters by source,
//! region, team and first action, a CSV) and, for owners and organisers, the ladder's editor.
//! Saving a live ladder re-evaluates everyone in the background; the tab shows the progress.

use gloo_net::http::Method;
use rally_api::builder::Widgets;
use rally_api::ladder::{
    ActionKind, Ask, Condition, Ladder as Draft, LadderReport, LadderView, Rung, WeekReport,
};
use rally_api::Lang;
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::net;
use crate::words::number;

#[derive(Properties, PartialEq)]
pub struct LadderProps {
    pub base: String,
    /// Owners and organisers edit the ladder.
    pub can_edit: bool,
    /// Opens the supporters on a rung (the Supporters tab, filtered by rung).
    pub on_people: Callback<String>,
}

#[component]
pub fn Ladder(props: &LadderProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let filter = use_state(|| ("all".to_owned(), String::new()));
    let query = if filter.0 == "all" {
        String::new()
    } else {
        format!(
            "&dim={}&val={}",
            filter.0,
            String::from(js_sys::encode_uri_component(&filter.1))
        )
    };
    let report = use_fetch::<LadderReport>(format!(
        "{}/ladder/report?lang={}{query}",
        props.base,
        lang.tag()
    ));
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let (dim, val) = v.split_once(':').unwrap_or(("all", ""));
            filter.set((dim.to_owned(), val.to_owned()));
        })
    };
    let body = report.view(|r| {
        let chosen = format!("{}:{}", r.dim, r.val);
        html! {
            <>
            <label for="ladder-filter">{ w.filter }</label>
            <select id="ladder-filter" onchange={on_filter.clone()}>
                <option value="all:" selected={r.dim == "all"}>{ w.everyone }</option>
                { for r.filters.iter().map(|f| {
                    let v = format!("{}:{}", f.dim, f.val);
                    let dim = w.dims.iter().find(|(d, _)| *d == f.dim).map_or(f.dim.as_str(), |(_, l)| l);
                    html! { <option value={v.clone()} selected={v == chosen}>{ format!("{dim}: {} ({})", f.label, number(f.n as f64, lang)) }</option> }
                }) }
            </select>
            { rungs_table(r, lang, &props.on_people) }
            { chart(&r.weeks, lang) }
            { moves_table(r, lang) }
            <p><a class="csv" href={format!("{}/ladder/report/export?x=1{query}", props.base)} download="">{ w.csv }</a></p>
            </>
        }
    });
    let refresh = report.reload.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="ladder-h">
            <h2 id="ladder-h">{ w.title }</h2>
            <p>{ w.intro }</p>
            <button type="button" onclick={refresh}>{ w.refresh }</button>
            { body }
            <Editor base={props.base.clone()} can_edit={props.can_edit} on_saved={report.reload.clone()} />
        </section>
    }
}

/// The name of rung `slug` in the report (a rung no longer on the ladder: its slug; none: "—").
fn rung_name(r: &LadderReport, slug: &str, w: &'static Words) -> String {
    if slug.is_empty() {
        return w.no_rung.to_owned();
    }
    r.rungs
        .iter()
        .find(|g| g.slug == slug)
        .map_or(slug.to_owned(), |g| g.name.clone())
}

fn rungs_table(r: &LadderReport, lang: Lang, on_people: &Callback<String>) -> Html {
    let w = words(lang);
    html! {
        <table class="rungs">
            <caption>{ w.now_caption }</caption>
            <thead><tr>
                { for w.rung_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
            </tr></thead>
            <tbody>
                { for r.rungs.iter().rev().map(|g| {
                    let open = { let (on, slug) = (on_people.clone(), g.slug.clone()); Callback::from(move |_| on.emit(slug.clone())) };
                    let rate = if g.entered == 0 { "—".to_owned() } else {
                        crate::words::rate(u64::from(g.converted), u64::from(g.entered), lang)
                    };
                    html! {
                        <tr data-rung={g.slug.clone()}>
                            <th scope="row">{ g.name.clone() }</th>
                            <td class="now"><button type="button" class="link people" onclick={open}
                                aria-label={format!("{}: {} {}", number(g.now as f64, lang), w.people_on, g.name)}>{ number(g.now as f64, lang) }</button></td>
                            <td class="entered">{ number(g.entered as f64, lang) }</td>
                            <td class="converted">{ format!("{} ({rate})", number(g.converted as f64, lang)) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// Moves up (above the axis) and down (below) per week, as a bar chart with axes, a legend,
/// and the ladder's edits marked; the table below holds every number.
fn chart(weeks: &[WeekReport], lang: Lang) -> Html {
    let w = words(lang);
    let max = weeks
        .iter()
        .map(|k| k.up.max(k.down))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (width, height, left, mid) = (720.0, 240.0, 48.0, 120.0);
    let step = (width - left) / weeks.len().max(1) as f64;
    let scale = (mid - 20.0) / max;
    let up: u32 = weeks.iter().map(|k| k.up).sum();
    let down: u32 = weeks.iter().map(|k| k.down).sum();
    let label = format!(
        "{}: {} {}, {} {}",
        w.chart,
        number(up as f64, lang),
        w.up,
        number(down as f64, lang),
        w.down
    );
    html! {
        <figure class="chart ladder-chart">
            <figcaption>{ label.clone() }</figcaption>
            <svg viewBox={format!("0 0 {width} {height}")} role="img" aria-label={label}>
                <line class="axis" x1={left.to_string()} x2={width.to_string()} y1={mid.to_string()} y2={mid.to_string()} stroke="#555" />
                <line class="axis" x1={left.to_string()} x2={left.to_string()} y1="10" y2={(height - 20.0).to_string()} stroke="#555" />
                <text x="4" y="24" font-size="11">{ format!("+{}", max as u32) }</text>
                <text x="4" y={(mid + 4.0).to_string()} font-size="11">{ "0" }</text>
                <text x="4" y={(height - 24.0).to_string()} font-size="11">{ format!("−{}", max as u32) }</text>
                { for weeks.iter().enumerate().map(|(i, k)| {
                    let x = left + i as f64 * step;
                    let (hu, hd) = (f64::from(k.up) * scale, f64::from(k.down) * scale);
                    let short = k.week.split_once('-').map_or(k.week.as_str(), |(_, wk)| wk).to_owned();
                    html! {
                        <g class="week" data-week={k.week.clone()}>
                            <rect class="up" x={format!("{:.1}", x + 4.0)} y={format!("{:.1}", mid - hu)} width={format!("{:.1}", step - 8.0)} height={format!("{hu:.1}")} fill="#0b7a3e">
                                <title>{ format!("{}: {} {}", k.week, k.up, w.up) }</title>
                            </rect>
                            <rect class="down" x={format!("{:.1}", x + 4.0)} y={mid.to_string()} width={format!("{:.1}", step - 8.0)} height={format!("{hd:.1}")} fill="#b00020">
                                <title>{ format!("{}: {} {}", k.week, k.down, w.down) }</title>
                            </rect>
                            <text x={format!("{:.1}", x + step / 2.0)} y={(height - 4.0).to_string()} font-size="10" text-anchor="middle">{ short }</text>
                            if !k.edits.is_empty() {
                                <line class="edit" x1={format!("{:.1}", x + 2.0)} x2={format!("{:.1}", x + 2.0)} y1="10" y2={(height - 20.0).to_string()} stroke="#1a5fd0" stroke-dasharray="4 3">
                                    <title>{ format!("{} {}", w.edited, k.edits.iter().map(|v| format!("v{v}")).collect::<Vec<_>>().join(", ")) }</title>
                                </line>
                            }
                        </g>
                    }
                }) }
            </svg>
            <ul class="legend">
                <li><span class="swatch up"></span>{ w.up }</li>
                <li><span class="swatch down"></span>{ w.down }</li>
                <li><span class="swatch edit"></span>{ w.edited }</li>
            </ul>
        </figure>
    }
}

fn moves_table(r: &LadderReport, lang: Lang) -> Html {
    let w = words(lang);
    let rows: Vec<Html> = r
        .weeks
        .iter()
        .flat_map(|k| {
            let edit = (!k.edits.is_empty()).then(|| html! {
                <tr class="edit-row" data-week={k.week.clone()}><td>{ k.week.clone() }</td><td colspan="3">{ format!("{} ({})", w.edited, k.edits.iter().map(|v| format!("v{v}")).collect::<Vec<_>>().join(", ")) }</td></tr>
            });
            edit.into_iter().chain(k.moves.iter().map(|m| html! {
                <tr class="move" data-week={k.week.clone()} data-from={m.from.clone()} data-to={m.to.clone()}>
                    <td>{ k.week.clone() }</td>
                    <td>{ rung_name(r, &m.from, w) }</td>
                    <td>{ rung_name(r, &m.to, w) }</td>
                    <td class="n">{ number(m.n as f64, lang) }</td>
                </tr>
            }))
        })
        .collect();
    if rows.is_empty() {
        return html! { <p class="note">{ w.no_moves }</p> };
    }
    html! {
        <table class="moves">
            <caption>{ w.moves_caption }</caption>
            <thead><tr>{ for w.move_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    base: String,
    can_edit: bool,
    on_saved: Callback<()>,
}

/// One change to the draft.
type Change = Box<dyn Fn(&mut Draft)>;
/// Writes a text field's new value into the draft.
type Set = std::rc::Rc<dyn Fn(&mut Draft, String)>;

/// The ladder's editor: each rung's names, conditions (alternatives of all-of groups) and ask;
/// add, remove and reorder rungs; save (refusals beside their field).
#[component]
fn Editor(props: &EditorProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let view = use_fetch::<LadderView>(format!("{}/ladder", props.base));
    let items = use_fetch::<Widgets>(format!("{}/widgets", props.base));
    let draft = use_state(|| None::<Draft>);
    let submit = use_submit();
    let saved = use_state(|| false);
    if let (None, Some(v)) = (&*draft, view.data()) {
        draft.set(Some(v.ladder.clone()));
    }
    // While everyone is re-evaluated, the progress refreshes every second.
    {
        let reload = view.reload.clone();
        let running = view.data().is_some_and(|v| v.evaluated < v.total);
        use_effect_with(running, move |running| {
            let handle = running.then(|| gloo_timers_interval(1000, move || reload.emit(())));
            move || drop(handle)
        });
    }
    let Some(d) = (*draft).clone() else {
        return view.view(|_| html! {});
    };
    let change = {
        let draft = draft.clone();
        let saved = saved.clone();
        move |f: Change| {
            let mut next = (*draft).clone().unwrap_or(Draft { rungs: vec![] });
            f(&mut next);
            saved.set(false);
            draft.set(Some(next));
        }
    };
    let change = std::rc::Rc::new(change);
    let (petitions, pledges): (Vec<String>, Vec<String>) =
        items.data().map_or((vec![], vec![]), |i| {
            (
                i.petitions.iter().map(|p| p.draft.slug.clone()).collect(),
                i.pledges.iter().map(|p| p.draft.slug.clone()).collect(),
            )
        });
    let err = |path: String| {
        submit
            .error(&path)
            .map(|m| html! { <p class="err" role="alert" id={format!("err-{path}")}>{ m }</p> })
    };
    let text_input = |id: String, label: &'static str, value: String, path: String, f: Set| {
        let c = change.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            let f = f.clone();
            c(Box::new(move |d| f(d, v.clone())));
        });
        let invalid = submit.error(&path).is_some();
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <input id={id} name={path.clone()} value={value} {oninput} disabled={!props.can_edit}
                    aria-invalid={invalid.to_string()} aria-describedby={invalid.then(|| format!("err-{path}"))} />
                { for err(path) }
            </div>
        }
    };
    let rungs = d.rungs.iter().enumerate().map(|(i, r)| {
        let n = d.rungs.len();
        let mv = |delta: i32| {
            let c = change.clone();
            Callback::from(move |_: MouseEvent| c(Box::new(move |d| {
                let j = i as i32 + delta;
                if j >= 0 && (j as usize) < d.rungs.len() { d.rungs.swap(i, j as usize); }
            })))
        };
        let remove = { let c = change.clone(); Callback::from(move |_: MouseEvent| c(Box::new(move |d| { d.rungs.remove(i); }))) };
        let name_pt = r.names.get("pt-BR").cloned().unwrap_or_default();
        let name_es = r.names.get("es").cloned().unwrap_or_default();
        let p = |f: &str| format!("rungs[{i}].{f}");
        html! {
            <fieldset class="rung" data-slug={r.slug.clone()}>
                <legend>{ format!("{} {}: {}", w.rung, i + 1, r.name) }</legend>
                { text_input(format!("r{i}-name"), w.name, r.name.clone(), p("name"), std::rc::Rc::new(move |d, v| d.rungs[i].name = v)) }
                { text_input(format!("r{i}-slug"), w.slug, r.slug.clone(), p("slug"), std::rc::Rc::new(move |d, v| d.rungs[i].slug = v)) }
                { text_input(format!("r{i}-pt"), w.name_pt, name_pt, p("names.pt-BR"), std::rc::Rc::new(move |d, v| { d.rungs[i].names.insert("pt-BR".into(), v); })) }
                { text_input(format!("r{i}-es"), w.name_es, name_es, p("names.es"), std::rc::Rc::new(move |d, v| { d.rungs[i].names.insert("es".into(), v); })) }
                { conditions(i, r, &change, props.can_edit, &submit, w) }
                { ask(i, r, &change, props.can_edit, (&petitions, &pledges), &submit, w) }
                if props.can_edit {
                    <div class="row">
                        <button type="button" class="secondary up" disabled={i == 0} onclick={mv(-1)} aria-label={format!("{} {}", w.move_up, r.name)}>{ "↑" }</button>
                        <button type="button" class="secondary down" disabled={i + 1 == n} onclick={mv(1)} aria-label={format!("{} {}", w.move_down, r.name)}>{ "↓" }</button>
                        <button type="button" class="secondary remove" onclick={remove}>{ w.remove_rung }</button>
                    </div>
                }
            </fieldset>
        }
    });
    let add = {
        let c = change.clone();
        Callback::from(move |_: MouseEvent| {
            c(Box::new(|d| {
                let k = d.rungs.len() + 1;
                d.rungs.push(Rung {
                    slug: format!("rung-{k}"),
                    name: String::new(),
                    names: Default::default(),
                    any_of: vec![vec![Condition::Actions {
                        action: ActionKind::Sign,
                        at_least: 1,
                        within_weeks: None,
                    }]],
                    ask: Ask::Invite,
                });
            }))
        })
    };
    let onsubmit = {
        let (submit, path, d, on_saved, reload, saved) = (
            submit.clone(),
            format!("{}/ladder", props.base),
            d.clone(),
            props.on_saved.clone(),
            view.reload.clone(),
            saved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (path, body, on_saved, reload, saved) = (
                path.clone(),
                d.clone(),
                on_saved.clone(),
                reload.clone(),
                saved.clone(),
            );
            submit.run(
                async move { net::send::<LadderView>(Method::PUT, &path, Some(&body)).await },
                move |answer| {
                    if answer.is_ok() {
                        saved.set(true);
                        reload.emit(());
                        on_saved.emit(());
                    }
                },
            );
        })
    };
    let progress = view.data().map(|v| html! {
        <p class="progress" role="status">
            { format!("{} v{} · {} / {} {}", w.version, v.version, number(v.evaluated as f64, lang), number(v.total as f64, lang), w.evaluated) }
            <progress max={v.total.max(1).to_string()} value={v.evaluated.to_string()} aria-label={w.evaluated}></progress>
        </p>
    });
    let general = submit.general(&[]);
    html! {
        <form class="ladder-editor" {onsubmit} aria-labelledby="ladder-edit-h">
            <h3 id="ladder-edit-h">{ w.editor }</h3>
            <p class="note">{ if props.can_edit { w.editor_note } else { w.read_only } }</p>
            { for progress }
            { for rungs }
            if props.can_edit {
                <button type="button" class="secondary add-rung" onclick={add}>{ w.add_rung }</button>
                if submit.failure().is_some() {
                    <div class="errors" role="alert">{ for general.iter().map(|m| html! { <p class="err">{ m }</p> }) }</div>
                }
                <button type="submit" disabled={submit.busy()}>{ w.save }</button>
                <p class="msg" aria-live="polite">{ if *saved { w.saved } else { "" } }</p>
            }
        </form>
    }
}

/// Runs `f` every `ms` until the handle is dropped.
fn gloo_timers_interval(ms: i32, f: impl Fn() + 'static) -> Interval {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let cb = Closure::<dyn Fn()>::new(f);
    let id = web_sys::window()
        .and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                ms,
            )
            .ok()
        })
        .unwrap_or(0);
    Interval { id, _cb: cb }
}

struct Interval {
    id: i32,
    _cb: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(self.id);
        }
    }
}

const KINDS: [&str; 5] = [
    "actions",
    "weeks_active",
    "goal_met",
    "in_team",
    "leads_team",
];

/// A condition of kind `kind` with the numbers of `c` where they fit.
fn with_kind(kind: &str, c: &Condition) -> Condition {
    let (n, k) = match c {
        Condition::Actions {
            at_least,
            within_weeks,
            ..
        } => (*at_least, within_weeks.unwrap_or(4)),
        Condition::WeeksActive { at_least, of_last } | Condition::GoalMet { at_least, of_last } => {
            (*at_least, *of_last)
        }
        Condition::LeadsTeam { at_least } => (*at_least, 4),
        Condition::InTeam => (1, 4),
    };
    match kind {
        "actions" => Condition::Actions {
            action: ActionKind::Sign,
            at_least: n,
            within_weeks: None,
        },
        "weeks_active" => Condition::WeeksActive {
            at_least: n.min(k),
            of_last: k,
        },
        "goal_met" => Condition::GoalMet {
            at_least: n.min(k),
            of_last: k,
        },
        "in_team" => Condition::InTeam,
        _ => Condition::LeadsTeam { at_least: n.max(2) },
    }
}

fn kind_of(c: &Condition) -> &'static str {
    match c {
        Condition::Actions { .. } => "actions",
        Condition::WeeksActive { .. } => "weeks_active",
        Condition::GoalMet { .. } => "goal_met",
        Condition::InTeam => "in_team",
        Condition::LeadsTeam { .. } => "leads_team",
    }
}

/// The rung's alternatives, each a group of conditions that must all hold.
fn conditions(
    i: usize,
    r: &Rung,
    change: &std::rc::Rc<impl Fn(Change) + 'static>,
    can_edit: bool,
    submit: &crate::hooks::Submit,
    w: &'static Words,
) -> Html {
    let groups = r.any_of.iter().enumerate().map(|(g, group)| {
        let conds = group.iter().enumerate().map(|(c, cond)| {
            let path = format!("rungs[{i}].any_of[{g}][{c}]");
            let id = format!("r{i}-g{g}-c{c}");
            let set_kind = { let ch = change.clone(); Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                ch(Box::new(move |d| { let old = d.rungs[i].any_of[g][c].clone(); d.rungs[i].any_of[g][c] = with_kind(&v, &old); }));
            }) };
            let number = |field: &'static str, label: &'static str, value: u32| {
                let ch = change.clone();
                let oninput = Callback::from(move |e: InputEvent| {
                    let v: u32 = e.target_unchecked_into::<web_sys::HtmlInputElement>().value().parse().unwrap_or(0);
                    ch(Box::new(move |d| match (&mut d.rungs[i].any_of[g][c], field) {
                        (Condition::Actions { at_least, .. }, "at_least") | (Condition::WeeksActive { at_least, .. }, "at_least")
                        | (Condition::GoalMet { at_least, .. }, "at_least") | (Condition::LeadsTeam { at_least }, "at_least") => *at_least = v,
                        (Condition::Actions { within_weeks, .. }, "within_weeks") => *within_weeks = (v > 0).then_some(v),
                        (Condition::WeeksActive { of_last, .. }, "of_last") | (Condition::GoalMet { of_last, .. }, "of_last") => *of_last = v,
                        _ => {}
                    }));
                });
                let p = format!("{path}.{field}");
                let invalid = submit.error(&p).is_some();
                html! {
                    <span class="num">
                        <label for={format!("{id}-{field}")}>{ label }</label>
                        <input id={format!("{id}-{field}")} name={p.clone()} type="number" min="0" max="1000" value={value.to_string()} {oninput}
                            disabled={!can_edit} aria-invalid={invalid.to_string()} />
                        { for submit.error(&p).map(|m| html! { <span class="err" role="alert">{ m }</span> }) }
                    </span>
                }
            };
            let params = match cond {
                Condition::Actions { action, at_least, within_weeks } => {
                    let ch = change.clone();
                    let set_action = Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                        let a = ActionKind::ALL.into_iter().find(|a| a.as_str() == v).unwrap_or(ActionKind::Sign);
                        ch(Box::new(move |d| if let Condition::Actions { action, .. } = &mut d.rungs[i].any_of[g][c] { *action = a; }));
                    });
                    html! { <>
                        <label for={format!("{id}-action")}>{ w.action }</label>
                        <select id={format!("{id}-action")} onchange={set_action} disabled={!can_edit}>
                            { for ActionKind::ALL.iter().zip(w.actions).map(|(a, l)| html! { <option value={a.as_str()} selected={a == action}>{ l }</option> }) }
                        </select>
                        { number("at_least", w.at_least, *at_least) }
                        { number("within_weeks", w.within_weeks, within_weeks.unwrap_or(0)) }
                    </> }
                }
                Condition::WeeksActive { at_least, of_last } | Condition::GoalMet { at_least, of_last } => html! { <>
                    { number("at_least", w.at_least, *at_least) }
                    { number("of_last", w.of_last, *of_last) }
                </> },
                Condition::LeadsTeam { at_least } => number("at_least", w.team_of, *at_least),
                Condition::InTeam => html! {},
            };
            let remove = { let ch = change.clone(); Callback::from(move |_: MouseEvent| ch(Box::new(move |d| {
                d.rungs[i].any_of[g].remove(c);
                if d.rungs[i].any_of[g].is_empty() { d.rungs[i].any_of.remove(g); }
            }))) };
            html! {
                <li class="condition" data-kind={kind_of(cond)}>
                    <label for={format!("{id}-kind")}>{ w.condition }</label>
                    <select id={format!("{id}-kind")} name={format!("{path}.kind")} onchange={set_kind} disabled={!can_edit}>
                        { for KINDS.iter().zip(w.kinds).map(|(k, l)| html! { <option value={*k} selected={*k == kind_of(cond)}>{ l }</option> }) }
                    </select>
                    { params }
                    if can_edit { <button type="button" class="link remove-condition" onclick={remove}>{ w.remove }</button> }
                </li>
            }
        });
        let add = { let ch = change.clone(); Callback::from(move |_: MouseEvent| ch(Box::new(move |d| d.rungs[i].any_of[g].push(Condition::InTeam)))) };
        html! {
            <div class="group">
                if g > 0 { <p class="or">{ w.or }</p> }
                <ul>{ for conds }</ul>
                if can_edit { <button type="button" class="link add-condition" onclick={add}>{ w.add_condition }</button> }
            </div>
        }
    });
    let add_group = {
        let ch = change.clone();
        Callback::from(move |_: MouseEvent| {
            ch(Box::new(move |d| {
                d.rungs[i].any_of.push(vec![Condition::InTeam])
            }))
        })
    };
    let path = format!("rungs[{i}].any_of");
    html! {
        <div class="conditions">
            <p class="label">{ w.holds_when }</p>
            { for groups }
            { for submit.error(&path).map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
            if can_edit { <button type="button" class="link add-group" onclick={add_group}>{ w.add_alternative }</button> }
        </div>
    }
}

const ASKS: [&str; 7] = [
    "sign",
    "pledge",
    "invite",
    "start_team",
    "join_team",
    "report",
    "link",
];

fn ask_kind(a: &Ask) -> &'static str {
    match a {
        Ask::Sign { .. } => "sign",
        Ask::Pledge { .. } => "pledge",
        Ask::Invite => "invite",
        Ask::StartTeam => "start_team",
        Ask::JoinTeam => "join_team",
        Ask::Report => "report",
        Ask::Link { .. } => "link",
    }
}

/// The rung's ask: what the person is asked to do to reach it.
fn ask(
    i: usize,
    r: &Rung,
    change: &std::rc::Rc<impl Fn(Change) + 'static>,
    can_edit: bool,
    (petitions, pledges): (&[String], &[String]),
    submit: &crate::hooks::Submit,
    w: &'static Words,
) -> Html {
    let id = format!("r{i}-ask");
    let first = |list: &[String]| list.first().cloned().unwrap_or_default();
    let (pe, pl) = (first(petitions), first(pledges));
    let set_kind = {
        let ch = change.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let (pe, pl) = (pe.clone(), pl.clone());
            ch(Box::new(move |d| {
                d.rungs[i].ask = match v.as_str() {
                    "sign" => Ask::Sign {
                        petition: pe.clone(),
                    },
                    "pledge" => Ask::Pledge { pledge: pl.clone() },
                    "start_team" => Ask::StartTeam,
                    "join_team" => Ask::JoinTeam,
                    "report" => Ask::Report,
                    "link" => Ask::Link {
                        title: String::new(),
                        url: "https://".into(),
                    },
                    _ => Ask::Invite,
                }
            }));
        })
    };
    let set_text = |which: &'static str| {
        let ch = change.clone();
        Callback::from(move |e: Event| {
            let v = match e.target() {
                Some(t) => {
                    use wasm_bindgen::JsCast;
                    t.dyn_ref::<web_sys::HtmlSelectElement>()
                        .map(|s| s.value())
                        .or_else(|| t.dyn_ref::<web_sys::HtmlInputElement>().map(|s| s.value()))
                        .unwrap_or_default()
                }
                None => String::new(),
            };
            ch(Box::new(move |d| match (&mut d.rungs[i].ask, which) {
                (Ask::Sign { petition }, "item") => *petition = v.clone(),
                (Ask::Pledge { pledge }, "item") => *pledge = v.clone(),
                (Ask::Link { title, .. }, "title") => *title = v.clone(),
                (Ask::Link { url, .. }, "url") => *url = v.clone(),
                _ => {}
            }));
        })
    };
    let field_err = |f: &str| {
        submit
            .error(&format!("rungs[{i}].ask.{f}"))
            .map(|m| html! { <p class="err" role="alert">{ m }</p> })
    };
    let extra = match &r.ask {
        Ask::Sign { petition: item } | Ask::Pledge { pledge: item } => {
            let (list, f) = if matches!(r.ask, Ask::Sign { .. }) {
                (petitions, "petition")
            } else {
                (pledges, "pledge")
            };
            html! { <>
                <label for={format!("{id}-item")}>{ w.item }</label>
                <select id={format!("{id}-item")} name={format!("rungs[{i}].ask.{f}")} onchange={set_text("item")} disabled={!can_edit}>
                    { for list.iter().map(|s| html! { <option value={s.clone()} selected={s == item}>{ s.clone() }</option> }) }
                    if !list.contains(item) { <option value={item.clone()} selected=true>{ item.clone() }</option> }
                </select>
                { for field_err(f) }
            </> }
        }
        Ask::Link { title, url } => html! { <>
            <label for={format!("{id}-title")}>{ w.link_title }</label>
            <input id={format!("{id}-title")} name={format!("rungs[{i}].ask.title")} value={title.clone()} onchange={set_text("title")} disabled={!can_edit} />
            { for field_err("title") }
            <label for={format!("{id}-url")}>{ w.link_url }</label>
            <input id={format!("{id}-url")} name={format!("rungs[{i}].ask.url")} type="url" value={url.clone()} onchange={set_text("url")} disabled={!can_edit} />
            { for field_err("url") }
        </> },
        _ => html! {},
    };
    html! {
        <div class="ask-edit">
            <label for={id.clone()}>{ w.ask }</label>
            <select id={id} name={format!("rungs[{i}].ask.kind")} onchange={set_kind} disabled={!can_edit}>
                { for ASKS.iter().zip(w.asks).map(|(k, l)| html! { <option value={*k} selected={*k == ask_kind(&r.ask)}>{ l }</option> }) }
            </select>
            { extra }
        </div>
    }
}

/// The tab's words, one struct per language (a missing translation does not compile).
pub struct Words {
    pub title: &'static str,
    pub intro: &'static str,
    pub refresh: &'static str,
    pub filter: &'static str,
    pub everyone: &'static str,
    pub dims: [(&'static str, &'static str); 4],
    pub now_caption: &'static str,
    pub rung_columns: [&'static str; 4],
    pub people_on: &'static str,
    pub chart: &'static str,
    pub up: &'static str,
    pub down: &'static str,
    pub edited: &'static str,
    pub moves_caption: &'static str,
    pub move_columns: [&'static str; 4],
    pub no_moves: &'static str,
    pub no_rung: &'static str,
    pub csv: &'static str,
    pub editor: &'static str,
    pub editor_note: &'static str,
    pub read_only: &'static str,
    pub version: &'static str,
    pub evaluated: &'static str,
    pub rung: &'static str,
    pub name: &'static str,
    pub slug: &'static str,
    pub name_pt: &'static str,
    pub name_es: &'static str,
    pub holds_when: &'static str,
    pub condition: &'static str,
    pub kinds: [&'static str; 5],
    pub action: &'static str,
    pub actions: [&'static str; 4],
    pub at_least: &'static str,
    pub within_weeks: &'static str,
    pub of_last: &'static str,
    pub team_of: &'static str,
    pub or: &'static str,
    pub add_condition: &'static str,
    pub add_alternative: &'static str,
    pub remove: &'static str,
    pub ask: &'static str,
    pub asks: [&'static str; 7],
    pub item: &'static str,
    pub link_title: &'static str,
    pub link_url: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub remove_rung: &'static str,
    pub add_rung: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
}

pub const EN: Words = Words {
    title: "Ladder",
    intro: "Where supporters stand on the campaign's engagement ladder, how they move week by week, and how many move up within four weeks.",
    refresh: "Refresh",
    filter: "Show",
    everyone: "Everyone",
    dims: [("source", "Source"), ("region", "Region"), ("team", "Team"), ("item", "First action")],
    now_caption: "People on each rung now",
    rung_columns: ["Rung", "People now", "Ever reached", "Moved up within 4 weeks"],
    people_on: "People on",
    chart: "Moves per week, last 12 weeks",
    up: "moves up",
    down: "moves down",
    edited: "Ladder edited",
    moves_caption: "Moves between rungs per week",
    move_columns: ["Week", "From", "To", "People"],
    no_moves: "No moves in the last 12 weeks.",
    no_rung: "No rung",
    csv: "Download the report (CSV)",
    editor: "Edit the ladder",
    editor_note: "A person stands on the highest rung whose conditions hold. Saving re-evaluates everyone in the background.",
    read_only: "Owners and organisers can edit the ladder.",
    version: "Ladder",
    evaluated: "people evaluated",
    rung: "Rung",
    name: "Name",
    slug: "Id (a-z, 0-9, -)",
    name_pt: "Name in Portuguese",
    name_es: "Name in Spanish",
    holds_when: "Holds when all of these hold:",
    condition: "Condition",
    kinds: ["Actions", "Weeks active", "Weekly goal met", "In a team", "Leads a team"],
    action: "Action",
    actions: ["Signatures", "Pledges", "Reports", "Recruits"],
    at_least: "At least",
    within_weeks: "Within weeks (0: ever)",
    of_last: "Of the last weeks",
    team_of: "Team of at least",
    or: "or",
    add_condition: "Add a condition",
    add_alternative: "Add an alternative",
    remove: "Remove",
    ask: "Ask to reach it",
    asks: ["Sign a petition", "Commit to a pledge", "Invite friends", "Start a team", "Join a team", "Report a rumour", "A link"],
    item: "Which",
    link_title: "Link title",
    link_url: "Address",
    move_up: "Move up",
    move_down: "Move down",
    remove_rung: "Remove rung",
    add_rung: "Add a rung",
    save: "Save the ladder",
    saved: "Saved. Everyone is being evaluated again.",
};

pub const PT_BR: Words = Words {
    title: "Escada",
    intro: "Onde os apoiadores estão na escada de engajamento da campanha, como se movem semana a semana e quantos sobem em até quatro semanas.",
    refresh: "Atualizar",
    filter: "Mostrar",
    everyone: "Todos",
    dims: [("source", "Origem"), ("region", "Região"), ("team", "Equipe"), ("item", "Primeira ação")],
    now_caption: "Pessoas em cada degrau agora",
    rung_columns: ["Degrau", "Pessoas agora", "Já chegaram", "Subiram em até 4 semanas"],
    people_on: "Pessoas em",
    chart: "Movimentos por semana, últimas 12 semanas",
    up: "subidas",
    down: "descidas",
    edited: "Escada editada",
    moves_caption: "Movimentos entre degraus por semana",
    move_columns: ["Semana", "De", "Para", "Pessoas"],
    no_moves: "Nenhum movimento nas últimas 12 semanas.",
    no_rung: "Nenhum degrau",
    csv: "Baixar o relatório (CSV)",
    editor: "Editar a escada",
    editor_note: "Cada pessoa fica no degrau mais alto cujas condições valem. Salvar reavalia todos em segundo plano.",
    read_only: "Donos e organizadores podem editar a escada.",
    version: "Escada",
    evaluated: "pessoas avaliadas",
    rung: "Degrau",
    name: "Nome",
    slug: "Id (a-z, 0-9, -)",
    name_pt: "Nome em português",
    name_es: "Nome em espanhol",
    holds_when: "Vale quando todas estas valem:",
    condition: "Condição",
    kinds: ["Ações", "Semanas ativas", "Meta semanal cumprida", "Em uma equipe", "Lidera uma equipe"],
    action: "Ação",
    actions: ["Assinaturas", "Compromissos", "Denúncias", "Recrutados"],
    at_least: "Pelo menos",
    within_weeks: "Em semanas (0: sempre)",
    of_last: "Das últimas semanas",
    team_of: "Equipe de pelo menos",
    or: "ou",
    add_condition: "Adicionar condição",
    add_alternative: "Adicionar alternativa",
    remove: "Remover",
    ask: "Pedido para chegar",
    asks: ["Assinar uma petição", "Assumir um compromisso", "Convidar amigos", "Criar uma equipe", "Entrar em uma equipe", "Denunciar um boato", "Um link"],
    item: "Qual",
    link_title: "Título do link",
    link_url: "Endereço",
    move_up: "Subir",
    move_down: "Descer",
    remove_rung: "Remover degrau",
    add_rung: "Adicionar degrau",
    save: "Salvar a escada",
    saved: "Salvo. Todos estão sendo reavaliados.",
};

pub const ES: Words = Words {
    title: "Escalera",
    intro: "Dónde están los simpatizantes en la escalera de compromiso de la campaña, cómo se mueven semana a semana y cuántos suben en cuatro semanas.",
    refresh: "Actualizar",
    filter: "Mostrar",
    everyone: "Todos",
    dims: [("source", "Origen"), ("region", "Región"), ("team", "Equipo"), ("item", "Primera acción")],
    now_caption: "Personas en cada peldaño ahora",
    rung_columns: ["Peldaño", "Personas ahora", "Alguna vez", "Subieron en 4 semanas"],
    people_on: "Personas en",
    chart: "Movimientos por semana, últimas 12 semanas",
    up: "subidas",
    down: "bajadas",
    edited: "Escalera editada",
    moves_caption: "Movimientos entre peldaños por semana",
    move_columns: ["Semana", "De", "A", "Personas"],
    no_moves: "Ningún movimiento en las últimas 12 semanas.",
    no_rung: "Ningún peldaño",
    csv: "Descargar el informe (CSV)",
    editor: "Editar la escalera",
    editor_note: "Cada persona está en el peldaño más alto cuyas condiciones se cumplen. Guardar vuelve a evaluar a todos en segundo plano.",
    read_only: "Los dueños y organizadores pueden editar la escalera.",
    version: "Escalera",
    evaluated: "personas evaluadas",
    rung: "Peldaño",
    name: "Nombre",
    slug: "Id (a-z, 0-9, -)",
    name_pt: "Nombre en portugués",
    name_es: "Nombre en español",
    holds_when: "Se cumple cuando se cumplen todas estas:",
    condition: "Condición",
    kinds: ["Acciones", "Semanas activas", "Meta semanal cumplida", "En un equipo", "Lidera un equipo"],
    action: "Acción",
    actions: ["Firmas", "Compromisos", "Denuncias", "Reclutados"],
    at_least: "Al menos",
    within_weeks: "En semanas (0: siempre)",
    of_last: "De las últimas semanas",
    team_of: "Equipo de al menos",
    or: "o",
    add_condition: "Añadir condición",
    add_alternative: "Añadir alternativa",
    remove: "Quitar",
    ask: "Petición para llegar",
    asks: ["Firmar una petición", "Asumir un compromiso", "Invitar amigos", "Crear un equipo", "Unirse a un equipo", "Denunciar un bulo", "Un enlace"],
    item: "Cuál",
    link_title: "Título del enlace",
    link_url: "Dirección",
    move_up: "Subir",
    move_down: "Bajar",
    remove_rung: "Quitar peldaño",
    add_rung: "Añadir peldaño",
    save: "Guardar la escalera",
    saved: "Guardado. Se está evaluando de nuevo a todos.",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::PtBr => &PT_BR,
        Lang::Es => &ES,
    }
}
