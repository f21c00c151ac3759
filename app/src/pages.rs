//! One page per file.

pub mod home;
pub mod lookup;
pub mod not_found;
pub mod procedure;

pub use home::Home;
pub use lookup::LookupPage;
pub use not_found::NotFound;
pub use procedure::ProcedurePage;
