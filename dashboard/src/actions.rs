//! The Actions tab: the campaign actions supporters see as cards in their hub, pinned first,
//! with how many did each and whether it runs today; for owners and organisers, the editor
//! (title and text in three languages, an optional link, points, how it is done, the item,
//! the dates or "this week", pinned), with the edge's refusals beside their fields.

use gloo_net::http::Method;
use rally_api::builder::Widgets;
use rally_api::hub::{ActionDraft, ActionView, ActionWords, Actions as List, How};
use rally_api::Lang;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::net;
use crate::words::number;

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub base: String,
    pub can_edit: bool,
}

/// The value of the control an event came from (input, textarea or select).
fn value(e: &Event) -> String {
    let Some(t) = e.target() else {
        return String::new();
    };
    if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
        if i.type_() == "checkbox" {
            return if i.checked() {
                "1".into()
            } else {
                String::new()
            };
        }
        return i.value();
    }
    if let Some(a) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return a.value();
    }
    t.dyn_ref::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
        .unwrap_or_default()
}

fn draft_of(a: &ActionView) -> ActionDraft {
    ActionDraft {
        title: a.title.clone(),
        text: a.text.clone(),
        link: a.link.clone(),
        points: Some(u64::from(a.points)),
        how: a.how,
        item: a.item.clone(),
        starts_on: a.starts_on.clone(),
        ends_on: a.ends_on.clone(),
        pinned: a.pinned,
        translations: a.translations.clone(),
    }
}

const HOWS: [How; 5] = [
    How::SelfReported,
    How::Sign,
    How::Pledge,
    How::Share,
    How::Invite,
];

/// What the editor holds: the action's id (`None`: a new one) and its draft.
type Open = Option<(Option<u32>, ActionDraft)>;

/// The editor's draft: `None` when closed; `Some((None, draft))` a new action.
#[derive(Clone)]
struct Editing {
    cell: std::rc::Rc<std::cell::RefCell<Open>>,
    redraw: UseForceUpdateHandle,
}

impl Editing {
    fn get(&self) -> Open {
        self.cell.borrow().clone()
    }

    fn put(&self, v: Open) {
        *self.cell.borrow_mut() = v;
        self.redraw.force_update();
    }
}

#[component]
pub fn Actions(props: &ActionsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let w = words(lang);
    let list = use_fetch::<List>(format!("{}/actions", props.base));
    let widgets = use_fetch::<Widgets>(format!("{}/widgets", props.base));
    // `None`: no editor open; `Some((None, draft))`: a new action; `Some((Some(id), draft))`.
    // The draft lives in a cell written at once by every input (a submit right after typing
    // must see it, before Yew has drawn again); a redraw follows each change.
    let cell = use_mut_ref(|| None::<(Option<u32>, ActionDraft)>);
    let redraw = use_force_update();
    let editing = Editing { cell, redraw };
    let submit = use_submit();
    let saved = use_state(|| None::<String>);
    let table = list.view(|l| {
        html! {
            <table class="actions">
                <caption>{ w.list }</caption>
                <thead><tr>
                    <th scope="col">{ w.title }</th><th scope="col">{ w.how }</th>
                    <th scope="col">{ w.dates }</th><th scope="col">{ w.did }</th><th scope="col"></th>
                </tr></thead>
                <tbody>
                { for l.actions.iter().map(|a| {
                    let edit = {
                        let (editing, submit, a) = (editing.clone(), submit.clone(), a.clone());
                        Callback::from(move |_| { submit.clear(); editing.put(Some((Some(a.id), draft_of(&a)))) })
                    };
                    html! {
                        <tr data-action={a.id.to_string()}>
                            <td>
                                if a.pinned { <span class="tag">{ w.pinned }</span>{ " " } }
                                { &a.title }
                                if a.running { <span class="tag running">{ w.running }</span> }
                            </td>
                            <td>{ how_label(w, a.how) }{ if a.item.is_empty() { String::new() } else { format!(" · {}", a.item) } }</td>
                            <td>{ format!("{} – {}", a.starts_on, a.ends_on) }</td>
                            <td class="done">{ number(f64::from(a.done), lang) }</td>
                            <td>if props.can_edit { <button type="button" onclick={edit} aria-label={format!("{} {}", w.edit, a.title)}>{ w.edit }</button> }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        }
    });
    let week = list
        .data()
        .map(|l| (l.week_starts.clone(), l.week_ends.clone()))
        .unwrap_or_default();
    let new = {
        let (editing, submit, week) = (editing.clone(), submit.clone(), week.clone());
        Callback::from(move |_| {
            submit.clear();
            editing.put(Some((
                None,
                ActionDraft {
                    starts_on: week.0.clone(),
                    ends_on: week.1.clone(),
                    points: Some(10),
                    ..ActionDraft::default()
                },
            )))
        })
    };
    let open = editing.get();
    let editor = open.as_ref().map(|(id, d)| {
        // Text fields follow every keystroke (a submit right after typing sees it), the
        // others every change.
        let on = |f: fn(&mut ActionDraft, String)| {
            let editing = editing.clone();
            move |e: &Event| {
                if let Some((id, mut d)) = editing.get() {
                    f(&mut d, value(e));
                    editing.put(Some((id, d)));
                }
            }
        };
        let set = |f: fn(&mut ActionDraft, String)| {
            let go = on(f);
            Callback::from(move |e: Event| go(&e))
        };
        let typed = |f: fn(&mut ActionDraft, String)| {
            let go = on(f);
            Callback::from(move |e: InputEvent| go(&e))
        };
        let tr = |lang: &'static str, title: bool| {
            let editing = editing.clone();
            Callback::from(move |e: InputEvent| {
                if let Some((id, mut d)) = editing.get() {
                    let entry = d.translations.entry(lang.to_owned()).or_insert_with(ActionWords::default);
                    if title { entry.title = value(&e) } else { entry.text = value(&e) }
                    if entry.title.is_empty() && entry.text.is_empty() {
                        d.translations.remove(lang);
                    }
                    editing.put(Some((id, d)));
                }
            })
        };
        let this_week = {
            let (editing, week) = (editing.clone(), week.clone());
            Callback::from(move |_| {
                if let Some((id, mut d)) = editing.get() {
                    d.starts_on = week.0.clone();
                    d.ends_on = week.1.clone();
                    editing.put(Some((id, d)));
                }
            })
        };
        let onsubmit = {
            let (submit, editing, saved, reload, base, id, d) = (
                submit.clone(), editing.clone(), saved.clone(), list.reload.clone(), props.base.clone(), *id, d.clone(),
            );
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let (path, method) = match id {
                    Some(id) => (format!("{base}/actions/{id}"), Method::PUT),
                    None => (format!("{base}/actions"), Method::POST),
                };
                let body = editing.get().map(|(_, d)| d).unwrap_or(d.clone());
                let (editing, saved, reload) = (editing.clone(), saved.clone(), reload.clone());
                submit.run(
                    async move { net::send::<ActionView>(method, &path, Some(&body)).await },
                    move |answer| {
                        if let Ok(a) = answer {
                            saved.set(Some(format!("{}: {}", w.saved, a.title)));
                            editing.put(None);
                            reload.emit(());
                        }
                    },
                );
            })
        };
        let cancel = { let editing = editing.clone(); Callback::from(move |_| editing.put(None)) };
        let field = |name: &'static str, label: &'static str, input: Html| {
            let err = submit.error(name);
            html! {
                <div class="field">
                    <label for={format!("act-{name}")}>{ label }</label>
                    { input }
                    if let Some(e) = err { <p class="err" id={format!("act-{name}-error")}>{ e }</p> }
                </div>
            }
        };
        let invalid = |name: &str| submit.error(name).is_some().to_string();
        let described = |name: &str| submit.error(name).map(|_| format!("act-{name}-error"));
        let items: Vec<(String, String)> = match (d.how, widgets.data()) {
            (How::Sign, Some(ws)) => ws.petitions.iter().map(|p| (p.draft.slug.clone(), p.draft.title.clone())).collect(),
            (How::Pledge, Some(ws)) => ws.pledges.iter().map(|p| (p.draft.slug.clone(), p.draft.statement.clone())).collect(),
            _ => Vec::new(),
        };
        let general = submit.general(&["title", "text", "link", "points", "how", "item", "starts_on", "ends_on"]);
        html! {
            <form class="action-editor" {onsubmit} novalidate=true aria-labelledby="act-editor-h">
                <h3 id="act-editor-h">{ if id.is_some() { w.edit_heading } else { w.new_heading } }</h3>
                { field("title", w.title, html! { <input id="act-title" name="title" value={d.title.clone()} oninput={typed(|d, v| d.title = v)}
                    aria-invalid={invalid("title")} aria-describedby={described("title")} /> }) }
                { field("text", w.text, html! { <textarea id="act-text" name="text" value={d.text.clone()} oninput={typed(|d, v| d.text = v)}
                    aria-invalid={invalid("text")} aria-describedby={described("text")} /> }) }
                { field("link", w.link, html! { <input id="act-link" name="link" type="url" value={d.link.clone()} oninput={typed(|d, v| d.link = v)}
                    aria-invalid={invalid("link")} aria-describedby={described("link")} /> }) }
                { field("how", w.how, html! {
                    <select id="act-how" name="how" onchange={set(|d, v| { d.how = How::parse(&v).unwrap_or_default(); d.item.clear(); })}>
                        { for HOWS.iter().map(|h| html! { <option value={h.as_str()} selected={*h == d.how}>{ how_label(w, *h) }</option> }) }
                    </select>
                }) }
                if d.how.needs_item() {
                    { field("item", w.item, if items.is_empty() {
                        html! { <input id="act-item" name="item" value={d.item.clone()} oninput={typed(|d, v| d.item = v)}
                            aria-invalid={invalid("item")} aria-describedby={described("item")} /> }
                    } else {
                        html! {
                            <select id="act-item" name="item" onchange={set(|d, v| d.item = v)}
                                aria-invalid={invalid("item")} aria-describedby={described("item")}>
                                <option value="" selected={d.item.is_empty()}>{ "—" }</option>
                                { for items.iter().map(|(slug, title)| html! { <option value={slug.clone()} selected={*slug == d.item}>{ title }</option> }) }
                            </select>
                        }
                    }) }
                }
                { field("points", w.points, html! { <input id="act-points" name="points" type="number" min="0" max="1000"
                    value={d.points.map(|p| p.to_string()).unwrap_or_default()}
                    oninput={typed(|d, v| d.points = v.trim().parse().ok())}
                    aria-invalid={invalid("points")} aria-describedby={described("points")} /> }) }
                { field("starts_on", w.starts, html! { <input id="act-starts_on" name="starts_on" type="date" value={d.starts_on.clone()}
                    onchange={set(|d, v| d.starts_on = v)} aria-invalid={invalid("starts_on")} aria-describedby={described("starts_on")} /> }) }
                { field("ends_on", w.ends, html! { <input id="act-ends_on" name="ends_on" type="date" value={d.ends_on.clone()}
                    onchange={set(|d, v| d.ends_on = v)} aria-invalid={invalid("ends_on")} aria-describedby={described("ends_on")} /> }) }
                <button type="button" onclick={this_week}>{ w.this_week }</button>
                <div class="field">
                    <input id="act-pinned" name="pinned" type="checkbox" checked={d.pinned} onchange={set(|d, v| d.pinned = !v.is_empty())} />
                    <label for="act-pinned">{ w.pin }</label>
                </div>
                <fieldset>
                    <legend>{ w.other_langs }</legend>
                    { for [("pt-BR", "Português (Brasil)"), ("es", "Español"), ("en", "English")].into_iter().map(|(tag, name)| {
                        let t = d.translations.get(tag).cloned().unwrap_or_default();
                        let title_field = format!("translations.{tag}.title");
                        let err = submit.error(&title_field);
                        html! {
                            <div class="lang-block" lang={tag}>
                                <label for={format!("act-{tag}-title")}>{ format!("{} ({name})", w.title) }</label>
                                <input id={format!("act-{tag}-title")} name={title_field.clone()} value={t.title.clone()} oninput={tr(tag, true)}
                                    aria-invalid={err.is_some().to_string()} aria-describedby={err.as_ref().map(|_| format!("act-{tag}-title-error"))} />
                                if let Some(e) = err { <p class="err" id={format!("act-{tag}-title-error")}>{ e }</p> }
                                <label for={format!("act-{tag}-text")}>{ format!("{} ({name})", w.text) }</label>
                                <textarea id={format!("act-{tag}-text")} value={t.text.clone()} oninput={tr(tag, false)} />
                            </div>
                        }
                    }) }
                </fieldset>
                { for general.iter().map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
                <button type="submit" disabled={submit.busy()}>{ w.save }</button>
                <button type="button" onclick={cancel}>{ w.cancel }</button>
            </form>
        }
    });
    html! {
        <section class="actions-tab" aria-labelledby="actions-h">
            <h2 id="actions-h">{ w.heading }</h2>
            <p>{ w.intro }</p>
            if let Some(m) = &*saved { <p class="msg" role="status">{ m }</p> }
            if props.can_edit && open.is_none() && list.data().is_some() { <button type="button" class="new-action" onclick={new}>{ w.new }</button> }
            { for editor }
            { table }
        </section>
    }
}

fn how_label(w: &Words, h: How) -> &'static str {
    match h {
        How::SelfReported => w.how_self,
        How::Sign => w.how_sign,
        How::Pledge => w.how_pledge,
        How::Share => w.how_share,
        How::Invite => w.how_invite,
    }
}

pub struct Words {
    pub tab: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub list: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub link: &'static str,
    pub how: &'static str,
    pub item: &'static str,
    pub points: &'static str,
    pub dates: &'static str,
    pub starts: &'static str,
    pub ends: &'static str,
    pub this_week: &'static str,
    pub pin: &'static str,
    pub pinned: &'static str,
    pub running: &'static str,
    pub did: &'static str,
    pub edit: &'static str,
    pub new: &'static str,
    pub new_heading: &'static str,
    pub edit_heading: &'static str,
    pub other_langs: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub cancel: &'static str,
    pub how_self: &'static str,
    pub how_sign: &'static str,
    pub how_pledge: &'static str,
    pub how_share: &'static str,
    pub how_invite: &'static str,
}

const EN: Words = Words {
    tab: "Actions",
    heading: "Weekly actions",
    intro: "What supporters see as cards on their own page (the hub), pinned first. Self-reported actions get a Done button; the others are done by acting.",
    list: "Actions, pinned first",
    title: "Title",
    text: "Text",
    link: "Link (optional)",
    how: "How it is done",
    item: "Which one",
    points: "Points",
    dates: "Runs",
    starts: "First day",
    ends: "Last day",
    this_week: "This week",
    pin: "Pin it to the top",
    pinned: "Pinned",
    running: "running",
    did: "Did it",
    edit: "Edit",
    new: "New action",
    new_heading: "New action",
    edit_heading: "Edit action",
    other_langs: "In other languages",
    save: "Save",
    saved: "Saved",
    cancel: "Cancel",
    how_self: "Self-reported (a Done button)",
    how_sign: "Sign a petition",
    how_pledge: "Commit to a pledge",
    how_share: "Share a rebuttal",
    how_invite: "Invite friends",
};

const PT_BR: Words = Words {
    tab: "Ações",
    heading: "Ações da semana",
    intro: "O que apoiadores veem como cartões na própria página (o hub), fixadas primeiro. Ações autodeclaradas têm um botão Feito; as outras se fazem agindo.",
    list: "Ações, fixadas primeiro",
    title: "Título",
    text: "Texto",
    link: "Link (opcional)",
    how: "Como se faz",
    item: "Qual",
    points: "Pontos",
    dates: "Período",
    starts: "Primeiro dia",
    ends: "Último dia",
    this_week: "Esta semana",
    pin: "Fixar no topo",
    pinned: "Fixada",
    running: "em andamento",
    did: "Fizeram",
    edit: "Editar",
    new: "Nova ação",
    new_heading: "Nova ação",
    edit_heading: "Editar ação",
    other_langs: "Em outros idiomas",
    save: "Salvar",
    saved: "Salvo",
    cancel: "Cancelar",
    how_self: "Autodeclarada (um botão Feito)",
    how_sign: "Assinar um abaixo-assinado",
    how_pledge: "Assumir um compromisso",
    how_share: "Compartilhar uma resposta",
    how_invite: "Convidar amigos",
};

const ES: Words = Words {
    tab: "Acciones",
    heading: "Acciones de la semana",
    intro: "Lo que las personas ven como tarjetas en su propia página (el hub), fijadas primero. Las autodeclaradas tienen un botón Hecho; las demás se hacen actuando.",
    list: "Acciones, fijadas primero",
    title: "Título",
    text: "Texto",
    link: "Enlace (opcional)",
    how: "Cómo se hace",
    item: "Cuál",
    points: "Puntos",
    dates: "Período",
    starts: "Primer día",
    ends: "Último día",
    this_week: "Esta semana",
    pin: "Fijar arriba",
    pinned: "Fijada",
    running: "en curso",
    did: "La hicieron",
    edit: "Editar",
    new: "Nueva acción",
    new_heading: "Nueva acción",
    edit_heading: "Editar acción",
    other_langs: "En otros idiomas",
    save: "Guardar",
    saved: "Guardado",
    cancel: "Cancelar",
    how_self: "Autodeclarada (un botón Hecho)",
    how_sign: "Firmar una petición",
    how_pledge: "Asumir un compromiso",
    how_share: "Compartir una respuesta",
    how_invite: "Invitar amigos",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::PtBr => &PT_BR,
        Lang::Es => &ES,
    }
}
