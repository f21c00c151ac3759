//! The rules of motcua's four online procedures, shared by the phone (WASM) and the server.
//!
//! What belongs here: the procedures and their typed forms, field types that parse, validation with
//! legal citations, the working-day calendar, fees and the dossier lifecycle. What does not: any I/O
//! (network, files, clocks read from the system, databases). The crate builds for `wasm32-unknown-unknown`
//! and natively, so the phone and the server run the very same code.
#![warn(missing_docs)]

pub mod accounts;
pub mod api;
pub mod attachments;
pub mod calendar;
pub mod data;
pub mod documents;
pub mod dossier_code;
pub mod fees;
mod fields;
pub mod forms;
mod lang;
pub mod lifecycle;
mod procedure;
pub mod results;
pub mod text;
pub mod validation;

pub use data::{
    Commune, CommuneType, MaNganh, MaNganhError, MaXa, MaXaError, VsicLevel, search_communes,
    search_vsic,
};
pub use dossier_code::{DossierCode, DossierCodeError, DossierCodeFormat};
pub use fees::{Channel, FeeRule, FeeSchedule};
pub use fields::*;
pub use forms::{
    Context, Draft, DraftId, FormVersion, Jurisdiction, MaSoHoKinhDoanh, Submission, validate,
    validate_draft,
};
pub use lang::{Lang, UnknownLang};
pub use procedure::{Authority, LegalRef, Procedure, ProcessingTime, UnknownProcedure};
pub use validation::{Citation, FieldError, MessageKey};
