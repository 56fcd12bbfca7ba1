//! Pledges: a commitment to act, with an optional time and place, counted toward a goal.

use serde::{Deserialize, Serialize};

use crate::{PetitionStatus, RecentSigner};

/// `GET /api/v1/campaigns/{campaign}/pledges/{pledge}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PledgeView {
    pub campaign: String,
    pub slug: String,
    /// What the supporter commits to: "I will vote on 6 October".
    pub statement: String,
    pub body: String,
    /// When (ms since the epoch), if the pledge is to act at a time.
    #[serde(default)]
    pub starts_at: Option<u64>,
    #[serde(default)]
    pub ends_at: Option<u64>,
    #[serde(default)]
    pub place: Option<String>,
    /// The campaign's time zone (IANA), in which the edge's own page writes the date.
    #[serde(default)]
    pub timezone: String,
    pub status: PetitionStatus,
    pub count: u32,
    pub goal: u32,
    pub recent: Vec<RecentSigner>,
    pub as_of: u64,
    /// Present when the pledge has a time.
    #[serde(default)]
    pub calendar: Option<CalendarLinks>,
}

/// Add-to-calendar links: the edge's `.ics` file and Google Calendar's form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarLinks {
    pub ics: String,
    pub google: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PledgeStatus {
    Pledged,
    AlreadyPledged,
}

/// The answer to `POST .../pledges/{pledge}/commitments`: `201` pledged, `200` already pledged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PledgeResponse {
    pub status: PledgeStatus,
    pub count: u32,
    pub goal: u32,
    pub ref_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supporter_token: Option<String>,
    #[serde(default)]
    pub calendar: Option<CalendarLinks>,
    /// The next step on the campaign's engagement ladder, in the supporter's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<crate::ladder::NextStep>,
}
