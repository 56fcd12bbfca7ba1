//! The petition's own page on the edge (`/p/:campaign/:petition`): where the widget's fallback
//! link points, and a page a campaign can share when it has no site of its own.

use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};

/// Escapes text for HTML element content and double-quoted attribute values.
/// A query parameter value, percent-encoded (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub async fn petition_page(_req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let campaign = ctx.param("campaign").cloned().unwrap_or_default();
    let slug = ctx.param("petition").cloned().unwrap_or_default();
    if !rally_api::validate::is_slug(&campaign) || !rally_api::validate::is_slug(&slug) {
        return Err(AppError::not_found("petition"));
    }
    let db = ctx
        .env
        .d1("DB")
        .map_err(|e| AppError::Internal(format!("D1 binding DB: {e}")))?;
    let meta = crate::store::Store::new(db)
        .petition_meta(&campaign, &slug, js_sys::Date::now())
        .await?
        .ok_or_else(|| AppError::not_found("petition"))?;
    let (title, body, target) = (
        escape(&meta.title),
        escape(&meta.body),
        escape(&meta.target),
    );
    let (c, p) = (escape(&campaign), escape(&slug));
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta property="og:title" content="{title}">
<meta property="og:description" content="{body}">
<meta property="og:type" content="website">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>To: {target}</p>
<p>{body}</p>
<script async src="/embed.js" data-widget="petition" data-campaign="{c}" data-petition="{p}"></script>
<noscript><p>This petition needs JavaScript to be signed.</p></noscript>
</main>
</body>
</html>"#
    );
    let mut resp = Response::from_html(html)?;
    resp.headers_mut()
        .set("Cache-Control", "public, max-age=60")?;
    Ok(resp)
}
