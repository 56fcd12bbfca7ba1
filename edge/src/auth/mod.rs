//! Who is asking: supporters by their token (one check, used by every route that acts as a
//! supporter), staff by credential or session cookie, with their role and the cross-site check.

pub mod staff;
pub mod supporter;
pub mod token;
