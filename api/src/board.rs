//! Leaderboards and a supporter's own standing.

use serde::{Deserialize, Serialize};

/// One row of a board. Ties share a rank (see [`crate::rank`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardEntry {
    pub rank: u32,
    /// A nickname, or first name and initial; never an email or a full surname.
    pub name: String,
    pub points: u32,
    /// True on the row of the supporter who asked (with their token).
    #[serde(default)]
    pub me: bool,
}

/// `GET /api/v1/campaigns/{campaign}/leaderboards/mobilisers?period=all|week`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub board: String,
    /// `all`, or the week key (`2026-W47`) of the campaign's current week.
    pub period: String,
    /// The top of the board: supporters who opted out or were hidden by staff are left out,
    /// but still count towards everyone's rank.
    pub entries: Vec<BoardEntry>,
    /// The asking supporter's own row, also when outside the top (present only with a token).
    #[serde(default)]
    pub me: Option<BoardEntry>,
    /// The campaign's Cloudflare Turnstile site key when it asks for the check on teams.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub turnstile: String,
}

/// `GET /api/v1/campaigns/{campaign}/me`: the supporter's standing, for greeting and goals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupporterView {
    pub name: String,
    pub points: u32,
    pub rank: u32,
    /// Whether the supporter appears on public boards.
    pub listed: bool,
    /// The region the supporter counts for on the regions board.
    #[serde(default)]
    pub region: Option<String>,
    pub week: WeekProgress,
    /// The supporter's referral code, for their personal link (`?ref=CODE`).
    pub ref_code: String,
    /// The supporter's team, as its members see it.
    #[serde(default)]
    pub team: Option<crate::TeamView>,
    /// Where they stand on the campaign's engagement ladder, what the next rung needs, and
    /// its ask (in the language of `?lang=`, else the one they acted in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ladder: Option<crate::ladder::NextStep>,
}

/// Progress toward the weekly goal ("2 of 3 this week").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekProgress {
    pub week: String,
    pub actions: u32,
    pub goal: u32,
    pub points: u32,
    pub rank: u32,
}

/// `PATCH /api/v1/campaigns/{campaign}/me`: what a supporter may change about how boards show
/// them. Absent fields stay as they are; `nickname: null` goes back to first name and initial.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MeUpdate {
    #[serde(default)]
    pub listed: Option<bool>,
    #[serde(default, with = "double_option")]
    pub nickname: Option<Option<String>>,
    /// The region to count for on the regions board (`BR-SP`, `US-CA`, `ES`); see
    /// [`crate::region`].
    #[serde(default)]
    pub region: Option<String>,
}

impl MeUpdate {
    /// The update with a valid, normalised nickname (1 to 30 characters, same rules as names).
    pub fn validate(&self) -> Result<MeUpdate, Vec<crate::FieldError>> {
        let nickname = match &self.nickname {
            Some(Some(n)) => match crate::validate::name(n) {
                Ok(n) if n.chars().count() <= 30 => Some(Some(n)),
                Ok(_) => {
                    return Err(vec![crate::FieldError {
                        field: "nickname",
                        code: crate::ErrorCode::TooLong,
                    }])
                }
                Err(code) => {
                    return Err(vec![crate::FieldError {
                        field: "nickname",
                        code,
                    }])
                }
            },
            other => other.clone(),
        };
        let region = match &self.region {
            Some(r) => Some(crate::region::parse(r).ok_or_else(|| {
                vec![crate::FieldError {
                    field: "region",
                    code: crate::ErrorCode::InvalidValue,
                }]
            })?),
            None => None,
        };
        Ok(MeUpdate {
            listed: self.listed,
            nickname,
            region,
        })
    }
}

/// `Option<Option<T>>` that tells a missing field (`None`) from `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().and_then(Option::as_ref).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nickname_rules() {
        let parse = |j: &str| serde_json::from_str::<MeUpdate>(j).unwrap();
        assert_eq!(parse("{}").nickname, None);
        assert_eq!(parse(r#"{"nickname":null}"#).nickname, Some(None));
        assert_eq!(
            parse(r#"{"nickname":"  Ana  Rocha "}"#)
                .validate()
                .unwrap()
                .nickname,
            Some(Some("Ana Rocha".into()))
        );
        let err = |j: &str| parse(j).validate().unwrap_err()[0].code;
        assert_eq!(err(r#"{"nickname":""}"#), crate::ErrorCode::Required);
        assert_eq!(
            err(&format!(r#"{{"nickname":"{}"}}"#, "a".repeat(31))),
            crate::ErrorCode::TooLong
        );
        assert_eq!(
            err(r#"{"nickname":"http://spam.example"}"#),
            crate::ErrorCode::InvalidValue
        );
        assert_eq!(
            parse(r#"{"listed":false}"#).validate().unwrap().listed,
            Some(false)
        );
    }
}
