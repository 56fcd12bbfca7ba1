//! The campaign's settings: name, time zone, weekly goal, team size, points per action, and
//! who follow-up email comes from (and whether actions are confirmed by email). Owners change
//! them; everyone else reads them.

use gloo_net::http::Method;
use rally_api::staff::CampaignSettings;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit};
use crate::net;

/// Every field of the form, in form order (`[2..8]` are the numbers; `Words::settings_fields`
/// holds their words in the same order): a refusal about another is shown above the button.
const FIELDS: [&str; 12] = [
    "name",
    "timezone",
    "weekly_goal",
    "team_size",
    "points_sign",
    "points_pledge",
    "points_report",
    "points_recruit",
    "sender_name",
    "sender_email",
    "reply_to",
    "confirm",
];

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub base: String,
    pub owner: bool,
}

#[component]
pub fn Settings(props: &SettingsProps) -> Html {
    let data = use_fetch::<CampaignSettings>(format!("{}/campaign", props.base));
    let w = crate::words::use_words();
    let f = &w.settings_fields;
    let form = use_node_ref();
    let submit = use_submit();
    let message = use_state(|| None::<String>);
    // What the owner typed, kept while a save is refused (each render sets every box's value,
    // so without it a refusal would wipe what was typed); cleared when a save succeeds.
    let draft = use_state(|| None::<std::collections::HashMap<String, String>>);
    let Some(v) = data.data() else {
        return data.view(|_| Html::default());
    };
    let onsubmit = {
        let (path, form, submit, message, reload, draft) = (
            format!("{}/campaign", props.base),
            form.clone(),
            submit.clone(),
            message.clone(),
            data.reload.clone(),
            draft.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(f) = form.cast::<web_sys::HtmlFormElement>() else {
                return;
            };
            let elements =
                js_sys::Reflect::get(&f, &"elements".into()).unwrap_or(JsValue::UNDEFINED);
            let value = |name: &str| -> String {
                js_sys::Reflect::get(&elements, &name.into())
                    .and_then(|el| js_sys::Reflect::get(&el, &"value".into()))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            // An empty box is sent as null (the edge says it is required); anything that is not
            // a whole number as a number outside every range, so the edge's message says which
            // numbers it takes.
            let number = |name: &str| {
                let v = value(name);
                let v = v.trim();
                v.parse::<u64>()
                    .ok()
                    .or_else(|| (!v.is_empty()).then_some(u64::from(u32::MAX)))
            };
            let checked = |name: &str| {
                js_sys::Reflect::get(&elements, &name.into())
                    .and_then(|el| js_sys::Reflect::get(&el, &"checked".into()))
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false)
            };
            let body = CampaignSettings {
                sender_name: value("sender_name"),
                sender_email: value("sender_email"),
                reply_to: value("reply_to"),
                confirm: checked("confirm"),
                name: value("name"),
                timezone: value("timezone"),
                weekly_goal: number("weekly_goal"),
                team_size: number("team_size"),
                points_sign: number("points_sign"),
                points_pledge: number("points_pledge"),
                points_report: number("points_report"),
                points_recruit: number("points_recruit"),
            };
            draft.set(Some(
                FIELDS
                    .iter()
                    .map(|f| {
                        let v = if *f == "confirm" {
                            checked(f).to_string()
                        } else {
                            value(f)
                        };
                        ((*f).to_owned(), v)
                    })
                    .collect(),
            ));
            let (path, message, reload, draft) =
                (path.clone(), message.clone(), reload.clone(), draft.clone());
            submit.run(
                async move { net::send::<CampaignSettings>(Method::PUT, &path, Some(&body)).await },
                move |answer| match answer {
                    Ok(_) => {
                        draft.set(None);
                        message.set(Some(w.settings_saved.into()));
                        reload.emit(());
                    }
                    Err(f) if f.status == 0 => message.set(Some(f.message)),
                    Err(_) => message.set(Some(w.settings_not_saved.into())),
                },
            );
        })
    };
    let error = |f: &str| submit.error(f);
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
        .map(|list| {
            js_sys::Array::from(&list)
                .iter()
                .filter_map(|z| z.as_string())
                .collect()
        })
        .unwrap_or_default();
    // A box shows what was typed (while a save is refused), else what is stored.
    let shown = |name: &str, stored: String| {
        draft
            .as_ref()
            .and_then(|d| d.get(name).cloned())
            .unwrap_or(stored)
    };
    let num = |k: &str| {
        let n = match k {
            "weekly_goal" => v.weekly_goal,
            "team_size" => v.team_size,
            "points_sign" => v.points_sign,
            "points_pledge" => v.points_pledge,
            "points_report" => v.points_report,
            _ => v.points_recruit,
        };
        shown(k, n.map(|n| n.to_string()).unwrap_or_default())
    };
    html! {
        <section aria-labelledby="settings-h">
            <h2 id="settings-h">{ w.settings_title }</h2>
            if !props.owner { <p class="note">{ w.only_owners_settings }</p> }
            <form class="settings" ref={form} {onsubmit} novalidate=true>
                { input("name", f[0].0, f[0].1, shown("name", v.name.clone()), "text") }
                { input("timezone", f[1].0, f[1].1, shown("timezone", v.timezone.clone()), "text") }
                <datalist id="zones">{ for zones.iter().map(|z| html! { <option value={z.clone()} /> }) }</datalist>
                { for FIELDS[2..8].iter().zip(&f[2..8]).map(|(k, (label, hint))| input(k, label, hint, num(k), "number")) }
                <fieldset>
                    <legend>{ w.follow_up }</legend>
                    { input("sender_name", f[8].0, f[8].1, shown("sender_name", v.sender_name.clone()), "text") }
                    { input("sender_email", f[9].0, f[9].1, shown("sender_email", v.sender_email.clone()), "email") }
                    { input("reply_to", f[10].0, f[10].1, shown("reply_to", v.reply_to.clone()), "email") }
                    <div class="field">
                        <input id="s-confirm" name="confirm" type="checkbox" checked={shown("confirm", v.confirm.to_string()) == "true"}
                            disabled={!props.owner} aria-describedby="s-confirm-hint" />
                        <label for="s-confirm">{ f[11].0 }</label>
                        <p class="hint" id="s-confirm-hint">{ f[11].1 }</p>
                    </div>
                </fieldset>
                { for submit.general(&FIELDS).iter().map(|m| html! { <p class="err" role="alert">{ m.clone() }</p> }) }
                if props.owner { <button type="submit" disabled={submit.busy()}>{ w.save_settings }</button> }
                if let Some(m) = &*message { <p class="msg" role="status">{ m }</p> }
            </form>
        </section>
    }
}
