//! Handlers of the public API, the one widgets call from any site (CORS for every origin):
//! acting on petitions and pledges, boards, teams, the supporter's own standing, fact-checks.

pub mod act;
pub mod boards;
pub mod factcheck;
pub mod ladder;
pub mod me;
pub mod petition;
pub mod pledge;
pub mod teams;
