//! A widget's configuration: what the loader read from the embed and from the host page
//! (language, `?ref=`, `?team=`, `?source=` and `utm_*`). The loader reads the page because
//! JavaScript does it in a few bytes where the same through web-sys costs the bundle about 1 KB.

use js_sys::{Promise, Reflect};
use rally_api::{Lang, Tracking};
use wasm_bindgen::{JsCast, JsValue};

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the edge is: the embed script's own directory, ending in `/`.
    pub api: String,
    pub campaign: String,
    /// The petition's or pledge's slug (empty for a leaderboard).
    pub item: String,
    /// A leaderboard's first board: `mobilisers`, `teams` or `regions`.
    pub board: String,
    pub lang: Lang,
    /// The referral code the visitor arrived with, if any.
    pub referral: Option<String>,
    /// A team invite code the page was opened with (`?team=CODE`).
    pub team_invite: Option<String>,
    pub tracking: Tracking,
    /// The host page, without its query: the base of the visitor's share link.
    pub page_url: String,
    /// The item's view the loader started fetching before the Wasm arrived.
    pub prefetch: Option<Promise>,
    /// The item's view, when the loader already holds it: the first render shows it (no
    /// placeholder frame over the form the loader drew).
    pub view: Option<JsValue>,
    /// The loader's `names(lang, codes)`: `[code, name]` pairs for country codes, named in
    /// `lang` and sorted by name.
    pub names: Option<js_sys::Function>,
    /// The share text staff chose in the builder; empty: the widget's own words.
    pub share: String,
}

/// A widget's configuration is read once, when it mounts, and never changes after: what names
/// the embed is enough to tell two apart (comparing every field would cost the bundle bytes for
/// nothing).
impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        self.campaign == other.campaign
            && self.item == other.item
            && self.board == other.board
            && self.lang == other.lang
    }
}

/// A string field of the loader's object; empty when missing.
fn get(obj: &JsValue, key: &str) -> String {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

impl Config {
    /// Reads the loader's object: the embed's `api`, `campaign`, `item`, `board`, `lang` and
    /// `prefetch`, and what the loader read off the host page (`page`, `page_lang`,
    /// `browser_lang`, and the query's `ref`, remembered for the visit, `team`, `source` and
    /// `utm_*`). A petition or pledge (`needs_item`) must name its slug.
    pub fn from_js(cfg: &JsValue, needs_item: bool) -> Result<Config, JsValue> {
        let campaign = get(cfg, "campaign");
        let item = get(cfg, "item");
        if !rally_api::validate::is_slug(&campaign)
            || (needs_item && !rally_api::validate::is_slug(&item))
        {
            return Err(JsValue::from_str(
                "rally: the embed needs data-campaign, and data-petition or data-pledge (lower-case letters, digits, '-')",
            ));
        }
        let param = |k: &str| Some(get(cfg, k)).filter(|v| !v.is_empty());
        let code = |k: &str| param(k).as_deref().and_then(rally_api::validate::ref_code);
        let page_url = get(cfg, "page");
        Ok(Config {
            api: get(cfg, "api"),
            lang: Lang::pick([
                get(cfg, "lang").as_str(),
                get(cfg, "page_lang").as_str(),
                get(cfg, "browser_lang").as_str(),
            ]),
            referral: code("ref"),
            team_invite: code("team"),
            tracking: Tracking {
                source: param("source"),
                utm_source: param("utm_source"),
                utm_medium: param("utm_medium"),
                utm_campaign: param("utm_campaign"),
                utm_term: param("utm_term"),
                utm_content: param("utm_content"),
                page_url: param("page"),
            },
            page_url,
            campaign,
            item,
            board: get(cfg, "board"),
            share: get(cfg, "share"),
            prefetch: Reflect::get(cfg, &JsValue::from_str("prefetch"))
                .ok()
                .and_then(|p| p.dyn_into::<Promise>().ok()),
            view: Reflect::get(cfg, &JsValue::from_str("view"))
                .ok()
                .filter(|v| v.is_object()),
            names: Reflect::get(cfg, &JsValue::from_str("names"))
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok()),
        })
    }

    /// A configuration for tests and previews, with nothing read from the page.
    pub fn new(api: &str, campaign: &str, item: &str, lang: Lang) -> Config {
        Config {
            api: api.to_owned(),
            campaign: campaign.to_owned(),
            item: item.to_owned(),
            board: String::new(),
            lang,
            referral: None,
            team_invite: None,
            tracking: Tracking::default(),
            page_url: "https://example.org/".to_owned(),
            prefetch: None,
            view: None,
            names: None,
            share: String::new(),
        }
    }

    /// `(code, name)` for `codes`, named in the visitor's language and sorted by name (see
    /// [`Config::names`]); the codes themselves where the browser cannot name them.
    pub fn names<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
        let list: js_sys::Array = codes.into_iter().map(JsValue::from_str).collect();
        let named = self
            .names
            .as_ref()
            .and_then(|f| f.call2(&JsValue::NULL, &self.lang.tag().into(), &list).ok())
            .map_or(list, |v| js_sys::Array::from(&v));
        named
            .iter()
            .map(|pair| {
                let at = |i| Reflect::get_u32(&pair, i).ok().and_then(|v| v.as_string());
                let code = pair.as_string().or_else(|| at(0)).unwrap_or_default();
                let name = at(1).unwrap_or_else(|| code.clone());
                (code, name)
            })
            .collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.api.trim_end_matches('/'), path)
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn token_key(campaign: &str) -> String {
    format!("rally:supporter:{campaign}")
}

/// Keeps the supporter token the edge issued, so the campaign's other widgets can recognise this
/// browser. Stored per campaign in the host page's `localStorage`; never the email. Widgets on
/// the page hear of it through a `rally:supporter` event.
pub fn remember_supporter(campaign: &str, token: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(&token_key(campaign), token);
    }
    announce();
}

/// The token this browser holds for `campaign`, if any.
pub fn supporter_token(campaign: &str) -> Option<String> {
    local_storage()?
        .get_item(&token_key(campaign))
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

/// Forgets the supporter on this device (the edge is told separately, so other copies of the
/// token stop working too).
pub fn forget_supporter(campaign: &str) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(&token_key(campaign));
    }
    announce();
}

/// The event widgets listen to when the remembered supporter changes.
pub const SUPPORTER_EVENT: &str = "rally:supporter";

/// Tells the page's widgets the supporter acted or changed (the leaderboard re-reads).
pub fn announce() {
    if let Some(w) = web_sys::window() {
        if let Ok(e) = web_sys::Event::new(SUPPORTER_EVENT) {
            let _ = w.dispatch_event(&e);
        }
    }
}
