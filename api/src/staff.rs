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
        let e = bad.validate().unwrap_err();
        assert_eq!(
            e.iter().map(|e| (e.field, e.code)).collect::<Vec<_>>(),
            [
                ("name", ErrorCode::Required),
                ("role", ErrorCode::InvalidValue)
            ]
        );
    }
}
