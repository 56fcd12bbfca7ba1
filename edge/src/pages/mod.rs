//! The edge's own HTML pages: a petition's and a pledge's (`act.rs`: signable with no
//! JavaScript, where the widget's fallback link points, and a page a campaign can share when it
//! has no site of its own) and a rebuttal's (`/r/:campaign/:id`, with Open Graph and
//! ClaimReview markup).

pub mod act;
pub mod hub;
pub mod hub_words;

use worker::{Request, Response};

use crate::error::{AppError, AppResult};
use crate::format::{escape, url_encode};
use crate::http::{self, campaign, origin, param, store, Ctx};

/// HTML text: `&`, `<`, `>`, `"` and `'` escaped.
fn esc(s: &str) -> String {
    escape(s)
}

/// JSON inside `<script type="application/ld+json">`: `<` escaped so no text can close it.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

/// `GET /r/:campaign/:id`: a published rebuttal's own page, made to preview well when
/// forwarded (Open Graph) and to be read by search engines and fact-check aggregators
/// (schema.org ClaimReview).
pub async fn rebuttal(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let c = campaign(&store, &ctx).await?;
    let slug = param(&ctx, "campaign")?;
    let origin = origin(&req)?;
    let claim = store
        .claim(c.id, &http::code_param(&ctx, "id", "rebuttal")?)
        .await?
        .ok_or_else(|| AppError::not_found("rebuttal"))?;
    let claim = store.live_claim(claim).await?;
    let r = claim
        .rebuttal(&origin, slug)
        .ok_or_else(|| AppError::not_found("rebuttal"))?;
    let date = http::iso_date(r.published_at as f64);
    let mut rating = serde_json::json!({
        "@type": "Rating",
        "alternateName": r.verdict.label(),
        "bestRating": 5,
        "worstRating": 1,
    });
    if let Some(v) = r.verdict.rating() {
        rating["ratingValue"] = v.into();
    }
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": r.url,
        "datePublished": date,
        "claimReviewed": r.claim,
        "author": { "@type": "Organization", "name": c.name },
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": http::iso_date(claim.first_seen),
            "appearance": r.sources.iter().map(|s| serde_json::json!({ "@type": "CreativeWork", "url": s.url })).collect::<Vec<_>>(),
        },
    });
    let summary: String = r.explanation.chars().take(200).collect();
    let title = format!("{}: {}", r.verdict.label(), r.claim);
    let sources: String = r
        .sources
        .iter()
        .map(|s| {
            format!(
                "<li><a href=\"{}\" rel=\"nofollow ugc noopener\" target=\"_blank\">{}</a></li>",
                esc(&s.url),
                esc(&s.title)
            )
        })
        .collect();
    let share = format!(
        "https://wa.me/?text={}",
        url_encode(&r.share_text(r.verdict.label()))
    );
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <meta name=\"description\" content=\"{summary}\">\
         <meta property=\"og:type\" content=\"article\">\
         <meta property=\"og:title\" content=\"{title}\">\
         <meta property=\"og:description\" content=\"{summary}\">\
         <meta property=\"og:url\" content=\"{url}\">\
         <meta property=\"og:site_name\" content=\"{site}\">\
         <meta name=\"twitter:card\" content=\"summary\">\
         <script type=\"application/ld+json\">{ld}</script>\
         <style>body{{font:18px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}}\
         .verdict{{display:inline-block;padding:4px 10px;border-radius:6px;background:#b00020;color:#fff;font-weight:700}}\
         a.share{{display:inline-block;margin-top:1rem;padding:10px 14px;border-radius:8px;background:#1f7a48;color:#fff;text-decoration:none;font-weight:700}}</style>\
         </head><body><p class=\"verdict\">{verdict}</p><h1>{claim}</h1><p>{explanation}</p>\
         <h2>Sources</h2><ul>{sources}</ul><p><small>{site} · {date} · {reports}</small></p>\
         <a class=\"share\" href=\"{share}\" rel=\"noopener\">WhatsApp</a></body></html>",
        title = esc(&title),
        summary = esc(&summary),
        url = esc(&r.url),
        site = esc(&c.name),
        ld = script_json(&ld),
        verdict = esc(r.verdict.label()),
        claim = esc(&r.claim),
        explanation = esc(&r.explanation),
        date = esc(&date),
        reports = r.reports,
        share = esc(&share),
    );
    let mut resp = Response::from_html(body)?;
    resp.headers_mut()
        .set("Cache-Control", "public, max-age=60")?;
    Ok(resp)
}

// ---- Staff ----
