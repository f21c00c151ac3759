//! One page per file.

pub mod account;
pub mod admin;
pub mod audit_log;
pub mod dossiers;
pub mod form;
pub mod home;
pub mod left_drafts;
pub mod lookup;
pub mod lookup_detail;
pub mod not_found;
pub mod notifications;
pub mod procedure;
pub mod staff;
pub mod supplement;
pub mod verify;

pub use dossiers::{DossierPage, MyDossiers};
pub use form::{EditPage, StartPage};
pub use home::Home;
pub use lookup::LookupPage;
pub use not_found::NotFound;
pub use procedure::ProcedurePage;
pub use verify::VerifyPage;
