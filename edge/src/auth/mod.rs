//! Who is asking: supporters by their token (one check, used by every route that acts as a
//! supporter), staff by credential or session cookie, with their role and the cross-site check;
//! API tokens (`OSDI-API-Token`); connector keys sealed at rest; Turnstile tokens, verified
//! where a campaign asks for them.

pub mod seal;
pub mod staff;
pub mod supporter;
pub mod token;
pub mod turnstile;
