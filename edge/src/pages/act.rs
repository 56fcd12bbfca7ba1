//! The signable own pages (`/p/:campaign/:petition`, `/pledge/:campaign/:pledge`) and the
//! first paint of the widgets that act (`.../form`): one renderer, on the edge.
//!
//! - The own page is a form that works with no JavaScript and no WebAssembly: a plain `POST`
//!   to the same address goes through [`act_once`] (the API's validation, de-duplication,
//!   idempotency key, rate limit and D1 batch) and is answered by a page with the count, the
//!   thank-you and the share links; a refusal comes back as the form, each error beside its
//!   field and what was typed kept. With WebAssembly, the loader lets the widget take the page
//!   over, keeping what was typed.
//! - The first paint: the loader asks `.../form` for this markup and the item's view in one
//!   request and shows the form while the widget's Wasm is still on its way; the widget then
//!   renders the same markup (the same classes, the same words from `rally_api::words`) over it,
//!   keeping what was typed. So the markup here mirrors `widgets/src/act.rs`'s first render.

use rally_api::words::{ActWords, Text};
use rally_api::{
    ErrorCode, Lang, PetitionStatus, PetitionView, PledgeView, Presented, RecentSigner, SignRequest,
};
use serde_json::{json, Map, Value};
use worker::{Request, Response};

use crate::error::{AppError, AppResult};
use crate::format::{escape as esc, url_encode};
use crate::http::{self, param, Ctx};
use crate::intl;
use crate::public::act::{act_once, Kind, Petition, Pledge};

/// The shared widget styles: the own page wears them too, so it looks like the widget.
const CSS: &str = include_str!("../../../widgets/src/widget.css");

/// What a petition or pledge shows, the same way for both.
pub trait Shown {
    fn title(&self) -> &str;
    fn body(&self) -> &str;
    fn status(&self) -> PetitionStatus;
    fn count(&self) -> (u32, u32);
    fn recent(&self) -> &[RecentSigner];
    /// The line under the title.
    fn header(&self, lang: Lang) -> String;
    fn words(lang: Lang) -> &'static ActWords;
    /// The form's fields beyond the person's (a pledge's reminder opt-in).
    fn extra(_typed: &Typed, _w: &ActWords) -> String {
        String::new()
    }
    /// The item's own page.
    fn page(campaign: &str, slug: &str) -> String;
}

/// The [`Shown`] accessors petitions and pledges share; `$title` names the field shown as the
/// title.
macro_rules! counted {
    ($title:ident) => {
        fn title(&self) -> &str {
            &self.$title
        }
        fn body(&self) -> &str {
            &self.body
        }
        fn status(&self) -> PetitionStatus {
            self.status
        }
        fn count(&self) -> (u32, u32) {
            (self.count, self.goal)
        }
        fn recent(&self) -> &[RecentSigner] {
            &self.recent
        }
    };
}

impl Shown for PetitionView {
    counted!(title);
    fn header(&self, lang: Lang) -> String {
        let t = rally_api::words::text(lang);
        format!(
            "<p class=\"target\">{}: <strong>{}</strong></p>",
            esc(t.to),
            esc(&self.target)
        )
    }
    fn words(lang: Lang) -> &'static ActWords {
        rally_api::words::petition(lang)
    }
    fn page(campaign: &str, slug: &str) -> String {
        rally_api::routes::petition_page(campaign, slug)
    }
}

impl Shown for PledgeView {
    counted!(statement);
    fn header(&self, lang: Lang) -> String {
        let mut out = String::from("<p class=\"when\">");
        if let Some(at) = self.starts_at {
            out.push_str(&format!(
                "<time>{}</time>",
                esc(&intl::when(at as f64, lang, &self.timezone))
            ));
        }
        if let Some(place) = &self.place {
            out.push_str(&format!("<span class=\"place\">{}</span>", esc(place)));
        }
        out.push_str("</p>");
        out
    }
    fn words(lang: Lang) -> &'static ActWords {
        rally_api::words::pledge(lang)
    }
    fn extra(typed: &Typed, w: &ActWords) -> String {
        format!(
            "<label class=\"show-name remind\"><input type=\"checkbox\" name=\"reminder\"{}>{}</label>",
            checked(typed.reminder),
            esc(w.remind)
        )
    }
    fn page(campaign: &str, slug: &str) -> String {
        rally_api::routes::pledge_page(campaign, slug)
    }
}

/// What a visitor typed, to render back beside the errors (and, empty, a fresh form).
#[derive(Default, Debug, Clone)]
pub struct Typed {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub postal_code: String,
    pub country: String,
    pub consent: Option<bool>,
    pub show_name: bool,
    pub reminder: bool,
    pub website: String,
}

fn checked(on: bool) -> &'static str {
    if on {
        " checked"
    } else {
        ""
    }
}

/// The hidden fields the own page's `POST` carries.
#[derive(Default)]
pub struct Hidden {
    /// The idempotency key: a refresh or a second click is the same action.
    pub key: String,
    pub lang: String,
    pub referral: String,
    pub page_url: String,
    pub source: String,
}

/// `(name, label, autocomplete, type)` of each text field, in form order (as the widget).
fn fields(t: &Text) -> [(&'static str, &'static str, &'static str, &'static str); 4] {
    [
        ("first_name", t.first_name, "given-name", "text"),
        ("last_name", t.last_name, "family-name", "text"),
        ("email", t.email, "email", "email"),
        ("postal_code", t.postal_code, "postal-code", "text"),
    ]
}

/// Everything a form needs beyond the item.
pub struct FormParts<'a> {
    pub lang: Lang,
    pub countries: &'a [(String, String)],
    pub typed: &'a Typed,
    pub errors: &'a [(String, ErrorCode)],
    /// A message about the whole form (fix the fields, closed, too many).
    pub notice: Option<&'a str>,
    pub action: &'a str,
    pub hidden: &'a Hidden,
    /// The campaign's Turnstile site key when it asks for the check, else empty.
    pub turnstile: &'a str,
}

/// The form, as the widget draws it before anything is typed (and, on the own page, with what
/// was typed and the errors).
pub fn form<S: Shown>(p: &FormParts) -> String {
    let t = rally_api::words::text(p.lang);
    let w = S::words(p.lang);
    let error = |field: &str| p.errors.iter().find(|(f, _)| f == field).map(|(_, c)| *c);
    let err_text = |field: &str| match error(field) {
        Some(code) => format!(
            "<p class=\"err\" id=\"err-{field}\">{}</p>",
            esc(t.field_error(code))
        ),
        None => String::new(),
    };
    let invalid = |field: &str| {
        if error(field).is_some() {
            format!(" aria-invalid=\"true\" aria-describedby=\"err-{field}\"")
        } else {
            " aria-invalid=\"false\"".to_owned()
        }
    };
    let typed = p.typed;
    let value = |name: &str| match name {
        "first_name" => &typed.first_name,
        "last_name" => &typed.last_name,
        "email" => &typed.email,
        _ => &typed.postal_code,
    };
    let mut out = format!(
        "<form class=\"sign\" novalidate method=\"post\" action=\"{}\">",
        esc(p.action)
    );
    for (name, label, auto, kind) in fields(t) {
        out.push_str(&format!(
            "<div class=\"field f-{name}\"><label for=\"in-{name}\">{}</label>\
             <input id=\"in-{name}\" name=\"{name}\" type=\"{kind}\" autocomplete=\"{auto}\" value=\"{}\" required{}>{}</div>",
            esc(label),
            esc(value(name)),
            invalid(name),
            err_text(name)
        ));
    }
    out.push_str(&format!(
        "<div class=\"field f-country\"><label for=\"in-country\">{}</label>\
         <select id=\"in-country\" name=\"country\" autocomplete=\"country\" required{}>\
         <option value=\"\"{}>{}</option>",
        esc(t.country),
        invalid("country"),
        if typed.country.is_empty() {
            " selected"
        } else {
            ""
        },
        esc(t.choose_country)
    ));
    for (code, name) in p.countries {
        out.push_str(&format!(
            "<option value=\"{code}\"{}>{}</option>",
            if typed.country == *code {
                " selected"
            } else {
                ""
            },
            esc(name)
        ));
    }
    out.push_str(&format!("</select>{}</div>", err_text("country")));
    out.push_str(&format!(
        "<fieldset class=\"consent\"{}><legend>{}</legend>\
         <label><input type=\"radio\" name=\"contact_consent\" value=\"yes\"{}>{}</label>\
         <label><input type=\"radio\" name=\"contact_consent\" value=\"no\"{}>{}</label>{}</fieldset>",
        invalid("contact_consent"),
        esc(t.consent_legend),
        checked(typed.consent == Some(true)),
        esc(t.consent_yes),
        checked(typed.consent == Some(false)),
        esc(t.consent_no),
        err_text("contact_consent")
    ));
    out.push_str(&format!(
        "<label class=\"show-name\"><input type=\"checkbox\" name=\"show_name\"{}>{}</label>",
        checked(typed.show_name),
        esc(w.show_name)
    ));
    out.push_str(&S::extra(typed, w));
    out.push_str(&format!(
        "<div class=\"hp\" aria-hidden=\"true\"><label for=\"in-website\">Website</label>\
         <input id=\"in-website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\" value=\"{}\"></div>",
        esc(&typed.website)
    ));
    let h = p.hidden;
    for (name, v) in [
        ("key", &h.key),
        ("lang", &h.lang),
        ("ref", &h.referral),
        ("page_url", &h.page_url),
        ("source", &h.source),
    ] {
        out.push_str(&format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            esc(v)
        ));
    }
    // Where Cloudflare Turnstile draws its check (the widget has the same empty box): on the
    // own page its script finds `cf-turnstile`; in a widget the loader draws it.
    if p.turnstile.is_empty() {
        out.push_str("<div class=\"challenge\"></div>");
    } else {
        out.push_str(&format!(
            "<div class=\"challenge cf-turnstile\" data-sitekey=\"{}\" data-language=\"{}\"></div>",
            esc(p.turnstile),
            p.lang.tag()
        ));
    }
    if error("turnstile").is_some() {
        out.push_str(&format!(
            "<p class=\"err\" id=\"err-turnstile\">{}</p>",
            esc(t.err_challenge)
        ));
    }
    if let Some(n) = p.notice {
        out.push_str(&format!(
            "<p class=\"notice\" role=\"alert\">{}</p>",
            esc(n)
        ));
    }
    out.push_str(&format!(
        "<button type=\"submit\" aria-disabled=\"false\">{}</button></form>",
        esc(w.submit)
    ));
    out
}

/// The item's head: title, header, body, count and recent supporters (as the widget).
fn head<S: Shown>(v: &S, lang: Lang, countries: &[(String, String)], count: (u32, u32)) -> String {
    let t = rally_api::words::text(lang);
    let w = S::words(lang);
    let (count, goal) = count;
    let mut out = format!(
        "<h2 class=\"title\">{}</h2>{}<p class=\"body\">{}</p>\
         <div class=\"counter\"><p class=\"count\" aria-live=\"polite\" aria-atomic=\"true\">\
         <strong data-count=\"{count}\">{}</strong>{}</p>\
         <progress max=\"{goal}\" value=\"{count}\" aria-label=\"{}\"></progress></div>",
        esc(v.title()),
        v.header(lang),
        esc(v.body()),
        esc(&intl::number(count, lang)),
        esc(&format!(
            " {} · {} {}",
            w.count,
            t.goal,
            intl::number(goal, lang)
        )),
        esc(w.progress)
    );
    if !v.recent().is_empty() {
        out.push_str(&format!(
            "<section class=\"recent\" aria-label=\"{0}\"><h3>{0}</h3><ul>",
            esc(w.recent)
        ));
        for r in v.recent() {
            let place = r.city.clone().unwrap_or_else(|| {
                countries
                    .iter()
                    .find(|(c, _)| *c == r.country)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| r.country.clone())
            });
            out.push_str(&format!(
                "<li><span class=\"who\">{}</span> · <span class=\"where\">{}</span></li>",
                esc(&r.name),
                esc(&place)
            ));
        }
        out.push_str("</ul></section>");
    }
    out
}

/// The article the widget renders: the head, then the form (or what replaces it).
fn article<S: Shown>(
    v: &S,
    lang: Lang,
    countries: &[(String, String)],
    count: (u32, u32),
    rest: &str,
) -> String {
    format!(
        "<article class=\"act\" lang=\"{}\">{}{rest}</article>",
        lang.tag(),
        head(v, lang, countries, count)
    )
}

/// A whole own page around `inner` (the widget's box), with the loader that lets the widget
/// take it over where WebAssembly runs.
fn document(
    title: &str,
    lang: Lang,
    kind: &str,
    campaign: &str,
    slug: &str,
    inner: &str,
    takeover: bool,
) -> String {
    let script = if takeover {
        format!(
            "<script async src=\"/embed.js\" data-widget=\"{kind}\" data-campaign=\"{}\" data-{kind}=\"{}\" data-lang=\"{}\" data-own=\"1\"></script>",
            esc(campaign),
            esc(slug),
            lang.tag()
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><meta property=\"og:title\" content=\"{}\"><meta property=\"og:type\" content=\"website\">\
         <style>body{{margin:0;padding:16px;background:#f4f4f7}}#rally-own{{max-width:560px;margin:0 auto}}{CSS}</style>\
         </head><body><main><div id=\"rally-own\" class=\"rally-host\"><div class=\"rally {kind}\">{inner}</div></div>{script}</main></body></html>",
        lang.tag(),
        esc(title),
        esc(title),
    )
}

/// The language of an own page: `?lang=`, else the browser's (`Accept-Language`) among the
/// item's, else the item's first.
fn page_lang(req: &Request, look: &rally_api::Look) -> AppResult<Lang> {
    let url = req.url()?;
    let asked = url
        .query_pairs()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let browser = req
        .headers()
        .get("Accept-Language")?
        .unwrap_or_default()
        .split(',')
        .next()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    Ok(look.lang(&asked, "", &browser))
}

/// An own page's answer: HTML, never cached (its form carries a fresh idempotency key).
fn html(body: String, status: u16) -> AppResult<Response> {
    let mut resp = Response::from_html(body)?.with_status(status);
    let h = resp.headers_mut();
    h.set("Cache-Control", "no-store")?;
    h.set("Content-Language", "en, pt-BR, es")?;
    Ok(resp)
}

/// What a kind needs for its pages: its view (as the API serves it) and its shown item.
pub trait OwnPage: Kind<View = Presented<Self::Item>> + Sized {
    type Item: Shown + serde::Serialize + rally_api::builder::Translated;
    /// The item's public view (a KV snapshot while fresh), counting a view when asked.
    async fn public_view(req: &Request, ctx: &Ctx) -> AppResult<Presented<Self::Item>>;
}

impl OwnPage for Petition {
    type Item = PetitionView;
    async fn public_view(req: &Request, ctx: &Ctx) -> AppResult<Presented<PetitionView>> {
        crate::public::petition::view(req, ctx).await
    }
}

impl OwnPage for Pledge {
    type Item = PledgeView;
    async fn public_view(req: &Request, ctx: &Ctx) -> AppResult<Presented<PledgeView>> {
        crate::public::pledge::view_of(req, ctx).await
    }
}

fn own_url(req: &Request) -> AppResult<String> {
    let url = req.url()?;
    Ok(format!(
        "{}{}",
        url.origin().ascii_serialization(),
        url.path()
    ))
}

/// `GET /p/:campaign/:petition`, `GET /pledge/:campaign/:pledge`: the own page, a working form.
pub async fn page<K: OwnPage>(req: Request, ctx: Ctx) -> AppResult<Response> {
    let v = K::public_view(&req, &ctx).await?;
    let lang = page_lang(&req, &v.look)?;
    let v = v.in_lang(lang);
    let countries = intl::countries(lang);
    let url = req.url()?;
    let referral = url
        .query_pairs()
        .find(|(k, _)| k == "ref")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let source = url
        .query_pairs()
        .find(|(k, _)| k == "source" || k == "utm_source")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let hidden = Hidden {
        key: http::request_id()?,
        lang: lang.tag().to_owned(),
        referral,
        page_url: own_url(&req)?,
        source,
    };
    let at = (param(&ctx, "campaign")?, param(&ctx, K::NAME)?);
    let body = own_form::<K>(
        &req,
        at,
        &v,
        lang,
        &countries,
        &Typed::default(),
        &[],
        None,
        &hidden,
    )?;
    html(body, 200)
}

/// The own page with its form (fresh, or refused with what was typed).
#[allow(clippy::too_many_arguments)]
fn own_form<K: OwnPage>(
    req: &Request,
    (campaign, slug): (&str, &str),
    v: &Presented<K::Item>,
    lang: Lang,
    countries: &[(String, String)],
    typed: &Typed,
    errors: &[(String, ErrorCode)],
    notice: Option<&str>,
    hidden: &Hidden,
) -> AppResult<String> {
    let w = <K::Item as Shown>::words(lang);
    let rest = if v.view.status() == PetitionStatus::Closed {
        format!("<p class=\"notice\" role=\"status\">{}</p>", esc(w.closed))
    } else {
        form::<K::Item>(&FormParts {
            lang,
            countries,
            typed,
            errors,
            notice,
            action: &own_url(req)?,
            hidden,
            turnstile: &v.turnstile,
        })
    };
    // Cloudflare Turnstile's own script draws the check where the campaign asks for it (it
    // needs JavaScript: without it, such a campaign's own page cannot be signed).
    let rest = if v.turnstile.is_empty() {
        rest
    } else {
        format!("{rest}<script src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\" async defer></script>")
    };
    let inner = article(&v.view, lang, countries, v.view.count(), &rest);
    Ok(document(
        v.view.title(),
        lang,
        K::NAME,
        campaign,
        slug,
        &inner,
        true,
    ))
}

/// The form's fields as the API's body (the shared [`SignRequest`] and the kind's extra), and
/// what was typed, to render back.
fn parse_form(body: &str) -> (Value, Typed, String) {
    let pairs: Vec<(String, String)> = worker::Url::parse(&format!("http://x/?{body}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let consent = match get("contact_consent").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let typed = Typed {
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        postal_code: get("postal_code"),
        country: get("country"),
        consent,
        show_name: !get("show_name").is_empty(),
        reminder: !get("reminder").is_empty(),
        website: get("website"),
    };
    let opt = |k: &str| {
        let v = get(k);
        if v.is_empty() {
            Value::Null
        } else {
            Value::String(v)
        }
    };
    let mut tracking = Map::new();
    tracking.insert("source".into(), opt("source"));
    tracking.insert("page_url".into(), opt("page_url"));
    let json = json!({
        "first_name": typed.first_name,
        "last_name": typed.last_name,
        "email": typed.email,
        "postal_code": typed.postal_code,
        "country": typed.country,
        "contact_consent": consent,
        "show_name": typed.show_name,
        "ref": opt("ref"),
        "lang": opt("lang"),
        "website": typed.website,
        "tracking": tracking,
        "reminder": typed.reminder,
        "turnstile": get(crate::auth::turnstile::FORM_FIELD),
    });
    (json, typed, get("key"))
}

/// The ladder's next step on the thank-you page, for a visitor with no JavaScript: the ask,
/// with a link to the page that does it (an own page, the campaign's link, the share links
/// below for "invite friends").
fn next_step(n: &rally_api::ladder::NextStep) -> String {
    let href = match n.open.as_str() {
        "share" => "#in-link",
        _ => n.href.as_str(),
    };
    let link = if href.is_empty() {
        String::new()
    } else {
        format!(
            "<a class=\"button\" href=\"{}\">{}</a>",
            esc(href),
            esc(&n.action)
        )
    };
    format!(
        "<div class=\"next\"><p class=\"rung\">{}</p><p class=\"ask-next\">{}</p><p class=\"needs\">{}</p>{link}</div>",
        esc(&n.rung),
        esc(&n.label),
        esc(&n.needs)
    )
}

/// `POST /p/:campaign/:petition`, `POST /pledge/:campaign/:pledge` (a form): signs as the API
/// does, answered by the thank-you page (`201`, or `200` if already signed) or the form again
/// with each error beside its field (`422`).
pub async fn act<K: OwnPage>(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let raw = req.text().await.unwrap_or_default();
    if raw.len() > http::MAX_BODY {
        return Err(AppError::refused(
            ErrorCode::PayloadTooLarge,
            "the form is too large",
        ));
    }
    let (body, typed, key) = parse_form(&raw);
    let v = K::public_view(&req, &ctx).await?;
    let lang = body["lang"]
        .as_str()
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| v.look.lang("", "", ""));
    let v = v.in_lang(lang);
    let countries = intl::countries(lang);
    let t = rally_api::words::text(lang);
    let hidden = Hidden {
        key: if rally_api::validate::is_idempotency_key(&key) {
            key.clone()
        } else {
            http::request_id()?
        },
        lang: lang.tag().to_owned(),
        referral: body["ref"].as_str().unwrap_or_default().to_owned(),
        page_url: body["tracking"]["page_url"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        source: body["tracking"]["source"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    };
    let (campaign, slug) = (param(&ctx, "campaign")?, param(&ctx, K::NAME)?);
    let refused =
        |errors: Vec<(String, ErrorCode)>, notice: &str, status: u16| -> AppResult<Response> {
            let page = own_form::<K>(
                &req,
                (campaign, slug),
                &v,
                lang,
                &countries,
                &typed,
                &errors,
                Some(notice),
                &hidden,
            )?;
            html(page, status)
        };
    if let Err(e) = http::rate_limit(&req, &ctx.env, http::SIGN_LIMITER).await {
        return match e {
            AppError::RateLimited { .. } => refused(vec![], t.rate_limited, 429),
            e => Err(e),
        };
    }
    let token = body["turnstile"].as_str().unwrap_or_default().to_owned();
    match crate::auth::turnstile::check(&req, &ctx, campaign, &token, Some(&hidden.key)).await {
        Ok(()) => {}
        Err(AppError::Refused { code, .. }) => {
            let errors = vec![(crate::auth::turnstile::FIELD.to_owned(), code)];
            return refused(errors, t.fix_fields, code.status());
        }
        Err(e) => return Err(e),
    }
    let sign: SignRequest = serde_json::from_value(body.clone())
        .map_err(|e| AppError::Internal(format!("own page form: {e}")))?;
    let extra: K::Extra = serde_json::from_value(body)
        .map_err(|e| AppError::Internal(format!("own page form: {e}")))?;
    let done = match act_once::<K>(
        &req,
        &ctx,
        (campaign, slug),
        sign,
        extra,
        Some(hidden.key.clone()),
    )
    .await
    {
        Ok(done) => done,
        Err(AppError::Invalid(errors)) => {
            let errors = errors
                .into_iter()
                .map(|e| (e.field.to_owned(), e.code))
                .collect();
            return refused(errors, t.fix_fields, 422);
        }
        Err(AppError::Refused {
            code: ErrorCode::PetitionClosed,
            ..
        }) => return refused(vec![], <K::Item as Shown>::words(lang).closed, 409),
        Err(e) => return Err(e),
    };
    let w = <K::Item as Shown>::words(lang);
    let o = &done.outcome;
    let page_url = if hidden.page_url.is_empty() {
        own_url(&req)?
    } else {
        hidden.page_url.clone()
    };
    let title = v.view.title();
    let text = if v.look.share_text.is_empty() {
        w.share_text
    } else {
        &v.look.share_text
    };
    let link = rally_api::share::personal_link(&page_url, &o.ref_code, "link");
    let targets =
        rally_api::share::targets(&page_url, &o.ref_code, title, text, t.email, url_encode);
    let mut share = String::from("<ul class=\"targets\">");
    for (channel, label, href) in targets {
        share.push_str(&format!(
            "<li><a class=\"t {channel}\" href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\" aria-label=\"{} {}\">{}</a></li>",
            esc(&href),
            esc(t.share_on),
            esc(label),
            esc(label)
        ));
    }
    share.push_str("</ul>");
    let next = done.next.as_ref().map_or(String::new(), next_step);
    let thanks = format!(
        "<section class=\"thanks\"><h3 tabindex=\"-1\" id=\"thanks\">{}</h3>{next}\
         <div class=\"ask\"><p class=\"q\">{}</p><p class=\"why\">{}</p></div>\
         <div class=\"share\">{share}<label class=\"link\" for=\"in-link\">{}</label>\
         <div class=\"row\"><input id=\"in-link\" readonly value=\"{}\"></div></div>\
         <p class=\"hub\"><a href=\"/hub/{}?lang={}\">{}</a></p></section>",
        esc(if o.signed { w.thanks } else { w.already }),
        esc(w.will_you_share),
        esc(w.share_why),
        esc(t.your_link),
        esc(&link),
        esc(campaign),
        lang.tag(),
        esc(t.open_hub),
    );
    let (_, goal) = v.view.count();
    let count = (
        o.count,
        if o.count < goal {
            goal
        } else {
            rally_api::next_goal(o.count, goal)
        },
    );
    let inner = article(&v.view, lang, &countries, count, &thanks);
    let page = document(title, lang, K::NAME, campaign, slug, &inner, false);
    let mut resp = html(page, if o.signed { 201 } else { 200 })?;
    // A new supporter's hub opens on this device from the thank-you's link.
    if let Some(token) = &done.token {
        resp.headers_mut().set(
            "Set-Cookie",
            &crate::pages::hub::set_cookie(campaign, token, crate::pages::hub::COOKIE_SECS),
        )?;
    }
    Ok(resp)
}

/// `GET /api/v1/campaigns/:campaign/petitions/:petition/form` (and the pledge's): the first
/// paint for the loader, `{ lang, html, view }`: the form in the visitor's language (from
/// `lang`, `page_lang`, `browser_lang`, as the loader picks) and the view the widget starts
/// from. `?view=1` counts a view, as the view route does.
pub async fn first_paint<K: OwnPage>(req: Request, ctx: Ctx) -> AppResult<Response> {
    let v = K::public_view(&req, &ctx).await?;
    let url = req.url()?;
    let q = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let lang = v.look.lang(&q("lang"), &q("page_lang"), &q("browser_lang"));
    let v = v.in_lang(lang);
    let countries = intl::countries(lang);
    // The widget's default country: the region of the browser's language (`pt-BR`: Brazil).
    let browser = q("browser_lang");
    let typed = Typed {
        country: browser
            .rsplit(['-', '_'])
            .next()
            .filter(|r| r.len() == 2 && *r != browser)
            .and_then(|r| rally_api::validate::country(r).ok())
            .unwrap_or_default(),
        ..Typed::default()
    };
    let (campaign, slug) = (param(&ctx, "campaign")?, param(&ctx, K::NAME)?);
    let action = format!(
        "{}{}",
        url.origin().ascii_serialization(),
        <K::Item as Shown>::page(campaign, slug)
    );
    let hidden = Hidden {
        key: http::request_id()?,
        lang: lang.tag().to_owned(),
        ..Hidden::default()
    };
    let rest = if v.view.status() == PetitionStatus::Closed {
        format!(
            "<p class=\"notice\" role=\"status\">{}</p>",
            esc(<K::Item as Shown>::words(lang).closed)
        )
    } else {
        // The select carries only the default country: the loader fills in the rest (sent
        // alongside) a frame after the form shows, halving what the first paint parses.
        let chosen: Vec<_> = countries
            .iter()
            .filter(|(code, _)| *code == typed.country)
            .cloned()
            .collect();
        form::<K::Item>(&FormParts {
            lang,
            countries: &chosen,
            typed: &typed,
            errors: &[],
            notice: None,
            action: &action,
            hidden: &hidden,
            turnstile: &v.turnstile,
        })
    };
    let html = article(&v.view, lang, &countries, v.view.count(), &rest);
    let mut resp = Response::from_json(&json!({
        "lang": lang.tag(),
        "html": html,
        "countries": countries,
        "view": v,
    }))?;
    resp.headers_mut().set("Cache-Control", "no-cache")?;
    Ok(resp)
}
