//! The pages a message's links open, in the person's language:
//! - `/m/:token`: confirm an action, or say "it wasn't me". Opening the link (`GET`) only shows
//!   the question: corporate mail scanners open links, so nothing changes until the page's own
//!   form `POST`s.
//! - `/u/:token`: unsubscribe. `GET` shows a button; `POST` (the page's form, or a mail
//!   client's one-click `List-Unsubscribe=One-Click`, RFC 8058) withdraws consent at once.
//!
//! A forged, expired or spent token, or one for an erased supporter, gets a clear page and
//! changes nothing. Tokens name no email; unknown ones are answered the same as ill-formed ones.

use worker::{Request, Response};

use crate::db::act::{PETITION, PLEDGE};
use crate::db::outbox::LinkTarget;
use crate::error::AppResult;
use crate::format::escape;
use crate::http::{now, store, Ctx};
use crate::mail::links;
use crate::mail::words::{self, Words};

/// The words for someone we know nothing about: their browser's first language we speak.
fn visitor_words(req: &Request) -> &'static Words {
    words::of(crate::http::browser_lang(req).tag())
}

fn page(w: &Words, heading: &str, campaign: &str, body: &str, status: u16) -> AppResult<Response> {
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>{heading}</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}}\
form{{display:inline}}button{{font:inherit;padding:.7em 1.2em;margin:0 .5em .5em 0;border-radius:6px;border:2px solid #0b7a3e;cursor:pointer}}\
button.yes{{background:#0b7a3e;color:#fff}}button.no{{background:#fff;color:#1b1b1b}}\
button:focus-visible{{outline:3px solid #1b1b1b;outline-offset:2px}}</style></head>\
<body><main><p>{campaign}</p><h1>{heading}</h1>{body}</main></body></html>",
        lang = w.locale,
        heading = escape(heading),
        campaign = escape(campaign),
    );
    let mut resp = Response::from_html(html)?.with_status(status);
    let h = resp.headers_mut();
    h.set("Cache-Control", "no-store")?;
    h.set("Referrer-Policy", "no-referrer")?;
    h.set("X-Robots-Tag", "noindex")?;
    Ok(resp)
}

fn para(s: &str) -> String {
    format!("<p role=\"status\">{}</p>", escape(s))
}

/// The link a token leads to, if it is one, of this purpose, not expired, not erased; or the
/// page that says why not.
async fn link(req: &Request, ctx: &Ctx, purpose: &str) -> AppResult<Result<LinkTarget, Response>> {
    let token = ctx.param("token").map(String::as_str).unwrap_or_default();
    let found = if links::well_formed(token) {
        store(ctx)?.link(&links::hash(token)).await?
    } else {
        None
    };
    let Some(l) = found.filter(|l| l.purpose == purpose && l.erased_at.is_none()) else {
        let w = visitor_words(req);
        return Ok(Err(page(w, w.invalid, "", "", 404)?));
    };
    if l.expires_at <= now() {
        let w = words::of(&l.lang);
        return Ok(Err(page(w, w.expired, &l.campaign_name, "", 410)?));
    }
    Ok(Ok(l))
}

/// A confirmation link still waiting for its answer, with the person's words; or the page
/// that says why not (not a link, expired, already answered).
async fn waiting(
    req: &Request,
    ctx: &Ctx,
) -> AppResult<Result<(LinkTarget, &'static Words), Response>> {
    let l = match link(req, ctx, "confirm").await? {
        Ok(l) => l,
        Err(page) => return Ok(Err(page)),
    };
    let w = words::of(&l.lang);
    let done = if l.action_exists.is_none() {
        w.already_removed
    } else if l.confirmed == Some(1.0) {
        w.already_confirmed
    } else {
        return Ok(Ok((l, w)));
    };
    Ok(Err(page(
        w,
        w.page_confirm_title,
        &l.campaign_name,
        &para(done),
        200,
    )?))
}

/// `GET /m/:token`: the question, never the answer.
pub async fn confirm_page(req: Request, ctx: Ctx) -> AppResult<Response> {
    let (l, w) = match waiting(&req, &ctx).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let body = format!(
        "<p>{lead}</p><blockquote>{title}</blockquote>\
<form method=\"post\"><input type=\"hidden\" name=\"do\" value=\"confirm\"><button class=\"yes\" type=\"submit\">{yes}</button></form>\
<form method=\"post\"><input type=\"hidden\" name=\"do\" value=\"reject\"><button class=\"no\" type=\"submit\">{no}</button></form>",
        lead = escape(w.page_confirm_lead),
        title = escape(l.title.as_deref().unwrap_or_default()),
        yes = escape(w.button_confirm),
        no = escape(w.button_reject),
    );
    page(w, w.page_confirm_title, &l.campaign_name, &body, 200)
}

/// `POST /m/:token` with `do=confirm` or `do=reject`.
pub async fn confirm(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let form = req.text().await.unwrap_or_default();
    let (l, w) = match waiting(&req, &ctx).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let target = if l.action.as_deref() == Some("pledge") {
        PLEDGE
    } else {
        PETITION
    };
    let request = l.action_request.clone().unwrap_or_default();
    let store = store(&ctx)?;
    let answer = if form.split('&').any(|kv| kv == "do=reject") {
        let supporter = l.supporter_id.unwrap_or_default();
        let at = now();
        let week = crate::http::week_of(at, &store.timezone_of(l.campaign_id).await?);
        let (removed, hooks) = store
            .reject_action(target, (&request, l.campaign_id), supporter, (at, &week))
            .await?;
        crate::mail::enqueue(&hooks);
        if removed {
            w.rejected
        } else {
            w.already_removed
        }
    } else if form.split('&').any(|kv| kv == "do=confirm") {
        if store.confirm_action(target, &request, now()).await? {
            w.confirmed
        } else {
            w.already_confirmed
        }
    } else {
        return confirm_page(req, ctx).await;
    };
    page(
        w,
        w.page_confirm_title,
        &l.campaign_name,
        &para(answer),
        200,
    )
}

/// `GET /u/:token`: the button.
pub async fn unsubscribe_page(req: Request, ctx: Ctx) -> AppResult<Response> {
    let l = match link(&req, &ctx, "unsubscribe").await? {
        Ok(l) => l,
        Err(page) => return Ok(page),
    };
    let w = words::of(&l.lang);
    let lead = w.unsubscribe_lead.replace("{campaign}", &l.campaign_name);
    let body = format!(
        "<p>{}</p><form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
<button class=\"yes\" type=\"submit\">{}</button></form>",
        escape(&lead),
        escape(w.unsubscribe)
    );
    page(w, w.unsubscribe_title, &l.campaign_name, &body, 200)
}

/// `POST /u/:token`: one click, whatever the body (RFC 8058 sends
/// `List-Unsubscribe=One-Click`); the same answer however often.
pub async fn unsubscribe(req: Request, ctx: Ctx) -> AppResult<Response> {
    let l = match link(&req, &ctx, "unsubscribe").await? {
        Ok(l) => l,
        Err(page) => return Ok(page),
    };
    let hooks = store(&ctx)?
        .unsubscribe(l.campaign_id, l.supporter_id, l.report_id, now())
        .await?;
    crate::mail::enqueue(&hooks);
    let w = words::of(&l.lang);
    let done = w.unsubscribed.replace("{campaign}", &l.campaign_name);
    page(w, w.unsubscribe_title, &l.campaign_name, &para(&done), 200)
}
