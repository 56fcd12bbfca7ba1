//! Teams: small, named, led by a volunteer; joined through an invite link.

use serde::{Deserialize, Serialize};

use crate::{validate, ErrorCode, FieldError};

/// `POST /api/v1/campaigns/{campaign}/teams`: start a team and lead it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewTeam {
    pub name: String,
}

/// `POST /api/v1/campaigns/{campaign}/teams/join`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JoinTeam {
    pub invite: String,
    /// Whether the team's leader may contact the member (the hub's nudges); off by default.
    pub leader_contact: bool,
}

pub const TEAM_NAME_MAX: usize = 40;

impl NewTeam {
    /// The team name, normalised: the rules of a person's name, up to 40 characters.
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let err = |code| {
            vec![FieldError {
                field: "name",
                code,
            }]
        };
        let long = self
            .name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .count()
            > TEAM_NAME_MAX;
        if long {
            return Err(err(ErrorCode::TooLong));
        }
        // A person's name may be 60 long; a team's 40, checked above.
        validate::name(&self.name).map_err(err)
    }
}

/// A team as its members and its invite page see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub name: String,
    /// For the invite link: `?team=CODE` on the campaign's page.
    pub invite: String,
    pub size: u32,
    pub limit: u32,
    /// The leader's public name (nickname, or first name and initial).
    pub leader: Option<String>,
    pub points: u32,
    /// Members' public names, leader first; only for members (empty on the public invite view).
    #[serde(default)]
    pub members: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_names() {
        let ok = |n: &str| NewTeam { name: n.into() }.validate();
        assert_eq!(ok("  Praça  Roosevelt "), Ok("Praça Roosevelt".into()));
        assert_eq!(ok(&"a".repeat(40)), Ok("a".repeat(40)));
        assert_eq!(ok(&"a".repeat(41)).unwrap_err()[0].code, ErrorCode::TooLong);
        assert_eq!(ok("").unwrap_err()[0].code, ErrorCode::Required);
        assert_eq!(
            ok("http://x.example").unwrap_err()[0].code,
            ErrorCode::InvalidValue
        );
    }
}
