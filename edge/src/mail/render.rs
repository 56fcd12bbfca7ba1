//! A message's subject, plain text and HTML, in the person's language, with the campaign's name
//! and colour. The HTML is one narrow column with inline styles (mail clients drop style
//! sheets), readable on a phone, with no images and no tracking pixels. Pure (dates come in
//! formatted), so it is tested natively.

use crate::db::outbox::Outgoing;
use crate::format::escape;
use crate::mail::words::{self, Words};

/// Rally's default accent (the widgets' too).
const DEFAULT_ACCENT: &str = "#0b7a3e";

pub struct Links {
    pub confirm: String,
    pub unsubscribe: String,
    pub public_url: String,
    /// The person's hub, signed in once by this message's link (messages to a supporter).
    pub hub: Option<String>,
}

pub struct Message {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `(file name, iCalendar text)` for a pledge's reminders.
    pub calendar: Option<(String, String)>,
}

/// One block of a message: a paragraph, a labelled line, or a button.
enum Block {
    Para(String),
    Field(&'static str, String),
    Button(String, String),
    Quote(String),
}

fn fill(template: &str, m: &Outgoing) -> String {
    template
        .replace("{title}", m.title.as_deref().unwrap_or_default())
        .replace("{campaign}", &m.campaign_name)
        .replace("{claim}", m.claim_text.as_deref().unwrap_or_default())
        .replace("{name}", m.first_name.as_deref().unwrap_or_default())
}

/// A message's `detail` (JSON: a nudge's leader and team, a push's kind and subject).
fn detail_of(m: &Outgoing) -> serde_json::Value {
    m.detail
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default()
}

/// A nudge's (or a change of leader's) words, with its leader and team filled in.
fn nudge_words(t: &str, m: &Outgoing, detail: &serde_json::Value) -> String {
    let field = |k: &str| detail[k].as_str().unwrap_or_default();
    fill(t, m)
        .replace("{leader}", field("leader"))
        .replace("{team}", field("team"))
}

/// The person's share link: the page they acted on with their referral code.
fn share_link(m: &Outgoing) -> Option<String> {
    let page = m
        .page_url
        .as_deref()
        .filter(|p| p.starts_with("https://") || p.starts_with("http://"))?;
    let code = m.ref_code.as_deref()?;
    let page = page.split('#').next().unwrap_or(page);
    let sep = if page.contains('?') { '&' } else { '?' };
    Some(format!("{page}{sep}ref={code}"))
}

/// The message for `m`, or `None` for a kind it cannot render. `when` formats a moment in
/// the campaign's time zone and the person's language.
pub fn render_with(
    m: &Outgoing,
    links: &Links,
    now: f64,
    when: &dyn Fn(f64) -> String,
) -> Option<Message> {
    let w = words::of(&m.lang);
    let hello = if m.first_name.as_deref().is_some_and(|n| !n.is_empty()) {
        fill(w.hello, m)
    } else {
        w.hello_anonymous.to_owned()
    };
    let mut blocks = vec![Block::Para(hello)];
    let mut calendar = None;
    let subject = match m.kind.as_str() {
        "confirm" | "confirm_reminder" => {
            let lead = if m.action.as_deref() == Some("pledge") {
                w.confirm_pledge
            } else {
                w.confirm_sign
            };
            blocks.push(Block::Para(fill(lead, m)));
            blocks.push(Block::Button(
                w.confirm_button.into(),
                links.confirm.clone(),
            ));
            blocks.push(Block::Para(w.not_me.into()));
            // The ladder's next step, as the thank-you showed it.
            if let Some(n) = m
                .next_step
                .as_deref()
                .and_then(|j| serde_json::from_str::<rally_api::ladder::NextStep>(j).ok())
            {
                blocks.push(Block::Para(n.label.clone()));
                let href = if n.href.starts_with("https://") || n.href.starts_with("http://") {
                    Some(n.href.clone())
                } else if n.open == "share" {
                    share_link(m)
                } else {
                    None
                };
                if let Some(h) = href {
                    blocks.push(Block::Button(n.action.clone(), h));
                }
            }
            if m.kind == "confirm" {
                fill(w.confirm_subject, m)
            } else {
                fill(w.confirm_reminder_subject, m)
            }
        }
        "pledge_eve" | "pledge_morning" => {
            let start = m.starts_at?;
            let eve = m.kind == "pledge_eve";
            blocks.push(Block::Para(
                if eve { w.eve_intro } else { w.morning_intro }.into(),
            ));
            blocks.push(Block::Quote(m.title.clone().unwrap_or_default()));
            blocks.push(Block::Field(w.when, when(start)));
            if let Some(place) = m.place.as_deref().filter(|p| !p.is_empty()) {
                blocks.push(Block::Field(w.place, place.to_owned()));
            }
            if let Some(link) = share_link(m) {
                blocks.push(Block::Button(w.share.into(), link));
            }
            let url = format!("{}/", links.public_url);
            let uid = format!("pledge-{}@rally", m.pledge_id.unwrap_or_default());
            let event = rally_api::calendar::Event {
                uid: &uid,
                title: m.title.as_deref().unwrap_or_default(),
                description: m.pledge_body.as_deref().unwrap_or_default(),
                location: m.place.as_deref(),
                url: &url,
                start_ms: start as i64,
                end_ms: m.ends_at.map(|e| e as i64),
            };
            calendar = Some((
                "pledge.ics".to_owned(),
                rally_api::calendar::ics(&event, now as i64),
            ));
            blocks.push(Block::Para(w.calendar.into()));
            fill(
                if eve {
                    w.eve_subject
                } else {
                    w.morning_subject
                },
                m,
            )
        }
        "outcome" => {
            let verdict = m.verdict.as_deref()?;
            blocks.push(Block::Para(w.outcome_intro.into()));
            blocks.push(Block::Quote(m.claim_text.clone().unwrap_or_default()));
            blocks.push(Block::Field(w.outcome_claim, w.verdict(verdict).to_owned()));
            if let Some(e) = m.explanation.as_deref().filter(|e| !e.is_empty()) {
                blocks.push(Block::Para(e.to_owned()));
            }
            if let Some(id) = &m.claim_public_id {
                let page = format!("{}/r/{}/{id}", links.public_url, m.campaign);
                blocks.push(Block::Button(w.read_more.into(), page));
            }
            fill(w.outcome_subject, m)
        }
        "signin" => {
            blocks.push(Block::Para(fill(w.signin_intro, m)));
            blocks.push(Block::Button(w.hub_link_button.into(), links.hub.clone()?));
            blocks.push(Block::Para(w.signin_ignore.into()));
            fill(w.signin_subject, m)
        }
        "nudge" => {
            let detail = detail_of(m);
            blocks.push(Block::Para(nudge_words(w.nudge_intro, m, &detail)));
            nudge_words(w.nudge_subject, m, &detail)
        }
        "leader" => {
            let detail = detail_of(m);
            let (subject, intro) = if detail["role"] == "new" {
                (w.leader_new_subject, w.leader_new_intro)
            } else {
                (w.leader_old_subject, w.leader_old_intro)
            };
            blocks.push(Block::Para(nudge_words(intro, m, &detail)));
            nudge_words(subject, m, &detail)
        }
        _ => return None,
    };
    // Every message to a supporter leads to their hub (the sign-in carries it already).
    if m.kind != "signin" {
        if let Some(hub) = &links.hub {
            blocks.push(Block::Button(w.open_hub.into(), hub.clone()));
        }
    }
    let accent = m
        .accent
        .as_deref()
        .filter(|a| {
            a.len() == 7 && a.starts_with('#') && a[1..].bytes().all(|b| b.is_ascii_hexdigit())
        })
        .unwrap_or(DEFAULT_ACCENT);
    Some(Message {
        text: text(w, m, &blocks, links),
        html: html(w, m, &subject, &blocks, links, accent),
        subject,
        calendar,
    })
}

/// [`render_with`], with dates from the runtime's `Intl` in the campaign's time zone.
/// A push's notification (kind `push`), in the device's language: what it says and where its
/// click goes (`/hub/:campaign/n/:id`, which counts it and opens the hub at its card). `None`
/// when there is nothing to say any more (the action or claim is gone).
pub fn notification(m: &Outgoing, public_url: &str) -> Option<rally_api::push::Notification> {
    let w = words::of(&m.lang);
    let detail = detail_of(m);
    let field = |k: &str| detail[k].as_str().unwrap_or_default().to_owned();
    let kind = field("kind");
    let (title, body, tag) = match kind.as_str() {
        "action" => {
            let (mut title, mut text) = (m.action_title.clone()?, m.action_text.clone()?);
            // The action's words in the device's language, where staff wrote them.
            let translated: Option<serde_json::Value> = m
                .action_translations
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok());
            if let Some(t) = translated.as_ref().and_then(|t| t.get(&m.lang)) {
                if let Some(x) = t["title"].as_str().filter(|x| !x.is_empty()) {
                    title = x.to_owned();
                    text = t["text"].as_str().unwrap_or_default().to_owned();
                }
            }
            let id = m.action_id? as u64;
            (
                w.push_action_title.replace("{title}", &title),
                text,
                format!("action-{id}"),
            )
        }
        "nudge" => (
            nudge_words(w.nudge_subject, m, &detail),
            nudge_words(w.nudge_intro, m, &detail),
            "nudge".to_owned(),
        ),
        "rebuttal" => {
            let verdict = m.verdict.as_deref()?;
            (
                w.push_rebuttal_title
                    .replace("{verdict}", w.verdict(verdict)),
                m.claim_text.clone()?,
                format!("rebuttal-{}", m.claim_public_id.as_deref()?),
            )
        }
        "reminder" => {
            let eve = field("when") == "pledge_eve";
            let subject = if eve {
                w.eve_subject
            } else {
                w.morning_subject
            };
            (
                fill(subject, m),
                if eve { w.eve_intro } else { w.morning_intro }.to_owned(),
                format!("pledge-{}", m.pledge_id? as u64),
            )
        }
        _ => return None,
    };
    Some(rally_api::push::Notification {
        kind,
        title,
        body,
        url: format!("{public_url}/hub/{}/n/{}", m.campaign, m.id as u64),
        tag,
        lang: w.locale.to_owned(),
    })
}

pub fn render(m: &Outgoing, links: &Links, now: f64) -> Option<Message> {
    let w = words::of(&m.lang);
    render_with(m, links, now, &|at| {
        crate::http::local_datetime(at, &m.timezone, w.locale)
    })
}

fn text(w: &Words, m: &Outgoing, blocks: &[Block], links: &Links) -> String {
    let mut out = format!("{}\n\n", m.campaign_name);
    for b in blocks {
        match b {
            Block::Para(p) => out.push_str(&format!("{p}\n\n")),
            Block::Quote(q) => out.push_str(&format!("  “{q}”\n\n")),
            Block::Field(label, v) => out.push_str(&format!("{label}: {v}\n\n")),
            Block::Button(label, url) => out.push_str(&format!("{label}: {url}\n\n")),
        }
    }
    out.push_str(&format!(
        "--\n{}\n{}: {}\n",
        fill(w.why, m),
        w.unsubscribe,
        links.unsubscribe
    ));
    out
}

fn html(
    w: &Words,
    m: &Outgoing,
    subject: &str,
    blocks: &[Block],
    links: &Links,
    accent: &str,
) -> String {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Para(p) => body.push_str(&format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p))),
            Block::Quote(q) => body.push_str(&format!(
                "<blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:4px solid {accent};background:#f6f6f6\">{}</blockquote>",
                escape(q)
            )),
            Block::Field(label, v) => body.push_str(&format!(
                "<p style=\"margin:0 0 16px\"><strong>{}:</strong> {}</p>",
                escape(label),
                escape(v)
            )),
            Block::Button(label, url) => body.push_str(&format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"display:inline-block;background:{accent};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:700\">{}</a></p>",
                escape(url),
                escape(label)
            )),
        }
    }
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{subject}</title></head>\
<body style=\"margin:0;padding:0;background:#f1f1f1\">\
<div style=\"max-width:560px;margin:0 auto;background:#ffffff;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b\">\
<div style=\"background:{accent};color:#ffffff;padding:16px 20px;font-weight:700;font-size:18px\">{campaign}</div>\
<div style=\"padding:20px\">{body}</div>\
<div style=\"padding:16px 20px;border-top:1px solid #dddddd;font-size:14px;color:#444444\">{why} \
<a href=\"{unsub}\" style=\"color:#444444\">{unsubscribe}</a></div></div></body></html>",
        lang = w.locale,
        subject = escape(subject),
        campaign = escape(&m.campaign_name),
        why = escape(&fill(w.why, m)),
        unsub = escape(&links.unsubscribe),
        unsubscribe = escape(w.unsubscribe),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(kind: &str, lang: &str) -> Outgoing {
        Outgoing {
            id: 7.0,
            kind: kind.into(),
            lang: lang.into(),
            attempts: 1,
            expires_at: None,
            email: Some("ana@example.org".into()),
            first_name: Some("Ana".into()),
            ref_code: Some("ABCD2345".into()),
            erased_at: None,
            unsubscribed_at: None,
            action: Some(
                if kind.starts_with("pledge") {
                    "pledge"
                } else {
                    "sign"
                }
                .into(),
            ),
            action_row: Some(3.0),
            confirmed: Some(0.0),
            page_url: Some("https://park.example/sign?utm_source=x#top".into()),
            campaign: "park".into(),
            campaign_name: "Save <the> Park".into(),
            sender_name: String::new(),
            sender_email: String::new(),
            reply_to: String::new(),
            timezone: "UTC".into(),
            title: Some("Keep the park \"green\"".into()),
            accent: Some("#123456".into()),
            pledge_id: Some(4.0),
            pledge_body: Some("Bring water".into()),
            starts_at: Some(1_800_000_000_000.0),
            ends_at: None,
            place: Some("Main gate".into()),
            claim_text: Some("The park will be sold".into()),
            claim_public_id: Some("QW3RTY23".into()),
            verdict: Some("false".into()),
            explanation: Some("No sale is planned.".into()),
            detail: Some(r#"{"leader":"Bia S.","team":"Park crew"}"#.into()),
            ..Default::default()
        }
    }

    fn links() -> Links {
        Links {
            confirm: "https://edge.example/m/c0ffee".into(),
            unsubscribe: "https://edge.example/u/beef".into(),
            public_url: "https://edge.example".into(),
            hub: Some("https://edge.example/h/f00d".into()),
        }
    }

    #[test]
    fn every_kind_in_every_language_carries_its_links_escaped_and_no_images() {
        // (kind, what the text must contain beyond the unsubscribe link)
        let cases = [
            ("confirm", "https://edge.example/m/c0ffee"),
            ("confirm_reminder", "https://edge.example/m/c0ffee"),
            (
                "pledge_eve",
                "https://park.example/sign?utm_source=x&ref=ABCD2345",
            ),
            ("pledge_morning", "Main gate"),
            ("outcome", "https://edge.example/r/park/QW3RTY23"),
            ("signin", "https://edge.example/h/f00d"),
            ("nudge", "Bia"),
            ("leader", "Park crew"),
        ];
        for lang in ["en", "pt-BR", "es"] {
            for (kind, must) in cases {
                let msg = render_with(&outgoing(kind, lang), &links(), 0.0, &|_| "DATE".into())
                    .unwrap_or_else(|| panic!("{kind} {lang} renders"));
                let at = format!("{kind} {lang}");
                assert!(msg.text.contains(must), "{at}: {}", msg.text);
                assert!(msg.text.contains("https://edge.example/u/beef"), "{at}");
                assert!(
                    msg.html.contains("href=\"https://edge.example/u/beef\""),
                    "{at}"
                );
                assert!(
                    msg.html
                        .contains(&format!("lang=\"{}\"", words::of(lang).locale)),
                    "{at}"
                );
                assert!(msg.html.contains("Save &lt;the&gt; Park"), "{at}: escaped");
                assert!(!msg.html.contains("<img"), "{at}: no images, no pixels");
                assert!(msg.html.contains("#123456"), "{at}: the campaign's colour");
                assert!(
                    !msg.subject.is_empty() && !msg.subject.contains('\n'),
                    "{at}"
                );
                assert_eq!(msg.calendar.is_some(), kind.starts_with("pledge"), "{at}");
                // Every message leads to the person's hub, once.
                assert_eq!(
                    msg.text.matches("https://edge.example/h/f00d").count(),
                    1,
                    "{at}: {}",
                    msg.text
                );
            }
        }
        let es = render_with(&outgoing("outcome", "es"), &links(), 0.0, &|_| "x".into()).unwrap();
        assert!(es.text.contains("Falso") && es.subject.starts_with("Lo que encontramos"));
        let pt = render_with(&outgoing("confirm", "pt-BR"), &links(), 0.0, &|_| {
            "x".into()
        })
        .unwrap();
        assert!(pt.text.contains("Olá, Ana,") && pt.text.contains("Não fui eu"));
        // A change of leader: the new leader and the old one read different words.
        let new = Outgoing {
            detail: Some(r#"{"leader":"Bia S.","team":"Park crew","role":"new"}"#.into()),
            ..outgoing("leader", "pt-BR")
        };
        let new = render_with(&new, &links(), 0.0, &|_| "x".into()).unwrap();
        assert_eq!(new.subject, "Agora você lidera sua equipe Park crew");
        let old = render_with(&outgoing("leader", "es"), &links(), 0.0, &|_| "x".into()).unwrap();
        assert_eq!(old.subject, "Park crew tiene un nuevo liderazgo: Bia S.");
        assert!(
            old.text
                .contains("pasó el liderazgo de Park crew a Bia S.: sigues"),
            "{}",
            old.text
        );
        let nudge =
            render_with(&outgoing("nudge", "pt-BR"), &links(), 0.0, &|_| "x".into()).unwrap();
        assert!(
            nudge.subject.starts_with("Bia S. está contando")
                && nudge.text.contains("sua equipe Park crew"),
            "{}",
            nudge.text
        );
        // Without a supporter (a reporter's outcome), no hub link.
        let mut l = links();
        l.hub = None;
        let o = render_with(&outgoing("outcome", "en"), &l, 0.0, &|_| "x".into()).unwrap();
        assert!(!o.text.contains("/h/"));
        assert!(render_with(&outgoing("signin", "en"), &l, 0.0, &|_| "x".into()).is_none());
    }

    #[test]
    fn a_confirmation_asks_for_the_ladders_next_step_with_its_page() {
        let step = |open: &str, href: &str| rally_api::ladder::NextStep {
            rung: "Apoiador".into(),
            next: "Frequente".into(),
            needs: String::new(),
            label: "Próximo passo: Comprometa-se com “<Vote>”".into(),
            action: "Comprometer-me".into(),
            open: open.into(),
            item: "vote".into(),
            href: href.into(),
        };
        // (the step, the button's address, if any)
        let cases = [
            (
                step("pledge", "https://edge.example/pledge/park/vote"),
                Some("https://edge.example/pledge/park/vote"),
            ),
            (step("share", ""), Some("ref=ABCD2345")),
            (step("board", ""), None),
            (step("link", "javascript:alert(1)"), None),
        ];
        for (s, button) in cases {
            let mut m = outgoing("confirm", "pt-BR");
            m.next_step = Some(serde_json::to_string(&s).unwrap());
            let msg = render_with(&m, &links(), 0.0, &|_| "x".into()).unwrap();
            assert!(msg.text.contains(&s.label), "{}", msg.text);
            assert!(msg.html.contains("“&lt;Vote&gt;”"), "escaped: {}", msg.html);
            match button {
                Some(href) => assert!(msg.text.contains(href), "{}: {}", s.open, msg.text),
                None => assert!(
                    !msg.html.contains("javascript:") && !msg.text.contains("Comprometer-me"),
                    "{}",
                    s.open
                ),
            }
        }
        // A message without one is as before.
        let plain = render_with(&outgoing("confirm", "pt-BR"), &links(), 0.0, &|_| {
            "x".into()
        })
        .unwrap();
        assert!(!plain.text.contains("Próximo passo"));
    }

    #[test]
    fn a_bad_accent_falls_back_and_an_unknown_kind_renders_nothing() {
        let mut m = outgoing("confirm", "en");
        m.accent = Some("red;background:url(x)".into());
        let msg = render_with(&m, &links(), 0.0, &|_| "x".into()).unwrap();
        assert!(msg.html.contains(DEFAULT_ACCENT) && !msg.html.contains("url(x)"));
        assert!(
            render_with(&outgoing("newsletter", "en"), &links(), 0.0, &|_| "x"
                .into())
            .is_none()
        );
    }
}
