//! A widget's configuration: what the loader read from the embed, plus what the host page says
//! (language, `?ref=`, `?source=` and `utm_*`).

use js_sys::{Promise, Reflect};
use rally_api::{Lang, Tracking};
use wasm_bindgen::{JsCast, JsValue};

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the edge is: the embed script's own directory, ending in `/`.
    pub api: String,
    pub campaign: String,
    pub petition: String,
    pub lang: Lang,
    /// The referral code the visitor arrived with, if any.
    pub referral: Option<String>,
    pub tracking: Tracking,
    /// The host page, without its query: the base of the visitor's share link.
    pub page_url: String,
    /// The petition view the loader started fetching before the Wasm arrived.
    pub prefetch: Option<Promise>,
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        let same_prefetch = match (&self.prefetch, &other.prefetch) {
            (Some(a), Some(b)) => AsRef::<JsValue>::as_ref(a) == AsRef::<JsValue>::as_ref(b),
            (a, b) => a.is_none() && b.is_none(),
        };
        same_prefetch
            && self.api == other.api
            && self.campaign == other.campaign
            && self.petition == other.petition
            && self.lang == other.lang
            && self.referral == other.referral
            && self.tracking == other.tracking
            && self.page_url == other.page_url
    }
}

fn get(obj: &JsValue, key: &str) -> String {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

impl Config {
    /// Reads the loader's object: `{ api, campaign, petition, lang, prefetch }`.
    pub fn from_js(cfg: &JsValue) -> Result<Config, JsValue> {
        let api = get(cfg, "api");
        let campaign = get(cfg, "campaign");
        let petition = get(cfg, "petition");
        if api.is_empty()
            || !rally_api::validate::is_slug(&campaign)
            || !rally_api::validate::is_slug(&petition)
        {
            return Err(JsValue::from_str(
                "rally: the embed needs data-campaign and data-petition (lower-case letters, digits, '-')",
            ));
        }
        let prefetch = Reflect::get(cfg, &JsValue::from_str("prefetch"))
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok());
        let page = PageInfo::read();
        let attr_lang = get(cfg, "lang");
        Ok(Config {
            api,
            lang: Lang::pick([
                attr_lang.as_str(),
                page.lang.as_str(),
                page.browser_lang.as_str(),
            ]),
            referral: page.referral(&campaign),
            tracking: page.tracking(),
            page_url: page.url,
            campaign,
            petition,
            prefetch,
        })
    }

    /// A configuration for tests and previews, with nothing read from the page.
    pub fn new(api: &str, campaign: &str, petition: &str, lang: Lang) -> Config {
        Config {
            api: api.to_owned(),
            campaign: campaign.to_owned(),
            petition: petition.to_owned(),
            lang,
            referral: None,
            tracking: Tracking::default(),
            page_url: "https://example.org/".to_owned(),
            prefetch: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.api.trim_end_matches('/'), path)
    }
}

/// What the host page tells us about the visit.
struct PageInfo {
    url: String,
    lang: String,
    browser_lang: String,
    params: Option<web_sys::UrlSearchParams>,
}

impl PageInfo {
    fn read() -> PageInfo {
        let window = web_sys::window();
        let location = window.as_ref().map(|w| w.location());
        let lang = window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .unwrap_or_default();
        let browser_lang = window
            .as_ref()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        let search = location
            .as_ref()
            .and_then(|l| l.search().ok())
            .unwrap_or_default();
        let url = location
            .as_ref()
            .map(|l| {
                format!(
                    "{}{}",
                    l.origin().unwrap_or_default(),
                    l.pathname().unwrap_or_default()
                )
            })
            .unwrap_or_default();
        PageInfo {
            url,
            lang,
            browser_lang,
            params: web_sys::UrlSearchParams::new_with_str(&search).ok(),
        }
    }

    fn param(&self, key: &str) -> Option<String> {
        self.params.as_ref()?.get(key)
    }

    /// `?ref=` of this page, else the one remembered for this visit (so a visitor who clicks
    /// around the campaign's site before signing is still credited to their friend).
    fn referral(&self, campaign: &str) -> Option<String> {
        let key = format!("rally:ref:{campaign}");
        let store = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        match self
            .param("ref")
            .as_deref()
            .and_then(rally_api::validate::ref_code)
        {
            Some(code) => {
                if let Some(s) = &store {
                    let _ = s.set_item(&key, &code);
                }
                Some(code)
            }
            None => store.and_then(|s| s.get_item(&key).ok().flatten()),
        }
    }

    fn tracking(&self) -> Tracking {
        Tracking {
            source: self.param("source"),
            utm_source: self.param("utm_source"),
            utm_medium: self.param("utm_medium"),
            utm_campaign: self.param("utm_campaign"),
            utm_term: self.param("utm_term"),
            utm_content: self.param("utm_content"),
            page_url: Some(self.url.clone()).filter(|u| !u.is_empty()),
        }
    }
}

/// Keeps the supporter token the edge issued, so the campaign's other widgets can recognise this
/// browser. Stored per campaign in the host page's `localStorage`; never the email.
pub fn remember_supporter(campaign: &str, token: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(&format!("rally:supporter:{campaign}"), token);
    }
}
