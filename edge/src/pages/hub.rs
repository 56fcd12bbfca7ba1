//! The mobiliser hub, `/hub/:campaign`: one page per supporter, drawn on the edge and working
//! with no JavaScript (every button is a form). It shows this week's action cards (pinned
//! first, done ones ticked, Done buttons for self-reported ones), the weekly goal, points, the
//! rung and next ask, the personal link, the team (or teams with room and "start a team"), a
//! leader's view of their members (stalled ones marked, nudges from the leader's own phone
//! for members who agreed), and the latest rebuttals with a one-tap share.
//!
//! **Who it is:** a cookie (`rally_hub`, `HttpOnly; Secure; SameSite=Lax`, path
//! `/hub/<campaign>`) holding the person's supporter token, checked like every other token
//! (its version, so "forget me" and erasure revoke it). It is set by a message's hub link
//! (`/h/:token`, one-time, opened by a POST), by the widget's thank-you ("Open your page"
//! carries the token in the address's fragment, which the page's script posts once), or by a
//! sign-in link sent to the person's email on request.
//!
//! **Answers:** a form's POST is answered by a redirect to the hub with what happened
//! (`?ok=`), or the hub drawn again with the refusal beside the card or field and a 4xx
//! status. With `Accept: application/json` the same routes answer JSON (`{"ok": ...}` or the
//! API's error body naming the field).

use rally_api::{ErrorCode, Lang};
use worker::{Request, Response};

use crate::db::hub::{Done, Hub, Undo};
use crate::db::settings::CampaignRow;
use crate::db::teams::TeamRefusal;
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::format::{escape as esc, url_encode};
use crate::http::{self, campaign, now, param, store, week_of, Ctx};
use crate::pages::hub_words::{self, HubWords};

/// The hub's cookie.
pub const COOKIE: &str = "rally_hub";
/// How long the cookie keeps the person signed in on this device.
pub const COOKIE_SECS: u32 = 30 * 86_400;
/// No action in this long: stalled.
const STALLED_MS: f64 = 7.0 * 86_400_000.0;

/// The form fields of a POST.
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &str) -> Form {
        Form(
            worker::Url::parse(&format!("http://x/?{body}"))
                .map(|u| {
                    u.query_pairs()
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn id(&self, k: &str) -> Option<u32> {
        self.get(k).trim().parse().ok()
    }
}

/// What happened, as the redirect's `?ok=` names it and the page says it.
fn ok_words(w: &HubWords, code: &str) -> Option<&'static str> {
    Some(match code {
        "done" => w.ok_done,
        "already" => w.ok_already,
        "undone" => w.ok_undone,
        "joined" => w.ok_joined,
        "started" => w.ok_started,
        "left" => w.ok_left,
        "consent" => w.ok_consent,
        "removed" => w.ok_removed,
        "handed" => w.ok_handed,
        "renewed" => w.ok_renewed,
        "sent" => w.signin_sent,
        "push_on" => w.ok_push_on,
        "push_off" => w.ok_push_off,
        "push_types" => w.ok_push_types,
        _ => return None,
    })
}

/// A refusal: the API's error (for JSON), the words beside the field and which one (for the
/// page).
struct Refusal {
    error: AppError,
    words: &'static str,
    /// The element it is shown in: `card-<id>`, `team`, `signin`, `member-<id>`.
    at: String,
}

fn refusal(
    code: ErrorCode,
    field: &str,
    message: &str,
    words: &'static str,
    at: String,
) -> Refusal {
    Refusal {
        error: AppError::field(code, field, message),
        words,
        at,
    }
}

fn wants_json(req: &Request) -> bool {
    req.headers()
        .get("Accept")
        .ok()
        .flatten()
        .is_some_and(|a| a.contains("application/json"))
}

/// The token in the request's hub cookie, if any.
fn cookie_token(req: &Request) -> Option<String> {
    let cookies = req.headers().get("Cookie").ok().flatten()?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == COOKIE && !v.is_empty()).then(|| v.to_owned())
    })
}

pub fn set_cookie(campaign: &str, value: &str, max_age: u32) -> String {
    format!(
        "{COOKIE}={value}; Path=/hub/{campaign}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Lax"
    )
}

/// A redirect to the hub, setting its cookie when asked.
fn to_hub(campaign: &str, query: &str, cookie: Option<String>) -> AppResult<Response> {
    let mut resp = Response::empty()?.with_status(303);
    let h = resp.headers_mut();
    h.set("Location", &format!("/hub/{campaign}{query}"))?;
    h.set("Cache-Control", "no-store")?;
    if let Some(c) = cookie {
        h.set("Set-Cookie", &c)?;
    }
    Ok(resp)
}

fn redirect(location: &str) -> AppResult<Response> {
    let mut resp = Response::empty()?.with_status(303);
    resp.headers_mut().set("Location", location)?;
    resp.headers_mut().set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// The hub's person, from the cookie: `(id, version)` when the token holds for the campaign.
async fn claims(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
) -> AppResult<Option<(u32, u32)>> {
    match cookie_token(req) {
        None => Ok(None),
        Some(t) => Ok(
            match crate::auth::supporter::resolve(&ctx.env, store, c.id, &t).await? {
                crate::auth::supporter::Resolved::Holds(c) => Some(c),
                _ => None,
            },
        ),
    }
}

/// The language asked for (`?lang=`), else the person's, else the browser's.
fn lang_of(req: &Request, person: Option<&str>) -> Lang {
    let asked = req.url().ok().and_then(|u| {
        u.query_pairs()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_tag(&v))
    });
    asked
        .or_else(|| person.and_then(Lang::from_tag))
        .unwrap_or_else(|| http::browser_lang(req))
}

/// `?lang=` (or `&lang=`) as the request asked for it, to keep the page's language across a
/// form's redirect; empty when it asked for none.
fn lang_query(req: &Request, sep: char) -> String {
    match Lang::from_tag(&query(req, "lang")) {
        Some(l) => format!("{sep}lang={}", l.tag()),
        None => String::new(),
    }
}

fn query(req: &Request, k: &str) -> String {
    req.url()
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}

fn html(body: String, status: u16) -> AppResult<Response> {
    let mut resp = Response::from_html(body)?.with_status(status);
    let h = resp.headers_mut();
    h.set("Cache-Control", "no-store")?;
    h.set("Referrer-Policy", "no-referrer")?;
    h.set("X-Robots-Tag", "noindex")?;
    h.set(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'; manifest-src 'self'; \
         worker-src 'self'; connect-src 'self'; form-action 'self' https://wa.me sms: mailto:; base-uri 'none'; frame-ancestors 'none'",
    )?;
    Ok(resp)
}

const STYLE: &str = "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;background:#f4f4f7}\
main{max-width:40rem;margin:0 auto;padding:12px}header{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}\
h1{font-size:1.4rem;margin:.2em 0}h2{font-size:1.15rem;margin:0 0 .5em}h3{font-size:1rem;margin:0}\
section,.card{background:#fff;border-radius:10px;padding:14px;margin:0 0 12px;box-shadow:0 1px 2px #0002}\
.cards{list-style:none;padding:0;margin:0}.card{border-left:5px solid #0b7a3e}.card.done{border-left-color:#555}\
.tag{display:inline-block;font-size:.8rem;font-weight:700;padding:0 6px;border-radius:4px;background:#e6f2ea;color:#0a5c2f;margin-right:6px}\
.ok{color:#0a5c2f;font-weight:700}.no{color:#a1001b;font-weight:700}.status{padding:10px 14px;border-radius:8px;background:#e6f2ea;margin:0 0 12px}\
.status.no{background:#fde8ec}button,.button{font:inherit;display:inline-block;padding:.55em 1em;margin:4px 6px 4px 0;border-radius:8px;border:2px solid #0b7a3e;background:#0b7a3e;color:#fff;cursor:pointer;text-decoration:none;min-height:44px}\
button.quiet,.button.quiet{background:#fff;color:#0a5c2f}button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}\
a{color:#0a5c2f}form{display:inline}form.block{display:block}label{display:block;margin:.4em 0}input[type=text],input[type=email]{font:inherit;width:100%;padding:.5em;border:1px solid #767676;border-radius:6px}\
input[type=checkbox]{width:1.2em;height:1.2em;vertical-align:middle;margin-right:6px}progress{width:100%;height:14px}\
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #ddd;vertical-align:top}\
.stalled{color:#a1001b;font-weight:700}.muted{color:#555}ul.plain{list-style:none;padding:0;margin:0}\
@media (max-width:480px){thead{display:none}tr{display:block;border-bottom:1px solid #ddd;padding:6px 0}td{display:block;border:0;padding:2px 0}}";

/// The page's one script (progressive: the page works without it): posts a token handed in
/// the address's fragment once (the widget's "Open your page"), and keeps a second tap from
/// sending a form twice.
const SCRIPT: &str = "(function(){var m=location.hash.match(/^#t=([^&]+)/);if(m){history.replaceState(null,'',location.pathname+location.search);\
var f=document.createElement('form');f.method='post';f.hidden=true;var a=document.createElement('input');a.name='do';a.value='session';\
var b=document.createElement('input');b.name='t';b.value=decodeURIComponent(m[1]);f.appendChild(a);f.appendChild(b);document.body.appendChild(f);f.submit()}\
document.addEventListener('submit',function(e){var t=e.target;if(t.dataset.sent){e.preventDefault();return}t.dataset.sent='1';setTimeout(function(){delete t.dataset.sent},4000)})})()";

/// The installable app's script (the hub and its sign-in page): registers the service worker
/// (`/hub/sw.js`, scope `/hub/<campaign>`: the page offline, notifications), and runs the
/// notifications section: turn on (the browser's permission, `pushManager.subscribe` with the
/// edge's VAPID key, the subscription posted as `do=push_on`), turn off, choose kinds. Each
/// answer is said in the section's live status.
const APP_SCRIPT: &str = r#"(function(){var m=document.querySelector('main'),c=m&&m.dataset.app;if(!c||!('serviceWorker' in navigator))return;
navigator.serviceWorker.register('/hub/sw.js',{scope:'/hub/'+c}).catch(function(){});
var box=document.getElementById('notify');if(!box||!box.dataset.key||!('PushManager' in window)||!('Notification' in window))return;
box.hidden=false;var say=box.querySelector('.notify-status'),on=box.querySelector('.notify-on'),off=box.querySelector('.notify-off'),form=box.querySelector('form');
function tell(t,no){say.textContent=t;say.className='notify-status'+(no?' no':' ok')}
function kinds(){return Array.prototype.map.call(form.querySelectorAll('input[name=types]:checked'),function(i){return i.value})}
function post(o){var b=new URLSearchParams();Object.keys(o).forEach(function(k){[].concat(o[k]).forEach(function(v){b.append(k,v)})});
return fetch(location.pathname,{method:'POST',headers:{'Accept':'application/json','Content-Type':'application/x-www-form-urlencoded'},body:b,credentials:'same-origin'}).then(function(r){return r.json().then(function(j){if(!r.ok)throw j;return j})})}
function state(sub){on.hidden=!!sub;off.hidden=!sub}
function key(){var s=box.dataset.key.replace(/-/g,'+').replace(/_/g,'/');s+='===='.slice(s.length%4||4);var r=atob(s),a=new Uint8Array(r.length);for(var i=0;i<r.length;i++)a[i]=r.charCodeAt(i);return a}
var ready=navigator.serviceWorker.ready;ready.then(function(r){return r.pushManager.getSubscription()}).then(state).catch(function(){});
on.addEventListener('click',function(){on.disabled=true;Notification.requestPermission().then(function(p){if(p!=='granted'){tell(box.dataset.denied,1);throw 0}
return ready.then(function(r){return r.pushManager.subscribe({userVisibleOnly:true,applicationServerKey:key()})})}).then(function(sub){var j=sub.toJSON();
return post({'do':'push_on',endpoint:j.endpoint,p256dh:j.keys.p256dh,auth:j.keys.auth,types:kinds()}).then(function(){state(sub);tell(box.dataset.on)})})
.catch(function(e){if(e!==0)tell(box.dataset.failed,1)}).then(function(){on.disabled=false})});
off.addEventListener('click',function(){ready.then(function(r){return r.pushManager.getSubscription()}).then(function(sub){if(!sub)return state(null);
return post({'do':'push_off',endpoint:sub.endpoint}).then(function(){return sub.unsubscribe()}).then(function(){state(null);tell(box.dataset.off)})}).catch(function(){tell(box.dataset.failed,1)})});
form.addEventListener('submit',function(e){e.preventDefault();post({'do':'push_types',types:kinds()}).then(function(){tell(box.dataset.saved)}).catch(function(){tell(box.dataset.failed,1)})})})()"#;

fn page(lang: Lang, title: &str, campaign: &str, body: &str) -> String {
    page_of(lang, title, campaign, None, body)
}

/// A page; `app` (the campaign's slug) makes it the installable hub: its manifest, theme and
/// icons, and the app's script.
fn page_of(
    lang: Lang,
    title: &str,
    campaign: &str,
    app: Option<(&str, &str)>,
    body: &str,
) -> String {
    let (head, main, script) = match app {
        Some((slug, theme)) => (
            format!(
                "<link rel=\"manifest\" href=\"/hub/{slug}/manifest.webmanifest\"><meta name=\"theme-color\" content=\"{theme}\">\
<link rel=\"icon\" href=\"/hub/icon-192.png\"><link rel=\"apple-touch-icon\" href=\"/hub/icon-192.png\">",
                slug = esc(slug),
                theme = esc(theme),
            ),
            format!(" data-app=\"{}\"", esc(slug)),
            format!("<script>{APP_SCRIPT}</script>"),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title} · {campaign}</title>{head}<style>{STYLE}</style></head><body><main{main}>{body}</main><script>{SCRIPT}</script>{script}</body></html>",
        lang = lang.tag(),
        title = esc(title),
        campaign = esc(campaign),
    )
}

/// The campaign's theme colour (its accent, `#rrggbb`), else Rally's green.
fn theme(c: &CampaignRow) -> &str {
    c.accent
        .as_deref()
        .filter(|a| {
            a.len() == 7 && a.starts_with('#') && a[1..].bytes().all(|b| b.is_ascii_hexdigit())
        })
        .unwrap_or("#0b7a3e")
}

/// The sign-in page: the email form (and the script that takes a token from the fragment).
fn sign_in_page(lang: Lang, c: &CampaignRow, notice: Option<(&str, bool)>) -> String {
    let w = hub_words::of(lang);
    let status = match notice {
        Some((text, ok)) => format!(
            "<p class=\"status{}\" role=\"status\">{}</p>",
            if ok { "" } else { " no" },
            esc(text)
        ),
        None => "<p class=\"status\" role=\"status\" hidden></p>".into(),
    };
    let body = format!(
        "<header><p>{campaign}</p></header><h1>{heading}</h1>{status}<section id=\"signin\"><p>{lead}</p>\
<form class=\"block\" method=\"post\"><input type=\"hidden\" name=\"do\" value=\"signin\">\
<input type=\"hidden\" name=\"lang\" value=\"{tag}\">\
<label for=\"signin-email\">{email}</label><input id=\"signin-email\" type=\"email\" name=\"email\" autocomplete=\"email\" required>\
<button type=\"submit\">{send}</button></form></section>",
        campaign = esc(&c.name),
        heading = esc(w.signin_heading),
        lead = esc(w.signin_lead),
        email = esc(w.email),
        send = esc(w.signin_send),
        tag = lang.tag(),
    );
    page_of(
        lang,
        w.signin_heading,
        &c.name,
        Some((c.slug.as_str(), theme(c))),
        &body,
    )
}

/// Everything the hub is drawn from besides the stored rows.
struct Drawn<'a> {
    campaign: &'a str,
    origin: &'a str,
    c: &'a CampaignRow,
    hub: &'a Hub,
    lang: Lang,
    now: f64,
    /// What happened (`?ok=`, in words), or a refusal with the element it belongs to.
    ok: Option<&'static str>,
    refused: Option<(&'a str, &'static str)>,
    /// The edge's VAPID public key (none: this edge sends no notifications).
    vapid: Option<String>,
}

fn fill(t: &str, pairs: &[(&str, &str)]) -> String {
    let mut s = t.to_owned();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
        esc(value)
    )
}

/// The person's personal link: the campaign's first open petition's own page with their code.
fn personal_link(d: &Drawn<'_>) -> String {
    match &d.hub.first_petition {
        Some(p) => format!(
            "{}/p/{}/{}?ref={}",
            d.origin, d.campaign, p, d.hub.person.ref_code
        ),
        None => format!(
            "{}/hub/{}?ref={}",
            d.origin, d.campaign, d.hub.person.ref_code
        ),
    }
}

fn wa(text: &str) -> String {
    format!("https://wa.me/?text={}", url_encode(text))
}

fn beside(d: &Drawn<'_>, at: &str) -> String {
    match d.refused {
        Some((a, words)) if a == at => format!(
            "<p class=\"no\" role=\"alert\" id=\"{at}-error\">{}</p>",
            esc(words)
        ),
        _ => String::new(),
    }
}

fn cards(d: &Drawn<'_>, w: &HubWords) -> String {
    let mut out = format!(
        "<section aria-labelledby=\"cards-h\"><h2 id=\"cards-h\">{}</h2>",
        esc(w.cards)
    );
    if d.hub.cards.is_empty() {
        out.push_str(&format!("<p class=\"muted\">{}</p>", esc(w.no_cards)));
    }
    out.push_str("<ul class=\"cards\">");
    for (i, card) in d.hub.cards.iter().enumerate() {
        let tr: std::collections::BTreeMap<String, rally_api::hub::ActionWords> =
            serde_json::from_str(&card.translations).unwrap_or_default();
        let (title, text) = match tr.get(d.lang.tag()) {
            Some(t) => (t.title.as_str(), t.text.as_str()),
            None => (card.title.as_str(), card.body.as_str()),
        };
        let id = format!("card-{}", card.id);
        let done = card.done_at.is_some();
        let mut tags = String::new();
        if card.pinned == 1 {
            tags.push_str(&format!("<span class=\"tag\">{}</span>", esc(w.pinned)));
        }
        let how = rally_api::hub::How::parse(&card.how).unwrap_or_default();
        if how.own_points() && card.points > 0 {
            tags.push_str(&format!(
                "<span class=\"tag\">{}</span>",
                esc(&fill(w.card_points, &[("n", &card.points.to_string())]))
            ));
        }
        let state = if done {
            format!("<p class=\"ok\">✓ {}</p>", esc(w.done))
        } else {
            String::new()
        };
        let item = card.item.as_deref().unwrap_or_default();
        let act = match (how, done) {
            (rally_api::hub::How::SelfReported, false) => format!(
                "<form method=\"post\">{}{}<button type=\"submit\" aria-describedby=\"{id}-t\">{}</button></form>",
                hidden("do", "done"),
                hidden("action", &card.id.to_string()),
                esc(w.mark_done)
            ),
            (rally_api::hub::How::SelfReported, true) if card.undoable == 1 => format!(
                "<form method=\"post\">{}{}<button class=\"quiet\" type=\"submit\" aria-describedby=\"{id}-t\">{}</button></form>",
                hidden("do", "undo"),
                hidden("action", &card.id.to_string()),
                esc(w.undo)
            ),
            (rally_api::hub::How::Sign, false) if !item.is_empty() => format!(
                "<a class=\"button\" href=\"/p/{}/{}?lang={}\">{}</a>",
                esc(d.campaign),
                esc(item),
                d.lang.tag(),
                esc(w.sign)
            ),
            (rally_api::hub::How::Pledge, false) if !item.is_empty() => format!(
                "<a class=\"button\" href=\"/pledge/{}/{}?lang={}\">{}</a>",
                esc(d.campaign),
                esc(item),
                d.lang.tag(),
                esc(w.pledge)
            ),
            (rally_api::hub::How::Share, _) if !item.is_empty() => format!(
                "<form method=\"post\">{}{}<button type=\"submit\" aria-describedby=\"{id}-t\">{}</button></form>",
                hidden("do", "share"),
                hidden("claim", item),
                esc(w.share)
            ),
            (rally_api::hub::How::Invite, _) => format!(
                "<a class=\"button\" href=\"{}\">{}</a>",
                esc(&wa(&personal_link(d))),
                esc(w.invite)
            ),
            _ => String::new(),
        };
        let link = if card.link.is_empty() {
            String::new()
        } else {
            format!(
                "<a class=\"button quiet\" href=\"{}\" rel=\"noopener\">{}</a>",
                esc(&card.link),
                esc(w.open_link)
            )
        };
        out.push_str(&format!(
            "<li class=\"card{cls}\" id=\"{id}\">{tags}<h3 id=\"{id}-t\"{timing}>{title}</h3>{text}{state}{err}<div>{act}{link}</div></li>",
            // The bench's "time to first card" (Element Timing).
            timing = if i == 0 { " elementtiming=\"first-card\"" } else { "" },
            cls = if done { " done" } else { "" },
            tags = if tags.is_empty() {
                String::new()
            } else {
                format!("<p>{tags}</p>")
            },
            title = esc(title),
            text = if text.is_empty() {
                String::new()
            } else {
                format!("<p>{}</p>", esc(text))
            },
            err = beside(d, &id),
        ));
    }
    out.push_str("</ul></section>");
    out
}

fn week(d: &Drawn<'_>, w: &HubWords, step: Option<&rally_api::ladder::NextStep>) -> String {
    let p = &d.hub.person;
    let goal = d.c.weekly_goal.max(1);
    let n = |v: u32| crate::intl::number(v, d.lang);
    let progress = fill(w.goal, &[("n", &n(p.week_actions)), ("goal", &n(goal))]);
    let met = if p.week_actions >= goal {
        format!("<p class=\"ok\">{}</p>", esc(w.goal_met))
    } else {
        String::new()
    };
    let rung = match step {
        Some(s) if !s.rung.is_empty() => {
            format!(
                "<p id=\"rung\">{}</p>",
                esc(&fill(w.rung, &[("name", &s.rung)]))
            )
        }
        _ => String::new(),
    };
    let next = match step {
        Some(s) => {
            let href = if s.open == "share" || s.href.is_empty() {
                wa(&personal_link(d))
            } else {
                s.href.clone()
            };
            format!(
                "<p id=\"next\">{}{}</p><a class=\"button\" href=\"{}\">{}</a>",
                esc(&s.label),
                if s.needs.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"muted\">({})</span>", esc(&s.needs))
                },
                esc(&href),
                esc(&s.action)
            )
        }
        None => String::new(),
    };
    let link = personal_link(d);
    format!(
        "<section aria-labelledby=\"week-h\"><h2 id=\"week-h\">{week}</h2>\
<label for=\"goal\">{progress}</label><progress id=\"goal\" max=\"{goal}\" value=\"{done}\">{progress}</progress>{met}\
<p>{week_points} · {points}</p>{rung}{next}\
<label for=\"mylink\">{your_link}</label><input id=\"mylink\" type=\"text\" readonly value=\"{link}\" aria-describedby=\"mylink-hint\">\
<p id=\"mylink-hint\" class=\"muted\">{hint}</p><a class=\"button quiet\" href=\"{wa}\">{share}</a></section>",
        week = esc(w.week),
        progress = esc(&progress),
        done = p.week_actions.min(goal),
        week_points = esc(&fill(w.week_points, &[("n", &n(p.week_points))])),
        points = esc(&fill(w.points, &[("n", &n(p.points))])),
        your_link = esc(w.your_link),
        link = esc(&link),
        hint = esc(w.copy_hint),
        wa = esc(&wa(&link)),
        share = esc(w.share_whatsapp),
        met = met,
    )
}

fn consent_form(d: &Drawn<'_>, w: &HubWords) -> String {
    format!(
        "<form class=\"block\" method=\"post\">{}<label><input type=\"checkbox\" name=\"leader_contact\" value=\"1\"{}>{}</label>\
<button class=\"quiet\" type=\"submit\">{}</button></form>",
        hidden("do", "consent"),
        if d.hub.person.leader_contact == 1 {
            " checked"
        } else {
            ""
        },
        esc(w.consent),
        esc(w.consent_save)
    )
}

fn team(d: &Drawn<'_>, w: &HubWords) -> String {
    let mut out = format!(
        "<section aria-labelledby=\"team-h\" id=\"team\"><h2 id=\"team-h\">{}</h2>{}",
        esc(match &d.hub.team {
            Some(_) => w.team,
            None => w.join_heading,
        }),
        beside(d, "team")
    );
    match &d.hub.team {
        Some(t) => {
            let invite = format!("{}/hub/{}?team={}", d.origin, d.campaign, t.invite_code);
            out.push_str(&format!(
                "<h3 id=\"team-name\">{}</h3><p>{}</p><h3>{}</h3><ul class=\"plain\" id=\"team-members\">",
                esc(&t.name),
                esc(&fill(w.team_total, &[("n", &crate::intl::number(t.week_points, d.lang))])),
                esc(w.members)
            ));
            for m in &d.hub.members {
                let lead = if Some(m.id) == t.leader_id {
                    format!(" <span class=\"tag\">{}</span>", esc(w.leader))
                } else {
                    String::new()
                };
                out.push_str(&format!("<li>{}{lead}</li>", esc(&m.name())));
            }
            out.push_str(&format!(
                "</ul><label for=\"invite\">{}</label><input id=\"invite\" type=\"text\" readonly value=\"{}\">\
<a class=\"button quiet\" href=\"{}\">{}</a>",
                esc(w.invite_link),
                esc(&invite),
                esc(&wa(&invite)),
                esc(w.share_whatsapp)
            ));
            let leads = t.leader_id == Some(d.hub.person.id);
            if !leads {
                out.push_str(&consent_form(d, w));
            }
            out.push_str(&format!(
                "<form method=\"post\">{}<button class=\"quiet\" type=\"submit\">{}</button></form>",
                hidden("do", "leave"),
                esc(w.leave)
            ));
            if leads {
                out.push_str(&format!(
                    "<form method=\"post\">{}<button class=\"quiet\" type=\"submit\">{}</button></form>",
                    hidden("do", "renew"),
                    esc(w.renew)
                ));
            }
        }
        None => {
            let wanted = d.hub.open_teams.iter();
            if d.hub.open_teams.is_empty() {
                out.push_str(&format!("<p class=\"muted\">{}</p>", esc(w.no_open_teams)));
            }
            out.push_str("<ul class=\"plain\">");
            for (i, o) in wanted.enumerate() {
                out.push_str(&format!(
                    "<li><form class=\"block\" method=\"post\">{}{}<p>{} · {}</p>\
<label><input type=\"checkbox\" name=\"leader_contact\" value=\"1\" id=\"join-consent-{i}\">{}</label>\
<button type=\"submit\">{}</button></form></li>",
                    hidden("do", "join"),
                    hidden("invite", &o.invite_code),
                    esc(&o.name),
                    esc(&fill(
                        w.team_size,
                        &[
                            ("n", &o.size.to_string()),
                            ("limit", &d.c.team_size.to_string())
                        ]
                    )),
                    esc(w.consent),
                    esc(&fill(w.join, &[("team", &o.name)])),
                ));
            }
            out.push_str(&format!(
                "</ul><h3>{}</h3><form class=\"block\" method=\"post\">{}<label for=\"team-name-new\">{}</label>\
<input id=\"team-name-new\" type=\"text\" name=\"name\" maxlength=\"{}\" required>\
<button type=\"submit\">{}</button></form>",
                esc(w.start_heading),
                hidden("do", "start"),
                esc(w.team_name),
                rally_api::TEAM_NAME_MAX,
                esc(w.start)
            ));
        }
    }
    out.push_str("</section>");
    out
}

fn leader_view(d: &Drawn<'_>, w: &HubWords) -> String {
    let Some(t) = &d.hub.team else {
        return String::new();
    };
    if t.leader_id != Some(d.hub.person.id) {
        return String::new();
    }
    let mut out = format!(
        "<section aria-labelledby=\"lead-h\" id=\"lead\"><h2 id=\"lead-h\">{}</h2><table><thead><tr>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\"></th></tr></thead><tbody>",
        esc(w.lead_heading),
        esc(w.member),
        esc(w.this_week),
        esc(w.last_action)
    );
    let goal = d.c.weekly_goal.max(1);
    for m in d.hub.members.iter().filter(|m| m.id != d.hub.person.id) {
        let name = m.name();
        let stalled = m.last_action.is_none_or(|at| at < d.now - STALLED_MS);
        let last = match m.last_action {
            Some(at) => crate::intl::day(at, d.lang, &d.c.timezone),
            None => w.never.to_owned(),
        };
        let rung = d
            .hub
            .standing
            .as_ref()
            .map(|_| rung_name(d, &m.rung))
            .unwrap_or_default();
        let nudges = if m.leader_contact == 1 {
            [
                ("wa", w.nudge_whatsapp),
                ("sms", w.nudge_sms),
                ("email", w.nudge_email),
            ]
            .iter()
            .map(|(via, words)| {
                format!(
                    "<form method=\"post\" action=\"/hub/{}/members/{}\">{}{}<button class=\"quiet\" type=\"submit\">{}</button></form>",
                    esc(d.campaign),
                    m.id,
                    hidden("do", "nudge"),
                    hidden("via", via),
                    esc(&fill(words, &[("name", &name)]))
                )
            })
            .collect::<String>()
        } else {
            format!("<p class=\"muted\">{}</p>", esc(w.no_consent))
        };
        let manage = ["remove", "lead"]
            .iter()
            .map(|op| {
                format!(
                    "<form method=\"post\" action=\"/hub/{}/members/{}\">{}<button class=\"quiet\" type=\"submit\">{}</button></form>",
                    esc(d.campaign),
                    m.id,
                    hidden("do", op),
                    esc(&fill(
                        if *op == "remove" { w.remove } else { w.make_leader },
                        &[("name", &name)]
                    ))
                )
            })
            .collect::<String>();
        out.push_str(&format!(
            "<tr id=\"member-{id}\" data-member=\"{id}\"><td><strong>{name}</strong><br><span class=\"muted\">{rung}</span>{stalled}</td>\
<td>{acts} / {goal}</td><td>{last}</td><td>{err}{nudges}{manage}</td></tr>",
            id = m.id,
            name = esc(&name),
            rung = esc(&rung),
            stalled = if stalled {
                format!("<br><span class=\"stalled\">{}</span>", esc(w.stalled))
            } else {
                String::new()
            },
            acts = m.week_actions,
            last = esc(&last),
            err = beside(d, &format!("member-{}", m.id)),
        ));
    }
    out.push_str("</tbody></table></section>");
    out
}

/// A rung's name in the page's language.
fn rung_name(d: &Drawn<'_>, slug: &str) -> String {
    let live = d.c.ladder();
    live.ladder
        .rungs
        .iter()
        .find(|r| r.slug == slug)
        .map(|r| r.name_in(d.lang).to_owned())
        .unwrap_or_default()
}

fn rebuttals(d: &Drawn<'_>, w: &HubWords) -> String {
    if d.hub.rebuttals.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section aria-labelledby=\"rebuttals-h\"><h2 id=\"rebuttals-h\">{}</h2><ul class=\"plain\">",
        esc(w.rebuttals)
    );
    for r in &d.hub.rebuttals {
        let page = format!("/r/{}/{}", d.campaign, r.public_id);
        out.push_str(&format!(
            "<li class=\"rebuttal\" id=\"rebuttal-{id}\"><p><span class=\"tag\">{verdict}</span>{text}</p>\
<a href=\"{page}\">{read}</a> <form method=\"post\">{}{}<button type=\"submit\" aria-describedby=\"rebuttal-{id}\">{share}</button></form></li>",
            hidden("do", "share"),
            hidden("claim", &r.public_id),
            id = esc(&r.public_id),
            verdict = esc(crate::mail::words::of(d.lang.tag()).verdict(r.verdict.as_deref().unwrap_or_default())),
            text = esc(&r.text),
            page = esc(&page),
            read = esc(w.read),
            share = esc(w.share),
        ));
    }
    out.push_str("</ul></section>");
    out
}

/// The notifications section: hidden until the app's script finds a browser that can show
/// them (and this edge has a VAPID key); the kinds the person's devices want, ticked.
fn notifications(d: &Drawn<'_>, w: &HubWords) -> String {
    use rally_api::push::{PushKind, ALL_TYPES};
    let Some(key) = &d.vapid else {
        return String::new();
    };
    let types = d.hub.push_types.unwrap_or(ALL_TYPES);
    let mut boxes = String::new();
    for k in PushKind::ALL {
        let label = match k {
            PushKind::Action => w.notify_kind_action,
            PushKind::Nudge => w.notify_kind_nudge,
            PushKind::Rebuttal => w.notify_kind_rebuttal,
            PushKind::Reminder => w.notify_kind_reminder,
        };
        boxes.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"types\" value=\"{v}\"{checked}>{label}</label>",
            v = k.as_str(),
            checked = if types & k.bit() != 0 { " checked" } else { "" },
            label = esc(label),
        ));
    }
    let status = match d.hub.push_types {
        Some(_) => w.notify_is_on,
        None => w.notify_is_off,
    };
    format!(
        "<section id=\"notify\" aria-labelledby=\"notify-h\" hidden data-key=\"{key}\" data-on=\"{on}\" data-off=\"{off}\" \
data-denied=\"{denied}\" data-failed=\"{failed}\" data-saved=\"{saved}\"><h2 id=\"notify-h\">{title}</h2>\
<form class=\"block\" method=\"post\">{do_}<fieldset><legend>{lead}</legend>{boxes}</fieldset>\
<button class=\"quiet\" type=\"submit\">{save}</button></form>\
<button type=\"button\" class=\"notify-on\">{turn_on}</button><button type=\"button\" class=\"notify-off\" hidden>{turn_off}</button>\
<p class=\"notify-status\" role=\"status\">{status}</p></section>",
        key = esc(key),
        on = esc(w.ok_push_on),
        off = esc(w.ok_push_off),
        denied = esc(w.notify_denied),
        failed = esc(w.notify_failed),
        saved = esc(w.ok_push_types),
        title = esc(w.notify),
        do_ = hidden("do", "push_types"),
        lead = esc(w.notify_lead),
        save = esc(w.notify_save),
        turn_on = esc(w.notify_on),
        turn_off = esc(w.notify_off),
        status = esc(status),
    )
}

fn draw(d: &Drawn<'_>) -> String {
    let w = hub_words::of(d.lang);
    let step = d.hub.standing.as_ref().and_then(|standing| {
        crate::public::ladder::step(
            &crate::public::ladder::Seen {
                live: &d.c.ladder(),
                standing,
                asks: &d.hub.asks,
            },
            d.lang,
            d.origin,
            d.campaign,
        )
    });
    let status = match (d.ok, d.refused) {
        (Some(ok), _) => format!("<p class=\"status\" role=\"status\">{}</p>", esc(ok)),
        (None, Some((_, no))) => {
            format!("<p class=\"status no\" role=\"status\">{}</p>", esc(no))
        }
        _ => "<p class=\"status\" role=\"status\" hidden></p>".into(),
    };
    let body = format!(
        "<header><p>{campaign}</p><form method=\"post\">{signout_do}<button class=\"quiet\" type=\"submit\">{signout}</button></form></header>\
<h1>{hello}</h1>{status}{cards}{week}{lead}{team}{rebuttals}{notify}",
        campaign = esc(&d.c.name),
        signout_do = hidden("do", "signout"),
        signout = esc(w.signout),
        hello = esc(&fill(w.hello, &[("name", &d.hub.person.first_name)])),
        cards = cards(d, w),
        week = week(d, w, step.as_ref()),
        lead = leader_view(d, w),
        team = team(d, w),
        rebuttals = rebuttals(d, w),
        notify = notifications(d, w),
    );
    page_of(
        d.lang,
        w.title,
        &d.c.name,
        Some((d.campaign, theme(d.c))),
        &body,
    )
}

/// The hub of the signed-in person, drawn with what happened or a refusal; the sign-in page
/// when nobody is signed in (or their token no longer holds).
async fn render(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
    (ok, refused, status): (Option<&str>, Option<(&str, &'static str)>, u16),
) -> AppResult<Response> {
    let at = now();
    let week = week_of(at, &c.timezone);
    let today = http::local_date(at, &c.timezone);
    let hub = match claims(req, ctx, store, c).await? {
        Some(who) => store.hub(c, who, (&week, &today, at)).await?,
        None => None,
    };
    let Some(mut hub) = hub else {
        let lang = lang_of(req, None);
        return html(
            sign_in_page(lang, c, refused.map(|(_, w)| (w, false))),
            status.max(200),
        );
    };
    // An invite link (`?team=CODE`): that team first, while it has room.
    let invited = rally_api::validate::ref_code(&query(req, "team"));
    if let (None, Some(code)) = (&hub.team, invited) {
        if let Some(t) = store.team_by_invite(c.id, &code).await? {
            hub.open_teams.retain(|o| o.invite_code != t.invite_code);
            if t.size < c.team_size {
                hub.open_teams.insert(
                    0,
                    crate::db::hub::OpenTeam {
                        invite_code: t.invite_code,
                        name: t.name,
                        size: t.size,
                    },
                );
            }
        }
    }
    let lang = lang_of(req, Some(&hub.person.lang));
    let origin = http::origin(req)?;
    let campaign = param(ctx, "campaign")?;
    let d = Drawn {
        campaign,
        origin: &origin,
        c,
        hub: &hub,
        lang,
        now: at,
        ok: ok.and_then(|code| ok_words(hub_words::of(lang), code)),
        refused,
        vapid: crate::mail::push::Vapid::from_env(&ctx.env).map(|v| v.public),
    };
    html(draw(&d), status)
}

/// `GET /hub/:campaign`: the person's hub, or the sign-in page.
pub async fn hub(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    // An unknown `?ok=` says nothing (`ok_words` knows the codes).
    let ok = query(&req, "ok");
    render(&req, &ctx, &store, &c, (Some(&ok), None, 200)).await
}

/// The signed-in person (id and stored person), or the answer for someone who is not: `401`
/// JSON, or the sign-in page with a 401.
async fn signed_in(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
    json: bool,
) -> AppResult<Result<(u32, crate::db::boards::PersonRow), Response>> {
    if let Some((id, version)) = claims(req, ctx, store, c).await? {
        if let Some(p) = store.person(c.id, id, version).await? {
            return Ok(Ok((id, p)));
        }
    }
    if json {
        return Err(AppError::refused(
            ErrorCode::Unauthorized,
            "open the hub from a link Rally sent you, or ask for a sign-in link",
        ));
    }
    let w = hub_words::of(lang_of(req, None));
    let page = render(
        req,
        ctx,
        store,
        c,
        (None, Some(("signin", w.no_session)), 401),
    )
    .await?;
    Ok(Err(page))
}

/// How a person's POST ended: what happened (for the redirect), a refusal, or a response of
/// its own (a share's redirect, the sign-in's answer).
enum Ended {
    Ok(&'static str),
    No(Refusal),
    Response(Response),
}

fn forbidden_cross_site(req: &Request) -> AppResult<()> {
    if crate::auth::staff::cross_site(req)? {
        return Err(AppError::refused(
            ErrorCode::Forbidden,
            "hub forms are sent from the hub itself",
        ));
    }
    Ok(())
}

/// `POST /hub/:campaign`: the person's own changes (`do=`): `done`, `undo`, `share`, `join`,
/// `start`, `leave`, `consent`, `renew`, `signout`; and, signed out, `signin` (a link by email)
/// and `session` (a token from the widget).
pub async fn post(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    forbidden_cross_site(&req)?;
    let form = Form::parse(&req.text().await.unwrap_or_default());
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let slug = param(&ctx, "campaign")?.to_owned();
    let json = wants_json(&req);
    let ended = match form.get("do") {
        "signin" => sign_in(&req, &ctx, &store, &c, &form).await?,
        "session" => {
            let token = form.get("t");
            let held = match crate::auth::supporter::resolve(&ctx.env, &store, c.id, token).await? {
                crate::auth::supporter::Resolved::Holds((id, version)) => {
                    store.person(c.id, id, version).await?.is_some()
                }
                _ => false,
            };
            if held {
                return to_hub(
                    &slug,
                    &lang_query(&req, '?'),
                    Some(set_cookie(&slug, token, COOKIE_SECS)),
                );
            }
            Ended::No(refusal(
                ErrorCode::Unauthorized,
                "t",
                "the supporter token is invalid or was revoked",
                hub_words::of(lang_of(&req, None)).no_session,
                "signin".into(),
            ))
        }
        "signout" => return to_hub(&slug, "", Some(set_cookie(&slug, "", 0))),
        op => {
            let (me, _) = match signed_in(&req, &ctx, &store, &c, json).await? {
                Ok(found) => found,
                Err(page) => return Ok(page),
            };
            let lang = lang_of(&req, None);
            own(&req, &ctx, &store, &c, (me, lang), op, &form).await?
        }
    };
    finish(&req, &ctx, &store, &c, ended, json).await
}

async fn finish(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
    ended: Ended,
    json: bool,
) -> AppResult<Response> {
    let slug = param(ctx, "campaign")?;
    match ended {
        Ended::Response(r) => Ok(r),
        Ended::Ok(code) if json => http::json(&serde_json::json!({ "ok": code }), 200),
        Ended::Ok(code) => to_hub(slug, &format!("?ok={code}{}", lang_query(req, '&')), None),
        Ended::No(r) if json => Err(r.error),
        Ended::No(r) => {
            let status = match &r.error {
                AppError::Refused { code, .. } => code.status(),
                _ => 422,
            };
            render(req, ctx, store, c, (None, Some((&r.at, r.words)), status)).await
        }
    }
}

/// `do=signin`: a sign-in link to the address, if it is a supporter's; the same answer either
/// way (nobody learns who signed).
async fn sign_in(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
    form: &Form,
) -> AppResult<Ended> {
    let lang = Lang::from_tag(form.get("lang")).unwrap_or_else(|| lang_of(req, None));
    let w = hub_words::of(lang);
    let Ok(email) = rally_api::validate::email(form.get("email")) else {
        return Ok(Ended::No(refusal(
            ErrorCode::InvalidEmail,
            "email",
            "email is not a valid email address",
            w.no_email,
            "signin".into(),
        )));
    };
    http::rate_limit(req, &ctx.env, http::SIGN_LIMITER).await?;
    let written = store.sign_in_message(c.id, &email, now()).await?;
    crate::mail::enqueue(&written);
    if wants_json(req) {
        return Ok(Ended::Ok("sent"));
    }
    Ok(Ended::Response(html(
        sign_in_page(lang, c, Some((w.signin_sent, true))),
        200,
    )?))
}

/// The signed-in person's own changes.
async fn own(
    req: &Request,
    ctx: &Ctx,
    store: &Store,
    c: &CampaignRow,
    (me, lang): (u32, Lang),
    op: &str,
    form: &Form,
) -> AppResult<Ended> {
    let at = now();
    let week = week_of(at, &c.timezone);
    let today = http::local_date(at, &c.timezone);
    let request_id = http::request_id()?;
    let w = hub_words::of(lang);
    let action_at = |id: Option<u32>| format!("card-{}", id.unwrap_or_default());
    Ok(match op {
        "done" | "undo" => {
            let Some(action) = form.id("action") else {
                return Ok(Ended::No(refusal(
                    ErrorCode::Required,
                    "action",
                    "action is required",
                    w.no_running,
                    String::new(),
                )));
            };
            if op == "done" {
                let (done, hooks) = store
                    .done(c, me, action, (&request_id, at, &week, &today))
                    .await?;
                crate::mail::enqueue(&hooks);
                match done {
                    Done::Recorded => Ended::Ok("done"),
                    Done::Already => Ended::Ok("already"),
                    Done::NotRunning | Done::NoSuchAction => Ended::No(refusal(
                        ErrorCode::NotRunning,
                        "action",
                        "this action is not running today, or is not done with a Done button",
                        w.no_running,
                        action_at(Some(action)),
                    )),
                }
            } else {
                let (undo, hooks) = store.undo_done(c, me, action, (&request_id, at, &week)).await?;
                crate::mail::enqueue(&hooks);
                match undo {
                    Undo::Undone => Ended::Ok("undone"),
                    Undo::NotDone => Ended::No(refusal(
                        ErrorCode::NotFound,
                        "action",
                        "you have not done this action",
                        w.no_not_done,
                        action_at(Some(action)),
                    )),
                    Undo::TooLate => Ended::No(refusal(
                        ErrorCode::UndoExpired,
                        "action",
                        "a Done can be undone only within a day of it",
                        w.no_too_late,
                        action_at(Some(action)),
                    )),
                }
            }
        }
        "share" => {
            let claim = form.get("claim").trim().to_ascii_uppercase();
            let Some(r) = store.claim(c.id, &claim).await?.filter(|r| r.status == "published") else {
                return Ok(Ended::No(refusal(
                    ErrorCode::NotFound,
                    "claim",
                    "claim not found",
                    w.no_running,
                    String::new(),
                )));
            };
            // A running "share this rebuttal" action is done by sharing it.
            if let Some(action) = store.share_action(c.id, r.id, &today).await? {
                let (_, hooks) = store
                    .done(c, me, action, (&request_id, at, &week, &today))
                    .await?;
                crate::mail::enqueue(&hooks);
            }
            let origin = http::origin(req)?;
            let page = crate::db::claims::page_url(&origin, param(ctx, "campaign")?, &r.public_id);
            let text = format!("{}: {page}", r.text);
            Ended::Response(redirect(&wa(&text))?)
        }
        "join" => {
            let invite = rally_api::validate::ref_code(form.get("invite")).unwrap_or_default();
            let (joined, hooks) = store.join_team(c, me, &invite, &request_id, (at, &week)).await?;
            crate::mail::enqueue(&hooks);
            match joined {
                Ok(_) => {
                    store
                        .set_leader_contact(me, form.get("leader_contact") == "1")
                        .await?;
                    Ended::Ok("joined")
                }
                Err(r) => Ended::No(team_refusal(r, w)),
            }
        }
        "start" => {
            let body = rally_api::NewTeam {
                name: form.get("name").to_owned(),
            };
            let name = match body.validate() {
                Ok(n) => n,
                Err(e) => {
                    return Ok(Ended::No(Refusal {
                        error: AppError::Invalid(e),
                        words: w.no_name,
                        at: "team".into(),
                    }))
                }
            };
            let (made, hooks) = store
                .create_team(c, me, &name, &http::ref_code()?, &request_id, (at, &week))
                .await?;
            crate::mail::enqueue(&hooks);
            match made {
                Ok(_) => Ended::Ok("started"),
                Err(r) => Ended::No(team_refusal(r, w)),
            }
        }
        "leave" => {
            let team = store.team_of(c.id, me).await?.map(|t| t.id);
            let (left, hooks) = store.leave_team(c, me, team, &request_id, (at, &week)).await?;
            crate::mail::enqueue(&hooks);
            match left {
                Ok(()) => {
                    store.set_leader_contact(me, false).await?;
                    Ended::Ok("left")
                }
                Err(r) => Ended::No(team_refusal(r, w)),
            }
        }
        "consent" => {
            store
                .set_leader_contact(me, form.get("leader_contact") == "1")
                .await?;
            Ended::Ok("consent")
        }
        "renew" => {
            let team = store.team_of(c.id, me).await?;
            let renewed = match team {
                Some(t) => store.renew_invite(c.id, me, t.id, &http::ref_code()?, at).await?,
                None => false,
            };
            if renewed {
                Ended::Ok("renewed")
            } else {
                Ended::No(refusal(
                    ErrorCode::Forbidden,
                    "team",
                    "only the team's leader can renew its invite link",
                    w.no_leader,
                    "team".into(),
                ))
            }
        }
        "push_on" => {
            let draft = rally_api::push::SubscriptionDraft {
                endpoint: form.get("endpoint").to_owned(),
                p256dh: form.get("p256dh").to_owned(),
                auth: form.get("auth").to_owned(),
                types: form.all("types"),
            };
            let local = ctx
                .env
                .var("PUSH_ALLOW_LOOPBACK")
                .is_ok_and(|v| v.to_string() == "1");
            match draft.validate(local) {
                Ok(v) => {
                    store.subscribe(c.id, me, &v, lang.tag(), at).await?;
                    Ended::Ok("push_on")
                }
                Err(errors) => Ended::No(Refusal {
                    error: AppError::Invalid(errors),
                    words: w.notify_failed,
                    at: "notify".into(),
                }),
            }
        }
        "push_off" => {
            store.unsubscribe_device(me, form.get("endpoint")).await?;
            Ended::Ok("push_off")
        }
        "push_types" => match rally_api::push::types_of(&form.all("types")) {
            Some(types) => {
                store.set_push_types(me, types, at).await?;
                Ended::Ok("push_types")
            }
            None => Ended::No(refusal(
                ErrorCode::InvalidValue,
                "types",
                "types must be among action, nudge, rebuttal, reminder",
                w.notify_failed,
                "notify".into(),
            )),
        },
        _ => Ended::No(refusal(
            ErrorCode::InvalidValue,
            "do",
            "do must be one of done, undo, share, join, start, leave, consent, renew, push_on, push_off, push_types, signout, signin, session",
            w.no_session,
            String::new(),
        )),
    })
}

fn team_refusal(r: TeamRefusal, w: &HubWords) -> Refusal {
    let (code, message, words) = match r {
        TeamRefusal::AlreadyInTeam => (
            ErrorCode::AlreadyInTeam,
            "you are already in a team in this campaign",
            w.no_in_team,
        ),
        TeamRefusal::Full => (ErrorCode::TeamFull, "this team is full", w.no_full),
        TeamRefusal::NoSuchTeam => (ErrorCode::NotFound, "team not found", w.no_team),
        TeamRefusal::NotInTeam => (ErrorCode::NotInTeam, "you are not in a team", w.no_team),
    };
    refusal(code, "invite", message, words, "team".into())
}

/// `POST /hub/:campaign/members/:id`: a leader's changes to a member of their team (`do=`):
/// `nudge` (`via=wa|sms|email`: recorded, the member told by email, and the leader sent on to
/// their own phone's app with a message in the member's language carrying the member's hub
/// link), `remove`, `lead` (hand the team over).
pub async fn member(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    forbidden_cross_site(&req)?;
    let form = Form::parse(&req.text().await.unwrap_or_default());
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let json = wants_json(&req);
    let (me, p) = match signed_in(&req, &ctx, &store, &c, json).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let lang = lang_of(&req, None);
    let w = hub_words::of(lang);
    let member_id = ctx
        .param("id")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(0);
    let at_member = format!("member-{member_id}");
    let not_leader = || {
        Ended::No(refusal(
            ErrorCode::Forbidden,
            "member",
            "only the leader of this person's team can do this",
            w.no_leader,
            at_member.clone(),
        ))
    };
    let Some(m) = store.led_member(c.id, me, member_id).await? else {
        let ended = not_leader();
        return finish(&req, &ctx, &store, &c, ended, json).await;
    };
    let at = now();
    let week = week_of(at, &c.timezone);
    let request_id = http::request_id()?;
    let ended = match form.get("do") {
        "nudge" => {
            if m.leader_contact != 1 {
                Ended::No(refusal(
                    ErrorCode::Forbidden,
                    "member",
                    "this member has not agreed to be contacted by their leader",
                    w.no_consent,
                    at_member,
                ))
            } else {
                let leader_name =
                    crate::db::boards::public_name(&None, &p.first_name, &p.last_name);
                let hooks = store
                    .nudge(
                        &c,
                        (me, &leader_name),
                        member_id,
                        (m.team_id, &m.team_name),
                        at,
                    )
                    .await?;
                crate::mail::enqueue(&hooks);
                let theirs = Lang::from_tag(&m.lang).unwrap_or_default();
                let origin = http::origin(&req)?;
                let link = format!(
                    "{origin}/hub/{}?lang={}",
                    param(&ctx, "campaign")?,
                    theirs.tag()
                );
                let text = fill(
                    hub_words::of(theirs).nudge_text,
                    &[
                        ("name", &m.first_name),
                        ("leader", &leader_name),
                        ("team", &m.team_name),
                        ("link", &link),
                    ],
                );
                let to = match form.get("via") {
                    "sms" => format!("sms:?&body={}", url_encode(&text)),
                    "email" => format!(
                        "mailto:{}?subject={}&body={}",
                        url_encode(&m.email).replace("%40", "@"),
                        url_encode(&c.name),
                        url_encode(&text)
                    ),
                    _ => wa(&text),
                };
                if json {
                    return http::json(&serde_json::json!({ "ok": "nudged", "href": to }), 200);
                }
                Ended::Response(redirect(&to)?)
            }
        }
        op @ ("remove" | "lead") => {
            let who = (member_id, m.team_id);
            let (changed, hooks) = if op == "remove" {
                store
                    .remove_member(&c, me, who, &request_id, (at, &week))
                    .await?
            } else {
                store
                    .hand_over(&c, me, who, &request_id, (at, &week))
                    .await?
            };
            crate::mail::enqueue(&hooks);
            match (changed, op) {
                (true, "remove") => Ended::Ok("removed"),
                (true, _) => Ended::Ok("handed"),
                (false, _) => not_leader(),
            }
        }
        _ => Ended::No(refusal(
            ErrorCode::InvalidValue,
            "do",
            "do must be one of nudge, remove, lead",
            w.no_leader,
            at_member,
        )),
    };
    finish(&req, &ctx, &store, &c, ended, json).await
}

/// `GET /h/:token`: what a message's hub link opens: a button (mail scanners open links, so
/// nothing is spent until the page's form POSTs).
pub async fn link_page(req: Request, ctx: Ctx) -> AppResult<Response> {
    let token = ctx.param("token").map(String::as_str).unwrap_or_default();
    let found = if crate::mail::links::well_formed(token) {
        store(&ctx)?
            .link(&crate::mail::links::hash(token))
            .await?
            .filter(|l| l.purpose == "hub" && l.erased_at.is_none())
    } else {
        None
    };
    // The person's language when the link is theirs, else the browser's.
    let lang = found
        .as_ref()
        .and_then(|l| Lang::from_tag(&l.lang))
        .unwrap_or_else(|| lang_of(&req, None));
    let mw = crate::mail::words::of(lang.tag());
    let Some(l) = found else {
        let body = format!(
            "<h1>{}</h1><p role=\"status\">{}</p>",
            esc(mw.hub_link_title),
            esc(mw.invalid)
        );
        return html(page(lang, mw.hub_link_title, "", &body), 404);
    };
    let body = format!(
        "<header><p>{}</p></header><h1>{}</h1><p>{}</p><form method=\"post\"><button type=\"submit\">{}</button></form>",
        esc(&l.campaign_name),
        esc(mw.hub_link_title),
        esc(mw.hub_link_lead),
        esc(mw.hub_link_button)
    );
    html(page(lang, mw.hub_link_title, &l.campaign_name, &body), 200)
}

/// `POST /h/:token`: spends the link (once, before it expires) and opens the person's hub on
/// this device; a spent, expired or forged link gets a clear page and changes nothing.
pub async fn link_open(req: Request, ctx: Ctx) -> AppResult<Response> {
    let token = ctx.param("token").map(String::as_str).unwrap_or_default();
    let store = store(&ctx)?;
    let well_formed = crate::mail::links::well_formed(token);
    let spent = if well_formed {
        store
            .spend_hub_link(&crate::mail::links::hash(token), now())
            .await?
    } else {
        None
    };
    let Some(s) = spent else {
        // Spent or expired: said in the person's language; unknown: in the browser's.
        let known = if well_formed {
            store
                .link(&crate::mail::links::hash(token))
                .await?
                .filter(|l| l.purpose == "hub")
        } else {
            None
        };
        let lang = known
            .as_ref()
            .and_then(|l| Lang::from_tag(&l.lang))
            .unwrap_or_else(|| lang_of(&req, None));
        let mw = crate::mail::words::of(lang.tag());
        let text = if known.is_some() {
            mw.hub_link_spent
        } else {
            mw.invalid
        };
        let body = format!(
            "<h1>{}</h1><p role=\"status\">{}</p>",
            esc(mw.hub_link_title),
            esc(text)
        );
        return html(
            page(lang, mw.hub_link_title, "", &body),
            if known.is_some() { 410 } else { 404 },
        );
    };
    let token = crate::auth::token::issue(&ctx.env, s.campaign_id, (s.id, s.token_version))?;
    to_hub(
        &s.campaign,
        "",
        Some(set_cookie(&s.campaign, &token, COOKIE_SECS)),
    )
}

/// `GET /hub/:campaign/manifest.webmanifest`: the hub as an installable app (its name, the
/// campaign's colour, its icons; it opens standalone at the hub).
pub async fn manifest(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let lang = lang_of(&req, None);
    let w = hub_words::of(lang);
    let start = format!("/hub/{}", c.slug);
    let short: String = c.name.chars().take(12).collect();
    let body = serde_json::json!({
        "id": start,
        "name": c.name,
        "short_name": short,
        "description": w.app_description,
        "lang": lang.tag(),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "theme_color": theme(&c),
        "background_color": "#f4f4f7",
        "icons": [
            { "src": "/hub/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": "/hub/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any" },
        ],
    });
    let mut resp = Response::ok(body.to_string())?;
    let h = resp.headers_mut();
    h.set("Content-Type", "application/manifest+json")?;
    h.set("Cache-Control", "public, max-age=300")?;
    Ok(resp)
}

/// `GET /hub/:campaign/n/:id`: a notification's click. Counted once, then the hub at the card
/// it is about (an unknown one opens the hub all the same).
pub async fn clicked(_req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let id: Option<u32> = param(&ctx, "id")?.parse().ok();
    let about = match id {
        Some(id) => store.push_click(c.id, id, now()).await?,
        None => None,
    };
    let detail: serde_json::Value = about
        .as_ref()
        .and_then(|a| a.detail.as_deref())
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let anchor = match detail["kind"].as_str() {
        Some("action") => format!("#card-{}", detail["about"].as_u64().unwrap_or_default()),
        Some("rebuttal") => format!(
            "#rebuttal-{}",
            about.and_then(|a| a.claim_public_id).unwrap_or_default()
        ),
        Some("nudge") | Some("reminder") => "#cards-h".into(),
        _ => String::new(),
    };
    redirect(&format!("/hub/{}{anchor}", c.slug))
}
