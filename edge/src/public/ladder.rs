//! The next step after every action: the ask of the rung above the person's (their rung read
//! back in the action's own batch), resolved to what the tap opens: another Rally widget in
//! place (a pledge, a petition, a team to join or start, the fact-check form), the share step,
//! or a link; with the page that does the same without JavaScript.

use rally_api::ladder::{next_step, Ask, NextStep, Resolved};
use rally_api::{Lang, Translation};

use crate::db::ladder::{AskRow, Live, Standing};

/// Where the person stands and what the ladder's asks name.
pub struct Seen<'a> {
    pub live: &'a Live,
    pub standing: &'a Standing,
    pub asks: &'a [AskRow],
}

/// The next step for the person `seen` describes, in `lang`; `origin` and `campaign` make the
/// own pages' addresses. `None` when the ask names something no longer published.
pub fn step(seen: &Seen<'_>, lang: Lang, origin: &str, campaign: &str) -> Option<NextStep> {
    let l = &seen.live.ladder;
    let on = l.position(&seen.standing.rung);
    let target = l.next(on)?;
    let found = |kind: &str, slug: &str| {
        seen.asks
            .iter()
            .find(|a| a.kind == kind && (slug.is_empty() || a.slug == slug))
    };
    let title_in = |a: &AskRow| -> String {
        a.translations
            .as_deref()
            .and_then(|t| {
                serde_json::from_str::<std::collections::BTreeMap<String, Translation>>(t).ok()
            })
            .and_then(|m| m.get(lang.tag()).map(|t| t.title.clone()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| a.title.clone())
    };
    let (title, item, href, ask) = match &target.ask {
        Ask::Sign { petition } => {
            let a = found("petition", petition)?;
            let href = format!("{origin}/p/{campaign}/{}", a.slug);
            (title_in(a), a.slug.clone(), href, None)
        }
        Ask::Pledge { pledge } => {
            let a = found("pledge", pledge)?;
            let href = format!("{origin}/pledge/{campaign}/{}", a.slug);
            (title_in(a), a.slug.clone(), href, None)
        }
        // Someone already in a team grows it instead of starting or joining another.
        Ask::JoinTeam | Ask::StartTeam if seen.standing.team_id.is_some() => (
            String::new(),
            String::new(),
            String::new(),
            Some(Ask::Invite),
        ),
        // No team has room: the same rung asks to start one instead.
        Ask::JoinTeam => match found("team", "") {
            Some(t) => (t.title.clone(), t.slug.clone(), String::new(), None),
            None => (
                String::new(),
                String::new(),
                String::new(),
                Some(Ask::StartTeam),
            ),
        },
        Ask::Link { title, url } => (title.clone(), String::new(), url.clone(), None),
        _ => (String::new(), String::new(), String::new(), None),
    };
    let resolved = Resolved {
        title: &title,
        item: &item,
        href: &href,
    };
    let measures = seen.standing.measures();
    match ask {
        Some(instead) => {
            let mut l = l.clone();
            if let Some(i) = l.position(&target.slug) {
                l.rungs[i].ask = instead;
            }
            next_step(&l, on, &measures, lang, resolved)
        }
        None => next_step(l, on, &measures, lang, resolved),
    }
}
