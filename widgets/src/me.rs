//! The remembered supporter: who this browser is for a campaign (`/me`, with the token the edge
//! gave at their first action), the greeting the acting widgets show them, and "forget me".

use rally_api::routes;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::config::{self, Config};
use crate::i18n::Text;
use crate::net::{self, NetError};
use crate::wire::{count, field, string};

/// Calls the edge as the remembered supporter (`Network` without a token: nothing is sent). A
/// 401 means the token was revoked, and this browser forgets it.
pub async fn call_as_me(
    cfg: &Config,
    method: &str,
    path: &str,
    body: Option<&JsValue>,
) -> Result<JsValue, NetError> {
    let token = config::supporter_token(&cfg.campaign).ok_or(NetError::Network)?;
    let result = net::call(method, &cfg.url(path), body, None, Some(&token)).await;
    if matches!(result, Err(NetError::Api { status: 401, .. })) {
        // Revoked elsewhere ("forget me" on another device): this copy is useless now.
        config::forget_supporter(&cfg.campaign);
    }
    result
}

/// Forgets the supporter: the edge revokes every copy of the token, then this browser drops it.
pub fn forget(cfg: &Config) {
    let cfg = cfg.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let path = routes::me_token(&cfg.campaign);
        let _ = call_as_me(&cfg, "DELETE", &path, None).await;
        config::forget_supporter(&cfg.campaign);
    });
}

/// What the acting widgets greet a remembered supporter with: the name boards show, and this
/// week's actions toward the weekly goal. Read from `/me` field by field, so the petition bundle
/// does not carry the leaderboard's readers.
#[derive(Clone, Debug, PartialEq)]
pub struct Greeting {
    pub name: String,
    pub actions: u32,
    pub goal: u32,
}

impl Greeting {
    /// The greeting for the remembered supporter, if there is one and the edge still knows them.
    pub async fn load(cfg: &Config) -> Option<Greeting> {
        config::supporter_token(&cfg.campaign)?;
        let v = call_as_me(cfg, "GET", &routes::me(&cfg.campaign), None)
            .await
            .ok()?;
        let week = field(&v, "week")?;
        Some(Greeting {
            name: string(&v, "name")?,
            actions: count(&week, "actions")?,
            goal: count(&week, "goal")?,
        })
    }

    pub fn view(&self, t: &Text, onforget: Callback<MouseEvent>) -> Html {
        html! {
            <div class="me" role="status">
                <p>
                    { t.welcome }<strong class="me-name">{ &self.name }</strong>
                    { format!(" · {} / {}{}", self.actions, self.goal, t.this_week) }
                </p>
                <button type="button" class="link forget" onclick={onforget}>{ t.forget }</button>
            </div>
        }
    }
}
