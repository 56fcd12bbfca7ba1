//! The share step's links (`rally_api::share`), with the browser's URI-component encoder.

pub use rally_api::share::personal_link;

/// `(channel, label, href)` for each share target, WhatsApp first.
#[cfg(any(feature = "petition", feature = "pledge"))]
pub fn targets(
    page_url: &str,
    ref_code: &str,
    title: &str,
    text: &str,
    email_label: &'static str,
) -> Vec<(&'static str, &'static str, String)> {
    rally_api::share::targets(page_url, ref_code, title, text, email_label, |s| {
        String::from(js_sys::encode_uri_component(s))
    })
}
