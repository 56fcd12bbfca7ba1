//! Cloudflare Turnstile (owners), inside the Integrations tab: on or off for every public write,
//! the site key and the secret (stored sealed; shown back only as its last four characters).

use gloo_net::http::Method;
use rally_api::integrations::{Turnstile, TurnstileDraft};
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::{net, BaseProps};

#[component]
pub fn TurnstilePanel(props: &BaseProps) -> Html {
    let w = crate::words::use_words().integrations;
    let data = use_fetch::<Turnstile>(format!("{}/turnstile", props.base));
    let form = use_node_ref();
    let submit = use_submit();
    let message = use_state(|| None::<String>);
    let onsubmit = {
        let (path, form, submit, message, reload) = (
            format!("{}/turnstile", props.base),
            form.clone(),
            submit.clone(),
            message.clone(),
            data.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = form.cast::<web_sys::HtmlFormElement>() else {
                return;
            };
            let input = |name: &str| crate::form_input(&f, name);
            let value = |name: &str| input(name).map(|i| i.value()).unwrap_or_default();
            let body = TurnstileDraft {
                enabled: input("enabled").is_some_and(|i| i.checked()),
                site_key: value("site_key"),
                secret: value("secret"),
            };
            let (path, message, reload) = (path.clone(), message.clone(), reload.clone());
            submit.run(
                async move { net::send::<Turnstile>(Method::PUT, &path, Some(&body)).await },
                move |answer| {
                    if answer.is_ok() {
                        // The secret is stored sealed; it does not stay on screen either.
                        if let Some(s) = crate::form_input(&f, "secret") {
                            s.set_value("");
                        }
                        message.set(Some(w.ts_saved.into()));
                        reload.emit(());
                    }
                },
            );
        })
    };
    let current = data.data().cloned().unwrap_or_default();
    // Fields take the stored values when those arrive or change, and only then (a refused save
    // keeps what was typed).
    {
        let form = form.clone();
        use_effect_with(data.data().cloned(), move |stored| {
            if let (Some(c), Some(f)) = (stored, form.cast::<web_sys::HtmlFormElement>()) {
                if let Some(i) = crate::form_input(&f, "site_key") {
                    i.set_value(&c.site_key);
                }
                if let Some(i) = crate::form_input(&f, "enabled") {
                    i.set_checked(c.enabled);
                }
            }
        });
    }
    let site_error = submit.error("site_key");
    let secret_error = submit.error("secret");
    let general = submit.general(&["site_key", "secret"]);
    html! {
        <section class="turnstile" aria-labelledby="ts-h">
            <h3 id="ts-h">{ w.ts_title }</h3>
            <p>{ w.ts_intro }</p>
            if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            if data.data().is_some() {
                <form class="ts" ref={form} {onsubmit} novalidate=true>
                    <label for="ts-site">{ w.ts_site }</label>
                    <input id="ts-site" name="site_key" autocomplete="off"
                        aria-invalid={site_error.is_some().to_string()}
                        aria-describedby={site_error.as_ref().map(|_| "ts-site-error")} />
                    if let Some(e) = site_error { <p class="err" id="ts-site-error">{ e }</p> }
                    <label for="ts-secret">{ w.ts_secret }</label>
                    <input id="ts-secret" name="secret" type="password" autocomplete="off"
                        placeholder={ if current.configured { format!("{}{}{}", w.stored[0], current.secret_hint, w.stored[1]) } else { String::new() } }
                        aria-invalid={secret_error.is_some().to_string()}
                        aria-describedby={secret_error.as_ref().map(|_| "ts-secret-error")} />
                    if let Some(e) = secret_error { <p class="err" id="ts-secret-error">{ e }</p> }
                    <div>
                        <input id="ts-enabled" name="enabled" type="checkbox" />
                        <label for="ts-enabled">{ w.ts_on }</label>
                    </div>
                    { for general.iter().map(|m| html! { <p class="err" role="alert">{ m }</p> }) }
                    <button type="submit" disabled={submit.busy()}>{ w.ts_save }</button>
                </form>
            }
        </section>
    }
}
