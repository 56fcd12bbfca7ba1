//! The campaign's settings: name, time zone, weekly goal, team size and points per action.
//! Owners change them; everyone else reads them.

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::{call, field_errors, get, items, s, use_json};

/// `(field, label, hint)` of the numeric settings, in form order.
const NUMBERS: [(&str, &str, &str); 6] = [
    (
        "weekly_goal",
        "Weekly goal",
        "Actions a week each supporter aims for (1 to 100).",
    ),
    (
        "team_size",
        "Team size",
        "Most members a team may have, its leader included (2 to 50).",
    ),
    (
        "points_sign",
        "Points for signing",
        "0 to 1000; from now on (points already earned stay).",
    ),
    ("points_pledge", "Points for pledging", ""),
    (
        "points_report",
        "Points for reporting a rumour",
        "Once per rumour per supporter.",
    ),
    (
        "points_recruit",
        "Points for recruiting",
        "When someone who came through a supporter's link first acts.",
    ),
];

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub base: String,
    pub owner: bool,
}

#[component]
pub fn Settings(props: &SettingsProps) -> Html {
    let reload = use_state(|| 0u32);
    let data = use_json(format!("{}/campaign", props.base), *reload);
    let form = use_node_ref();
    let errors = use_state(Vec::<(String, String)>::new);
    let message = use_state(|| None::<String>);
    let Some(v) = &*data else {
        return html! { <p role="status">{ "Loading…" }</p> };
    };
    let onsubmit = {
        let (path, form, errors, message, reload) = (
            format!("{}/campaign", props.base),
            form.clone(),
            errors.clone(),
            message.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = form.cast::<web_sys::HtmlFormElement>() else {
                return;
            };
            let value = |name: &str| -> String {
                get(&get(&get(&f, "elements"), name), "value")
                    .as_string()
                    .unwrap_or_default()
            };
            let body = js_sys::Object::new();
            for key in ["name", "timezone"] {
                let _ = js_sys::Reflect::set(&body, &key.into(), &value(key).into());
            }
            for (key, _, _) in NUMBERS {
                let n = value(key)
                    .trim()
                    .parse::<f64>()
                    .map_or(JsValue::NULL, JsValue::from);
                let _ = js_sys::Reflect::set(&body, &key.into(), &n);
            }
            let (path, errors, message, reload) = (
                path.clone(),
                errors.clone(),
                message.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match call("PUT", &path, Some(&body.into())).await {
                    Ok((200, _)) => {
                        errors.set(Vec::new());
                        message.set(Some("Saved. New actions use these settings.".into()));
                        reload.set(*reload + 1);
                    }
                    Ok((_, v)) => {
                        message.set(Some("Not saved: see below.".into()));
                        errors.set(field_errors(&v));
                    }
                    Err(e) => message.set(Some(e)),
                }
            });
        })
    };
    let error = |f: &str| errors.iter().find(|(x, _)| x == f).map(|(_, m)| m.clone());
    let input = |name: &str, label: &str, hint: &str, value: String, kind: &str| {
        let id = format!("s-{name}");
        let err = error(name);
        let described = [
            err.as_ref().map(|_| format!("{id}-error")),
            (!hint.is_empty()).then(|| format!("{id}-hint")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <input id={id.clone()} name={name.to_owned()} type={kind.to_owned()} value={value}
                    list={(name == "timezone").then_some("zones")} disabled={!props.owner}
                    aria-invalid={err.is_some().to_string()}
                    aria-describedby={(!described.is_empty()).then_some(described)} />
                if !hint.is_empty() { <p class="hint" id={format!("{id}-hint")}>{ hint }</p> }
                if let Some(e) = err { <p class="err" id={format!("{id}-error")}>{ e }</p> }
            </div>
        }
    };
    // The browser's own list of time zones, offered as suggestions.
    let zones: Vec<String> = js_sys::Reflect::get(&js_sys::global(), &"Intl".into())
        .and_then(|i| js_sys::Reflect::get(&i, &"supportedValuesOf".into()))
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
        .and_then(|f| f.call1(&JsValue::NULL, &"timeZone".into()).ok())
        .map(|list| items(&list).iter().filter_map(JsValue::as_string).collect())
        .unwrap_or_default();
    let num = |k: &str| {
        get(v, k)
            .as_f64()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    html! {
        <section aria-labelledby="settings-h">
            <h2 id="settings-h">{ "Campaign settings" }</h2>
            if !props.owner { <p class="note">{ "Only owners change these." }</p> }
            <form class="settings" ref={form} {onsubmit} novalidate=true>
                { input("name", "Campaign name", "", s(v, "name"), "text") }
                { input("timezone", "Time zone", "Weeks start on its Mondays; the overview's days at its midnights.", s(v, "timezone"), "text") }
                <datalist id="zones">{ for zones.iter().map(|z| html! { <option value={z.clone()} /> }) }</datalist>
                { for NUMBERS.iter().map(|(k, label, hint)| input(k, label, hint, num(k), "number")) }
                { for errors.iter().filter(|(f, _)| f.is_empty()).map(|(_, m)| html! { <p class="err" role="alert">{ m.clone() }</p> }) }
                if props.owner { <button type="submit">{ "Save settings" }</button> }
                if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            </form>
        </section>
    }
}
