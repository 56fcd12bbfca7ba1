//! The overview: totals, charts (SVG), conversion, top sources, recruiters and teams.

use rally_api::staff::{Overview as Numbers, Tops};
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::BaseProps;

/// A bar chart of `values` as SVG, with a text alternative.
fn bars(title: &str, labels: &[String], values: &[u64]) -> Html {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (640.0, 160.0);
    let step = w / values.len().max(1) as f64;
    let total: u64 = values.iter().sum();
    html! {
        <figure class="chart">
            <figcaption>{ format!("{title}: {total} in all") }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("{title}, {total} in all")}>
                { for values.iter().enumerate().map(|(i, v)| {
                    let bh = (*v as f64 / max as f64) * (h - 10.0);
                    html! {
                        <rect x={format!("{:.1}", i as f64 * step + 1.0)} y={format!("{:.1}", h - bh)}
                            width={format!("{:.1}", (step - 2.0).max(1.0))} height={format!("{bh:.1}")}>
                            <title>{ format!("{}: {v}", labels.get(i).cloned().unwrap_or_default()) }</title>
                        </rect>
                    }
                }) }
            </svg>
        </figure>
    }
}

#[component]
pub fn Overview(props: &BaseProps) -> Html {
    let data = use_fetch::<Numbers>(format!("{}/overview", props.base));
    data.view(numbers)
}

fn numbers(v: &Numbers) -> Html {
    let sign = v.kinds.iter().position(|k| k == "sign").unwrap_or(0);
    let series = |points: &[rally_api::staff::Point]| -> (Vec<String>, Vec<u64>) {
        points
            .iter()
            .map(|p| (p.label.clone(), p.counts.get(sign).copied().unwrap_or(0)))
            .unzip()
    };
    let (day_labels, days) = series(&v.daily);
    let (hour_labels, hours) = series(&v.hourly);
    html! {
        <section aria-labelledby="overview-h">
            <h2 id="overview-h">{ "Overview" }</h2>
            <table class="totals">
                <thead><tr><th scope="col">{ "Action" }</th><th scope="col">{ "Today" }</th><th scope="col">{ "This week" }</th><th scope="col">{ "All time" }</th></tr></thead>
                <tbody>
                    { for v.kinds.iter().zip(v.totals.iter()).map(|(k, t)| html! {
                        <tr data-kind={k.clone()}>
                            <th scope="row">{ k.clone() }</th>
                            <td class="today">{ t.today }</td>
                            <td class="week">{ t.week }</td>
                            <td class="all">{ t.all }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if v.unconfirmed.signatures + v.unconfirmed.commitments > 0 {
                <p class="note unconfirmed">{ format!(
                    "Of these, {} signatures and {} pledges are not yet confirmed by email (they count now; exports mark them).",
                    v.unconfirmed.signatures, v.unconfirmed.commitments) }</p>
            }
            <p class="note tz">{ format!("Days and weeks are in the campaign's time zone, {} (UTC{:+}).", v.timezone, v.utc_offset_hours) }</p>
            { bars("Signatures per day, last 35 days", &day_labels, &days) }
            { bars("Signatures per hour, last 48 hours", &hour_labels, &hours) }
            { funnels(v) }
            <div class="tops">
                { tops("Top host sites", "sites", &v.sites) }
                { tops("Top sources", "sources", &v.sources) }
            </div>
            { leaders(v) }
        </section>
    }
}

pub fn exports(base: &str) -> Html {
    let files = [
        ("signatures", "Signatures"),
        ("commitments", "Pledge commitments"),
        ("supporters", "Supporters"),
    ];
    html! {
        <section aria-labelledby="exports-h">
            <h2 id="exports-h">{ "Exports" }</h2>
            <p>{ "CSV files with consent columns. Cells that a spreadsheet would run as formulas are neutralised." }</p>
            <ul class="exports">
                { for files.iter().map(|(what, label)| html! {
                    <li><a class={format!("export-{what}")} href={format!("{base}/exports/{what}")} download="">{ *label }</a></li>
                }) }
                <li><a class="export-claims" href={format!("{base}/claims/export?format=csv")} download="">{ "Fact-check claims" }</a></li>
            </ul>
        </section>
    }
}

/// A percentage with one decimal, or a dash when nothing was viewed.
fn rate(actions: u64, views: u64) -> String {
    if views == 0 {
        "–".to_owned()
    } else {
        format!("{:.1}%", actions as f64 * 100.0 / views as f64)
    }
}

/// Views of each widget beside the actions they led to.
fn funnels(v: &Numbers) -> Html {
    html! {
        <>
        <h3 id="conversion-h">{ "Conversion from view to action" }</h3>
        <table class="funnels" aria-labelledby="conversion-h">
            <thead><tr>
                <th scope="col">{ "Widget" }</th>
                <th scope="col">{ "Views this week" }</th><th scope="col">{ "Actions this week" }</th><th scope="col">{ "Rate this week" }</th>
                <th scope="col">{ "Views, all time" }</th><th scope="col">{ "Rate, all time" }</th>
            </tr></thead>
            <tbody>
                { for v.funnels.iter().map(|f| {
                    let (views, acts) = (f.views, f.actions);
                    html! {
                        <tr data-widget={f.widget.clone()}>
                            <th scope="row">{ f.widget.clone() }</th>
                            <td class="views-week">{ views.week }</td>
                            <td class="actions-week">{ acts.week }</td>
                            <td class="rate-week">{ rate(acts.week, views.week) }</td>
                            <td class="views-all">{ views.all }</td>
                            <td class="rate-all">{ rate(acts.all, views.all) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        <p class="note">{ "A view is a widget shown on a page. Views are counted from this version on, and slightly under: an edge instance that stops loses up to two seconds of them." }</p>
        </>
    }
}

/// Top host sites or sources, this week and all time.
fn tops(title: &str, class: &str, t: &Tops) -> Html {
    let list = |rows: &[rally_api::staff::Top]| -> Html {
        if rows.is_empty() {
            return html! { <p class="note">{ "None yet." }</p> };
        }
        html! {
            <ol>
                { for rows.iter().map(|r| html! { <li><span class="value">{ r.value.clone() }</span>{ format!(" · {}", r.n) }</li> }) }
            </ol>
        }
    };
    html! {
        <div class={classes!("top", class.to_owned())}>
            <h3>{ title }</h3>
            <h4>{ "Last 7 days" }</h4>
            <div class="week">{ list(&t.week) }</div>
            <h4>{ "All time" }</h4>
            <div class="all">{ list(&t.all) }</div>
        </div>
    }
}

/// Top recruiters and teams, all time.
fn leaders(v: &Numbers) -> Html {
    let (recruiters, teams) = (&v.recruiters, &v.teams);
    html! {
        <div class="tops">
            <div class="top recruiters">
                <h3>{ "Top recruiters" }</h3>
                if recruiters.is_empty() { <p class="note">{ "Nobody has recruited yet." }</p> }
                <ol>
                    { for recruiters.iter().map(|r| html! {
                        <li data-id={r.id.to_string()}>{ format!("{} {} · {} recruited · {} points", r.first_name, r.last_name, r.recruits, r.points) }</li>
                    }) }
                </ol>
            </div>
            <div class="top teams">
                <h3>{ "Top teams" }</h3>
                if teams.is_empty() { <p class="note">{ "No teams yet." }</p> }
                <ol>
                    { for teams.iter().map(|t| html! {
                        <li>{ format!("{} · {} members · {} points", t.name, t.size, t.points) }</li>
                    }) }
                </ol>
            </div>
        </div>
    }
}
