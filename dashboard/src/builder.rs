//! The widget builder: create and edit petitions and pledges, see the real widget render the
//! draft as it is typed (the loader and the widget's own bundle, in a same-origin frame at
//! `/preview/`), and copy the embed snippet in both forms.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_net::http::Method;
use rally_api::builder::{Built, Widgets};
use rally_api::{
    Look, PetitionDraft, PetitionStatus, PetitionView, PledgeDraft, PledgeView, Presented,
    Translation,
};
use serde::Serialize;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit, Submit};
use crate::words::BuilderWords;
use crate::{copy, net, sleep};

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    Petition,
    Pledge,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Petition => "petition",
            Kind::Pledge => "pledge",
        }
    }

    /// Its place in the words' pairs (petition, pledge).
    fn index(self) -> usize {
        match self {
            Kind::Petition => 0,
            Kind::Pledge => 1,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Petition => "petitions",
            Kind::Pledge => "pledges",
        }
    }
}

/// The languages a widget may speak, in the order the builder lists them.
const LANGS: [(&str, &str); 3] = [
    ("en", "English"),
    ("pt-BR", "Português (Brasil)"),
    ("es", "Español"),
];

/// The fields the editor shows, by their JSON names (errors of others are shown above Save).
const FIELDS: [&str; 15] = [
    "translations",
    "slug",
    "title",
    "statement",
    "target",
    "body",
    "starts_at",
    "ends_at",
    "place",
    "goal",
    "status",
    "langs",
    "accent",
    "share_text",
    "published",
];

/// The form as typed: strings, as the inputs hold them.
#[derive(Clone, PartialEq, Default)]
struct Draft {
    kind: Kind,
    /// Not saved yet: a save creates it.
    is_new: bool,
    slug: String,
    /// The petition's title, or the pledge's statement.
    title: String,
    body: String,
    target: String,
    goal: String,
    status: String,
    /// Public; a draft is for staff only (embeds show nothing until it is published).
    published: bool,
    starts_at: String,
    ends_at: String,
    place: String,
    /// The languages ticked, and the default among them.
    langs: Vec<String>,
    default_lang: String,
    accent: String,
    share_text: String,
    count: u64,
    /// Its shards as saved (issue 25).
    shards: u32,
    /// The item's words in its other languages, as saved and as typed beside the default's.
    translations: std::collections::BTreeMap<String, rally_api::Translation>,
}

impl Draft {
    fn new(kind: Kind) -> Draft {
        Draft {
            kind,
            is_new: true,
            goal: "100".into(),
            status: "open".into(),
            published: false,
            langs: LANGS.iter().map(|(t, _)| (*t).to_owned()).collect(),
            default_lang: "en".into(),
            ..Draft::default()
        }
    }

    /// A saved petition, as `GET .../staff/widgets` lists it and a save answers.
    fn petition(b: &Built<PetitionDraft>) -> Draft {
        let p = &b.draft;
        Draft {
            title: p.title.clone(),
            target: p.target.clone(),
            translations: p.translations.clone(),
            shards: b.shards,
            ..Draft::saved(
                Kind::Petition,
                Saved {
                    slug: &p.slug,
                    body: &p.body,
                    goal: p.goal,
                    status: p.status,
                    published: p.published,
                    langs: &p.langs,
                    accent: &p.accent,
                    share_text: &p.share_text,
                    count: b.count,
                },
            )
        }
    }

    /// A saved pledge, likewise.
    fn pledge(b: &Built<PledgeDraft>) -> Draft {
        let p = &b.draft;
        let time = |t: Option<u64>| t.map(|t| local_input(t as f64)).unwrap_or_default();
        Draft {
            title: p.statement.clone(),
            translations: p.translations.clone(),
            shards: b.shards,
            starts_at: time(p.starts_at),
            ends_at: time(p.ends_at),
            place: p.place.clone(),
            ..Draft::saved(
                Kind::Pledge,
                Saved {
                    slug: &p.slug,
                    body: &p.body,
                    goal: p.goal,
                    status: p.status,
                    published: p.published,
                    langs: &p.langs,
                    accent: &p.accent,
                    share_text: &p.share_text,
                    count: b.count,
                },
            )
        }
    }

    /// The fields every saved item has.
    fn saved(kind: Kind, s: Saved) -> Draft {
        Draft {
            kind,
            is_new: false,
            slug: s.slug.to_owned(),
            body: s.body.to_owned(),
            goal: s.goal.unwrap_or(0).to_string(),
            status: status_name(s.status.unwrap_or(PetitionStatus::Open)).to_owned(),
            published: s.published.unwrap_or(true),
            default_lang: s.langs.first().cloned().unwrap_or_else(|| "en".into()),
            langs: if s.langs.is_empty() {
                LANGS.iter().map(|(t, _)| (*t).to_owned()).collect()
            } else {
                s.langs.to_vec()
            },
            accent: s.accent.to_owned(),
            share_text: s.share_text.to_owned(),
            count: s.count,
            ..Draft::default()
        }
    }

    /// The ticked languages, the default first; empty when all three are ticked with English
    /// first (Rally's default needs no setting).
    fn langs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if self.langs.contains(&self.default_lang) {
            out.push(self.default_lang.clone());
        }
        for (t, _) in LANGS {
            if self.langs.iter().any(|l| l == t) && !out.iter().any(|l| l == t) {
                out.push(t.to_owned());
            }
        }
        out
    }

    /// The look the widget takes from the draft.
    fn look(&self) -> Look {
        Look {
            langs: self.langs(),
            accent: self.accent.trim().to_owned(),
            share_text: self.share_text.trim().to_owned(),
        }
    }

    /// The goal as typed; `None` (the edge names it) when it is not a whole number.
    fn goal(&self) -> Option<u64> {
        self.goal.trim().parse().ok()
    }

    /// The stored status as typed (the select offers only these two).
    fn status(&self) -> PetitionStatus {
        if self.status == "closed" {
            PetitionStatus::Closed
        } else {
            PetitionStatus::Open
        }
    }

    /// The body of a petition's save request.
    fn petition_request(&self) -> PetitionDraft {
        let look = self.look();
        let translations = self.offered_translations(&look.langs);
        PetitionDraft {
            slug: self.slug.trim().to_owned(),
            title: self.title.clone(),
            body: self.body.clone(),
            target: self.target.clone(),
            goal: self.goal(),
            status: Some(self.status()),
            published: Some(self.published),
            langs: look.langs,
            accent: look.accent,
            share_text: look.share_text,
            translations,
        }
    }

    /// The translations into the petition's other ticked languages that hold any words (the
    /// edge refuses others; unticking a language keeps its words here until the page closes).
    fn offered_translations(&self, langs: &[String]) -> BTreeMap<String, Translation> {
        self.translations
            .iter()
            .filter(|(l, t)| {
                langs.iter().skip(1).any(|x| x == *l)
                    && [&t.title, &t.body, &t.target, &t.share_text]
                        .iter()
                        .any(|s| !s.trim().is_empty())
            })
            .map(|(l, t)| (l.clone(), t.clone()))
            .collect()
    }

    /// The body of a pledge's save request.
    fn pledge_request(&self) -> PledgeDraft {
        let look = self.look();
        let translations = self.offered_translations(&look.langs);
        PledgeDraft {
            slug: self.slug.trim().to_owned(),
            statement: self.title.clone(),
            body: self.body.clone(),
            starts_at: epoch_ms(&self.starts_at),
            ends_at: epoch_ms(&self.ends_at),
            place: self.place.trim().to_owned(),
            goal: self.goal(),
            status: Some(self.status()),
            published: Some(self.published),
            langs: look.langs,
            accent: look.accent,
            share_text: look.share_text,
            translations,
        }
    }

    /// The public view the widget would get for this draft, with its look, in `lang` when the
    /// draft has words there.
    fn view(&self, campaign: &str, lang: &str) -> wasm_bindgen::JsValue {
        let lang = rally_api::Lang::from_tag(lang);
        let slug = if rally_api::validate::is_slug(self.slug.trim()) {
            self.slug.trim().to_owned()
        } else {
            "preview".to_owned()
        };
        let count = self.count as u32;
        let goal = rally_api::next_goal(
            count,
            self.goal().unwrap_or(100).clamp(1, u32::MAX.into()) as u32,
        );
        let as_of = js_sys::Date::now() as u64;
        let look = self.look();
        let (campaign, body, status) = (campaign.to_owned(), self.body.clone(), self.status());
        match self.kind {
            Kind::Petition => to_json(&{
                let p = Presented {
                    view: PetitionView {
                        campaign,
                        slug,
                        title: self.title.clone(),
                        body,
                        target: self.target.clone(),
                        status,
                        count,
                        goal,
                        recent: Vec::new(),
                        as_of,
                    },
                    look,
                    turnstile: String::new(),
                    translations: self.offered_translations(&self.look().langs),
                };
                match lang {
                    Some(l) => p.in_lang(l),
                    None => p,
                }
            }),
            Kind::Pledge => {
                let place = self.place.trim();
                let p = Presented {
                    view: PledgeView {
                        campaign,
                        slug,
                        statement: self.title.clone(),
                        body,
                        starts_at: epoch_ms(&self.starts_at),
                        ends_at: epoch_ms(&self.ends_at),
                        place: (!place.is_empty()).then(|| place.to_owned()),
                        timezone: String::new(),
                        status,
                        count,
                        goal,
                        recent: Vec::new(),
                        as_of,
                        calendar: None,
                    },
                    look,
                    turnstile: String::new(),
                    translations: self.offered_translations(&self.look().langs),
                };
                to_json(&match lang {
                    Some(l) => p.in_lang(l),
                    None => p,
                })
            }
        }
    }
}

/// The fields every saved item has, borrowed from its draft.
struct Saved<'a> {
    slug: &'a str,
    body: &'a str,
    goal: Option<u64>,
    status: Option<PetitionStatus>,
    published: Option<bool>,
    langs: &'a [String],
    accent: &'a str,
    share_text: &'a str,
    count: u64,
}

fn status_name(s: PetitionStatus) -> &'static str {
    match s {
        PetitionStatus::Open => "open",
        PetitionStatus::Closed => "closed",
    }
}

/// `value` as the plain JavaScript object `JSON.parse` would give.
fn to_json(value: &impl Serialize) -> wasm_bindgen::JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(wasm_bindgen::JsValue::NULL)
}

/// A `datetime-local` value (the staff member's own time zone) as ms since the epoch; `None`
/// when empty or not a time.
fn epoch_ms(local: &str) -> Option<u64> {
    if local.trim().is_empty() {
        return None;
    }
    let t = js_sys::Date::new(&local.trim().into()).get_time();
    (t.is_finite() && t >= 0.0).then_some(t as u64)
}

/// ms since the epoch as a `datetime-local` value in the staff member's time zone.
fn local_input(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// One change to the draft.
enum Edit {
    Replace(Box<Draft>),
    Set(fn(&mut Draft, String), String),
    /// One field of the petition's words in another language.
    Translate(String, fn(&mut Translation, String), String),
    ToggleLang(String),
    TogglePublished,
}

impl Reducible for Draft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, action: Edit) -> Rc<Self> {
        let mut d = (*self).clone();
        match action {
            Edit::Replace(new) => d = *new,
            Edit::Set(set, v) => set(&mut d, v),
            Edit::Translate(lang, set, v) => set(d.translations.entry(lang).or_default(), v),
            Edit::TogglePublished => d.published = !d.published,
            Edit::ToggleLang(t) => {
                if let Some(i) = d.langs.iter().position(|l| *l == t) {
                    d.langs.remove(i);
                } else {
                    d.langs.push(t);
                }
            }
        }
        d.into()
    }
}

/// The value of the input, select or textarea an event came from.
fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The snippets a webmaster pastes: a script tag that renders where it stands, and the custom
/// element form.
pub fn snippets(origin: &str, campaign: &str, kind: &str, slug: &str) -> (String, String) {
    (
        format!(
            "<script async src=\"{origin}/embed.js\" data-widget=\"{kind}\" data-campaign=\"{campaign}\" data-{kind}=\"{slug}\"></script>"
        ),
        format!(
            "<script async src=\"{origin}/embed.js\"></script>\n<rally-{kind} campaign=\"{campaign}\" {kind}=\"{slug}\"></rally-{kind}>"
        ),
    )
}

#[derive(Properties, PartialEq)]
pub struct BuilderProps {
    pub base: String,
    pub campaign: String,
}

#[component]
pub fn Builder(props: &BuilderProps) -> Html {
    let words = crate::words::use_words();
    let w = words.builder;
    let list = use_fetch::<Widgets>(format!("{}/widgets", props.base));
    let draft = use_reducer(|| Draft::new(Kind::Petition));
    let editing = use_state(|| false);
    let submit = use_submit();
    let message = use_state(|| None::<String>);
    let preview_lang = use_state(String::new);
    let preview_src = use_state(|| None::<String>);
    let generation = use_mut_ref(|| Cell::new(0u32));

    // The preview follows the draft, 300 ms after the last keystroke.
    {
        let (preview_src, generation, campaign) = (
            preview_src.clone(),
            generation.clone(),
            props.campaign.clone(),
        );
        use_effect_with(
            ((*draft).clone(), (*preview_lang).clone(), *editing),
            move |(d, lang, editing)| {
                if *editing {
                    let g = generation.borrow().get() + 1;
                    generation.borrow().set(g);
                    let data = js_sys::Object::new();
                    for (k, v) in [
                        ("kind", d.kind.name().into()),
                        ("lang", lang.as_str().into()),
                        ("view", d.view(&campaign, lang)),
                    ] {
                        let _ = js_sys::Reflect::set(&data, &k.into(), &v);
                    }
                    let hash: String = js_sys::encode_uri_component(
                        &js_sys::JSON::stringify(&data)
                            .map(String::from)
                            .unwrap_or_default(),
                    )
                    .into();
                    wasm_bindgen_futures::spawn_local(async move {
                        sleep(300).await;
                        if generation.borrow().get() == g {
                            preview_src.set(Some(format!("/preview/?v={g}#{hash}")));
                        }
                    });
                }
            },
        );
    }

    let start = |kind: Kind, saved: Option<Draft>| {
        let (draft, editing, submit, message) = (
            draft.clone(),
            editing.clone(),
            submit.clone(),
            message.clone(),
        );
        Callback::from(move |_| {
            draft.dispatch(Edit::Replace(Box::new(
                saved.clone().unwrap_or_else(|| Draft::new(kind)),
            )));
            submit.clear();
            message.set(None);
            editing.set(true);
        })
    };

    let listing = list.view(|built| {
        let rows = |kind: Kind, entries: Vec<Draft>| -> Html {
            if entries.is_empty() {
                return html! { <p class="note">{ w.none_yet[kind.index()] }</p> };
            }
            html! {
                <table class={classes!("built", kind.plural())}>
                    <thead><tr><th scope="col">{ w.columns[kind.index()] }</th><th scope="col">{ w.columns[2] }</th><th scope="col">{ w.columns[3] }</th><th scope="col">{ w.columns[4] }</th><th scope="col">{ "" }</th></tr></thead>
                    <tbody>
                        { for entries.into_iter().map(|e| html! {
                            <tr data-slug={e.slug.clone()}>
                                <td>{ e.title.clone() }</td>
                                <td><code>{ e.slug.clone() }</code></td>
                                <td>{ e.count }</td>
                                <td class="status" data-status={if e.published { e.status.clone() } else { "draft".to_owned() }}>{
                                    if !e.published { w.draft } else if e.status == "closed" { w.closed } else { w.open } }</td>
                                <td><button type="button" class="edit" aria-label={format!("{} {}", w.edit, e.title)}
                                    onclick={start(kind, Some(e))}>{ w.edit }</button></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        };
        html! {
            <>
            <h3>{ w.lists[0] }</h3>
            { rows(Kind::Petition, built.petitions.iter().map(Draft::petition).collect()) }
            <h3>{ w.lists[1] }</h3>
            { rows(Kind::Pledge, built.pledges.iter().map(Draft::pledge).collect()) }
            </>
        }
    });

    let save = {
        let (draft, submit, message, reload, base) = (
            draft.clone(),
            submit.clone(),
            message.clone(),
            list.reload.clone(),
            props.base.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let d = (*draft).clone();
            let (method, path) = if d.is_new {
                (Method::POST, format!("{base}/{}", d.kind.plural()))
            } else {
                (
                    Method::PUT,
                    format!("{base}/{}/{}", d.kind.plural(), d.slug),
                )
            };
            let (draft, message, reload, kind) =
                (draft.clone(), message.clone(), reload.clone(), d.kind);
            let request = async move {
                match kind {
                    Kind::Petition => net::send::<Built<PetitionDraft>>(
                        method,
                        &path,
                        Some(&d.petition_request()),
                    )
                    .await
                    .map(|b| Draft::petition(&b)),
                    Kind::Pledge => {
                        net::send::<Built<PledgeDraft>>(method, &path, Some(&d.pledge_request()))
                            .await
                            .map(|b| Draft::pledge(&b))
                    }
                }
            };
            submit.run(request, move |answer| match answer {
                Ok(saved) => {
                    message.set(Some(w.saved[kind.index()].to_owned()));
                    draft.dispatch(Edit::Replace(Box::new(saved)));
                    reload.emit(());
                }
                Err(f) if f.status == 0 => message.set(Some(f.message)),
                Err(f) => {
                    message.set(Some(w.not_saved.into()));
                    // Focus the first field at fault; its message is tied to it.
                    if let Some(el) = f.fields.first().and_then(|(field, _)| {
                        web_sys::window()?
                            .document()?
                            .get_element_by_id(&format!("b-{field}"))
                    }) {
                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }
            });
        })
    };

    let form = if *editing {
        editor(&draft, &submit, save, &props.campaign, &message, w)
    } else {
        Html::default()
    };
    let preview = if *editing {
        let set_lang = {
            let preview_lang = preview_lang.clone();
            Callback::from(move |e: Event| preview_lang.set(value_of(&e)))
        };
        html! {
            <aside class="preview" aria-labelledby="preview-h">
                <h3 id="preview-h">{ w.live_preview }</h3>
                <label for="preview-lang">{ w.preview_lang }</label>
                <select id="preview-lang" onchange={set_lang}>
                    <option value="">{ w.as_browser }</option>
                    { for LANGS.iter().map(|(t, name)| html! { <option value={*t}>{ *name }</option> }) }
                </select>
                <p class="note">{ w.preview_note }</p>
                if let Some(src) = &*preview_src {
                    <iframe title={w.preview_frame} src={src.clone()} class="preview-frame" />
                }
            </aside>
        }
    } else {
        Html::default()
    };
    html! {
        <section aria-labelledby="widgets-h">
            <h2 id="widgets-h">{ words.tabs[4] }</h2>
            <div class="row">
                <button type="button" class="new-petition" onclick={start(Kind::Petition, None)}>{ w.new_item[0] }</button>
                <button type="button" class="new-pledge" onclick={start(Kind::Pledge, None)}>{ w.new_item[1] }</button>
            </div>
            if *editing {
                <div class="builder">
                    { form }
                    { preview }
                </div>
                if !draft.is_new {
                    <Shards key={format!("{}/{}", draft.kind.plural(), draft.slug)} base={props.base.clone()}
                        plural={draft.kind.plural()} slug={draft.slug.clone()} shards={draft.shards} />
                }
            }
            { listing }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ShardsProps {
    base: String,
    plural: &'static str,
    slug: String,
    shards: u32,
}

/// A saved item's shards (issue 25): how many Durable Objects take its actions, raised here
/// (`PUT .../staff/shards/:kind/:slug`); the edge's refusal is shown beside the field.
#[function_component]
fn Shards(p: &ShardsProps) -> Html {
    let w = crate::words::use_words().builder;
    let value = use_state(|| p.shards.to_string());
    let submit = use_submit();
    let message = use_state(|| None::<String>);
    let onsubmit = {
        let (value, submit, message) = (value.clone(), submit.clone(), message.clone());
        let path = format!("{}/shards/{}/{}", p.base, p.plural, p.slug);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Not a number in range: the edge names the field (a count above the limit).
            let shards = value
                .trim()
                .parse::<u32>()
                .unwrap_or(rally_api::shards::MAX_SHARDS + 1);
            let body = rally_api::shards::ShardSetting { shards, auto: true };
            let path = path.clone();
            let message = message.clone();
            message.set(None);
            submit.run(
                async move {
                    net::send::<rally_api::shards::ShardSetting>(Method::PUT, &path, Some(&body))
                        .await
                },
                move |answer| {
                    if answer.is_ok() {
                        message.set(Some(w.shards_saved.to_owned()));
                    }
                },
            );
        })
    };
    let oninput = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| value.set(value_of(&e)))
    };
    let err = submit.error("shards");
    let described = if err.is_some() {
        "b-shards-error b-shards-hint"
    } else {
        "b-shards-hint"
    };
    html! {
        <form class="shards" aria-labelledby="shards-h" {onsubmit} novalidate=true>
            <h3 id="shards-h">{ w.shards_title }</h3>
            <div class="field f-shards">
                <label for="b-shards">{ w.shards.0 }</label>
                <input id="b-shards" name="shards" type="number" min="0" max="64" inputmode="numeric"
                    value={(*value).clone()} {oninput} aria-invalid={err.is_some().to_string()} aria-describedby={described} />
                <p class="hint" id="b-shards-hint">{ w.shards.1 }</p>
                if let Some(e) = err { <p class="err" id="b-shards-error">{ e }</p> }
            </div>
            <button type="submit" disabled={submit.busy()}>{ w.shards_save }</button>
            <p class="note" role="status" aria-live="polite">{ (*message).clone().unwrap_or_default() }</p>
        </form>
    }
}

/// The editor's form, with each field's error beside it.
fn editor(
    draft: &UseReducerHandle<Draft>,
    submit: &Submit,
    onsubmit: Callback<SubmitEvent>,
    campaign: &str,
    message: &Option<String>,
    w: &'static BuilderWords,
) -> Html {
    let d = &**draft;
    let error = |f: &str| submit.error(f);
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.dispatch(Edit::Set(f, value_of(&e))))
    };
    let set_select = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| draft.dispatch(Edit::Set(f, value_of(&e))))
    };
    // A labelled input or textarea with its error: `(field, label, hint)`.
    let field = |name: &str,
                 label: &str,
                 hint: &str,
                 value: &str,
                 input: Callback<InputEvent>,
                 kind: &str| {
        let id = format!("b-{name}");
        let err = error(name);
        let hint_id = format!("{id}-hint");
        let err_id = format!("{id}-error");
        let described = match (&err, hint.is_empty()) {
            (Some(_), true) => Some(err_id.clone()),
            (Some(_), false) => Some(format!("{err_id} {hint_id}")),
            (None, false) => Some(hint_id.clone()),
            (None, true) => None,
        };
        let control = if kind == "textarea" {
            html! { <textarea id={id.clone()} name={name.to_owned()} rows="4" value={value.to_owned()} oninput={input}
            aria-invalid={err.is_some().to_string()} aria-describedby={described} /> }
        } else {
            html! { <input id={id.clone()} name={name.to_owned()} type={kind.to_owned()} value={value.to_owned()} oninput={input}
            aria-invalid={err.is_some().to_string()} aria-describedby={described} /> }
        };
        html! {
            <div class={classes!("field", format!("f-{name}"))}>
                <label for={id.clone()}>{ label }</label>
                { control }
                if !hint.is_empty() { <p class="hint" id={hint_id}>{ hint }</p> }
                if let Some(e) = err { <p class="err" id={err_id}>{ e }</p> }
            </div>
        }
    };
    let is_petition = d.kind == Kind::Petition;
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let (script, element) = snippets(&origin, campaign, d.kind.name(), d.slug.trim());
    let copy_button = |class: &str, text: String| {
        html! { <button type="button" class={class.to_owned()} onclick={Callback::from(move |_| copy(&text))}>{ w.copy }</button> }
    };
    let langs_err = error("langs");
    html! {
        <form class="editor" {onsubmit} novalidate=true aria-labelledby="editor-h">
            <h3 id="editor-h">{ if d.is_new { w.new_item[d.kind.index()] } else { w.edit_item[d.kind.index()] } }</h3>
            if d.is_new {
                { field("slug", w.slug.0, w.slug.1, &d.slug, set(|d, v| d.slug = v), "text") }
            } else {
                <p class="slug">{ format!("{}: ", w.slug.0) }<code>{ d.slug.clone() }</code></p>
            }
            if is_petition {
                { field("title", w.title, "", &d.title, set(|d, v| d.title = v), "text") }
                { field("target", w.target.0, w.target.1, &d.target, set(|d, v| d.target = v), "text") }
                { field("body", w.text, "", &d.body, set(|d, v| d.body = v), "textarea") }
            } else {
                { field("statement", w.statement.0, w.statement.1, &d.title, set(|d, v| d.title = v), "text") }
                { field("body", w.text, "", &d.body, set(|d, v| d.body = v), "textarea") }
                { field("starts_at", w.starts.0, w.starts.1, &d.starts_at, set(|d, v| d.starts_at = v), "datetime-local") }
                { field("ends_at", w.ends, "", &d.ends_at, set(|d, v| d.ends_at = v), "datetime-local") }
                { field("place", w.place, "", &d.place, set(|d, v| d.place = v), "text") }
            }
            { translations(d, draft, error("translations"), w) }
            { field("goal", w.goal.0, w.goal.1, &d.goal, set(|d, v| d.goal = v), "number") }
            <div class="field f-status">
                <label for="b-status">{ w.status }</label>
                <select id="b-status" onchange={set_select(|d, v| d.status = v)}>
                    <option value="open" selected={d.status == "open"}>{ w.open_option[d.kind.index()] }</option>
                    <option value="closed" selected={d.status == "closed"}>{ w.closed }</option>
                </select>
            </div>
            <div class="field f-published">
                <label class="check"><input type="checkbox" id="b-published" checked={d.published}
                    onchange={{ let draft = draft.clone(); Callback::from(move |_| draft.dispatch(Edit::TogglePublished)) }}
                    aria-describedby="b-published-hint" />{ w.published.0 }</label>
                <p class="hint" id="b-published-hint">{ w.published.1 }</p>
            </div>
            <fieldset class="field f-langs" aria-invalid={langs_err.is_some().to_string()}
                aria-describedby={langs_err.as_ref().map(|_| "b-langs-error")}>
                <legend>{ w.languages }</legend>
                { for LANGS.iter().map(|(t, name)| {
                    let toggle = { let draft = draft.clone(); let t = (*t).to_owned(); Callback::from(move |_| draft.dispatch(Edit::ToggleLang(t.clone()))) };
                    html! {
                        <label class="check"><input type="checkbox" id={format!("b-lang-{t}")} checked={d.langs.iter().any(|l| l == t)} onchange={toggle} />{ *name }</label>
                    }
                }) }
                <label for="b-langs">{ w.default_lang }</label>
                <select id="b-langs" onchange={set_select(|d, v| d.default_lang = v)}>
                    { for LANGS.iter().filter(|(t, _)| d.langs.iter().any(|l| l == t)).map(|(t, name)| html! {
                        <option value={*t} selected={d.default_lang == *t}>{ *name }</option>
                    }) }
                </select>
                if let Some(e) = langs_err { <p class="err" id="b-langs-error">{ e }</p> }
            </fieldset>
            { field("accent", w.accent.0, w.accent.1, &d.accent, set(|d, v| d.accent = v), "text") }
            { field("share_text", w.share.0, w.share.1, &d.share_text, set(|d, v| d.share_text = v), "textarea") }
            // Problems that are not one field's (a role that may not build widgets, ...).
            { for submit.general(&FIELDS).into_iter().map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
            <button type="submit" class="save">{ if d.is_new { w.create } else { w.save } }</button>
            if let Some(m) = message { <p class="msg" role="status">{ m }</p> }
            if !d.is_new {
                <div class="snippets">
                    <h4>{ w.embed }</h4>
                    <label for="snippet-script">{ w.script_tag }</label>
                    <textarea id="snippet-script" class="snippet" readonly=true rows="3" value={script.clone()} />
                    { copy_button("copy-script", script) }
                    <label for="snippet-element">{ w.custom_element }</label>
                    <textarea id="snippet-element" class="snippet" readonly=true rows="3" value={element.clone()} />
                    { copy_button("copy-element", element) }
                </div>
            }
        </form>
    }
}

/// The item's words in each of its other ticked languages, beside the default's: what a
/// visitor who speaks that language reads instead (a pledge's statement travels as `title`;
/// it has no target).
fn translations(
    d: &Draft,
    draft: &UseReducerHandle<Draft>,
    err: Option<String>,
    w: &BuilderWords,
) -> Html {
    type Set = fn(&mut Translation, String);
    let petition: [(&str, &str, Set, bool); 4] = [
        ("title", w.title, |t, v| t.title = v, false),
        ("target", w.target.0, |t, v| t.target = v, false),
        ("body", w.text, |t, v| t.body = v, true),
        ("share_text", w.share.0, |t, v| t.share_text = v, true),
    ];
    let pledge: [(&str, &str, Set, bool); 3] = [
        ("title", w.statement.0, |t, v| t.title = v, false),
        ("body", w.text, |t, v| t.body = v, true),
        ("share_text", w.share.0, |t, v| t.share_text = v, true),
    ];
    let parts: &[(&str, &str, Set, bool)] = match d.kind {
        Kind::Petition => &petition,
        Kind::Pledge => &pledge,
    };
    let others: Vec<_> = LANGS
        .iter()
        .filter(|(t, _)| *t != d.default_lang && d.langs.iter().any(|l| l == t))
        .collect();
    if others.is_empty() {
        return html! {};
    }
    html! {
        <div class="translations" aria-describedby={err.as_ref().map(|_| "b-translations-error")}>
            { for others.into_iter().map(|(tag, name)| {
                let t = d.translations.get(*tag).cloned().unwrap_or_default();
                html! {
                    <fieldset class={format!("tr tr-{tag}")} lang={*tag}>
                        <legend>{ format!("{}{name}", w.in_lang) }</legend>
                        { for parts.iter().map(|(part, label, set, long)| {
                            let id = format!("b-tr-{tag}-{part}");
                            let value = match *part {
                                "title" => t.title.clone(),
                                "target" => t.target.clone(),
                                "body" => t.body.clone(),
                                _ => t.share_text.clone(),
                            };
                            let input = {
                                let (draft, tag, set) = (draft.clone(), (*tag).to_owned(), *set);
                                Callback::from(move |e: InputEvent| {
                                    draft.dispatch(Edit::Translate(tag.clone(), set, value_of(&e)))
                                })
                            };
                            html! {
                                <div class="field">
                                    <label for={id.clone()}>{ *label }</label>
                                    if *long {
                                        <textarea id={id} rows="3" value={value} oninput={input} />
                                    } else {
                                        <input id={id} type="text" value={value} oninput={input} />
                                    }
                                </div>
                            }
                        }) }
                    </fieldset>
                }
            }) }
            if let Some(e) = err { <p class="err" id="b-translations-error">{ e }</p> }
        </div>
    }
}
