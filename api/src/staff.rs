//! Staff of a campaign, as an owner manages them.

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, FieldError};

/// The roles, most powerful first: `owner` (everything, manages staff), `organiser` (widgets,
/// exports), `moderator` (the fact-check queue, hiding names), `viewer` (reads only).
pub const ROLES: [&str; 4] = ["owner", "organiser", "moderator", "viewer"];

/// `POST /api/v1/campaigns/{campaign}/staff/members`: an owner issues a credential.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewStaff {
    pub name: String,
    pub role: String,
}

impl NewStaff {
    /// The member's name (as a person's name is checked) and role.
    pub fn validate(&self) -> Result<(String, &'static str), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = crate::validate::name(&self.name).unwrap_or_else(|code| {
            errors.push(FieldError {
                field: "name",
                code,
            });
            String::new()
        });
        let role = ROLES.iter().find(|r| **r == self.role.trim());
        if role.is_none() {
            errors.push(FieldError {
                field: "role",
                code: if self.role.trim().is_empty() {
                    ErrorCode::Required
                } else {
                    ErrorCode::InvalidValue
                },
            });
        }
        match role {
            Some(r) if errors.is_empty() => Ok((name, r)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_roles() {
        let ok = NewStaff {
            name: "  Rita   Reis ".into(),
            role: "moderator".into(),
        };
        assert_eq!(ok.validate().unwrap(), ("Rita Reis".into(), "moderator"));
        let bad = NewStaff {
            name: String::new(),
            role: "admin".into(),
        };
        assert_eq!(
            crate::error::problems(bad.validate()),
            [
                ("name", ErrorCode::Required),
                ("role", ErrorCode::InvalidValue)
            ]
        );
    }
}

/// `GET` and `PUT /api/v1/campaigns/{campaign}/staff/campaign`: the campaign's settings. Owners
/// change them; changes apply to actions from then on (points already earned stay).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignSettings {
    pub name: String,
    /// IANA time zone (`America/Sao_Paulo`): weeks start on its Mondays, the overview's days at
    /// its midnights. The edge checks that its runtime knows the zone.
    pub timezone: String,
    /// Actions a week a supporter aims for.
    pub weekly_goal: Option<u64>,
    /// Most members a team may have (its leader included).
    pub team_size: Option<u64>,
    pub points_sign: Option<u64>,
    pub points_pledge: Option<u64>,
    pub points_report: Option<u64>,
    pub points_recruit: Option<u64>,
}

/// Bounds of the numeric settings, `(field, least, most)`.
pub const SETTING_BOUNDS: [(&str, u64, u64); 6] = [
    ("weekly_goal", 1, 100),
    ("team_size", 2, 50),
    ("points_sign", 0, 1000),
    ("points_pledge", 0, 1000),
    ("points_report", 0, 1000),
    ("points_recruit", 0, 1000),
];

impl CampaignSettings {
    /// Checks every field; on failure lists every problem.
    pub fn validate(&self) -> Result<CampaignSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(FieldError {
                field: "name",
                code: ErrorCode::Required,
            });
        } else if name.chars().count() > 80 {
            errors.push(FieldError {
                field: "name",
                code: ErrorCode::TooLong,
            });
        }
        let tz = self.timezone.trim();
        let tz_ok = !tz.is_empty()
            && tz.len() <= 64
            && tz
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
        if !tz_ok {
            errors.push(FieldError {
                field: "timezone",
                code: if tz.is_empty() {
                    ErrorCode::Required
                } else {
                    ErrorCode::InvalidValue
                },
            });
        }
        let values = [
            self.weekly_goal,
            self.team_size,
            self.points_sign,
            self.points_pledge,
            self.points_report,
            self.points_recruit,
        ];
        for ((field, least, most), v) in SETTING_BOUNDS.iter().zip(values) {
            match v {
                None => errors.push(FieldError {
                    field,
                    code: ErrorCode::Required,
                }),
                Some(v) if v < *least || v > *most => errors.push(FieldError {
                    field,
                    code: ErrorCode::InvalidValue,
                }),
                Some(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(CampaignSettings {
                name,
                timezone: tz.to_owned(),
                ..self.clone()
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    fn good() -> CampaignSettings {
        CampaignSettings {
            name: " Save  the park ".into(),
            timezone: "America/Sao_Paulo".into(),
            weekly_goal: Some(3),
            team_size: Some(8),
            points_sign: Some(10),
            points_pledge: Some(20),
            points_report: Some(10),
            points_recruit: Some(50),
        }
    }

    #[test]
    fn settings_are_bounded() {
        assert_eq!(good().validate().unwrap().name, "Save the park");
        let bad = CampaignSettings {
            timezone: "Mars/Olympus Mons".into(),
            team_size: Some(1),
            points_sign: Some(5000),
            points_report: None,
            ..good()
        };
        assert_eq!(
            crate::error::problems(bad.validate()),
            [
                ("timezone", ErrorCode::InvalidValue),
                ("team_size", ErrorCode::InvalidValue),
                ("points_sign", ErrorCode::InvalidValue),
                ("points_report", ErrorCode::Required),
            ]
        );
    }
}
