//! The overview: totals, charts (SVG), conversion, top sources, recruiters and teams.

use rally_api::staff::{Overview as Numbers, Tops};
use rally_api::Lang;
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::words::{number, words, Words};
use crate::BaseProps;

/// A bar chart of `values` as SVG, with a text alternative.
fn bars(title: &str, labels: &[String], values: &[u64], lang: Lang) -> Html {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (640.0, 160.0);
    let step = w / values.len().max(1) as f64;
    let total = number(values.iter().sum::<u64>() as f64, lang);
    let in_all = words(lang).in_all;
    html! {
        <figure class="chart">
            <figcaption>{ format!("{title}: {total} {in_all}") }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("{title}, {total} {in_all}")}>
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
    let lang = use_context::<Lang>().unwrap_or_default();
    data.view(move |v| numbers(v, lang))
}

fn numbers(v: &Numbers, lang: Lang) -> Html {
    let w = words(lang);
    let n = |x: u64| number(x as f64, lang);
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
            <h2 id="overview-h">{ w.overview }</h2>
            <table class="totals">
                <thead><tr><th scope="col">{ w.action }</th><th scope="col">{ w.today }</th><th scope="col">{ w.this_week }</th><th scope="col">{ w.all_time }</th></tr></thead>
                <tbody>
                    { for v.kinds.iter().zip(v.totals.iter()).map(|(k, t)| html! {
                        <tr data-kind={k.clone()}>
                            <th scope="row">{ w.kinds.iter().find(|(id, _)| id == k).map_or(k.as_str(), |(_, name)| name) }</th>
                            <td class="today">{ n(t.today) }</td>
                            <td class="week">{ n(t.week) }</td>
                            <td class="all">{ n(t.all) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if v.unconfirmed.signatures + v.unconfirmed.commitments > 0 {
                <p class="note unconfirmed">{ format!("{}{}{}{}{}",
                    w.unconfirmed[0], n(v.unconfirmed.signatures), w.unconfirmed[1],
                    n(v.unconfirmed.commitments), w.unconfirmed[2]) }</p>
            }
            <p class="note tz">{ format!("{}{} (UTC{:+}){}.", w.timezone[0], v.timezone, v.utc_offset_hours, w.timezone[1]) }</p>
            { bars(w.per_day, &day_labels, &days, lang) }
            { bars(w.per_hour, &hour_labels, &hours, lang) }
            { funnels(v, lang) }
            <div class="tops">
                { tops(w.top_sites, "sites", &v.sites, w) }
                { tops(w.top_sources, "sources", &v.sources, w) }
            </div>
            { leaders(v, lang) }
        </section>
    }
}

/// Views of each widget beside the actions they led to.
fn funnels(v: &Numbers, lang: Lang) -> Html {
    let w = words(lang);
    let n = |x: u64| number(x as f64, lang);
    let rate = |a, v| crate::words::rate(a, v, lang);
    html! {
        <>
        <h3 id="conversion-h">{ w.conversion }</h3>
        <table class="funnels" aria-labelledby="conversion-h">
            <thead><tr>
                { for w.funnel_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
            </tr></thead>
            <tbody>
                { for v.funnels.iter().map(|f| {
                    let (views, acts) = (f.views, f.actions);
                    html! {
                        <tr data-widget={f.widget.clone()}>
                            <th scope="row">{ f.widget.clone() }</th>
                            <td class="views-week">{ n(views.week) }</td>
                            <td class="actions-week">{ n(acts.week) }</td>
                            <td class="rate-week">{ rate(acts.week, views.week) }</td>
                            <td class="views-all">{ n(views.all) }</td>
                            <td class="rate-all">{ rate(acts.all, views.all) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        <p class="note">{ w.views_note }</p>
        </>
    }
}

/// Top host sites or sources, this week and all time.
fn tops(title: &str, class: &str, t: &Tops, w: &Words) -> Html {
    let list = |rows: &[rally_api::staff::Top]| -> Html {
        if rows.is_empty() {
            return html! { <p class="note">{ w.none_yet }</p> };
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
            <h4>{ w.last_7_days }</h4>
            <div class="week">{ list(&t.week) }</div>
            <h4>{ w.all_time }</h4>
            <div class="all">{ list(&t.all) }</div>
        </div>
    }
}

/// Top recruiters and teams, all time.
fn leaders(v: &Numbers, lang: Lang) -> Html {
    let w = words(lang);
    let n = |x: u64| number(x as f64, lang);
    let (recruiters, teams) = (&v.recruiters, &v.teams);
    html! {
        <div class="tops">
            <div class="top recruiters">
                <h3>{ w.top_recruiters }</h3>
                if recruiters.is_empty() { <p class="note">{ w.no_recruiters }</p> }
                <ol>
                    { for recruiters.iter().map(|r| html! {
                        <li data-id={r.id.to_string()}>{ format!("{} {} · {} {} · {} {}", r.first_name, r.last_name, n(r.recruits.into()), w.recruited, n(r.points.into()), w.points) }</li>
                    }) }
                </ol>
            </div>
            <div class="top teams">
                <h3>{ w.top_teams }</h3>
                if teams.is_empty() { <p class="note">{ w.no_teams }</p> }
                <ol>
                    { for teams.iter().map(|t| html! {
                        <li>{ format!("{} · {} {} · {} {}", t.name, n(t.size.into()), w.members, n(t.points.into()), w.points) }</li>
                    }) }
                </ol>
            </div>
        </div>
    }
}
