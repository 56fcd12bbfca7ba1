//! The petition component and the wire readers, in headless Chromium (wasm-bindgen-test).
//!
//! The component gets its petition as the loader passes it (`Config::view`, the view the loader
//! already holds), so these tests need no server; the end-to-end tests cover the network.

use rally_api::{
    Lang, PetitionStatus, PetitionView, RecentSigner, SignRequest, SignResponse, SignStatus,
    Tracking,
};
use rally_widgets::config::Config;
use rally_widgets::petition::{Petition, Props};
use rally_widgets::wire::{self, FromJs};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn view() -> PetitionView {
    PetitionView {
        campaign: "demo".into(),
        slug: "save-the-park".into(),
        title: "Save <b>Riverside</b> Park".into(),
        body: "Keep it green.".into(),
        target: "City Council".into(),
        status: PetitionStatus::Open,
        count: 1234,
        goal: 2000,
        recent: vec![RecentSigner {
            name: "Ana S.".into(),
            city: Some("Recife".into()),
            country: "BR".into(),
        }],
        as_of: 1,
    }
}

fn js(v: &impl serde::Serialize) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(v).unwrap()).unwrap()
}

async fn tick(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Waits until `ready` holds for `root`, polling: a fixed delay fails on a busy machine. Gives
/// up after 10 s and lets the test's own assertions say what is missing.
async fn until(root: &Element, ready: impl Fn(&Element) -> bool) {
    for _ in 0..400 {
        if ready(root) {
            return;
        }
        tick(25).await;
    }
}

fn has(root: &Element, sel: &str) -> bool {
    root.query_selector(sel).ok().flatten().is_some()
}

/// Mounts a petition widget for `view` in `lang` and waits for it to render.
async fn mount(view: &PetitionView, lang: Lang) -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let mut config = Config::new("http://127.0.0.1:1/", "demo", "save-the-park", lang);
    config.view = Some(js(view));
    yew::Renderer::<Petition>::with_root_and_props(root.clone(), Props { config }).render();
    until(&root, |r| has(r, ".title") || has(r, ".failed")).await;
    root
}

fn q(root: &Element, sel: &str) -> Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel} in {}", root.inner_html()))
}

fn text(root: &Element, sel: &str) -> String {
    q(root, sel).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn renders_the_petition_accessibly() {
    let root = mount(&view(), Lang::En).await;
    assert_eq!(
        text(&root, ".title"),
        "Save <b>Riverside</b> Park",
        "text, not markup"
    );
    assert!(root.query_selector(".title b").unwrap().is_none());
    assert_eq!(text(&root, ".count strong"), "1,234");
    assert_eq!(
        q(&root, ".count").get_attribute("aria-live").as_deref(),
        Some("polite")
    );
    let progress = q(&root, "progress");
    assert_eq!(progress.get_attribute("value").as_deref(), Some("1234"));
    assert_eq!(progress.get_attribute("max").as_deref(), Some("2000"));
    assert!(text(&root, ".recent").contains("Ana S. · Recife"));
    // Every input has a label that names it.
    for id in [
        "in-first_name",
        "in-last_name",
        "in-email",
        "in-postal_code",
        "in-country",
    ] {
        let label = q(&root, &format!("label[for={id}]"));
        assert!(
            !label.text_content().unwrap().is_empty(),
            "{id} has a label"
        );
        assert!(root.query_selector(&format!("#{id}")).unwrap().is_some());
    }
    // Consent is an explicit choice: neither option starts checked.
    let radios = root
        .query_selector_all("input[name=contact_consent]")
        .unwrap();
    assert_eq!(radios.length(), 2);
    for i in 0..radios.length() {
        assert!(!radios
            .get(i)
            .unwrap()
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .checked());
    }
    assert!(!q(&root, "input[name=show_name]")
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .checked());
}

#[wasm_bindgen_test]
async fn submitting_an_empty_form_explains_each_field_and_focuses_the_first() {
    let root = mount(&view(), Lang::En).await;
    q(&root, "button[type=submit]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    until(&root, |r| has(r, "#err-first_name")).await;
    assert_eq!(text(&root, "#err-first_name"), "This field is required.");
    assert_eq!(
        text(&root, "#err-contact_consent"),
        "This field is required."
    );
    assert_eq!(
        q(&root, "#in-email")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        q(&root, "#in-email")
            .get_attribute("aria-describedby")
            .as_deref(),
        Some("err-email")
    );
    assert_eq!(
        q(&root, ".notice").get_attribute("role").as_deref(),
        Some("alert")
    );
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(active.id(), "in-first_name");
}

#[wasm_bindgen_test]
async fn speaks_portuguese_and_spanish() {
    let pt = mount(&view(), Lang::PtBr).await;
    assert_eq!(text(&pt, "label[for=in-postal_code]"), "CEP");
    assert_eq!(text(&pt, ".count strong"), "1.234");
    assert_eq!(text(&pt, "button[type=submit]"), "Assinar a petição");
    let es = mount(&view(), Lang::Es).await;
    assert_eq!(text(&es, "button[type=submit]"), "Firmar la petición");
    assert_eq!(
        q(&es, "article").get_attribute("lang").as_deref(),
        Some("es")
    );
}

#[wasm_bindgen_test]
async fn a_closed_petition_shows_no_form() {
    let closed = PetitionView {
        status: PetitionStatus::Closed,
        ..view()
    };
    let root = mount(&closed, Lang::En).await;
    assert!(root.query_selector("form").unwrap().is_none());
    assert_eq!(text(&root, ".notice"), "This petition is closed.");
}

#[wasm_bindgen_test]
async fn a_failed_load_links_to_the_petitions_own_page() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    // No view from the loader, and the widget's own request finds no server.
    let config = Config::new("http://127.0.0.1:1/", "demo", "save-the-park", Lang::En);
    yew::Renderer::<Petition>::with_root_and_props(root.clone(), Props { config }).render();
    until(&root, |r| has(r, ".failed")).await;
    assert_eq!(
        q(&root, ".failed").get_attribute("role").as_deref(),
        Some("alert")
    );
    assert_eq!(
        q(&root, ".failed a").get_attribute("href").as_deref(),
        Some("http://127.0.0.1:1/p/demo/save-the-park")
    );
}

/// The hand-written readers agree with what serde (and so the edge) writes.
#[wasm_bindgen_test]
fn wire_readers_match_serde() {
    let v = view();
    assert_eq!(PetitionView::from_js(&js(&v)), Some(v.clone()));
    let no_city = PetitionView {
        recent: vec![RecentSigner {
            city: None,
            ..v.recent[0].clone()
        }],
        ..v
    };
    assert_eq!(PetitionView::from_js(&js(&no_city)), Some(no_city));
    let next = rally_api::ladder::NextStep {
        rung: "Supporter".into(),
        next: "Regular".into(),
        needs: "Regular: one more week active".into(),
        label: "Next: Commit to “Vote”".into(),
        action: "Commit".into(),
        open: "pledge".into(),
        item: "vote".into(),
        href: "https://edge.example/pledge/demo/vote".into(),
    };
    for (status, supporter_token, next) in [
        (
            SignStatus::Signed,
            Some("12.0.abcdef".to_owned()),
            Some(next),
        ),
        (SignStatus::AlreadySigned, None, None),
    ] {
        let r = SignResponse {
            status,
            count: 7,
            goal: 100,
            ref_code: "7K3M9Q2X".into(),
            supporter_token,
            next,
        };
        assert_eq!(SignResponse::from_js(&js(&r)), Some(r));
    }
    let e = rally_api::ErrorBody::from_fields(&[rally_api::FieldError {
        field: "email",
        code: rally_api::ErrorCode::InvalidEmail,
    }]);
    assert_eq!(rally_api::ErrorBody::from_js(&js(&e)), Some(e));
    assert_eq!(
        SignResponse::from_js(&js(&serde_json::json!({"status": "weird"}))),
        None
    );
}

#[wasm_bindgen_test]
fn sign_request_is_written_as_serde_writes_it() {
    let r = SignRequest {
        first_name: "Ana".into(),
        last_name: "Souza".into(),
        email: "ana@example.org".into(),
        postal_code: "01310-100".into(),
        country: "BR".into(),
        contact_consent: Some(true),
        show_name: true,
        referral: Some("7K3M9Q2X".into()),
        tracking: Tracking {
            source: Some("mail".into()),
            page_url: Some("https://x.example/".into()),
            ..Tracking::default()
        },
        lang: Some("pt-BR".into()),
        website: String::new(),
    };
    let ours = js_sys::JSON::stringify(&wire::sign_request(&r))
        .unwrap()
        .as_string()
        .unwrap();
    let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
    assert_eq!(ours, serde_json::to_value(&r).unwrap());
}

#[wasm_bindgen_test]
fn a_refresh_never_shows_the_count_going_backwards() {
    use rally_widgets::petition::{Action, Load, State};
    use std::rc::Rc;
    use yew::Reducible;
    let s = Rc::new(State::new(String::new()));
    let s = s.reduce(Action::Loaded(PetitionView {
        count: 10,
        goal: 100,
        ..view()
    }));
    let s = s.reduce(Action::Loaded(PetitionView {
        count: 8,
        goal: 100,
        ..view()
    }));
    assert!(matches!(&s.load, Load::Ready(v) if v.count == 10));
    let s = s.reduce(Action::Loaded(PetitionView {
        count: 12,
        goal: 100,
        ..view()
    }));
    assert!(matches!(&s.load, Load::Ready(v) if v.count == 12));
}
