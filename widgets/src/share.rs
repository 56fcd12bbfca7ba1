//! The share step: personal links and the share targets campaigns' supporters use.

/// The visitor's personal link: the host page, credited to them, tagged with the channel.
pub fn personal_link(page_url: &str, ref_code: &str, channel: &str) -> String {
    format!("{page_url}?ref={ref_code}&utm_source={channel}&utm_medium=share")
}

/// `(channel, label, href)` for each share target, WhatsApp first.
#[cfg(any(feature = "petition", feature = "pledge"))]
pub fn targets(
    page_url: &str,
    ref_code: &str,
    title: &str,
    text: &str,
    email_label: &'static str,
) -> Vec<(&'static str, &'static str, String)> {
    use js_sys::encode_uri_component as enc;
    let link = |c| personal_link(page_url, ref_code, c);
    let msg = |c| format!("{text} \"{title}\" {}", link(c));
    vec![
        (
            "whatsapp",
            "WhatsApp",
            format!("https://wa.me/?text={}", enc(&msg("whatsapp"))),
        ),
        (
            "telegram",
            "Telegram",
            format!(
                "https://t.me/share/url?url={}&text={}",
                enc(&link("telegram")),
                enc(&format!("{text} \"{title}\""))
            ),
        ),
        (
            "x",
            "X",
            format!(
                "https://x.com/intent/post?text={}&url={}",
                enc(&format!("{text} \"{title}\"")),
                enc(&link("x"))
            ),
        ),
        (
            "facebook",
            "Facebook",
            format!(
                "https://www.facebook.com/sharer/sharer.php?u={}",
                enc(&link("facebook"))
            ),
        ),
        (
            "email",
            email_label,
            format!("mailto:?subject={}&body={}", enc(title), enc(&msg("email"))),
        ),
    ]
}
