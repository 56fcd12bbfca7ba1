//! Campaign actions and the mobiliser hub: what staff publish for a date range (a self-reported
//! "Done", or a Rally item: sign, pledge, share a rebuttal, invite friends), its validation
//! with refusals by field, and the staff's list with how many did each.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::builder::{Check, BODY_MAX, TITLE_MAX};
use crate::{ErrorCode, FieldError, Lang};

/// Points an action may be worth.
pub const POINTS_MAX: u32 = 1000;
/// A link's length limit.
pub const LINK_MAX: usize = 500;
/// How long a person may undo a self-reported Done (a day).
pub const UNDO_MS: f64 = 86_400_000.0;

/// How an action is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// "I called my representative": a Done button, once per person.
    #[default]
    #[serde(rename = "self")]
    SelfReported,
    /// Sign the petition `item`.
    Sign,
    /// Commit to the pledge `item`.
    Pledge,
    /// Share the published rebuttal (claim) `item` from the hub.
    Share,
    /// Invite friends: done when someone the person recruited is credited.
    Invite,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::SelfReported => "self",
            How::Sign => "sign",
            How::Pledge => "pledge",
            How::Share => "share",
            How::Invite => "invite",
        }
    }

    pub fn parse(s: &str) -> Option<How> {
        [
            How::SelfReported,
            How::Sign,
            How::Pledge,
            How::Share,
            How::Invite,
        ]
        .into_iter()
        .find(|h| h.as_str() == s)
    }

    /// Whether the action names an item (`item`).
    pub fn needs_item(self) -> bool {
        matches!(self, How::Sign | How::Pledge | How::Share)
    }

    /// Whether the hub awards the action's own points (the others earn what acting earns).
    pub fn own_points(self) -> bool {
        matches!(self, How::SelfReported | How::Share)
    }
}

/// An action's words in another language.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionWords {
    pub title: String,
    pub text: String,
}

/// `POST /api/v1/campaigns/{campaign}/staff/actions` and `PUT .../staff/actions/{id}`.
/// Fields default to empty so a missing one is reported as `required`, naming it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionDraft {
    pub title: String,
    pub text: String,
    /// An optional `http(s)` link ("read the script").
    pub link: String,
    pub points: Option<u64>,
    pub how: How,
    /// The petition's or pledge's slug (`sign`, `pledge`), the rebuttal's claim id (`share`).
    pub item: String,
    /// The first and last day it runs, `YYYY-MM-DD` in the campaign's zone (a week: Monday
    /// to Sunday).
    pub starts_on: String,
    pub ends_on: String,
    pub pinned: bool,
    /// Title and text in the campaign's other languages (`pt-BR`, `es`, `en`).
    pub translations: BTreeMap<String, ActionWords>,
}

/// A draft that passed [`ActionDraft::validate`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidAction {
    pub title: String,
    pub text: String,
    pub link: String,
    pub points: u32,
    pub how: How,
    pub item: String,
    pub starts_on: String,
    pub ends_on: String,
    pub pinned: bool,
    pub translations: BTreeMap<String, ActionWords>,
}

fn date(c: &mut Check, field: &'static str, raw: &str) -> Option<i64> {
    let v = raw.trim();
    if v.is_empty() {
        c.fail(field, ErrorCode::Required);
        return None;
    }
    match crate::week::parse_date(v) {
        Some((y, m, d)) if v.len() == 10 => Some(crate::week::days_from_civil(y, m, d)),
        _ => {
            c.fail(field, ErrorCode::InvalidValue);
            None
        }
    }
}

/// The field of a translation's title or text, as a path (`translations.pt-BR.title`).
fn translation_field(lang: Lang, title: bool) -> &'static str {
    match (lang, title) {
        (Lang::En, true) => "translations.en.title",
        (Lang::En, false) => "translations.en.text",
        (Lang::PtBr, true) => "translations.pt-BR.title",
        (Lang::PtBr, false) => "translations.pt-BR.text",
        (Lang::Es, true) => "translations.es.title",
        (Lang::Es, false) => "translations.es.text",
    }
}

impl ActionDraft {
    /// Checks every field; on failure lists every problem, in form order.
    pub fn validate(&self) -> Result<ValidAction, Vec<FieldError>> {
        let mut c = Check(Vec::new());
        let title = c.text("title", &self.title, TITLE_MAX, true);
        let text = c.text("text", &self.text, BODY_MAX, false);
        let link = c.text("link", &self.link, LINK_MAX, false);
        if !link.is_empty() && !is_web_link(&link) {
            c.fail("link", ErrorCode::InvalidValue);
        }
        let points = match self.points {
            None if self.how.own_points() => {
                c.fail("points", ErrorCode::Required);
                0
            }
            None => 0,
            Some(p) if p > POINTS_MAX as u64 => {
                c.fail("points", ErrorCode::InvalidValue);
                0
            }
            Some(0) if self.how.own_points() => {
                c.fail("points", ErrorCode::InvalidValue);
                0
            }
            Some(p) => p as u32,
        };
        let item = self.item.trim().to_owned();
        if self.how.needs_item() && item.is_empty() {
            c.fail("item", ErrorCode::Required);
        } else if !self.how.needs_item() && !item.is_empty() {
            c.fail("item", ErrorCode::InvalidValue);
        }
        let start = date(&mut c, "starts_on", &self.starts_on);
        let end = date(&mut c, "ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                c.fail("ends_on", ErrorCode::InvalidValue);
            }
        }
        let mut translations = BTreeMap::new();
        for (tag, w) in &self.translations {
            let Some(lang) = Lang::from_tag(tag) else {
                c.fail("translations", ErrorCode::InvalidValue);
                continue;
            };
            let t = c.text(translation_field(lang, true), &w.title, TITLE_MAX, false);
            let x = c.text(translation_field(lang, false), &w.text, BODY_MAX, false);
            if t.is_empty() && !x.is_empty() {
                c.fail(translation_field(lang, true), ErrorCode::Required);
            }
            if !t.is_empty() {
                translations.insert(lang.tag().to_owned(), ActionWords { title: t, text: x });
            }
        }
        c.done(ValidAction {
            title,
            text,
            link,
            points,
            how: self.how,
            item,
            starts_on: self.starts_on.trim().to_owned(),
            ends_on: self.ends_on.trim().to_owned(),
            pinned: self.pinned,
            translations,
        })
    }
}

/// Whether `s` is an absolute `http://` or `https://` link with a host.
pub fn is_web_link(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c == '"' || c == '<')
    })
}

/// One action as staff see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionView {
    pub id: u32,
    pub title: String,
    pub text: String,
    pub link: String,
    pub points: u32,
    pub how: How,
    pub item: String,
    pub starts_on: String,
    pub ends_on: String,
    pub pinned: bool,
    pub translations: BTreeMap<String, ActionWords>,
    /// How many people did it.
    pub done: u32,
    /// Whether it runs today (in the campaign's zone).
    pub running: bool,
}

/// `GET /api/v1/campaigns/{campaign}/staff/actions`: pinned first, then the newest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Actions {
    pub actions: Vec<ActionView>,
    /// Today in the campaign's zone, and the Monday and Sunday of its week (the editor's
    /// "this week").
    pub today: String,
    pub week_starts: String,
    pub week_ends: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ActionDraft {
        ActionDraft {
            title: "Call your representative".into(),
            text: "Ask them to vote yes.".into(),
            link: "https://example.org/script".into(),
            points: Some(15),
            how: How::SelfReported,
            starts_on: "2026-11-30".into(),
            ends_on: "2026-12-06".into(),
            ..ActionDraft::default()
        }
    }

    fn fields(d: ActionDraft) -> Vec<(&'static str, ErrorCode)> {
        d.validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_action_passes_and_is_trimmed() {
        let mut d = good();
        d.title = "  Call  ".into();
        d.translations.insert(
            "pt-BR".into(),
            ActionWords {
                title: "Ligue".into(),
                text: String::new(),
            },
        );
        let v = d.validate().expect("valid");
        assert_eq!(v.title, "Call");
        assert_eq!(v.points, 15);
        assert_eq!(v.translations["pt-BR"].title, "Ligue");
    }

    #[test]
    fn every_bad_field_is_named() {
        use ErrorCode::*;
        type Case = (fn(&mut ActionDraft), Vec<(&'static str, ErrorCode)>);
        let cases: Vec<Case> = vec![
            (|d| d.title = " ".into(), vec![("title", Required)]),
            (
                |d| d.link = "javascript:alert(1)".into(),
                vec![("link", InvalidValue)],
            ),
            (
                |d| d.link = "ftp://x.org".into(),
                vec![("link", InvalidValue)],
            ),
            (|d| d.link = "https://".into(), vec![("link", InvalidValue)]),
            (|d| d.points = Some(1001), vec![("points", InvalidValue)]),
            (|d| d.points = Some(0), vec![("points", InvalidValue)]),
            (|d| d.points = None, vec![("points", Required)]),
            (
                |d| d.ends_on = "2026-11-29".into(),
                vec![("ends_on", InvalidValue)],
            ),
            (
                |d| d.starts_on = "30/11/2026".into(),
                vec![("starts_on", InvalidValue)],
            ),
            (|d| d.ends_on = String::new(), vec![("ends_on", Required)]),
            (|d| d.item = "x".into(), vec![("item", InvalidValue)]),
            (
                |d| {
                    d.how = How::Sign;
                    d.points = None;
                },
                vec![("item", Required)],
            ),
            (
                |d| {
                    d.translations.insert(
                        "es".into(),
                        ActionWords {
                            title: String::new(),
                            text: "Llama".into(),
                        },
                    );
                },
                vec![("translations.es.title", Required)],
            ),
            (
                |d| {
                    d.translations.insert("fr".into(), ActionWords::default());
                },
                vec![("translations", InvalidValue)],
            ),
        ];
        for (edit, want) in cases {
            let mut d = good();
            edit(&mut d);
            assert_eq!(fields(d.clone()), want, "{d:?}");
        }
    }

    #[test]
    fn hows_round_trip_through_their_names() {
        for h in [
            How::SelfReported,
            How::Sign,
            How::Pledge,
            How::Share,
            How::Invite,
        ] {
            assert_eq!(How::parse(h.as_str()), Some(h));
            let json = serde_json::to_string(&h).unwrap();
            assert_eq!(json, format!("\"{}\"", h.as_str()));
        }
        assert_eq!(How::parse("other"), None);
    }
}
