//! The widget builder: what staff send to create or edit a petition or a pledge, and the look
//! (languages, accent colour, share text) a widget takes from it.
//!
//! A draft is flat, so each problem names one JSON field; the public views carry the look as
//! `look` beside the item's own fields ([`Presented`]), which the widget's Wasm never parses:
//! the loader applies it (it picks the language, sets the colour, hands over the share text),
//! so the look costs the widget bundle nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError, Lang, PetitionStatus};

pub const SLUG_MAX: usize = 64;
pub const TITLE_MAX: usize = 120;
pub const TARGET_MAX: usize = 120;
pub const BODY_MAX: usize = 4000;
pub const PLACE_MAX: usize = 200;
pub const SHARE_TEXT_MAX: usize = 280;
pub const GOAL_MAX: u64 = 10_000_000;
/// The least contrast between the accent and white (WCAG 2 AA for text): buttons are white text
/// on the accent.
pub const MIN_CONTRAST: f64 = 4.5;

/// How a widget looks and speaks. Empty fields mean Rally's defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Look {
    /// The languages the widget may speak (`en`, `pt-BR`, `es`), the default first. A visitor
    /// whose page or browser speaks one of them gets it; others get the first. Empty: all three.
    pub langs: Vec<String>,
    /// The accent colour, `#rrggbb`; empty: Rally's green.
    pub accent: String,
    /// What shares say before the title and link; empty: the widget's words in the visitor's
    /// language.
    pub share_text: String,
}

impl Look {
    /// The language a visitor gets, as the loader decides it: the embed's own (`explicit`), else
    /// the first of the item's languages that the page or else the browser speaks, else the
    /// item's first; with no languages named, the page's, the browser's, English.
    pub fn lang(&self, explicit: &str, page: &str, browser: &str) -> crate::Lang {
        use crate::Lang;
        if let Some(l) = Lang::from_tag(explicit) {
            return l;
        }
        let offered: Vec<Lang> = self
            .langs
            .iter()
            .filter_map(|l| Lang::from_tag(l))
            .collect();
        if offered.is_empty() {
            return Lang::pick([page, browser]);
        }
        [page, browser]
            .into_iter()
            .filter_map(Lang::from_tag)
            .find(|l| offered.contains(l))
            .unwrap_or(offered[0])
    }
}

#[cfg(test)]
mod look_tests {
    use super::Look;
    use crate::Lang;

    #[test]
    fn a_visitor_gets_the_embeds_language_else_an_offered_one_the_page_or_browser_speaks() {
        let look = |langs: &[&str]| Look {
            langs: langs.iter().map(|l| l.to_string()).collect(),
            ..Look::default()
        };
        // (offered, explicit, page, browser, expected)
        let cases = [
            (&["pt-BR", "es"][..], "", "es", "en-US", Lang::Es),
            (&["pt-BR", "es"], "", "en", "es-MX", Lang::Es),
            (&["pt-BR", "es"], "", "en", "en-US", Lang::PtBr),
            (&["pt-BR", "es"], "en", "es", "es", Lang::En),
            (&[], "", "pt-BR", "en", Lang::PtBr),
            (&[], "", "", "fr", Lang::En),
        ];
        for (offered, explicit, page, browser, expected) in cases {
            assert_eq!(
                look(offered).lang(explicit, page, browser),
                expected,
                "{offered:?} {explicit} {page} {browser}"
            );
        }
    }
}

/// A public view with its look, as the edge serves petitions and pledges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Presented<T> {
    #[serde(flatten)]
    pub view: T,
    #[serde(default)]
    pub look: Look,
    /// The campaign's Cloudflare Turnstile site key when it asks for the anti-bot check on
    /// every public write; absent otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub turnstile: String,
    /// A petition's or pledge's words in its other languages (see
    /// [`PetitionDraft::translations`]); the loader and the edge's pages show the visitor's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, Translation>,
}

impl<T: Translated> Presented<T> {
    /// The view in `lang` when it has a translation there (title, text, target, share text).
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if let Some(t) = self.translations.get(lang.tag()) {
            self.view.translate(t);
            if !t.share_text.is_empty() {
                self.look.share_text = t.share_text.clone();
            }
        }
        self
    }
}

/// A view whose words a [`Translation`] can replace.
pub trait Translated {
    fn translate(&mut self, t: &Translation);
}

impl Translated for crate::PetitionView {
    fn translate(&mut self, t: &Translation) {
        self.title = t.title.clone();
        self.body = t.body.clone();
        self.target = t.target.clone();
    }
}

impl Translated for crate::PledgeView {
    fn translate(&mut self, t: &Translation) {
        self.statement = t.title.clone();
        self.body = t.body.clone();
    }
}

/// `POST /api/v1/campaigns/{campaign}/staff/petitions` and `PUT .../staff/petitions/{petition}`.
///
/// Fields default to empty so a missing one is reported as `required`, naming it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PetitionDraft {
    /// The petition's address in links and embeds; fixed once created.
    pub slug: String,
    pub title: String,
    pub body: String,
    /// Who the petition is addressed to.
    pub target: String,
    /// The first goal; the thermometer raises it as signatures pass it.
    pub goal: Option<u64>,
    /// `open` unless given.
    pub status: Option<PetitionStatus>,
    /// Whether the public may see it; a draft (`false`) is for staff only. `true` unless given.
    pub published: Option<bool>,
    pub langs: Vec<String>,
    pub accent: String,
    pub share_text: String,
    /// The petition in its other languages (each one of `langs` but the first): its title,
    /// text, target and share text there. A visitor gets their language when it is here.
    pub translations: BTreeMap<String, Translation>,
}

/// A petition's or pledge's words in one more language. For a pledge, `title` is its statement
/// and `target` stays empty (a pledge has no target; its place is a name, not translated).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Translation {
    pub title: String,
    pub body: String,
    pub target: String,
    pub share_text: String,
}

/// `POST /api/v1/campaigns/{campaign}/staff/pledges` and `PUT .../staff/pledges/{pledge}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PledgeDraft {
    pub slug: String,
    /// What supporters commit to: "I will vote on 6 October".
    pub statement: String,
    pub body: String,
    /// When, if the pledge is to act at a time (ms since the epoch).
    pub starts_at: Option<u64>,
    pub ends_at: Option<u64>,
    pub place: String,
    pub goal: Option<u64>,
    pub status: Option<PetitionStatus>,
    pub published: Option<bool>,
    pub langs: Vec<String>,
    pub accent: String,
    pub share_text: String,
    /// The pledge in its other languages, as a petition's are: the statement (as `title`),
    /// text and share text there.
    pub translations: BTreeMap<String, Translation>,
}

/// A [`PetitionDraft`] that passed validation, trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidPetition {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub target: String,
    pub goal: u32,
    pub status: PetitionStatus,
    pub published: bool,
    pub look: Look,
    pub translations: BTreeMap<String, Translation>,
}

/// A [`PledgeDraft`] that passed validation, trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidPledge {
    pub slug: String,
    pub statement: String,
    pub body: String,
    pub starts_at: Option<u64>,
    pub ends_at: Option<u64>,
    pub place: Option<String>,
    pub goal: u32,
    pub status: PetitionStatus,
    pub published: bool,
    pub look: Look,
    pub translations: BTreeMap<String, Translation>,
}

/// What an item's translation must hold: the petition's title, text and target; the pledge's
/// statement (as `title`) and, when its default has one, text.
#[derive(Clone, Copy)]
struct Needs {
    body: bool,
    target: bool,
}

/// Collects field problems in form order.
pub(crate) struct Check(pub(crate) Vec<FieldError>);

impl Check {
    pub(crate) fn fail(&mut self, field: &'static str, code: ErrorCode) {
        self.0.push(FieldError { field, code });
    }

    /// Trimmed text of at most `max` characters; `required` refuses blank.
    pub(crate) fn text(
        &mut self,
        field: &'static str,
        raw: &str,
        max: usize,
        required: bool,
    ) -> String {
        let v = raw.trim();
        if required && v.is_empty() {
            self.fail(field, ErrorCode::Required);
        } else if v.chars().count() > max {
            self.fail(field, ErrorCode::TooLong);
        } else if v
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.fail(field, ErrorCode::InvalidValue);
        }
        v.to_owned()
    }

    fn slug(&mut self, raw: &str) -> String {
        let v = raw.trim();
        if v.is_empty() {
            self.fail("slug", ErrorCode::Required);
        } else if v.len() > SLUG_MAX {
            self.fail("slug", ErrorCode::TooLong);
        } else if !crate::validate::is_slug(v) {
            self.fail("slug", ErrorCode::InvalidValue);
        }
        v.to_owned()
    }

    fn goal(&mut self, goal: Option<u64>) -> u32 {
        match goal {
            None => self.fail("goal", ErrorCode::Required),
            Some(g) if g == 0 || g > GOAL_MAX => self.fail("goal", ErrorCode::InvalidValue),
            Some(g) => return g as u32,
        }
        0
    }

    fn look(&mut self, langs: &[String], accent: &str, share_text: &str) -> Look {
        let mut tags: Vec<String> = Vec::new();
        for l in langs {
            match Lang::from_tag(l).map(Lang::tag) {
                Some(t) if !tags.iter().any(|x| x == t) => tags.push(t.to_owned()),
                _ => {
                    self.fail("langs", ErrorCode::InvalidValue);
                    break;
                }
            }
        }
        let accent = accent.trim().to_ascii_lowercase();
        if !accent.is_empty() && contrast_with_white(&accent).is_none_or(|c| c < MIN_CONTRAST) {
            self.fail("accent", ErrorCode::InvalidValue);
        }
        let share_text = self.text("share_text", share_text, SHARE_TEXT_MAX, false);
        Look {
            langs: tags,
            accent,
            share_text,
        }
    }

    /// Each translation is into one of the item's languages other than its first, and holds
    /// what the item itself must (`needs`), within the same limits.
    fn translations(
        &mut self,
        given: &BTreeMap<String, Translation>,
        look: &Look,
        needs: Needs,
    ) -> BTreeMap<String, Translation> {
        let mut translations = BTreeMap::new();
        for (tag, t) in given {
            let lang = Lang::from_tag(tag).map(Lang::tag);
            let offered = lang.is_some_and(|l| look.langs.iter().skip(1).any(|x| x == l));
            let mut inner = Check(Vec::new());
            let done = Translation {
                title: inner.text("title", &t.title, TITLE_MAX, true),
                body: inner.text("body", &t.body, BODY_MAX, needs.body),
                target: inner.text("target", &t.target, TARGET_MAX, needs.target),
                share_text: inner.text("share_text", &t.share_text, SHARE_TEXT_MAX, false),
            };
            if !needs.target && !done.target.is_empty() {
                inner.fail("target", ErrorCode::InvalidValue);
            }
            match (offered, lang) {
                (true, Some(l)) if inner.0.is_empty() => {
                    translations.insert(l.to_owned(), done);
                }
                _ => {
                    self.fail("translations", ErrorCode::InvalidValue);
                    break;
                }
            }
        }
        translations
    }

    pub(crate) fn done<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

impl PetitionDraft {
    /// Checks every field; on failure lists every problem, in form order.
    pub fn validate(&self) -> Result<ValidPetition, Vec<FieldError>> {
        let mut c = Check(Vec::new());
        let slug = c.slug(&self.slug);
        let title = c.text("title", &self.title, TITLE_MAX, true);
        let body = c.text("body", &self.body, BODY_MAX, true);
        let target = c.text("target", &self.target, TARGET_MAX, true);
        let goal = c.goal(self.goal);
        let look = c.look(&self.langs, &self.accent, &self.share_text);
        let needs = Needs {
            body: true,
            target: true,
        };
        let translations = c.translations(&self.translations, &look, needs);
        c.done(ValidPetition {
            slug,
            title,
            body,
            target,
            goal,
            status: self.status.unwrap_or(PetitionStatus::Open),
            published: self.published.unwrap_or(true),
            look,
            translations,
        })
    }
}

impl PledgeDraft {
    /// Checks every field; on failure lists every problem, in form order.
    pub fn validate(&self) -> Result<ValidPledge, Vec<FieldError>> {
        let mut c = Check(Vec::new());
        let slug = c.slug(&self.slug);
        let statement = c.text("statement", &self.statement, TITLE_MAX, true);
        let body = c.text("body", &self.body, BODY_MAX, false);
        match (self.starts_at, self.ends_at) {
            (None, Some(_)) => c.fail("starts_at", ErrorCode::Required),
            (Some(s), Some(e)) if e <= s => c.fail("ends_at", ErrorCode::InvalidValue),
            _ => {}
        }
        let place = c.text("place", &self.place, PLACE_MAX, false);
        let goal = c.goal(self.goal);
        let look = c.look(&self.langs, &self.accent, &self.share_text);
        let needs = Needs {
            body: !body.is_empty(),
            target: false,
        };
        let translations = c.translations(&self.translations, &look, needs);
        c.done(ValidPledge {
            slug,
            statement,
            body,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            place: (!place.is_empty()).then_some(place),
            goal,
            status: self.status.unwrap_or(PetitionStatus::Open),
            published: self.published.unwrap_or(true),
            look,
            translations,
        })
    }
}

/// The WCAG 2 contrast ratio of `#rrggbb` against white; `None` if it is not such a colour.
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(h.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    let l = 0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?;
    Some(1.05 / (l + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn petition() -> PetitionDraft {
        PetitionDraft {
            slug: "clean-river".into(),
            title: "Clean the river".into(),
            body: "Stop the dumping.".into(),
            target: "The city council".into(),
            goal: Some(500),
            langs: vec!["pt".into(), "en".into()],
            accent: "#1A5FD0".into(),
            ..PetitionDraft::default()
        }
    }

    use crate::error::problems as fields;

    #[test]
    fn translations_are_into_the_petitions_other_languages_and_complete() {
        let t = |title: &str| Translation {
            title: title.into(),
            body: "Parem o despejo.".into(),
            target: "A câmara".into(),
            share_text: String::new(),
        };
        let with = |pairs: &[(&str, Translation)]| PetitionDraft {
            langs: vec!["en".into(), "pt-BR".into()],
            translations: pairs
                .iter()
                .map(|(k, v)| ((*k).into(), v.clone()))
                .collect(),
            ..petition()
        };
        let ok = with(&[("pt", t(" Limpem o rio "))]).validate().unwrap();
        assert_eq!(
            ok.translations["pt-BR"].title, "Limpem o rio",
            "tag normalised, text trimmed"
        );
        let cases: Vec<(PetitionDraft, Vec<(&str, ErrorCode)>)> = vec![
            (
                with(&[("es", t("Limpien el río"))]),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
            (
                with(&[("en", t("Clean"))]),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
            (
                with(&[("pt-BR", t(""))]),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
            (
                with(&[("xx", t("?"))]),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
            (with(&[]), vec![]),
        ];
        for (draft, want) in cases {
            let got = match draft.validate() {
                Ok(_) => vec![],
                Err(e) => e.into_iter().map(|e| (e.field, e.code)).collect(),
            };
            assert_eq!(got, want, "{:?}", draft.translations);
        }
    }

    #[test]
    fn a_good_draft_is_normalised() {
        let v = petition().validate().unwrap();
        assert_eq!(v.look.langs, ["pt-BR", "en"]);
        assert_eq!(v.look.accent, "#1a5fd0");
        assert_eq!(v.status, PetitionStatus::Open);
        assert_eq!(v.goal, 500);
    }

    #[test]
    fn every_problem_is_named_in_form_order() {
        let bad = PetitionDraft {
            slug: "Clean River".into(),
            title: " ".into(),
            target: "x".repeat(TARGET_MAX + 1),
            goal: Some(0),
            langs: vec!["fr".into()],
            accent: "#ffff00".into(),
            share_text: "a\u{0}b".into(),
            ..petition()
        };
        use ErrorCode::*;
        assert_eq!(
            fields(bad.validate()),
            [
                ("slug", InvalidValue),
                ("title", Required),
                ("target", TooLong),
                ("goal", InvalidValue),
                ("langs", InvalidValue),
                ("accent", InvalidValue),
                ("share_text", InvalidValue),
            ]
        );
        let missing = PetitionDraft::default();
        assert_eq!(
            fields(missing.validate()),
            [
                ("slug", Required),
                ("title", Required),
                ("body", Required),
                ("target", Required),
                ("goal", Required),
            ]
        );
        let twice = PetitionDraft {
            langs: vec!["es".into(), "es-MX".into()],
            ..petition()
        };
        assert_eq!(fields(twice.validate()), [("langs", InvalidValue)]);
    }

    #[test]
    fn accents_need_contrast_with_white_text() {
        // (colour, passes): Rally's green and dark blues pass; yellow and light grey do not.
        let cases = [
            ("#0b7a3e", true),
            ("#1a5fd0", true),
            ("#000000", true),
            ("#767676", true), // 4.54:1, the lightest grey that passes
            ("#777777", false),
            ("#ffff00", false),
            ("#fff", false),
            ("0b7a3e", false),
            ("#0b7a3g", false),
        ];
        for (hex, ok) in cases {
            let d = PetitionDraft {
                accent: hex.into(),
                ..petition()
            };
            assert_eq!(d.validate().is_ok(), ok, "{hex}");
        }
        let white = contrast_with_white("#ffffff").unwrap();
        assert!((white - 1.0).abs() < 1e-9);
        assert!((contrast_with_white("#000000").unwrap() - 21.0).abs() < 1e-9);
    }

    #[test]
    fn pledge_times_must_be_in_order() {
        let p = PledgeDraft {
            slug: "vote".into(),
            statement: "I will vote".into(),
            goal: Some(100),
            starts_at: Some(2_000),
            ends_at: Some(1_000),
            ..PledgeDraft::default()
        };
        assert_eq!(fields(p.validate()), [("ends_at", ErrorCode::InvalidValue)]);
        let no_start = PledgeDraft {
            starts_at: None,
            ..p.clone()
        };
        assert_eq!(
            fields(no_start.validate()),
            [("starts_at", ErrorCode::Required)]
        );
        let ok = PledgeDraft {
            ends_at: Some(3_000),
            place: "  ".into(),
            ..p
        };
        assert_eq!(ok.validate().unwrap().place, None);
    }

    #[test]
    fn pledge_translations_carry_the_statement_and_the_text_its_default_has() {
        let t = |title: &str, body: &str, target: &str| Translation {
            title: title.into(),
            body: body.into(),
            target: target.into(),
            share_text: String::new(),
        };
        let with = |body: &str, tr: Translation| PledgeDraft {
            slug: "vote".into(),
            statement: "I will vote".into(),
            body: body.into(),
            goal: Some(100),
            langs: vec!["en".into(), "es".into()],
            translations: [("es".to_owned(), tr)].into(),
            ..PledgeDraft::default()
        };
        let cases: Vec<(PledgeDraft, Vec<(&str, ErrorCode)>)> = vec![
            (with("", t("Votaré", "", "")), vec![]),
            (
                with("Bring a friend.", t("Votaré", "Trae a alguien.", "")),
                vec![],
            ),
            (
                with("Bring a friend.", t("Votaré", "", "")),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
            (
                with("", t("", "", "")),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
            (
                with("", t("Votaré", "", "El concejo")),
                vec![("translations", ErrorCode::InvalidValue)],
            ),
        ];
        for (draft, want) in cases {
            assert_eq!(fields(draft.validate()), want, "{:?}", draft.translations);
        }
    }

    #[test]
    fn presented_views_carry_their_look_beside_the_fields() {
        let p = Presented {
            view: serde_json::json!({ "slug": "x", "count": 3 }),
            look: Look {
                accent: "#1a5fd0".into(),
                ..Look::default()
            },
            turnstile: String::new(),
            translations: BTreeMap::new(),
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["slug"], "x");
        assert_eq!(v["look"]["accent"], "#1a5fd0");
        let back: Presented<serde_json::Value> = serde_json::from_value(v).unwrap();
        assert_eq!(back.look.accent, "#1a5fd0");
    }
}

/// A petition or pledge as the builder edits it, with its count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Built<D> {
    #[serde(flatten)]
    pub draft: D,
    pub count: u64,
    /// How many Durable Object shards take its actions (0: the direct path; issue 25).
    #[serde(default)]
    pub shards: u32,
}

/// `GET .../staff/widgets`: every petition and pledge of the campaign, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Widgets {
    pub petitions: Vec<Built<PetitionDraft>>,
    pub pledges: Vec<Built<PledgeDraft>>,
}
