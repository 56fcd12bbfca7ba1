//! Rally's wire types and validation: the one contract between the widgets and the edge.
//!
//! Everything here is serialized across the network, so every public type is a compatibility
//! promise of `/api/v1` (documented in `docs/API.md`; a tidy test keeps the two in step).
//!
//! Architecture invariant: this crate depends on serde and nothing else. It knows nothing about
//! Cloudflare Workers, Yew or the browser, so the exact same validation compiles into the widget
//! (instant feedback next to the field) and into the edge (the check that counts).

mod board;
pub mod builder;
pub mod calendar;
pub mod cluster;
mod error;
pub mod factcheck;
mod goal;
pub mod hub;
pub mod integrations;
pub mod ladder;
mod lang;
pub mod people;
mod petition;
mod pledge;
pub mod push;
pub mod rank;
pub mod region;
pub mod routes;
pub mod shards;
pub mod share;
pub mod staff;
mod team;
pub mod validate;
pub mod week;
pub mod words;

pub use board::{Board, BoardEntry, MeUpdate, SupporterView, WeekProgress};
pub use builder::{
    Look, PetitionDraft, PledgeDraft, Presented, Translation, ValidPetition, ValidPledge,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail, FieldError};
pub use factcheck::{
    ClaimEvent, ClaimStatus, ClaimUpdate, ClaimView, MergeClaims, Rebuttal, RebuttalFeed,
    ReportRequest, ReportResponse, ReportView, SeenCount, SeenOn, Source, SplitClaim,
    ValidClaimUpdate, ValidReport, Verdict,
};
pub use goal::next_goal;
pub use lang::Lang;
pub use petition::{
    PetitionStatus, PetitionView, RecentSigner, ReferralView, SignRequest, SignResponse,
    SignStatus, Tracking, ValidSignature,
};
pub use pledge::{CalendarLinks, PledgeResponse, PledgeStatus, PledgeView};
pub use team::{JoinTeam, NewTeam, TeamView, TEAM_NAME_MAX};
