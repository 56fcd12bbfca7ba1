//! The three languages Rally speaks, and how a BCP 47 tag picks one.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "es")]
    Es,
}

impl Lang {
    /// The language for a tag such as `pt-BR`, `pt`, `es-MX`, `EN_us`; `None` for others.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "pt" => Some(Lang::PtBr),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The first supported tag of `tags` (explicit attribute, page, browser), else English.
    pub fn pick<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or_default()
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
            Lang::Es => "es",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn tags() {
        let cases = [
            ("en", Some(Lang::En)),
            ("en-GB", Some(Lang::En)),
            ("pt-BR", Some(Lang::PtBr)),
            ("pt", Some(Lang::PtBr)),
            ("pt_PT", Some(Lang::PtBr)),
            ("ES-mx", Some(Lang::Es)),
            (" es ", Some(Lang::Es)),
            ("fr", None),
            ("", None),
            ("english", None),
        ];
        for (tag, want) in cases {
            assert_eq!(Lang::from_tag(tag), want, "{tag:?}");
        }
    }

    #[test]
    fn pick_order() {
        assert_eq!(Lang::pick(["", "pt-BR", "en"]), Lang::PtBr);
        assert_eq!(Lang::pick(["fr", "de"]), Lang::En);
        assert_eq!(Lang::pick(["es", "pt"]), Lang::Es);
        assert_eq!(Lang::PtBr.tag(), "pt-BR");
    }
}
