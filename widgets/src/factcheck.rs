//! The fact-check widget: report a rumour (with "this may already be answered" while typing),
//! and read, search and share the campaign's published rebuttals, WhatsApp first.

use std::cell::Cell;
use std::rc::Rc;

use rally_api::{
    routes, ErrorCode, Lang, Rebuttal, RebuttalFeed, ReportRequest, ReportResponse, SeenOn, Source,
    Verdict,
};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::config::Config;
use crate::form::{focus_first_invalid, names_fields, FormState};
use crate::i18n::{self, Text};
use crate::net::{self, NetError};
use crate::wire::{count, field, list, number, string, FromJs};

/// How long typing must pause before the edge is asked for matching rebuttals.
const TYPING_PAUSE_MS: i32 = 400;

impl FromJs for Source {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Source {
            title: string(v, "title")?,
            url: string(v, "url")?,
        })
    }
}

impl FromJs for Rebuttal {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Rebuttal {
            id: string(v, "id")?,
            claim: string(v, "claim")?,
            verdict: Verdict::parse(&string(v, "verdict")?)?,
            explanation: string(v, "explanation").unwrap_or_default(),
            sources: list(v, "sources"),
            published_at: number(v, "published_at").unwrap_or(0.0) as u64,
            reports: count(v, "reports").unwrap_or(0),
            url: string(v, "url")?,
        })
    }
}

impl FromJs for RebuttalFeed {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(RebuttalFeed {
            rebuttals: list(v, "rebuttals"),
            as_of: number(v, "as_of").unwrap_or(0.0) as u64,
            turnstile: String::new(), // the loader draws the check
        })
    }
}

impl FromJs for ReportResponse {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(ReportResponse {
            claim_id: string(v, "claim_id")?,
            reports: count(v, "reports")?,
            rebuttal: field(v, "rebuttal").and_then(|r| Rebuttal::from_js(&r)),
        })
    }
}

/// Writes a report as the object serde would, for `JSON.stringify`.
pub fn report_request(r: &ReportRequest, lang: Lang) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&o, &k.into(), &v);
    };
    set("claim", r.claim.as_str().into());
    set("link", r.link.as_str().into());
    set("seen_on", r.seen_on.as_str().into());
    set("screenshot_text", r.screenshot_text.as_str().into());
    set("email", r.email.as_str().into());
    set("notify_consent", r.notify_consent.into());
    set("lang", lang.tag().into());
    set("website", r.website.as_str().into());
    o.into()
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Config,
}

/// The rebuttals search (and "may already be answered") URL for `q`.
fn search_url(cfg: &Config, q: &str) -> String {
    cfg.url(&format!(
        "{}?q={}",
        routes::rebuttals(&cfg.campaign),
        String::from(js_sys::encode_uri_component(q))
    ))
}

/// Fetches the rebuttals answering `q` after a pause in typing, unless newer typing came.
fn search_later(
    cfg: &Config,
    q: String,
    seq: &Rc<Cell<u32>>,
    into: UseStateHandle<Option<Vec<Rebuttal>>>,
) {
    let n = seq.get() + 1;
    seq.set(n);
    let (cfg, seq) = (cfg.clone(), seq.clone());
    wasm_bindgen_futures::spawn_local(async move {
        net::sleep(TYPING_PAUSE_MS).await;
        if seq.get() != n {
            return;
        }
        let url = if q.trim().is_empty() {
            cfg.url(&routes::rebuttals(&cfg.campaign))
        } else {
            search_url(&cfg, &q)
        };
        if let Ok(f) = net::get_json::<RebuttalFeed>(&url).await {
            if seq.get() == n {
                into.set(Some(f.rebuttals));
            }
        }
    });
}

/// The fact-check widget.
#[component]
pub fn FactCheck(props: &Props) -> Html {
    let cfg = &props.config;
    let t = i18n::text(cfg.lang);
    let w = words(cfg.lang);
    let feed = use_state(|| None::<Vec<Rebuttal>>);
    let matches = use_state(|| None::<Vec<Rebuttal>>);
    let form = use_state(ReportRequest::default);
    // Changed in place (a report in flight and typing never overwrite each other); every
    // change is followed by a state change that renders it.
    let sending = use_mut_ref(FormState::default);
    let notice = use_state(|| None::<&'static str>);
    let done = use_state(|| None::<ReportResponse>);
    let rerender = use_force_update();
    let typing = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    let searching = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    let form_ref = use_node_ref();
    let failed = use_state(|| false);

    {
        let feed = feed.clone();
        let failed = failed.clone();
        let cfg = cfg.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let got = match cfg.prefetch.clone() {
                    Some(p) => net::await_json::<RebuttalFeed>(p).await,
                    None => net::get_json(&cfg.url(&routes::rebuttals(&cfg.campaign))).await,
                };
                match got {
                    Ok(f) => feed.set(Some(f.rebuttals)),
                    Err(_) => failed.set(true),
                }
                crate::mark("rally:interactive");
            });
        });
    }
    {
        let form_ref = form_ref.clone();
        use_effect_with(sending.borrow().error_round, move |round| {
            if *round > 0 {
                focus_first_invalid(&form_ref);
            }
        });
    }

    let edit = |apply: fn(&mut ReportRequest, String)| {
        let form = form.clone();
        let sending = sending.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            let mut f = (*form).clone();
            apply(&mut f, v);
            sending.borrow_mut().edited();
            form.set(f);
        })
    };
    let on_claim = {
        let form = form.clone();
        let sending = sending.clone();
        let matches = matches.clone();
        let cfg = cfg.clone();
        let typing = typing.borrow().clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                .value();
            let mut f = (*form).clone();
            f.claim = v.clone();
            sending.borrow_mut().edited();
            form.set(f);
            if v.split_whitespace().count() >= 3 {
                search_later(&cfg, v, &typing, matches.clone());
            } else {
                typing.set(typing.get() + 1);
                matches.set(None);
            }
        })
    };
    let on_search = {
        let cfg = cfg.clone();
        let feed = feed.clone();
        let searching = searching.borrow().clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            search_later(&cfg, v, &searching, feed.clone());
        })
    };
    let on_consent = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut f = (*form).clone();
            f.notify_consent = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            form.set(f);
        })
    };
    let onsubmit = {
        let (form, sending, notice, done, rerender) = (
            form.clone(),
            sending.clone(),
            notice.clone(),
            done.clone(),
            rerender.clone(),
        );
        let cfg = cfg.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if sending.borrow().submitting {
                return; // a double click: the first report is on its way
            }
            if let Err(list) = form.validate() {
                sending.borrow_mut().invalid(&list);
                notice.set(Some(t.fix_fields));
                return;
            }
            let idem = sending.borrow().key();
            sending.borrow_mut().submitting(idem.clone());
            rerender.force_update();
            let body = report_request(&form, cfg.lang);
            let url = cfg.url(&routes::reports(&cfg.campaign));
            let cfg = cfg.clone();
            let (sending, notice, done) = (sending.clone(), notice.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // A remembered supporter's report counts in their action log.
                let token = crate::config::supporter_token(&cfg.campaign);
                let result =
                    net::post_json::<ReportResponse>(&url, &body, &idem, token.as_deref()).await;
                sending.borrow_mut().answered();
                notice.set(match &result {
                    Ok(_) => None,
                    Err(NetError::Api { body, .. }) if names_fields(body) => Some(t.fix_fields),
                    Err(NetError::Api { body, .. })
                        if body.error.code == ErrorCode::RateLimited =>
                    {
                        Some(t.rate_limited)
                    }
                    Err(_) => Some(t.network),
                });
                match result {
                    Ok(r) => done.set(Some(r)),
                    Err(NetError::Api { body, .. }) => {
                        sending.borrow_mut().refused(body);
                    }
                    Err(_) => {}
                }
            });
        })
    };

    let sending = sending.borrow();
    let error_for = |f: &str| sending.error_for(f);
    let err = |f: &'static str| match error_for(f) {
        Some(code) => html! { <p class="err" id={format!("err-{f}")}>{
            if f == "turnstile" { t.err_challenge } else { t.field_error(code) }
        }</p> },
        None => html! {},
    };
    let invalid = |f: &str| error_for(f).is_some().to_string();
    let described = |f: &'static str| error_for(f).map(|_| format!("err-{f}"));

    let report = match &*done {
        Some(r) => html! {
            <section class="thanks" role="status">
                <h3>{ w.thanks }</h3>
                <p>{ if r.reports > 1 { format!("{} {}", r.reports, w.reported_by) } else { w.first.to_owned() } }</p>
                if let Some(reb) = &r.rebuttal {
                    <p>{ w.already_answered }</p>
                    { card(reb, t, w) }
                } else {
                    <p>{ w.we_will_check }</p>
                }
            </section>
        },
        None => html! {
            <form class="report" novalidate=true {onsubmit} ref={form_ref}>
                <div class="field">
                    <label for="in-claim">{ w.claim }</label>
                    <textarea id="in-claim" name="claim" rows="4" required=true maxlength="1000"
                        value={form.claim.clone()} oninput={on_claim}
                        aria-invalid={invalid("claim")} aria-describedby={described("claim")} />
                    { err("claim") }
                </div>
                <div class="matches" aria-live="polite">
                    if let Some(found) = matches.as_ref().filter(|m| !m.is_empty()) {
                        <p class="may">{ w.may_be_answered }</p>
                        { for found.iter().take(3).map(|r| card(r, t, w)) }
                    }
                </div>
                <div class="field">
                    <label for="in-seen_on">{ w.seen_on }</label>
                    <select id="in-seen_on" name="seen_on" required=true onchange={edit(|f, v| f.seen_on = v)}
                        aria-invalid={invalid("seen_on")} aria-describedby={described("seen_on")}>
                        <option value="" selected={form.seen_on.is_empty()}>{ w.choose }</option>
                        { for SeenOn::ALL.iter().map(|s| html! {
                            <option value={s.as_str()} selected={form.seen_on == s.as_str()}>{ seen_label(*s, w) }</option>
                        }) }
                    </select>
                    { err("seen_on") }
                </div>
                <div class="field">
                    <label for="in-link">{ w.link }</label>
                    <input id="in-link" name="link" type="url" inputmode="url" value={form.link.clone()}
                        onchange={edit(|f, v| f.link = v)}
                        aria-invalid={invalid("link")} aria-describedby={described("link")} />
                    { err("link") }
                </div>
                <div class="field">
                    <label for="in-screenshot_text">{ w.screenshot }</label>
                    <textarea id="in-screenshot_text" name="screenshot_text" rows="3" maxlength="2000"
                        value={form.screenshot_text.clone()} onchange={edit(|f, v| f.screenshot_text = v)}
                        aria-invalid={invalid("screenshot_text")} aria-describedby={described("screenshot_text")} />
                    { err("screenshot_text") }
                </div>
                <div class="field">
                    <label for="in-email">{ w.email }</label>
                    <input id="in-email" name="email" type="email" autocomplete="email" value={form.email.clone()}
                        onchange={edit(|f, v| f.email = v)}
                        aria-invalid={invalid("email")} aria-describedby={described("email")} />
                    { err("email") }
                </div>
                <label class="show-name"><input type="checkbox" name="notify_consent" checked={form.notify_consent}
                    onchange={on_consent} aria-invalid={invalid("notify_consent")}
                    aria-describedby={described("notify_consent")} />{ w.notify }</label>
                { err("notify_consent") }
                <div class="hp" aria-hidden="true">
                    <label for="in-website">{"Website"}</label>
                    <input id="in-website" name="website" tabindex="-1" autocomplete="off" onchange={edit(|f, v| f.website = v)} />
                </div>
                <div class="challenge"></div>
                { err("turnstile") }
                if let Some(n) = *notice { <p class="notice" role="alert">{ n }</p> }
                <button type="submit" disabled={sending.submitting}>{ if sending.submitting { w.sending } else { w.send } }</button>
            </form>
        },
    };

    html! {
        <section class="factcheck" lang={cfg.lang.tag()}>
            <h2 class="title">{ w.title }</h2>
            <p class="body">{ w.intro }</p>
            { report }
            <h2 class="title feed-title">{ w.answers }</h2>
            <label for="in-search">{ w.search }</label>
            <input id="in-search" type="search" name="q" oninput={on_search} />
            <div class="feed" aria-live="polite">
                { match &*feed {
                    None if *failed => html! { <p class="failed" role="alert">{ t.load_failed }</p> },
                    None => html! { <p class="loading" role="status">{"…"}</p> },
                    Some(list) if list.is_empty() => html! { <p class="empty">{ w.none }</p> },
                    Some(list) => list.iter().map(|r| card(r, t, w)).collect::<Html>(),
                } }
            </div>
        </section>
    }
}

fn seen_label(s: SeenOn, w: &Words) -> &'static str {
    match s {
        SeenOn::Whatsapp => "WhatsApp",
        SeenOn::Facebook => "Facebook",
        SeenOn::Instagram => "Instagram",
        SeenOn::X => "X",
        SeenOn::Tiktok => "TikTok",
        SeenOn::Youtube => "YouTube",
        SeenOn::Telegram => "Telegram",
        SeenOn::InPerson => w.in_person,
        SeenOn::Other => w.other,
    }
}

fn verdict_label(v: Verdict, w: &Words) -> &'static str {
    match v {
        Verdict::False => w.v_false,
        Verdict::Misleading => w.v_misleading,
        Verdict::MissingContext => w.v_context,
        Verdict::True => w.v_true,
        Verdict::Unverified => w.v_unverified,
    }
}

/// One rebuttal: verdict, claim, explanation, sources, and the share row (WhatsApp first). The
/// shared text stands on its own when forwarded without the link.
fn card(r: &Rebuttal, t: &Text, w: &Words) -> Html {
    let label = verdict_label(r.verdict, w);
    let text = r.share_text(label);
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let targets = [
        (
            "whatsapp",
            "WhatsApp",
            format!("https://wa.me/?text={}", enc(&text)),
        ),
        (
            "telegram",
            "Telegram",
            format!(
                "https://t.me/share/url?url={}&text={}",
                enc(&r.url),
                enc(&text)
            ),
        ),
        (
            "x",
            "X",
            format!("https://x.com/intent/post?text={}", enc(&text)),
        ),
        (
            "facebook",
            "Facebook",
            format!(
                "https://www.facebook.com/sharer/sharer.php?u={}",
                enc(&r.url)
            ),
        ),
    ];
    html! {
        <article class="rebuttal" id={format!("r-{}", r.id)}>
            <p class={classes!("verdict", format!("v-{}", r.verdict.as_str()))}>{ label }</p>
            <h3 class="claim">{ &r.claim }</h3>
            <p class="explanation">{ &r.explanation }</p>
            if !r.sources.is_empty() {
                <ul class="sources">
                    { for r.sources.iter().map(|s| html! {
                        <li><a href={s.url.clone()} rel="nofollow ugc noopener" target="_blank">{ &s.title }</a></li>
                    }) }
                </ul>
            }
            <ul class="targets">
                { for targets.into_iter().map(|(channel, name, href)| html! {
                    <li><a class={classes!("t", channel)} href={href} target="_blank" rel="noopener noreferrer"
                        aria-label={format!("{} {name}", t.share_on)}>{ name }</a></li>
                }) }
            </ul>
        </article>
    }
}

/// The fact-check widget's words.
pub struct Words {
    title: &'static str,
    intro: &'static str,
    claim: &'static str,
    may_be_answered: &'static str,
    seen_on: &'static str,
    choose: &'static str,
    in_person: &'static str,
    other: &'static str,
    link: &'static str,
    screenshot: &'static str,
    email: &'static str,
    notify: &'static str,
    send: &'static str,
    sending: &'static str,
    thanks: &'static str,
    reported_by: &'static str,
    first: &'static str,
    already_answered: &'static str,
    we_will_check: &'static str,
    answers: &'static str,
    search: &'static str,
    none: &'static str,
    v_false: &'static str,
    v_misleading: &'static str,
    v_context: &'static str,
    v_true: &'static str,
    v_unverified: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    i18n::pick(lang, &EN, &PT_BR, &ES)
}

const EN: Words = Words {
    title: "Seen a rumour?",
    intro: "Tell us what you saw on WhatsApp, social media or in person. We check it and publish the facts.",
    claim: "What does it say?",
    may_be_answered: "This may already be answered:",
    seen_on: "Where did you see it?",
    choose: "Choose one",
    in_person: "In person",
    other: "Somewhere else",
    link: "Link (optional)",
    screenshot: "Text of a screenshot (optional)",
    email: "Email, to hear what we find (optional)",
    notify: "Yes, email me the outcome of this check",
    send: "Send the report",
    sending: "Sending…",
    thanks: "Thank you for reporting it.",
    reported_by: "people have reported this.",
    first: "You are the first to report this.",
    already_answered: "It is already answered:",
    we_will_check: "We will check it and publish what we find.",
    answers: "Answers to rumours",
    search: "Search the answers",
    none: "No answers published yet.",
    v_false: "False",
    v_misleading: "Misleading",
    v_context: "Missing context",
    v_true: "True",
    v_unverified: "Unverified",
};

const PT_BR: Words = Words {
    title: "Viu um boato?",
    intro: "Conte o que você viu no WhatsApp, nas redes ou pessoalmente. Nós checamos e publicamos os fatos.",
    claim: "O que diz a mensagem?",
    may_be_answered: "Isto talvez já tenha resposta:",
    seen_on: "Onde você viu?",
    choose: "Escolha uma opção",
    in_person: "Pessoalmente",
    other: "Outro lugar",
    link: "Link (opcional)",
    screenshot: "Texto de um print (opcional)",
    email: "E-mail, para saber o resultado (opcional)",
    notify: "Sim, quero receber o resultado desta checagem por e-mail",
    send: "Enviar denúncia",
    sending: "Enviando…",
    thanks: "Obrigado por avisar.",
    reported_by: "pessoas avisaram sobre isto.",
    first: "Você é a primeira pessoa a avisar sobre isto.",
    already_answered: "Isto já tem resposta:",
    we_will_check: "Vamos checar e publicar o que descobrirmos.",
    answers: "Respostas a boatos",
    search: "Buscar nas respostas",
    none: "Nenhuma resposta publicada ainda.",
    v_false: "Falso",
    v_misleading: "Enganoso",
    v_context: "Falta contexto",
    v_true: "Verdadeiro",
    v_unverified: "Não verificado",
};

const ES: Words = Words {
    title: "¿Viste un rumor?",
    intro: "Cuéntanos lo que viste en WhatsApp, en redes o en persona. Lo verificamos y publicamos los hechos.",
    claim: "¿Qué dice?",
    may_be_answered: "Puede que esto ya tenga respuesta:",
    seen_on: "¿Dónde lo viste?",
    choose: "Elige una opción",
    in_person: "En persona",
    other: "En otro lugar",
    link: "Enlace (opcional)",
    screenshot: "Texto de una captura (opcional)",
    email: "Correo, para saber el resultado (opcional)",
    notify: "Sí, envíame por correo el resultado de esta verificación",
    send: "Enviar el reporte",
    sending: "Enviando…",
    thanks: "Gracias por avisarnos.",
    reported_by: "personas han reportado esto.",
    first: "Eres la primera persona en reportar esto.",
    already_answered: "Esto ya tiene respuesta:",
    we_will_check: "Lo verificaremos y publicaremos lo que encontremos.",
    answers: "Respuestas a rumores",
    search: "Buscar en las respuestas",
    none: "Aún no hay respuestas publicadas.",
    v_false: "Falso",
    v_misleading: "Engañoso",
    v_context: "Falta contexto",
    v_true: "Verdadero",
    v_unverified: "Sin verificar",
};
